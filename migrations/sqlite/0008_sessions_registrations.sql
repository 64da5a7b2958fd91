-- Browser sessions: only the hash of the cookie's secret is kept.

CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    member_id   BLOB NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Visitors registering from an event page give a name (their address is the participant id).
ALTER TABLE rsvps ADD COLUMN display_name TEXT;
