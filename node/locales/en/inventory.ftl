# A territory's inventory: what it shares and what it is looking for.
inventory-title = Inventory
inventory-shares = What we share
inventory-seeks = What we are looking for
field-inventory-shares = What we can share (skills, equipment, spaces)
field-inventory-seeks = What we are looking for
inventory-hint = One entry per line, with tags if you like: "Laser cutter #equipment".
directory-inventory = Shares or seeks
