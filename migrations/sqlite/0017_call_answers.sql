-- Answers to calls for collaboration (`node/src/answer.rs`): by a territory of this node,
-- a territory elsewhere (ActivityPub `Offer`) or a visitor without an account. One answer
-- per call and responder (`call_key`, `responder_key`). Accepted answers are the call's
-- partners.

CREATE TABLE call_answers (
    id              BLOB PRIMARY KEY,
    -- The local call's uuid as text, or the remote call's ActivityPub id.
    call_key        TEXT NOT NULL,
    -- Set for a call of this node.
    publication_id  BLOB REFERENCES publications(id) ON DELETE CASCADE,
    responder_kind  TEXT NOT NULL CHECK (responder_kind IN ('territory', 'remote', 'visitor')),
    responder_key   TEXT NOT NULL,
    territory_id    BLOB REFERENCES territories(id) ON DELETE CASCADE,
    actor_id        TEXT,
    visitor_name    TEXT,
    visitor_email   TEXT,
    message         TEXT NOT NULL,
    offers          TEXT,
    contact         TEXT,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'declined')),
    ap_id           TEXT UNIQUE,
    created_at      TEXT NOT NULL,
    decided_at      TEXT,
    tell_by_mail    BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (call_key, responder_key)
);
CREATE INDEX call_answers_publication ON call_answers (publication_id);
CREATE INDEX call_answers_territory ON call_answers (territory_id);
