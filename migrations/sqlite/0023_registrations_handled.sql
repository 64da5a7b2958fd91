-- Registrations handled (issue 12): a waitlist when an event is full (state
-- 'waitlisted', in order of `seq`), a personal cancel link for visitors (its token kept
-- hashed, single use: the row goes when it is used), and the reminder sent the day before
-- (`reminded_at`, so that it is sent once); a visitor's language, for the letters
-- written to them later. SQLite cannot change a CHECK constraint in
-- place: the table is rebuilt with the same rows.

CREATE TABLE rsvps_new (
    publication_id  BLOB NOT NULL REFERENCES publications(id),
    actor_id        TEXT NOT NULL,
    activity_id     TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('accepted', 'pending', 'waitlisted', 'rejected')),
    created_at      TEXT NOT NULL,
    display_name    TEXT,
    seq             INTEGER NOT NULL DEFAULT 0,
    cancel_token    TEXT UNIQUE,
    reminded_at     TEXT,
    language        TEXT,
    PRIMARY KEY (publication_id, actor_id)
);

INSERT INTO rsvps_new (publication_id, actor_id, activity_id, state, created_at, display_name, seq)
    SELECT publication_id, actor_id, activity_id, state, created_at, display_name,
           ROW_NUMBER() OVER (PARTITION BY publication_id ORDER BY created_at, actor_id)
    FROM rsvps;

DROP TABLE rsvps;
ALTER TABLE rsvps_new RENAME TO rsvps;

CREATE INDEX rsvps_line ON rsvps (publication_id, state, seq);
