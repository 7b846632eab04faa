-- Organizations (tenants). Columns holding secrets contain only `cg1:` ciphertexts
-- (see domain/src/crypto).
CREATE TABLE organizations (
    id              UUID PRIMARY KEY,
    name            TEXT NOT NULL,
    appgain_suit_id TEXT,
    appgain_api_key TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
