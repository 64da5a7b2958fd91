-- E-mail (`node/src/mail/`): the mail queue's claims (a worker leases the letters it is
-- sending, like deliveries), letters given up after days of failures, members' addresses
-- and their choices of what they receive, and the news waiting for a member's daily digest.

ALTER TABLE mail_queue ADD COLUMN claim BLOB;
ALTER TABLE mail_queue ADD COLUMN locked_until TEXT;
ALTER TABLE mail_queue ADD COLUMN gave_up_at TEXT;

ALTER TABLE members ADD COLUMN email TEXT;
-- The language of the pages when the member last saved their mail settings.
ALTER TABLE members ADD COLUMN mail_language TEXT;
ALTER TABLE members ADD COLUMN mail_digest BOOLEAN NOT NULL DEFAULT FALSE;
CREATE UNIQUE INDEX members_email ON members (lower(email)) WHERE email IS NOT NULL;

-- The kinds of editors' news (`new-answer`, ...) a member chose not to receive.
CREATE TABLE mail_refusals (
    member_id  BLOB NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    PRIMARY KEY (member_id, kind)
);

-- News written for a member who takes a daily digest, gathered into one letter a day.
CREATE TABLE mail_digest_items (
    id          BLOB PRIMARY KEY,
    member_id   BLOB NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX mail_digest_items_by_member ON mail_digest_items (member_id, created_at);

-- The address an invitation was mailed to, given to the member who accepts it.
CREATE TABLE invitation_addresses (
    token_hash  TEXT PRIMARY KEY REFERENCES one_time_links(token_hash) ON DELETE CASCADE,
    email       TEXT NOT NULL
);
