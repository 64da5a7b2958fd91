-- A follower's scope (Rhizome's `scope` extension on Follow): the sender filters what it
-- delivers to that follower. NULL: everything.

ALTER TABLE followers ADD COLUMN scope TEXT;
