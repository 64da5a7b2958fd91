-- Reports (ActivityPub `Flag`) from other servers about this node's content, for its
-- admins to handle.

CREATE TABLE reports (
    id           UUID PRIMARY KEY,
    activity_id  TEXT NOT NULL UNIQUE,
    reporter     TEXT NOT NULL,
    content      TEXT NOT NULL,
    objects      JSONB NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    resolved_at  TIMESTAMPTZ
);
CREATE INDEX reports_open ON reports (created_at) WHERE resolved_at IS NULL;
