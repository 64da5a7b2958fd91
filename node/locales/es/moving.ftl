# Mudar un territorio a otro nodo (FEP-7628): su archivo y la mudanza.
moving-title = Archivo y mudanza
moving-archive-title = Archivo del territorio
moving-archive-intro = Un archivo contiene el perfil y los ajustes del territorio, todas sus publicaciones (eventos pasados y series incluidos), sus imágenes y documentos, sus seguidores y lo que sigue. Es su copia de seguridad y su manera de irse: el nodo de llegada lo lee con «rhizome territory import».
moving-archive-download = Descargar el archivo
moving-archive-no-key = El archivo no contiene la clave privada del territorio: el nodo de llegada firma con su propia clave y la mudanza no la necesita.
moving-aliases-title = Este territorio también es
moving-no-aliases = Ninguna otra cuenta: este territorio no se importó de otro nodo.
moving-imported-followers = { $count ->
    [one] Un seguidor venía con el archivo; seguirá este territorio por sí mismo al recibir la mudanza.
   *[other] { $count } seguidores venían con el archivo; seguirán este territorio por sí mismos al recibir la mudanza.
}
moving-move-title = Mudar
moving-move-intro = Primero importe el archivo en el nuevo nodo: su territorio nombrará { $actor } como cuenta anterior. Aquí, el territorio mostrará entonces su nueva dirección, sus seguidores (de Rhizome y de Mastodon) seguirán el nuevo y sus páginas redirigirán allí. No publicará nada más aquí.
moving-target = Dirección del territorio en el nuevo nodo (https://… o @nombre@nodo)
moving-move-button = Mudar el territorio
moving-moved-to = Este territorio se ha mudado:
moving-target-required = Indique la dirección del territorio en el nuevo nodo.
moving-target-unreachable = No se pudo contactar con el nuevo nodo; inténtelo más tarde.
