## Photos des publications

media-legend = Photo
media-file = Choisir une photo
media-replace = Remplacer la photo
media-file-hint = JPEG, PNG, WebP ou GIF, { $max } Mo au plus. Elle est redimensionnée, et ses métadonnées (position GPS, appareil) sont effacées.
media-alt = Description de la photo
media-alt-hint = Ce que montre la photo, pour les personnes qui ne la voient pas. Obligatoire avec une photo.
media-current = Photo actuelle
media-remove = Retirer la photo
media-choose-again = Le formulaire contenait une erreur : choisissez de nouveau votre photo.
media-alt-without-photo = Choisissez la photo que cette description accompagne, ou effacez la description.
media-not-a-picture = Ce fichier n'est pas une photo JPEG, PNG, WebP ou GIF.
media-too-many-pixels = Cette image est trop grande (50 mégapixels et 12 000 pixels de côté au plus).
media-damaged = Cette image est abîmée ou incomplète.
media-too-large = Ce fichier est trop lourd : 10 Mo au plus.
media-bad-form = Ce formulaire n'a pas pu être lu. Rechargez la page et réessayez.
