# Festivals et collections (branche festivals).
festival-dates = Du { $starts } au { $ends }
festival-collection = Collection
festival-count-events = { $count ->
    [one] événement
   *[other] événements
}
festival-count-territories = { $count ->
    [one] territoire
   *[other] territoires
}
festival-count-places = { $count ->
    [one] place offerte
   *[other] places offertes
}
festival-follow = Suivez ce festival depuis Mastodon ou tout compte du fédivers : chaque événement retenu apparaît dans votre fil.
festival-widget = Widget à intégrer
festival-programme = Programme
festival-map = Carte des événements
festival-empty = Aucun événement retenu pour l'instant.
festival-submissions = Propositions
festival-accept = Retenir
festival-refuse = Refuser
festival-submit = Proposer à un festival
festival-submit-target = Festival ou collection (nom ici, ou @nom@nœud ailleurs)
festival-state-pending = en attente
festival-state-accepted = retenu
festival-state-refused = refusé
festival-state-withdrawn = retiré
festival-withdraw = Retirer
festival-no-submissions = Aucune proposition pour l'instant.
festival-submit-publication = Publication
festival-nothing-to-submit = Publiez d'abord un événement.
festival-submit-refused = Cette proposition n'est pas recevable (périmètre, dates, type ou festival inconnu).
festival-bad-decision = Décision inconnue.
festival-done-accepted = Proposition retenue.
festival-done-refused = Proposition refusée.
festival-done-submitted = Proposition envoyée.
festival-done-withdrawn = Proposition retirée.
festival-follow-title = Suivre ce festival
festival-admin-title = Festivals et collections
festival-new = Nouveau festival ou collection
festival-field-name = Nom
festival-field-slug = Identifiant (adresse @identifiant@nœud)
festival-field-description = Description
festival-field-role = Sorte
festival-role-festival = Festival
festival-field-starts = Premier jour
festival-field-ends = Dernier jour
festival-field-perimeter = Qui peut proposer
festival-perimeter-open = Tous les territoires
festival-perimeter-territories = Ces territoires (identifiants ou adresses, séparés par des virgules)
festival-perimeter-region = Les événements d'une région
festival-field-latitude = Latitude
festival-field-longitude = Longitude
festival-field-radius = Rayon (km)
festival-field-auto-accept = Retenir sans attendre ce qui est dans le périmètre
festival-field-curators = Curateurs (noms d'utilisateur, séparés par des virgules)
festival-create = Créer
