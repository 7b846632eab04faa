//! `emit`, which records an event and its deliveries in the caller's transaction (the
//! outbox: a crash can never lose an event whose change committed).

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

pub use super::event_type::EventType;
use super::{payload, DeliveryId, EventId, SubscriptionId};
use crate::{db::Tx, ids::OrgId, on_tx, Domain, Error};

/// The subscription wildcard.
pub const ALL_EVENTS: &str = "*";

/// Whether a subscription's stored event list includes `event`.
pub(crate) fn subscribed(events_json: &str, event: EventType) -> bool {
    let names: Vec<String> = serde_json::from_str(events_json).unwrap_or_default();
    names.iter().any(|n| n == ALL_EVENTS || n == event.as_str())
}

/// Records `event` with `data` for every active subscription of `org` that wants it, inside
/// the caller's transaction, so the event commits (or rolls back) with the change that
/// caused it.
///
/// The body (`{"event","timestamp","data"}`) is serialized once here and stored; every
/// attempt and replay sends those exact bytes. `data` must hold no number that JavaScript
/// would print differently (see [`payload::build`]): such data is refused with
/// `Error::Invalid` on field `data`. When no subscription wants the event, nothing is stored.
///
/// After committing, call [`Domain::outbound_wake`] so the worker starts at once (otherwise
/// it notices within its one-second poll). [`emit_now`] does all of it.
pub async fn emit(tx: &mut Tx, org: OrgId, event: EventType, data: &serde_json::Value) -> Result<(), Error> {
    emit_for(tx, org, event, data, None).await.map(|_| ())
}

/// [`emit`] in a transaction of its own, committed, with the worker woken.
pub async fn emit_now(d: &Domain, org: OrgId, event: EventType, data: &serde_json::Value) -> Result<(), Error> {
    let mut tx = d.db.begin().await?;
    emit(&mut tx, org, event, data).await?;
    tx.commit().await?;
    d.outbound_wake();
    Ok(())
}

/// Stores the event and its deliveries: to the active subscriptions that want it, or only to
/// `only` (a test send, whatever its event list). Returns the deliveries created.
pub(crate) async fn emit_for(
    tx: &mut Tx,
    org: OrgId,
    event: EventType,
    data: &serde_json::Value,
    only: Option<SubscriptionId>,
) -> Result<Vec<DeliveryId>, Error> {
    let now = Utc::now();
    let targets: Vec<SubscriptionId> = match only {
        Some(id) => vec![id],
        None => {
            let rows: Vec<(SubscriptionId, String)> = on_tx!(tx, conn => sqlx::query_as(
                "SELECT id, events FROM outbound_subscriptions WHERE organization_id = $1 AND is_active",
            )
            .bind(org)
            .fetch_all(conn)
            .await)?;
            rows.into_iter().filter(|(_, events)| subscribed(events, event)).map(|(id, _)| id).collect()
        }
    };
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let body = payload::build(event, now, data)?;
    let event_id = EventId::new();
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO outbound_events (id, organization_id, event_type, body, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(event_id)
    .bind(org)
    .bind(event.as_str())
    .bind(&body)
    .bind(now)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    insert_deliveries(tx, org, event_id, event, &targets, now).await
}

async fn insert_deliveries(
    tx: &mut Tx,
    org: OrgId,
    event_id: EventId,
    event: EventType,
    targets: &[SubscriptionId],
    now: DateTime<Utc>,
) -> Result<Vec<DeliveryId>, Error> {
    let mut ids = Vec::with_capacity(targets.len());
    // A handful of subscriptions per tenant: a few rows per statement at most.
    for chunk in targets.chunks(50) {
        let batch: Vec<DeliveryId> = chunk.iter().map(|_| DeliveryId::new()).collect();
        on_tx!(tx, conn => {
            let mut q = QueryBuilder::new(
                "INSERT INTO outbound_deliveries (id, organization_id, subscription_id, event_id, event_type, status, \
                 attempts, schedule_pos, next_attempt_at, created_at, updated_at) ",
            );
            q.push_values(batch.iter().zip(chunk), |mut row, (id, sub)| {
                row.push_bind(*id).push_bind(org).push_bind(*sub).push_bind(event_id).push_bind(event.as_str());
                row.push("'pending'").push("0").push("0").push_bind(now).push_bind(now).push_bind(now);
            });
            q.build().execute(conn).await.map(|r| r.rows_affected())
        })?;
        ids.extend(batch);
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_round_trips_and_has_the_22_events() {
        assert_eq!(EventType::ALL.len(), 22);
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
    }
}
