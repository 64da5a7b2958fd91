## Le tableau d'appariement et « qui pourrait aider »
matchboard-title = Tableau d'appariement
matchboard-intro = Chaque besoin ouvert que ce nœud connaît, avec les offres, ressources et tiers-lieux qui pourraient y répondre.
matchboard-no-needs = Aucun besoin ouvert pour ces filtres.
matchboard-bad-filter = Filtres illisibles : vérifiez le thème et le lieu (latitude,longitude,km).
matchboard-inventory-of = Proposé par { $territory }
nav-matching = Appariement
