-- Festivals and collections (`node/src/festival.rs`, `node/src/gathering.rs`): the
-- settings beside a gathering actor (a row of `territories` with role festival or
-- collection), and gathered items: publications submitted to a gathering of this node,
-- and submissions by this node's territories to gatherings elsewhere. One item per
-- gathering and publication.

CREATE TABLE gathering_settings (
    territory_id  BLOB PRIMARY KEY REFERENCES territories(id) ON DELETE CASCADE,
    data          TEXT NOT NULL
);

CREATE TABLE gathered_items (
    id                   BLOB PRIMARY KEY,
    -- The gathering's actor id; `gathering_id` set when it is ours.
    gathering_actor      TEXT NOT NULL,
    gathering_id         BLOB REFERENCES territories(id) ON DELETE CASCADE,
    gathering_inbox      TEXT,
    -- The publication's ActivityPub id; `publication_id` set when it is ours.
    object_id            TEXT NOT NULL,
    publication_id       BLOB REFERENCES publications(id) ON DELETE SET NULL,
    submitter            TEXT NOT NULL,
    submitter_territory  BLOB REFERENCES territories(id) ON DELETE CASCADE,
    state                TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'refused', 'withdrawn')),
    submission_id        TEXT NOT NULL UNIQUE,
    announce_id          TEXT,
    decided_by           TEXT,
    created_at           TEXT NOT NULL,
    decided_at           TEXT,
    UNIQUE (gathering_actor, object_id)
);
CREATE INDEX gathered_items_object ON gathered_items (object_id);
CREATE INDEX gathered_items_submitter ON gathered_items (submitter_territory);
