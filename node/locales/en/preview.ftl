## Link previews (OpenGraph) and finding coordinates from an address

preview-home = The agenda, resources and calls for collaboration of the learning territories of { $node }.
preview-list-event = Upcoming workshops, meetups and festivals in the learning territories of { $node } and the network.
preview-list-resource = Learning resources shared by the learning territories of { $node } and the network.
preview-list-call = Open calls for collaboration in the learning territories of { $node } and the network.
preview-list-archive = Past events and closed calls of { $node }, with what came of them.
preview-network = The learning territories { $node } knows in the network: what they share and what they seek.

geocode-legend = Find the place
geocode-find = Find coordinates from the address
geocode-results = Places found: pick the right one.
geocode-use = Use this place
geocode-none = No place found for this address. Check it, or type the coordinates.
geocode-no-address = Type an address (or a place name) first.
geocode-failed = The geocoding service did not answer properly. Try again later, or type the coordinates.
geocode-too-many = Too many address searches in a row: wait a minute.
geocode-filled = Coordinates filled in: { $label }. Check them before saving.
geocode-map-hint = Click the map to place it: latitude and longitude are filled in.
