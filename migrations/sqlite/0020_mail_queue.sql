-- Letters waiting to be sent (`node/src/mail/`), written in their recipient's language
-- when queued. A letter stays until it is sent; failed attempts are retried later.

CREATE TABLE mail_queue (
    id          BLOB PRIMARY KEY,
    kind        TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    send_after  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    sent_at     TEXT
);
CREATE INDEX mail_queue_unsent ON mail_queue (send_after) WHERE sent_at IS NULL;
