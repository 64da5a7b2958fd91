# Moving a territory to another node (FEP-7628): its archive, and the move.
moving-title = Archive and move
moving-archive-title = The territory's archive
moving-archive-intro = An archive holds the territory's profile and settings, all its publications (past events and series included), their pictures and documents, its followers and what it follows. It is its backup, and its way to leave: the new node reads it with "rhizome territory import".
moving-archive-download = Download the archive
moving-archive-no-key = The archive does not hold the territory's private key: the new node signs with its own key, and the move needs none.
moving-aliases-title = This territory is also
moving-no-aliases = No other account: this territory was not imported from another node.
moving-imported-followers = { $count ->
    [one] One follower came with the archive; they will follow this territory on their own when they receive the move.
   *[other] { $count } followers came with the archive; they will follow this territory on their own when they receive the move.
}
moving-move-title = Move
moving-move-intro = First import the archive on the new node: its territory will name { $actor } as its former account. Here, the territory will then show its new address, its followers (Rhizome and Mastodon alike) will follow the new one, and its pages will redirect there. It will publish nothing more here.
moving-target = The territory's address on the new node (https://… or @name@node)
moving-move-button = Move the territory
moving-moved-to = This territory has moved:
moving-target-required = Give the territory's address on the new node.
moving-target-unreachable = The new node could not be reached; try again later.
