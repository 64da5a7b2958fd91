-- Node-level subscriptions: remote nodes following this node's instance actor (they get
-- every public activity of every territory), and this node following other nodes.

CREATE TABLE node_followers (
    actor_id            TEXT PRIMARY KEY,
    inbox               TEXT NOT NULL,
    host                TEXT NOT NULL,
    follow_activity_id  TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL
);

CREATE TABLE node_subscriptions (
    target_id           TEXT PRIMARY KEY,
    state               TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    follow_activity_id  TEXT NOT NULL UNIQUE,
    relay               BOOLEAN NOT NULL DEFAULT FALSE,
    scope               JSONB NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL
);
