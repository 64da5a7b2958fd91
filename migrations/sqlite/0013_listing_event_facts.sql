-- The network views say what an event says of itself: its status, its zone and its place,
-- for local and remote events alike. The index is emptied so that the next start (or
-- `rhizome admin reindex`) rebuilds every row with them.

ALTER TABLE listings ADD COLUMN status TEXT CHECK (status IN ('scheduled', 'cancelled', 'postponed'));
ALTER TABLE listings ADD COLUMN timezone TEXT;
ALTER TABLE listings ADD COLUMN place TEXT;
DELETE FROM listings;
