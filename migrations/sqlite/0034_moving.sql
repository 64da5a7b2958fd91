-- Moving a territory between nodes (FEP-7628) and its archive.
-- territory_moves: a territory that left this node for `moved_to` (its new actor); its
-- URLs redirect there and it publishes nothing more here.
-- territory_aliases: the actors a territory also is (`alsoKnownAs`), the old one after an
-- import, so that followers elsewhere accept its Move.
-- moved_publications: an imported publication's id on the node it came from (its URL
-- there), so that the old URLs, redirected here through `/moved?from=`, find it.
-- imported_followers: the followers list an archive carried, kept as information only
-- (they re-follow themselves when they receive the Move); an archive restored on its own
-- node puts them back in `followers` instead.

CREATE TABLE territory_moves (
    territory_id  BLOB PRIMARY KEY REFERENCES territories(id),
    moved_to      TEXT NOT NULL,
    moved_at      TEXT NOT NULL
);

CREATE TABLE territory_aliases (
    territory_id  BLOB NOT NULL REFERENCES territories(id),
    alias         TEXT NOT NULL,
    PRIMARY KEY (territory_id, alias)
);

CREATE TABLE moved_publications (
    old_id          TEXT PRIMARY KEY,
    publication_id  BLOB NOT NULL REFERENCES publications(id),
    territory_id    BLOB NOT NULL REFERENCES territories(id)
);

CREATE TABLE imported_followers (
    territory_id  BLOB NOT NULL REFERENCES territories(id),
    actor_id      TEXT NOT NULL,
    inbox         TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    follow_activity_id  TEXT NOT NULL,
    scope         TEXT,
    imported_at   TEXT NOT NULL,
    PRIMARY KEY (territory_id, actor_id)
);
