//! `emit`, which records an event and its deliveries in the caller's transaction (the
//! outbox: a crash can never lose an event whose change committed).

use chrono::Utc;

pub use super::event_type::EventType;
use super::{outbox::Audience, payload, DeliveryId, SubscriptionId};
use crate::{db::Tx, ids::OrgId, Domain, Error};

/// The subscription wildcard: every CRM event (operational events are named one by one).
pub const ALL_EVENTS: &str = "*";

/// Whether a subscription's stored event list includes `event`.
pub(crate) fn subscribed(events_json: &str, event: EventType) -> bool {
    let names: Vec<String> = serde_json::from_str(events_json).unwrap_or_default();
    names.iter().any(|n| (n == ALL_EVENTS && !event.is_operational()) || n == event.as_str())
}

/// Records `event` with `data` for every active subscription of `org` that wants it, inside
/// the caller's transaction, so the event commits (or rolls back) with the change that
/// caused it.
///
/// The body (`{"event","timestamp","data"}`) is serialized once here; every attempt and
/// replay sends those exact bytes. `data` must hold no number that JavaScript would print
/// differently (see [`payload::build`]): such data is refused with `Error::Invalid` on field
/// `data`. The event and its deliveries are written when the transaction commits, with the
/// others emitted in it ([`super::outbox`]); when no subscription wants it, nothing is stored.
///
/// After committing, call [`Domain::outbound_wake`] so the worker starts at once (otherwise
/// it notices within its one-second poll). [`emit_now`] does all of it; so does every change
/// made through [`Domain::changes`].
pub async fn emit(tx: &mut Tx, org: OrgId, event: EventType, data: &serde_json::Value) -> Result<(), Error> {
    let now = Utc::now();
    tx.outbox.push(org, event, payload::build(event, now, data)?, now, Audience::Subscribers);
    Ok(())
}

/// [`emit`] in a transaction of its own, committed, with the worker woken.
pub async fn emit_now(d: &Domain, org: OrgId, event: EventType, data: &serde_json::Value) -> Result<(), Error> {
    let mut tx = d.db.begin().await?;
    emit(&mut tx, org, event, data).await?;
    d.wake(tx.commit_written().await?);
    Ok(())
}

/// Records the event for one subscription only, whatever its event list (a test send);
/// answers its delivery's id.
pub(crate) fn emit_to(tx: &mut Tx, org: OrgId, event: EventType, data: &serde_json::Value, subscription: SubscriptionId) -> Result<DeliveryId, Error> {
    let delivery = DeliveryId::new();
    let now = Utc::now();
    tx.outbox.push(org, event, payload::build(event, now, data)?, now, Audience::One(subscription, delivery));
    Ok(delivery)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_round_trips_and_has_the_26_events() {
        assert_eq!(EventType::ALL.len(), 26);
        assert_eq!(EventType::ALL.iter().filter(|e| e.is_operational()).count(), 4);
        for e in EventType::ALL {
            assert_eq!(EventType::parse(e.as_str()), Some(*e));
        }
        assert_eq!(EventType::parse("contact.exploded"), None);
        assert_eq!(EventType::parse("*"), None);
    }

    #[test]
    fn wildcard_and_named_subscriptions_match() {
        assert!(subscribed(r#"["*"]"#, EventType::DealUpdated));
        assert!(subscribed(r#"["deal.updated"]"#, EventType::DealUpdated));
        assert!(!subscribed(r#"["deal.created"]"#, EventType::DealUpdated));
        assert!(!subscribed(r#"["*"]"#, EventType::EndpointDisabled), "* means every CRM event");
        assert!(subscribed(r#"["*", "webhook.endpoint.disabled"]"#, EventType::EndpointDisabled));
    }
}
