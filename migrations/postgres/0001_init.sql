-- Territories, members, API tokens and publications (events, resources, calls).

CREATE TABLE territories (
    id          UUID PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    data        JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE members (
    id             UUID PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    is_admin       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE territory_editors (
    member_id     UUID NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    territory_id  UUID NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    PRIMARY KEY (member_id, territory_id)
);

CREATE TABLE api_tokens (
    id          UUID PRIMARY KEY,
    member_id   UUID NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE publications (
    id            UUID PRIMARY KEY,
    territory_id  UUID NOT NULL REFERENCES territories(id),
    kind          TEXT NOT NULL CHECK (kind IN ('event', 'resource', 'call')),
    title         TEXT NOT NULL,
    language      TEXT NOT NULL,
    starts_at     TIMESTAMPTZ,
    ends_at       TIMESTAMPTZ,
    data          JSONB NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    deleted_at    TIMESTAMPTZ
);

CREATE INDEX publications_agenda ON publications (kind, starts_at) WHERE deleted_at IS NULL;
CREATE INDEX publications_by_territory ON publications (territory_id, created_at);
