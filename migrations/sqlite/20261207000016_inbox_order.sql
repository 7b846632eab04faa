-- The inbox lists an organization's conversations by their latest activity (a message is
-- recorded into updated_at), newest first.
CREATE INDEX conversations_activity ON conversations (organization_id, updated_at, id);
-- The board sums each stage's deals.
CREATE INDEX deals_stage ON deals (organization_id, stage, created_at, id);
