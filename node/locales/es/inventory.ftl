# El inventario de un territorio: lo que comparte y lo que busca.
inventory-title = Inventario
inventory-shares = Lo que compartimos
inventory-seeks = Lo que buscamos
field-inventory-shares = Lo que podemos compartir (competencias, equipos, espacios)
field-inventory-seeks = Lo que buscamos
inventory-hint = Una entrada por línea, con etiquetas si quiere: «Cortadora láser #equipo».
directory-inventory = Comparte o busca
