-- Registrations handled (issue 12): a waitlist when an event is full (state
-- 'waitlisted', in order of `seq`), a personal cancel link for visitors (its token kept
-- hashed, single use: the row goes when it is used), and the reminder sent the day before
-- (`reminded_at`, so that it is sent once); a visitor's language, for the letters
-- written to them later.

ALTER TABLE rsvps DROP CONSTRAINT rsvps_state_check;
ALTER TABLE rsvps ADD CONSTRAINT rsvps_state_check
    CHECK (state IN ('accepted', 'pending', 'waitlisted', 'rejected'));
ALTER TABLE rsvps ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rsvps ADD COLUMN cancel_token TEXT UNIQUE;
ALTER TABLE rsvps ADD COLUMN reminded_at TIMESTAMPTZ;
ALTER TABLE rsvps ADD COLUMN language TEXT;

UPDATE rsvps SET seq = ranked.n
FROM (SELECT publication_id, actor_id,
             ROW_NUMBER() OVER (PARTITION BY publication_id ORDER BY created_at, actor_id) AS n
      FROM rsvps) AS ranked
WHERE rsvps.publication_id = ranked.publication_id AND rsvps.actor_id = ranked.actor_id;

CREATE INDEX rsvps_line ON rsvps (publication_id, state, seq);
