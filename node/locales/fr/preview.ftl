## Aperçus de liens (OpenGraph) et recherche de coordonnées depuis une adresse

preview-home = L'agenda, les ressources et les appels à collaboration des lieux apprenants de { $node }.
preview-list-event = Ateliers, rencontres et festivals à venir dans les lieux apprenants de { $node } et du réseau.
preview-list-resource = Ressources pédagogiques partagées par les lieux apprenants de { $node } et du réseau.
preview-list-call = Appels à collaboration ouverts dans les lieux apprenants de { $node } et du réseau.
preview-list-archive = Événements passés et appels clos de { $node }, avec ce qu'ils ont donné.
preview-network = Les lieux apprenants que { $node } connaît dans le réseau : ce qu'ils partagent et ce qu'ils cherchent.

geocode-legend = Trouver le lieu
geocode-find = Trouver les coordonnées depuis l'adresse
geocode-results = Lieux trouvés : choisissez le bon.
geocode-use = Prendre ce lieu
geocode-none = Aucun lieu trouvé pour cette adresse. Vérifiez-la, ou saisissez les coordonnées.
geocode-no-address = Saisissez d'abord une adresse (ou un nom de lieu).
geocode-failed = Le service de géocodage n'a pas répondu correctement. Réessayez plus tard, ou saisissez les coordonnées.
geocode-too-many = Trop de recherches d'adresse d'affilée : patientez une minute.
geocode-filled = Coordonnées remplies : { $label }. Vérifiez-les avant d'enregistrer.
geocode-map-hint = Cliquez sur la carte pour placer le lieu : la latitude et la longitude se remplissent.
