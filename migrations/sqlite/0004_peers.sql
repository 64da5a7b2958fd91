-- Known peer nodes: learnt from contacts and from other peers' lists, listed only once
-- their own directory has been fetched and matched their host.

CREATE TABLE peers (
    host          TEXT PRIMARY KEY,
    source        TEXT NOT NULL,
    verified      BOOLEAN NOT NULL DEFAULT FALSE,
    directory     TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,
    first_seen    TEXT NOT NULL,
    last_checked  TEXT,
    last_success  TEXT
);
