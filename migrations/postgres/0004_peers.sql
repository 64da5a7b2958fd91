-- Known peer nodes: learnt from contacts and from other peers' lists, listed only once
-- their own directory has been fetched and matched their host.

CREATE TABLE peers (
    host          TEXT PRIMARY KEY,
    source        TEXT NOT NULL,
    verified      BOOLEAN NOT NULL DEFAULT FALSE,
    directory     JSONB,
    failures      INTEGER NOT NULL DEFAULT 0,
    first_seen    TIMESTAMPTZ NOT NULL,
    last_checked  TIMESTAMPTZ,
    last_success  TIMESTAMPTZ
);
