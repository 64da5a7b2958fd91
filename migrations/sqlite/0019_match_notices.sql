-- What a call's editors are told in /manage: a publication (local or arrived from
-- elsewhere) that is among the best matches of one of their open calls. One notice per
-- call and matched publication.

CREATE TABLE match_notices (
    call_id        BLOB NOT NULL REFERENCES publications(id) ON DELETE CASCADE,
    territory_id   BLOB NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    matched_id     TEXT NOT NULL,
    matched_title  TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (call_id, matched_id)
);
CREATE INDEX match_notices_territory ON match_notices (territory_id, created_at);
