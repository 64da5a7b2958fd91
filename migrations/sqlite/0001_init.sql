-- Territories, members, API tokens and publications (events, resources, calls).
-- Ids are UUIDv7 (16-byte blobs); timestamps are RFC 3339 text in UTC; data is JSON.

CREATE TABLE territories (
    id          BLOB PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    data        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE members (
    id             BLOB PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    is_admin       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TEXT NOT NULL
);

CREATE TABLE territory_editors (
    member_id     BLOB NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    territory_id  BLOB NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    PRIMARY KEY (member_id, territory_id)
);

CREATE TABLE api_tokens (
    id          BLOB PRIMARY KEY,
    member_id   BLOB NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE publications (
    id            BLOB PRIMARY KEY,
    territory_id  BLOB NOT NULL REFERENCES territories(id),
    kind          TEXT NOT NULL CHECK (kind IN ('event', 'resource', 'call')),
    title         TEXT NOT NULL,
    language      TEXT NOT NULL,
    starts_at     TEXT,
    ends_at       TEXT,
    data          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    deleted_at    TEXT
);

CREATE INDEX publications_agenda ON publications (kind, starts_at) WHERE deleted_at IS NULL;
CREATE INDEX publications_by_territory ON publications (territory_id, created_at);
