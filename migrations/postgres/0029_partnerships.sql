-- Partnerships between territories (`node/src/partnership.rs`): offered by one territory,
-- accepted or refused by the other, ended by either. Each side is a territory of this node
-- (`*_id`) or an actor elsewhere (`*_actor`); at least one side is ours. Two territories
-- have one live (offered or active) partnership at most: `pair_key` names the pair
-- whichever side offered.

CREATE TABLE partnerships (
    id              UUID PRIMARY KEY,
    offerer_id      UUID REFERENCES territories(id) ON DELETE CASCADE,
    offerer_actor   TEXT,
    partner_id      UUID REFERENCES territories(id) ON DELETE CASCADE,
    partner_actor   TEXT,
    pair_key        TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('offered', 'active', 'refused', 'ended')),
    -- JSON array of theme names.
    themes          JSONB NOT NULL DEFAULT '[]',
    description     TEXT,
    -- The `Offer` that carries it between nodes; none when both sides are ours.
    offer_id        TEXT UNIQUE,
    -- The `Partnership` object inside that `Offer`, which a `Delete` names to end it.
    object_id       TEXT UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL,
    decided_at      TIMESTAMPTZ,
    ended_at        TIMESTAMPTZ,
    CHECK (offerer_id IS NOT NULL OR offerer_actor IS NOT NULL),
    CHECK (partner_id IS NOT NULL OR partner_actor IS NOT NULL),
    CHECK (offerer_id IS NOT NULL OR partner_id IS NOT NULL)
);
CREATE UNIQUE INDEX partnerships_live_pair ON partnerships (pair_key)
    WHERE state IN ('offered', 'active');
CREATE INDEX partnerships_offerer ON partnerships (offerer_id);
CREATE INDEX partnerships_partner ON partnerships (partner_id);
