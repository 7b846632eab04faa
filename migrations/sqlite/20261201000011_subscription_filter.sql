-- A payload filter (JSON, see outbound/filter.rs): events whose body does not match create no
-- delivery for the subscription. NULL: every event it subscribes to.
ALTER TABLE outbound_subscriptions ADD COLUMN filter TEXT;
