# Listes filtrées par public et par ce que disent les appels, et l'archive.
nav-archive = Archives
filter-public = Public (situation)
filter-deadline-after = Échéance à partir du
filter-deadline-before = Échéance jusqu'au
filter-bad-choice = Choix inconnu dans les filtres : prenez une des valeurs proposées.
list-title-archive = Archives du réseau
archive-lead = Les événements passés et les appels clos, avec ce qui en est sorti : la mémoire du réseau.
archive-of-calls = Les appels clos et leurs résultats, dans les archives
