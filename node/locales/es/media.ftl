## Fotos de las publicaciones

media-legend = Foto
media-file = Elegir una foto
media-replace = Sustituir la foto
media-file-hint = JPEG, PNG, WebP o GIF, { $max } MB como máximo. Se redimensiona y se borran sus metadatos (posición GPS, cámara).
media-alt = Descripción de la foto
media-alt-hint = Lo que muestra la foto, para las personas que no pueden verla. Obligatoria si hay foto.
media-current = Foto actual
media-remove = Quitar la foto
media-choose-again = El formulario contenía un error: vuelva a elegir su foto.
media-alt-without-photo = Elija la foto a la que acompaña esta descripción, o borre la descripción.
media-not-a-picture = Este archivo no es una foto JPEG, PNG, WebP o GIF.
media-too-many-pixels = Esta imagen es demasiado grande (50 megapíxeles y 12 000 píxeles de lado como máximo).
media-damaged = Esta imagen está dañada o incompleta.
media-too-large = Este archivo pesa demasiado: 10 MB como máximo.
media-bad-form = No se ha podido leer este formulario. Recargue la página y vuelva a intentarlo.
