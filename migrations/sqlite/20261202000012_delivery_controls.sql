-- Delivery controls (#15).
-- Custom headers sent with every attempt: the name→value object sealed as one ciphertext
-- (bound to the column and the organization, as the secrets are), and the names in clear
-- for reads, which show every value masked.
ALTER TABLE outbound_subscriptions ADD COLUMN headers_enc TEXT;
ALTER TABLE outbound_subscriptions ADD COLUMN header_names TEXT;
-- At most this many attempts in any one second; NULL: no limit (see outbound/throttle.rs).
ALTER TABLE outbound_subscriptions ADD COLUMN rate_limit_per_sec INTEGER;
-- The latest attempt's error while the endpoint is failing (what notices show).
ALTER TABLE outbound_subscriptions ADD COLUMN last_error TEXT;
-- What the owners were last told about the endpoint: 'ok', 'failing' or 'disabled'. An
-- operational event (and a mail) goes out when it changes, once per change.
ALTER TABLE outbound_subscriptions ADD COLUMN health TEXT NOT NULL DEFAULT 'ok';

