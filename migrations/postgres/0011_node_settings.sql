-- What admins set for the node from its pages (its name and a word of presentation),
-- over the configuration file's defaults.

CREATE TABLE node_settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
