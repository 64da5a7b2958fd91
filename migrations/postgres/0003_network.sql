-- The network: territories following remote actors, what they publish, backfill progress.

CREATE TABLE following (
    territory_id        UUID NOT NULL REFERENCES territories(id),
    target_id           TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    follow_activity_id  TEXT NOT NULL UNIQUE,
    scope               JSONB NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (territory_id, target_id)
);
CREATE INDEX following_by_target ON following (target_id);

CREATE TABLE remote_publications (
    id           TEXT PRIMARY KEY,
    actor_id     TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('event', 'resource', 'call')),
    title        TEXT NOT NULL,
    starts_at    TIMESTAMPTZ,
    ends_at      TIMESTAMPTZ,
    object       JSONB NOT NULL,
    published    TIMESTAMPTZ NOT NULL,
    updated      TIMESTAMPTZ NOT NULL,
    deleted_at   TIMESTAMPTZ,
    received_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX remote_publications_agenda ON remote_publications (kind, starts_at) WHERE deleted_at IS NULL;
CREATE INDEX remote_publications_by_actor ON remote_publications (actor_id);

CREATE TABLE backfills (
    actor_id    TEXT PRIMARY KEY,
    next_page   TEXT,
    pages       INTEGER NOT NULL,
    imported    INTEGER NOT NULL,
    done        BOOLEAN NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
