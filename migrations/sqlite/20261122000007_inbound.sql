-- Inbound webhooks: each tenant's inbound API key (stored only as a SHA-256 hash) and the
-- provider callback secrets that have no home in the platform integrations (Zoom's secret
-- token, Vonage's signature secret; encrypted like every other secret), and the received
-- events themselves, each processed once in the background.

CREATE TABLE inbound_settings (
    organization_id          BLOB PRIMARY KEY NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    api_key_hash             TEXT,
    api_key_hint             TEXT,
    api_key_created_at       TEXT,
    zoom_secret_token        TEXT,
    vonage_signature_secret  TEXT,
    updated_at               TEXT NOT NULL
);

CREATE TABLE integration_events (
    id               BLOB PRIMARY KEY NOT NULL,
    organization_id  BLOB NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- `api` for POST /api/webhooks/{event_name}; `whatsapp`, `twilio`, `vonage`, `zoom` for
    -- verified provider callbacks.
    source           TEXT NOT NULL,
    event_name       TEXT NOT NULL,
    payload          TEXT NOT NULL,
    -- received → processed | failed
    status           TEXT NOT NULL,
    result           TEXT,
    error_message    TEXT,
    idempotency_key  TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT,
    received_at      TEXT NOT NULL,
    processed_at     TEXT
);
-- A repeated Idempotency-Key of a tenant can never store a second event; events without a
-- key (most of them) cost this index nothing.
CREATE UNIQUE INDEX integration_events_idempotency_key ON integration_events (organization_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX integration_events_page ON integration_events (organization_id, received_at, id);
CREATE INDEX integration_events_due ON integration_events (received_at) WHERE status = 'received';
-- Finding the outbound message a provider receipt is about.
CREATE INDEX messages_provider_id ON messages (organization_id, provider_message_id);
CREATE INDEX contacts_phone ON contacts (organization_id, phone);
