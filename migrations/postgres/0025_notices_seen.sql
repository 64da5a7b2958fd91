-- When an editor saw a notice of a new match: set when the territory's notices are
-- opened or marked seen from /manage; the dashboard counts those not seen yet.

ALTER TABLE match_notices ADD COLUMN seen_at TIMESTAMPTZ;
CREATE INDEX match_notices_unseen ON match_notices (territory_id) WHERE seen_at IS NULL;
