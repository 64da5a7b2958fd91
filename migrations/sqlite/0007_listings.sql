-- The network views' index: one row per live publication, local or followed, kept in the
-- same transaction as the publication. `seq` is the full-text index's rowid.

CREATE TABLE listings (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    territory_id  BLOB,
    actor_id      TEXT,
    kind          TEXT NOT NULL CHECK (kind IN ('event', 'resource', 'call')),
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL,
    search        TEXT NOT NULL,
    language      TEXT,
    themes        INTEGER NOT NULL,
    latitude      REAL,
    longitude     REAL,
    starts_at     TEXT,
    ends_at       TEXT,
    -- ends_at, or 9999-12-31 for what never ends: the \"still current\" test is then one
    -- comparison the indexes below answer without reading the row.
    current_until TEXT NOT NULL,
    published     TEXT NOT NULL
);
-- Agenda order, with the "not over" test answered from the index itself.
CREATE INDEX listings_agenda ON listings (kind, starts_at, current_until);
-- Library and calls: newest first.
CREATE INDEX listings_newest ON listings (kind, published, current_until);
CREATE INDEX listings_territory ON listings (territory_id, kind, starts_at) WHERE territory_id IS NOT NULL;
CREATE INDEX listings_actor ON listings (actor_id, kind, starts_at) WHERE actor_id IS NOT NULL;
CREATE INDEX listings_position ON listings (latitude, longitude) WHERE latitude IS NOT NULL;

-- Words of `search` (already normalised in Rust), prefixes of 2 and 3 letters indexed so
-- that short prefix queries stay fast.
CREATE VIRTUAL TABLE listings_fts USING fts5(
    search, content = 'listings', content_rowid = 'seq', tokenize = 'unicode61', prefix = '2 3'
);
CREATE TRIGGER listings_fts_insert AFTER INSERT ON listings BEGIN
    INSERT INTO listings_fts (rowid, search) VALUES (new.seq, new.search);
END;
CREATE TRIGGER listings_fts_delete AFTER DELETE ON listings BEGIN
    INSERT INTO listings_fts (listings_fts, rowid, search) VALUES ('delete', old.seq, old.search);
END;
CREATE TRIGGER listings_fts_update AFTER UPDATE OF search ON listings BEGIN
    INSERT INTO listings_fts (listings_fts, rowid, search) VALUES ('delete', old.seq, old.search);
    INSERT INTO listings_fts (rowid, search) VALUES (new.seq, new.search);
END;
