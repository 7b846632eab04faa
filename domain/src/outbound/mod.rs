//! Outbound event webhooks: the event catalogue, tenants' subscriptions, and a durable,
//! signed delivery engine.
//!
//! The flow: a domain change calls [`events::emit`] in its own transaction, which builds the
//! event's body bytes once; the commit stores them and one pending delivery per interested
//! subscription (the [`outbox`]).
//! After the commit, [`crate::Domain::outbound_wake`] nudges the [`worker`], which claims due
//! deliveries in batches under a lease, sends them with a shared keep-alive client (bounded
//! concurrency overall and per subscription, SSRF guard on the connected address), and hands
//! each finished attempt to a single writer task that records attempts and delivery states
//! in batched transactions. Failures are retried on the configured schedule, then `dead`;
//! [`logs`] shows attempts and stats and replays deliveries.

mod event_type;
pub mod events;
pub mod figures;
pub mod filter;
pub mod headers;
pub mod health;
pub mod logs;
pub(crate) mod outbox;
pub use outbox::{Wakes, Written};
pub mod payload;
pub mod schedule;
pub mod signing;
pub mod ssrf;
mod store;
pub mod subscriptions;
mod throttle;
pub mod worker;
mod writer;

crate::typed_id!(
    /// An outbound event subscription (a tenant's webhook endpoint).
    SubscriptionId
);

crate::typed_id!(time_ordered
    /// One event to one subscription; its `webhook-id` is stable across retries and replays.
    /// Time-ordered (UUIDv7): the deliveries table takes thousands of inserts and updates a
    /// second by id.
    DeliveryId
);

crate::typed_id!(time_ordered
    /// One emitted event (its stored body is sent to every subscription that wants it).
    /// Time-ordered (UUIDv7), like deliveries.
    EventId
);

/// The Standard Webhooks message id of a delivery (`webhook-id`).
pub fn message_id(delivery: DeliveryId) -> String {
    format!("msg_{}", delivery.0.simple())
}

/// The delivery whose [`message_id`] this is.
pub fn delivery_of_message(webhook_id: &str) -> Option<DeliveryId> {
    let hex = webhook_id.trim().strip_prefix("msg_")?;
    (hex.len() == 32).then(|| uuid::Uuid::try_parse(hex).ok()).flatten().map(DeliveryId)
}

/// The `User-Agent` of deliveries.
pub const USER_AGENT: &str = concat!("ConnectGain-Webhooks/", env!("CARGO_PKG_VERSION"));
