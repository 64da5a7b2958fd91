# L'inventaire d'un territoire : ce qu'il partage et ce qu'il recherche.
inventory-title = Inventaire
inventory-shares = Ce que nous partageons
inventory-seeks = Ce que nous recherchons
field-inventory-shares = Ce que nous pouvons partager (compétences, équipements, lieux)
field-inventory-seeks = Ce que nous recherchons
inventory-hint = Une entrée par ligne, suivie de mots-clés si besoin : « Découpeuse laser #équipement ».
directory-inventory = Partage ou recherche
