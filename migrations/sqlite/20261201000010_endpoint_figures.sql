-- Per-endpoint figures over a time range without reading the attempts: one row per
-- (subscription, minute) and one per (subscription, hour) (`span` 1 or 60 minutes: the long
-- ranges read 720 hourly rows instead of 43,200), each with its successes, failures, summed
-- latency and a latency histogram
-- (h00: <= 1 ms, h01: <= 2 ms, ... doubling up to h14: <= 16384 ms; h15 above). The writer adds
-- to it in the transaction that records the attempts, so its sums equal the attempts'.
CREATE TABLE outbound_attempt_rollups (
    subscription_id BLOB NOT NULL REFERENCES outbound_subscriptions (id) ON DELETE CASCADE,
    organization_id BLOB NOT NULL,
    -- 1 (a minute's row) or 60 (an hour's).
    span            BIGINT NOT NULL,
    -- The row's first minute, in minutes since the Unix epoch (UTC); a multiple of span.
    minute          BIGINT NOT NULL,
    succeeded       BIGINT NOT NULL DEFAULT 0,
    failed          BIGINT NOT NULL DEFAULT 0,
    duration_ms     BIGINT NOT NULL DEFAULT 0,
    h00 BIGINT NOT NULL DEFAULT 0,
    h01 BIGINT NOT NULL DEFAULT 0,
    h02 BIGINT NOT NULL DEFAULT 0,
    h03 BIGINT NOT NULL DEFAULT 0,
    h04 BIGINT NOT NULL DEFAULT 0,
    h05 BIGINT NOT NULL DEFAULT 0,
    h06 BIGINT NOT NULL DEFAULT 0,
    h07 BIGINT NOT NULL DEFAULT 0,
    h08 BIGINT NOT NULL DEFAULT 0,
    h09 BIGINT NOT NULL DEFAULT 0,
    h10 BIGINT NOT NULL DEFAULT 0,
    h11 BIGINT NOT NULL DEFAULT 0,
    h12 BIGINT NOT NULL DEFAULT 0,
    h13 BIGINT NOT NULL DEFAULT 0,
    h14 BIGINT NOT NULL DEFAULT 0,
    h15 BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (subscription_id, span, minute)
);

INSERT INTO outbound_attempt_rollups (subscription_id, organization_id, span, minute, succeeded, failed, duration_ms, h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11, h12, h13, h14, h15)
SELECT subscription_id, organization_id, 1, CAST(strftime('%s', attempted_at) AS INTEGER) / 60 AS m,
       SUM(CASE WHEN success THEN 1 ELSE 0 END), SUM(CASE WHEN success THEN 0 ELSE 1 END), SUM(duration_ms),
       SUM(CASE WHEN duration_ms <= 1 THEN 1 ELSE 0 END),
       SUM(CASE WHEN duration_ms > 1 AND duration_ms <= 2 THEN 1 ELSE 0 END),
       SUM(CASE WHEN duration_ms > 2 AND duration_ms <= 4 THEN 1 ELSE 0 END),
       SUM(CASE WHEN duration_ms > 4 AND duration_ms <= 8 THEN 1 ELSE 0 END),
       SUM(CASE WHEN duration_ms > 8 AND duration_ms <= 16 THEN 1 ELSE 0 END),
       SUM(CASE WHEN duration_ms > 16 AND duration_ms <= 32 THEN 1 ELSE 0 END),
       SUM(CASE WHEN duration_ms > 32 AND duration_ms <= 64 THEN 1 ELSE 0 END),
       SUM(CASE WHEN duration_ms > 64 AND duration_ms <= 128 THEN 1 ELSE 0 END),
       SUM(CASE WHEN duration_ms > 128 AND duration_ms <= 256 THEN 1 ELSE 0 END),
       SUM(CASE WHEN duration_ms > 256 AND duration_ms <= 512 THEN 1 ELSE 0 END),
       SUM(CASE WHEN duration_ms > 512 AND duration_ms <= 1024 THEN 1 ELSE 0 END),
       SUM(CASE WHEN duration_ms > 1024 AND duration_ms <= 2048 THEN 1 ELSE 0 END),
       SUM(CASE WHEN duration_ms > 2048 AND duration_ms <= 4096 THEN 1 ELSE 0 END),
       SUM(CASE WHEN duration_ms > 4096 AND duration_ms <= 8192 THEN 1 ELSE 0 END),
       SUM(CASE WHEN duration_ms > 8192 AND duration_ms <= 16384 THEN 1 ELSE 0 END),
       SUM(CASE WHEN duration_ms > 16384 THEN 1 ELSE 0 END)
FROM outbound_attempts
WHERE subscription_id IN (SELECT id FROM outbound_subscriptions)
GROUP BY subscription_id, organization_id, m;

INSERT INTO outbound_attempt_rollups (subscription_id, organization_id, span, minute, succeeded, failed, duration_ms, h00, h01, h02, h03, h04, h05, h06, h07, h08, h09, h10, h11, h12, h13, h14, h15)
SELECT subscription_id, organization_id, 60, minute - minute % 60 AS h, SUM(succeeded), SUM(failed), SUM(duration_ms), SUM(h00), SUM(h01), SUM(h02), SUM(h03), SUM(h04), SUM(h05), SUM(h06), SUM(h07), SUM(h08), SUM(h09), SUM(h10), SUM(h11), SUM(h12), SUM(h13), SUM(h14), SUM(h15)
FROM outbound_attempt_rollups WHERE span = 1
GROUP BY subscription_id, organization_id, h;

-- An endpoint's health at a glance: its latest attempt, and since when every attempt has
-- failed (cleared by a success).
ALTER TABLE outbound_subscriptions ADD COLUMN last_attempt_at TEXT;
ALTER TABLE outbound_subscriptions ADD COLUMN failing_since TEXT;
UPDATE outbound_subscriptions SET
    last_attempt_at = (SELECT MAX(a.attempted_at) FROM outbound_attempts a WHERE a.subscription_id = outbound_subscriptions.id),
    failing_since = (SELECT MIN(a.attempted_at) FROM outbound_attempts a WHERE a.subscription_id = outbound_subscriptions.id
        AND a.id > COALESCE((SELECT MAX(s.id) FROM outbound_attempts s WHERE s.subscription_id = outbound_subscriptions.id AND s.success), 0));
