-- An organization's API keys (`cgk_…`) for automation, stored as SHA-256 hashes. The key
-- belongs to the organization: it outlives the person who created it (created_by is kept
-- for the record, without a foreign key).
CREATE TABLE api_keys (
    id              UUID PRIMARY KEY NOT NULL,
    organization_id UUID NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    -- read | read_write
    scope           TEXT NOT NULL,
    key_hash        TEXT NOT NULL,
    -- `cgk_…` and the key's last four characters, to recognize it.
    hint            TEXT NOT NULL,
    created_by      UUID,
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ,
    -- Written at most about once a minute per key.
    last_used_at    TIMESTAMPTZ,
    revoked_at      TIMESTAMPTZ
);
CREATE UNIQUE INDEX api_keys_hash_key ON api_keys (key_hash);
CREATE INDEX api_keys_by_organization ON api_keys (organization_id, created_at);
