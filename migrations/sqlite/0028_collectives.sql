-- Collectives (`node/src/collective.rs`): Group actors of member territories on any node,
-- deciding by votes under collegial rules. The collective's own node holds the
-- authoritative rows (`territory_id` set); every member node keeps a copy of the
-- collectives its territories belong to, from the collective's activities. Everything is
-- keyed by ActivityPub ids, the same on every node.

CREATE TABLE collectives (
    actor_id      TEXT PRIMARY KEY,
    -- The local actor (role `collective`) when hosted here.
    territory_id  BLOB UNIQUE REFERENCES territories(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    rules         TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE collective_members (
    collective   TEXT NOT NULL REFERENCES collectives(actor_id) ON DELETE CASCADE,
    actor_id     TEXT NOT NULL,
    host         TEXT NOT NULL,
    admitted_at  TEXT NOT NULL,
    removed_at   TEXT,
    PRIMARY KEY (collective, actor_id)
);
CREATE INDEX collective_members_by_actor ON collective_members (actor_id);

CREATE TABLE collective_proposals (
    id          TEXT PRIMARY KEY,
    collective  TEXT NOT NULL REFERENCES collectives(actor_id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('admit', 'remove', 'accept_submission', 'change_rules')),
    subject     TEXT NOT NULL,
    proposer    TEXT NOT NULL,
    opened_at   TEXT NOT NULL,
    closes_at   TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('open', 'passed', 'rejected', 'expired')),
    approvals   BIGINT NOT NULL DEFAULT 0,
    refusals    BIGINT NOT NULL DEFAULT 0,
    decided_at  TEXT
);
CREATE INDEX collective_proposals_by_collective ON collective_proposals (collective, opened_at);

-- One voice per member territory and proposal.
CREATE TABLE collective_votes (
    proposal     TEXT NOT NULL REFERENCES collective_proposals(id) ON DELETE CASCADE,
    voter        TEXT NOT NULL,
    approve      BOOLEAN NOT NULL,
    activity_id  TEXT NOT NULL UNIQUE,
    cast_at      TEXT NOT NULL,
    PRIMARY KEY (proposal, voter)
);
