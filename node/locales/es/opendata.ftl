## Datos abiertos

open-data-link = Datos abiertos
open-data-title = Datos abiertos
open-data-territory-title = Datos abiertos · { $name }
open-data-lead = Todas las publicaciones públicas de este nodo (eventos, recursos, convocatorias de colaboración) y sus territorios, para descargar y reutilizar en otras aplicaciones.
open-data-territory-lead = Las publicaciones públicas de este territorio y su ficha, para descargar y reutilizar en otras aplicaciones.
open-data-licence = Los textos de los eventos, las convocatorias y los territorios se publican bajo la licencia
open-data-resource-licence = Cada recurso lleva su propia licencia, indicada con él en cada archivo.
open-data-dataset = Conjunto de datos
open-data-publications = Publicaciones
open-data-territories = Territorios
open-data-reuse = Reutilizar estos datos
open-data-json-ld = JSON-LD: una colección ActivityStreams de los objetos que el nodo sirve en el fediverso, cada uno con su licencia (license).
open-data-csv = CSV: una fila por elemento, en UTF-8, con estas columnas; temas e idiomas separados por espacios:
open-data-api = Estas direcciones son también la API: cualquier sitio puede leerlas desde un navegador (CORS abierto), por ejemplo { $base }/open-data/publications.jsonld.
open-data-by-territory = Por territorio
open-data-all = Todos los datos del nodo
