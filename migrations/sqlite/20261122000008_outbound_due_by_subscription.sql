-- The worker claims due deliveries subscription by subscription (each up to its concurrency
-- bound): one probe per subscription with pending deliveries finds which are due, then an
-- index range per subscription claims the earliest. Both stay cheap however large the
-- backlog of any one subscription (the due-time index alone had to walk past the whole
-- backlog of every subscription already at its bound).
CREATE INDEX outbound_deliveries_sub_due ON outbound_deliveries (subscription_id, next_attempt_at) WHERE status = 'pending';
