## Open data

open-data-link = Open data
open-data-title = Open data
open-data-territory-title = Open data · { $name }
open-data-lead = Every public publication of this node (events, resources, calls for collaboration) and its territories, to download and reuse in other applications.
open-data-territory-lead = This territory's public publications and its profile, to download and reuse in other applications.
open-data-licence = The texts of events, calls and territories are published under the licence
open-data-resource-licence = Each resource carries its own licence, given with it in every file.
open-data-dataset = Data set
open-data-publications = Publications
open-data-territories = Territories
open-data-reuse = Reusing these data
open-data-json-ld = JSON-LD: an ActivityStreams collection of the objects the node serves on the fediverse, each with its licence (license).
open-data-csv = CSV: one row per item, in UTF-8, with these columns; themes and languages separated by spaces:
open-data-api = These addresses are the API too: any site may read them from a browser (open CORS), for example { $base }/open-data/publications.jsonld.
open-data-by-territory = By territory
open-data-all = All of the node's data
