-- Scheduled work (discovery, calendar imports, reminders, series extension) shared by the
-- processes of one node: a task runs only in the process that took its named lease, and
-- nobody else takes it until expires_at. `runs` counts the times it was taken.
CREATE TABLE scheduled_runs (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    taken_at    TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    runs        BIGINT NOT NULL DEFAULT 0
);
