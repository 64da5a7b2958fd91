# Ce qu'on dit aux éditeurs d'un appel quand une nouvelle publication y répond.
notices-title = Nouvelles correspondances
notice-match = Pourrait répondre à votre appel :
