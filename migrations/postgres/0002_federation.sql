-- Federation: keys, remote actors, followers, comments, reactions, registrations,
-- inbox dedupe, the durable outbox and per-server delivery state, domain blocks.

CREATE TABLE keypairs (
    owner        UUID PRIMARY KEY,          -- territory id, or the nil uuid for the node
    public_pem   TEXT NOT NULL,
    private_pem  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE remote_actors (
    id              TEXT PRIMARY KEY,
    inbox           TEXT NOT NULL,
    shared_inbox    TEXT,
    public_key_id   TEXT NOT NULL,
    public_key_pem  TEXT NOT NULL,
    username        TEXT,
    name            TEXT,
    url             TEXT,
    fetched_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE followers (
    territory_id        UUID NOT NULL REFERENCES territories(id),
    actor_id            TEXT NOT NULL,
    inbox               TEXT NOT NULL,
    host                TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    follow_activity_id  TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (territory_id, actor_id)
);
CREATE INDEX followers_by_actor ON followers (actor_id);

CREATE TABLE comments (
    id              UUID PRIMARY KEY,
    publication_id  UUID NOT NULL REFERENCES publications(id),
    ap_id           TEXT NOT NULL UNIQUE,
    author_id       TEXT NOT NULL,
    author_name     TEXT NOT NULL,
    author_url      TEXT,
    content_html    TEXT NOT NULL,
    published       TIMESTAMPTZ NOT NULL,
    hidden          BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX comments_by_publication ON comments (publication_id, published);

CREATE TABLE reactions (
    activity_id     TEXT PRIMARY KEY,
    publication_id  UUID NOT NULL REFERENCES publications(id),
    actor_id        TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('like', 'announce')),
    UNIQUE (publication_id, actor_id, kind)
);

CREATE TABLE rsvps (
    publication_id  UUID NOT NULL REFERENCES publications(id),
    actor_id        TEXT NOT NULL,
    activity_id     TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('accepted', 'pending', 'rejected')),
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (publication_id, actor_id)
);

CREATE TABLE received_activities (
    id           TEXT PRIMARY KEY,
    received_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE outbox_activities (
    id           UUID PRIMARY KEY,
    activity_id  TEXT NOT NULL UNIQUE,
    sender       UUID NOT NULL,
    body         JSONB NOT NULL,
    public       BOOLEAN NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbox_by_sender ON outbox_activities (sender, created_at);

CREATE TABLE deliveries (
    activity_id      UUID NOT NULL REFERENCES outbox_activities(id),
    inbox            TEXT NOT NULL,
    host             TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    locked_until     TIMESTAMPTZ,
    last_error       TEXT,
    PRIMARY KEY (activity_id, inbox)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at);
CREATE INDEX deliveries_by_host ON deliveries (host);

CREATE TABLE remote_servers (
    host                  TEXT PRIMARY KEY,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    last_success          TIMESTAMPTZ,
    last_failure          TIMESTAMPTZ,
    last_error            TEXT
);

CREATE TABLE blocked_domains (
    domain      TEXT PRIMARY KEY,
    reason      TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL
);
