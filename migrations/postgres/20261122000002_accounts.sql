-- Accounts: users, sessions, API tokens, invitations, and Appgain provisioning state.

-- Organizations created before provisioning existed are 'legacy' until they get the
-- configured default credentials; new ones start 'pending' or 'provisioned'.
ALTER TABLE organizations ADD COLUMN provisioning_status TEXT NOT NULL DEFAULT 'legacy';
ALTER TABLE organizations ADD COLUMN provisioning_error TEXT;
-- Bumped whenever the credentials change, so sessions know to reload theirs.
ALTER TABLE organizations ADD COLUMN appgain_version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE users (
    id              UUID PRIMARY KEY,
    organization_id UUID REFERENCES organizations (id) ON DELETE CASCADE,
    email           TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    first_name      TEXT,
    last_name       TEXT,
    phone           TEXT,
    role            TEXT NOT NULL CHECK (role IN ('member', 'owner', 'admin')),
    -- The seed's "user metadata" backup of the Appgain credentials: a cg1: ciphertext.
    appgain_backup  TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_organization ON users (organization_id);

-- One pending provisioning per organization. The signup password the webhook needs is kept
-- here encrypted (bound to the user) only while provisioning is pending, at most 7 days.
CREATE TABLE provisioning_jobs (
    organization_id UUID PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    password_enc    TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error      TEXT,
    locked_until    TIMESTAMPTZ,
    expires_at      TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX provisioning_jobs_due ON provisioning_jobs (next_attempt_at);

-- tower-sessions records. Values that are secrets are cg1: ciphertexts inside `data`.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    data        BYTEA NOT NULL,
    expiry_date BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry_date);

-- Bearer tokens for the API, stored as SHA-256 hashes.
CREATE TABLE api_tokens (
    id         UUID PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX api_tokens_hash_key ON api_tokens (token_hash);

-- One-use invitation links for new members, stored as SHA-256 hashes.
CREATE TABLE invitations (
    id              UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    token_hash      TEXT NOT NULL,
    created_by      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at      TIMESTAMPTZ NOT NULL,
    used_at         TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX invitations_hash_key ON invitations (token_hash);
