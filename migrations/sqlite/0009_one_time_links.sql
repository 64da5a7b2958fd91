-- Single-use links: invitations (optionally to edit a territory, or as admin) and
-- password resets. Only the hash of the link's secret is kept.

CREATE TABLE one_time_links (
    token_hash    TEXT PRIMARY KEY,
    purpose       TEXT NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
    member_id     BLOB REFERENCES members(id) ON DELETE CASCADE,
    territory_id  BLOB REFERENCES territories(id) ON DELETE CASCADE,
    is_admin      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    used_at       TEXT,
    CHECK ((purpose = 'password_reset') = (member_id IS NOT NULL))
);
CREATE INDEX one_time_links_by_member ON one_time_links (member_id);
