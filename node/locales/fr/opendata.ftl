## Données ouvertes

open-data-link = Données ouvertes
open-data-title = Données ouvertes
open-data-territory-title = Données ouvertes · { $name }
open-data-lead = Toutes les publications publiques de ce nœud (événements, ressources, appels à collaboration) et ses territoires, à télécharger et à réutiliser dans d'autres applications.
open-data-territory-lead = Les publications publiques de ce territoire et sa fiche, à télécharger et à réutiliser dans d'autres applications.
open-data-licence = Les textes des événements, des appels et des territoires sont publiés sous la licence
open-data-resource-licence = Chaque ressource porte sa propre licence, donnée avec elle dans chaque fichier.
open-data-dataset = Jeu de données
open-data-publications = Publications
open-data-territories = Territoires
open-data-reuse = Réutiliser ces données
open-data-json-ld = JSON-LD : une collection ActivityStreams des objets que le nœud sert sur le fédiverse, chacun avec sa licence (license).
open-data-csv = CSV : une ligne par élément, en UTF-8, avec ces colonnes ; thèmes et langues séparés par des espaces :
open-data-api = Ces adresses sont aussi l'API : tout site peut les lire depuis un navigateur (CORS ouvert), par exemple { $base }/open-data/publications.jsonld.
open-data-by-territory = Par territoire
open-data-all = Toutes les données du nœud
