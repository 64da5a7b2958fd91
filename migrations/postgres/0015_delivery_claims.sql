-- Each claim of deliveries by a worker gets its own token: only the worker holding a row's
-- claim records its failure or drops it, and a worker hands back what it will not send in
-- time by clearing its claim.
ALTER TABLE deliveries ADD COLUMN claim UUID;
CREATE INDEX deliveries_by_claim ON deliveries (claim) WHERE claim IS NOT NULL;
