-- External calendars a territory mirrors: subscriptions by URL (fetched on a schedule
-- with conditional GETs) and, with url '', the .ics files its editors uploaded. And for
-- each calendar, which publication mirrors which of its events, keyed by UID and
-- RECURRENCE-ID ('' for a single event).

CREATE TABLE calendar_subscriptions (
    id                 BLOB PRIMARY KEY,
    territory_id       BLOB NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    url                TEXT NOT NULL,
    created_by         BLOB REFERENCES members(id) ON DELETE SET NULL,
    created_at         TEXT NOT NULL,
    fetched_at         TEXT,
    succeeded_at       TEXT,
    etag               TEXT,
    last_modified      TEXT,
    last_error         TEXT,
    last_error_detail  TEXT,
    report             TEXT,
    UNIQUE (territory_id, url)
);
CREATE INDEX calendar_subscriptions_due ON calendar_subscriptions (fetched_at);

CREATE TABLE calendar_mirrors (
    subscription_id  BLOB NOT NULL REFERENCES calendar_subscriptions(id) ON DELETE CASCADE,
    uid              TEXT NOT NULL,
    recurrence_id    TEXT NOT NULL,
    publication_id   BLOB NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    digest           TEXT NOT NULL,
    starts_at        TEXT NOT NULL,
    synced_at        TEXT NOT NULL,
    PRIMARY KEY (subscription_id, uid, recurrence_id)
);
CREATE INDEX calendar_mirrors_publication ON calendar_mirrors (publication_id);
