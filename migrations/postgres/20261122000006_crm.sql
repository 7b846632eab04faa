-- The CRM objects whose changes are the outbound events: contacts, deals in a pipeline,
-- conversations with their messages, and campaigns (broadcasts). Every row belongs to one
-- organization; every query filters on it.

CREATE TABLE contacts (
    id              UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    first_name      TEXT,
    last_name       TEXT,
    email           TEXT,
    phone           TEXT,
    attributes      TEXT NOT NULL DEFAULT '{}',
    assigned_to     UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX contacts_email_key ON contacts (organization_id, email);
CREATE INDEX contacts_page ON contacts (organization_id, created_at, id);

CREATE TABLE deals (
    id              UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    value_cents     BIGINT NOT NULL DEFAULT 0,
    currency        TEXT NOT NULL DEFAULT 'USD',
    stage           TEXT NOT NULL,
    contact_id      UUID REFERENCES contacts (id) ON DELETE SET NULL,
    assigned_to     UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX deals_page ON deals (organization_id, created_at, id);

CREATE TABLE campaigns (
    id              UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    channel         TEXT NOT NULL,
    message         TEXT NOT NULL,
    status          TEXT NOT NULL,
    provider_status INTEGER,
    created_at      TIMESTAMPTZ NOT NULL,
    completed_at    TIMESTAMPTZ
);
CREATE INDEX campaigns_page ON campaigns (organization_id, created_at, id);

CREATE TABLE conversations (
    id              UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    contact_id      UUID REFERENCES contacts (id) ON DELETE SET NULL,
    channel         TEXT NOT NULL,
    subject         TEXT,
    status          TEXT NOT NULL,
    assigned_to     UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX conversations_page ON conversations (organization_id, created_at, id);

CREATE TABLE messages (
    id                  UUID PRIMARY KEY,
    organization_id     UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    conversation_id     UUID NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    direction           TEXT NOT NULL,
    body                TEXT NOT NULL,
    status              TEXT NOT NULL,
    campaign_id         UUID REFERENCES campaigns (id) ON DELETE SET NULL,
    provider_message_id TEXT,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX messages_page ON messages (conversation_id, created_at, id);
