## The matching board and "who could help"
matchboard-title = Matching board
matchboard-intro = Every open need this node knows, with the offers, resources and places that could answer it.
matchboard-no-needs = No open need for these filters.
matchboard-bad-filter = Unreadable filters: check the theme and the place (latitude,longitude,km).
matchboard-inventory-of = Shared by { $territory }
nav-matching = Matching
