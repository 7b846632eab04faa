-- n8n workflows called by CRM events: the events (JSON array of names) and an optional
-- payload filter (as outbound subscriptions have).
ALTER TABLE n8n_webhooks ADD COLUMN trigger_on TEXT;
ALTER TABLE n8n_webhooks ADD COLUMN trigger_filter TEXT;

-- A workflow call that a CRM event made, written in the transaction of the change (as
-- outbound deliveries are) and made by the trigger worker with the n8n schedule; each
-- attempt is recorded in webhook_calls like a call made by hand.
CREATE TABLE n8n_triggered_calls (
    id              BLOB PRIMARY KEY NOT NULL,
    organization_id BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    webhook_id      BLOB NOT NULL REFERENCES n8n_webhooks (id) ON DELETE CASCADE,
    event_type      TEXT NOT NULL,
    -- The event's body, {"event","timestamp","data"}, sent as it is.
    body            TEXT NOT NULL,
    -- pending | succeeded | failed | skipped (the workflow was turned off meanwhile)
    status          TEXT NOT NULL,
    -- When pending: when it is due (a claim moves it to the lease's end).
    next_attempt_at TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    finished_at     TEXT
);
CREATE INDEX n8n_triggered_calls_due ON n8n_triggered_calls (next_attempt_at) WHERE status = 'pending';
CREATE INDEX n8n_triggered_calls_webhook ON n8n_triggered_calls (webhook_id);
