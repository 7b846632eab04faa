-- Outbound event webhooks: tenants' subscriptions, the events they receive (body bytes
-- stored once, so every attempt and replay sends identical bytes), one delivery per
-- (event, subscription) driven by the worker, and a record of every HTTP attempt.
-- An event and its deliveries are written in the transaction of the change that caused them.

CREATE TABLE outbound_subscriptions (
    id                    UUID PRIMARY KEY,
    organization_id       UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name                  TEXT NOT NULL,
    url                   TEXT NOT NULL,
    -- JSON array of event names; "*" means every event.
    events                TEXT NOT NULL,
    -- `cg1:` ciphertexts bound to (column, organization).
    secret_enc            TEXT NOT NULL,
    previous_secret_enc   TEXT,
    previous_secret_until TIMESTAMPTZ,
    -- 'hex' (bare hex) or 'sha256' (sha256=<hex>) for X-Webhook-Signature.
    signature_style       TEXT NOT NULL,
    is_active             BOOLEAN NOT NULL,
    disabled_reason       TEXT,
    -- Counters of attempts, so stats never scan the attempts table.
    total_attempts        BIGINT NOT NULL DEFAULT 0,
    succeeded_attempts    BIGINT NOT NULL DEFAULT 0,
    failed_attempts       BIGINT NOT NULL DEFAULT 0,
    total_duration_ms     BIGINT NOT NULL DEFAULT 0,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbound_subscriptions_org ON outbound_subscriptions (organization_id, created_at);

CREATE TABLE outbound_events (
    id              UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    event_type      TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbound_events_org_time ON outbound_events (organization_id, created_at);

CREATE TABLE outbound_deliveries (
    id              UUID PRIMARY KEY,
    organization_id UUID NOT NULL,
    subscription_id UUID NOT NULL REFERENCES outbound_subscriptions (id) ON DELETE CASCADE,
    event_id        UUID NOT NULL REFERENCES outbound_events (id) ON DELETE CASCADE,
    event_type      TEXT NOT NULL,
    -- pending | delivered | dead | cancelled
    status          TEXT NOT NULL,
    -- HTTP attempts made so far (numbers the next attempt); schedule_pos is the place in
    -- the retry schedule (reset by a replay).
    attempts        INTEGER NOT NULL DEFAULT 0,
    schedule_pos    INTEGER NOT NULL DEFAULT 0,
    -- When pending: when the next attempt is due. A claim moves it to the lease's end, so
    -- a crashed worker's deliveries fall due again by themselves.
    next_attempt_at TIMESTAMPTZ NOT NULL,
    locked_until    TIMESTAMPTZ,
    last_attempt_at TIMESTAMPTZ,
    last_status_code INTEGER,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbound_deliveries_due ON outbound_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbound_deliveries_org_time ON outbound_deliveries (organization_id, status, created_at);
CREATE INDEX outbound_deliveries_subscription ON outbound_deliveries (subscription_id, status);
CREATE INDEX outbound_deliveries_event ON outbound_deliveries (event_id);

CREATE TABLE outbound_attempts (
    id              BIGSERIAL PRIMARY KEY,
    delivery_id     UUID NOT NULL REFERENCES outbound_deliveries (id) ON DELETE CASCADE,
    subscription_id UUID NOT NULL,
    organization_id UUID NOT NULL,
    event_type      TEXT NOT NULL,
    attempt         INTEGER NOT NULL,
    attempted_at    TIMESTAMPTZ NOT NULL,
    success         BOOLEAN NOT NULL,
    status_code     INTEGER,
    duration_ms     BIGINT NOT NULL,
    request_headers TEXT NOT NULL,
    response_body   TEXT,
    error           TEXT
);
-- Logs page newest first by id (ids grow with recording), per tenant or per subscription.
CREATE INDEX outbound_attempts_org_id ON outbound_attempts (organization_id, id);
CREATE INDEX outbound_attempts_subscription_id ON outbound_attempts (subscription_id, id);
CREATE INDEX outbound_attempts_delivery ON outbound_attempts (delivery_id);
