-- Organizations (tenants). Ids are UUIDs (16-byte blobs on SQLite), times RFC 3339 text.
-- Columns holding secrets contain only `cg1:` ciphertexts (see domain/src/crypto).
CREATE TABLE organizations (
    id              BLOB PRIMARY KEY NOT NULL,
    name            TEXT NOT NULL,
    appgain_suit_id TEXT,
    appgain_api_key TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
