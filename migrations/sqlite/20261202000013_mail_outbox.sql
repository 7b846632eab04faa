-- Mail to organizations' owners, written with the change that calls for it and sent by the
-- mail sender (domain/src/mail) with retries.
CREATE TABLE mail_outbox (
    id              BLOB PRIMARY KEY NOT NULL,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    -- pending | sent | failed (given up after the last retry)
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    -- When pending: when it is due (a claim moves it to the lease's end).
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    sent_at         TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE status = 'pending';
