-- The calls board, the archive and matching filter on what a call says of itself (its
-- type, status, skills, reach, outcome), and every list on who a publication is for
-- (age groups as bits, situations as normalised words joined by '|'), for local and
-- remote publications alike. The index is emptied so that the next start (or
-- `rhizome admin reindex`) rebuilds every row with them.

ALTER TABLE listings ADD COLUMN call_type TEXT CHECK (call_type IN ('need', 'offer', 'partners', 'project'));
ALTER TABLE listings ADD COLUMN call_status TEXT CHECK (call_status IN ('open', 'in_progress', 'closed'));
ALTER TABLE listings ADD COLUMN skills TEXT NOT NULL DEFAULT '';
ALTER TABLE listings ADD COLUMN radius_km REAL;
ALTER TABLE listings ADD COLUMN outcome TEXT;
ALTER TABLE listings ADD COLUMN age_groups INTEGER NOT NULL DEFAULT 0;
ALTER TABLE listings ADD COLUMN publics TEXT NOT NULL DEFAULT '';
CREATE INDEX listings_call ON listings (kind, call_type, call_status);
DELETE FROM listings;
