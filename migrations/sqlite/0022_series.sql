-- Recurring series of events (`node/src/publication/series.rs`). A series keeps the event
-- its occurrences copy and its recurrence (RRULE and EXDATEs, the stored truth); each
-- occurrence is an ordinary publication linked to it by the series id and the start its
-- rule gave it (iCal's RECURRENCE-ID), unique per series, so materialising twice is
-- harmless. `series_exception` marks an occurrence edited or cancelled on its own.

CREATE TABLE series (
    id                  BLOB PRIMARY KEY,
    territory_id        BLOB NOT NULL REFERENCES territories(id),
    template            TEXT NOT NULL,
    recurrence          TEXT NOT NULL,
    rrule               TEXT NOT NULL,
    materialised_until  TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    deleted_at          TEXT
);
CREATE INDEX series_by_territory ON series (territory_id) WHERE deleted_at IS NULL;
CREATE INDEX series_to_extend ON series (materialised_until) WHERE deleted_at IS NULL;

ALTER TABLE publications ADD COLUMN series_id BLOB REFERENCES series(id);
ALTER TABLE publications ADD COLUMN recurrence_id TEXT;
ALTER TABLE publications ADD COLUMN series_exception BOOLEAN NOT NULL DEFAULT FALSE;
CREATE UNIQUE INDEX publications_occurrence ON publications (series_id, recurrence_id)
    WHERE series_id IS NOT NULL;
