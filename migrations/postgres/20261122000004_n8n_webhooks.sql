-- n8n workflow webhooks per tenant, every call made to them, and hourly rollups so the
-- analytics never scan all calls. Counters, calls and rollups change in one transaction.

CREATE TABLE n8n_webhooks (
    id               UUID PRIMARY KEY,
    organization_id  UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    workflow_name    TEXT NOT NULL,
    webhook_url      TEXT NOT NULL,
    description      TEXT,
    auth_token       TEXT,
    is_active        BOOLEAN NOT NULL,
    total_calls      BIGINT NOT NULL DEFAULT 0,
    successful_calls BIGINT NOT NULL DEFAULT 0,
    failed_calls     BIGINT NOT NULL DEFAULT 0,
    total_duration_ms BIGINT NOT NULL DEFAULT 0,
    last_called_at   TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX n8n_webhooks_name_key ON n8n_webhooks (organization_id, workflow_name);

CREATE TABLE webhook_calls (
    id              BIGSERIAL PRIMARY KEY,
    webhook_id      UUID NOT NULL REFERENCES n8n_webhooks (id) ON DELETE CASCADE,
    organization_id UUID NOT NULL,
    called_at       TIMESTAMPTZ NOT NULL,
    attempt         INTEGER NOT NULL,
    status_code     INTEGER,
    success         BOOLEAN NOT NULL,
    duration_ms     BIGINT NOT NULL,
    error           TEXT
);
CREATE INDEX webhook_calls_org_time ON webhook_calls (organization_id, called_at);
CREATE INDEX webhook_calls_webhook_time ON webhook_calls (webhook_id, called_at);
-- Call history pages newest first by id (ids grow with recording), exactly.
CREATE INDEX webhook_calls_org_id ON webhook_calls (organization_id, id);
CREATE INDEX webhook_calls_webhook_id ON webhook_calls (webhook_id, id);

CREATE TABLE webhook_call_hours (
    webhook_id      UUID NOT NULL REFERENCES n8n_webhooks (id) ON DELETE CASCADE,
    organization_id UUID NOT NULL,
    hour            TIMESTAMPTZ NOT NULL,
    calls           BIGINT NOT NULL,
    successes       BIGINT NOT NULL,
    failures        BIGINT NOT NULL,
    duration_ms     BIGINT NOT NULL,
    PRIMARY KEY (webhook_id, hour)
);
CREATE INDEX webhook_call_hours_org ON webhook_call_hours (organization_id, hour);
