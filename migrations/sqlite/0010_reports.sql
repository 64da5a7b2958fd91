-- Reports (ActivityPub `Flag`) from other servers about this node's content, for its
-- admins to handle.

CREATE TABLE reports (
    id           BLOB PRIMARY KEY,
    activity_id  TEXT NOT NULL UNIQUE,
    reporter     TEXT NOT NULL,
    content      TEXT NOT NULL,
    objects      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    resolved_at  TEXT
);
CREATE INDEX reports_open ON reports (created_at) WHERE resolved_at IS NULL;
