-- Per-tenant integrations, managed by platform admins. Secret columns hold cg1: ciphertexts
-- bound to the organization (see domain/src/rotation.rs for the list).

CREATE TABLE whatsapp_integrations (
    organization_id      BLOB PRIMARY KEY NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    enabled              BOOLEAN NOT NULL,
    phone_number_id      TEXT,
    business_account_id  TEXT,
    access_token         TEXT,
    webhook_verify_token TEXT,
    phone_number         TEXT,
    app_secret           TEXT,
    updated_at           TEXT NOT NULL
);

CREATE TABLE sms_integrations (
    organization_id              BLOB PRIMARY KEY NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    enabled                      BOOLEAN NOT NULL,
    provider                     TEXT NOT NULL CHECK (provider IN ('twilio', 'vonage', 'aws_sns')),
    twilio_account_sid           TEXT,
    twilio_auth_token            TEXT,
    twilio_phone_number          TEXT,
    twilio_messaging_service_sid TEXT,
    vonage_api_key               TEXT,
    vonage_api_secret            TEXT,
    vonage_from                  TEXT,
    sns_access_key_id            TEXT,
    sns_secret_access_key        TEXT,
    sns_region                   TEXT,
    sns_sender_id                TEXT,
    updated_at                   TEXT NOT NULL
);

CREATE TABLE n8n_integrations (
    organization_id BLOB PRIMARY KEY NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    base_url        TEXT NOT NULL,
    api_key         TEXT,
    updated_at      TEXT NOT NULL
);
