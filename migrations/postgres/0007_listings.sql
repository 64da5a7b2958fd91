-- The network views' index: one row per live publication, local or followed, kept in the
-- same transaction as the publication.

CREATE TABLE listings (
    id            TEXT PRIMARY KEY,
    territory_id  UUID,
    actor_id      TEXT,
    kind          TEXT NOT NULL CHECK (kind IN ('event', 'resource', 'call')),
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL,
    search        TEXT NOT NULL,
    -- `search` is normalised in Rust; the 'simple' configuration only splits it into words
    -- (no stemming, no stop words), like SQLite's unicode61 tokenizer.
    search_words  TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', search)) STORED,
    language      TEXT,
    themes        BIGINT NOT NULL,
    latitude      DOUBLE PRECISION,
    longitude     DOUBLE PRECISION,
    starts_at     TIMESTAMPTZ,
    ends_at       TIMESTAMPTZ,
    -- ends_at, or 9999-12-31 for what never ends: the \"still current\" test is then one
    -- comparison the indexes below answer without reading the row.
    current_until TIMESTAMPTZ NOT NULL,
    published     TIMESTAMPTZ NOT NULL
);
CREATE INDEX listings_agenda ON listings (kind, starts_at, current_until);
CREATE INDEX listings_newest ON listings (kind, published, current_until);
CREATE INDEX listings_territory ON listings (territory_id, kind, starts_at) WHERE territory_id IS NOT NULL;
CREATE INDEX listings_actor ON listings (actor_id, kind, starts_at) WHERE actor_id IS NOT NULL;
CREATE INDEX listings_position ON listings (latitude, longitude) WHERE latitude IS NOT NULL;
CREATE INDEX listings_search ON listings USING GIN (search_words);
