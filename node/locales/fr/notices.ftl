# Ce qu'on dit aux éditeurs d'un appel quand une nouvelle publication y répond.
notices-title = Nouvelles correspondances
notice-match = Pourrait répondre à votre appel :
notices-unseen = { $count ->
    [0] rien de nouveau
    [one] une nouvelle
   *[other] { $count } nouvelles
}
notice-new = Nouveau
notices-all = Toutes les correspondances
notices-mark-seen = Marquer comme vues
notices-none = Aucune correspondance pour l'instant.
