## Vistas previas de enlaces (OpenGraph) y búsqueda de coordenadas a partir de una dirección

preview-home = La agenda, los recursos y las convocatorias de colaboración de los territorios de aprendizaje de { $node }.
preview-list-event = Próximos talleres, encuentros y festivales en los territorios de aprendizaje de { $node } y de la red.
preview-list-resource = Recursos educativos compartidos por los territorios de aprendizaje de { $node } y de la red.
preview-list-call = Convocatorias de colaboración abiertas en los territorios de aprendizaje de { $node } y de la red.
preview-list-archive = Eventos pasados y convocatorias cerradas de { $node }, con lo que dieron.
preview-network = Los territorios de aprendizaje que { $node } conoce en la red: lo que comparten y lo que buscan.

geocode-legend = Encontrar el lugar
geocode-find = Buscar las coordenadas a partir de la dirección
geocode-results = Lugares encontrados: elija el correcto.
geocode-use = Usar este lugar
geocode-none = No se encontró ningún lugar para esta dirección. Revísela o escriba las coordenadas.
geocode-no-address = Escriba primero una dirección (o el nombre de un lugar).
geocode-failed = El servicio de geocodificación no respondió correctamente. Inténtelo más tarde o escriba las coordenadas.
geocode-too-many = Demasiadas búsquedas de direcciones seguidas: espere un minuto.
geocode-filled = Coordenadas completadas: { $label }. Revíselas antes de guardar.
geocode-map-hint = Haga clic en el mapa para situar el lugar: la latitud y la longitud se completan.
