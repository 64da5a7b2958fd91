-- Festivals, collections and collectives are local actors like territories (slug, keys,
-- followers, inbox); `role` tells them apart and never changes.
ALTER TABLE territories ADD COLUMN role TEXT NOT NULL DEFAULT 'territory';
CREATE INDEX territories_by_role ON territories (role, name);
