# Listas filtradas por público y por lo que dicen las convocatorias, y el archivo.
nav-archive = Archivo
filter-public = Público (situación)
filter-deadline-after = Fecha límite desde
filter-deadline-before = Fecha límite hasta
filter-bad-choice = Opción desconocida en los filtros: elija uno de los valores propuestos.
list-title-archive = Archivo de la red
archive-lead = Los eventos pasados y las convocatorias cerradas, con lo que salió de ellos: la memoria de la red.
archive-of-calls = Las convocatorias cerradas y sus resultados, en el archivo
