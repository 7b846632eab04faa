-- What an endpoint is for, in the owner's words (Svix's "description"); optional.
ALTER TABLE outbound_subscriptions ADD COLUMN description TEXT;
