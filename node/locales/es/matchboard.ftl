## El tablero de emparejamiento y «quién podría ayudar»
matchboard-title = Tablero de emparejamiento
matchboard-intro = Cada necesidad abierta que este nodo conoce, con las ofertas, recursos y lugares que podrían responder.
matchboard-no-needs = Ninguna necesidad abierta para estos filtros.
matchboard-bad-filter = Filtros ilegibles: compruebe el tema y el lugar (latitud,longitud,km).
matchboard-inventory-of = Compartido por { $territory }
nav-matching = Emparejamiento
