-- The servers a node in allow-list mode (`federation_mode = "allowlist"`) federates with,
-- added by `rhizome federation allow DOMAIN` (besides `allowed_domains` in the
-- configuration). Ignored in open mode.

CREATE TABLE allowed_domains (
    domain      TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL
);
