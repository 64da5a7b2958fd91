-- External calendars a territory mirrors: subscriptions by URL (fetched on a schedule
-- with conditional GETs) and, with url '', the .ics files its editors uploaded. And for
-- each calendar, which publication mirrors which of its events, keyed by UID and
-- RECURRENCE-ID ('' for a single event).

CREATE TABLE calendar_subscriptions (
    id                 UUID PRIMARY KEY,
    territory_id       UUID NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    url                TEXT NOT NULL,
    created_by         UUID REFERENCES members(id) ON DELETE SET NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    fetched_at         TIMESTAMPTZ,
    succeeded_at       TIMESTAMPTZ,
    etag               TEXT,
    last_modified      TEXT,
    last_error         TEXT,
    last_error_detail  TEXT,
    report             JSONB,
    UNIQUE (territory_id, url)
);
CREATE INDEX calendar_subscriptions_due ON calendar_subscriptions (fetched_at);

CREATE TABLE calendar_mirrors (
    subscription_id  UUID NOT NULL REFERENCES calendar_subscriptions(id) ON DELETE CASCADE,
    uid              TEXT NOT NULL,
    recurrence_id    TEXT NOT NULL,
    publication_id   UUID NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    digest           TEXT NOT NULL,
    starts_at        TIMESTAMPTZ NOT NULL,
    synced_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subscription_id, uid, recurrence_id)
);
CREATE INDEX calendar_mirrors_publication ON calendar_mirrors (publication_id);
