//! The events a transaction emitted, written when it commits.
//!
//! [`events::emit`](super::events::emit) only builds the body and keeps it here; the commit
//! writes every event of the transaction and its deliveries in a few multi-row statements,
//! after one read of the subscriptions of the organizations concerned. A transaction that
//! carries many changes ([`crate::db::GroupCommit`]) thus pays for its events once, not
//! once per change, and a change rolled back to its savepoint takes its events with it
//! ([`Outbox::truncate`]).

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;
use tokio::sync::Notify;

use super::{
    events::{subscribed, EventType},
    filter::{self, Filter},
    DeliveryId, EventId, SubscriptionId,
};
use crate::{db::Tx, ids::OrgId, on_tx};

/// Rows per INSERT statement (well under both backends' bind-parameter limits).
const ROWS_PER_INSERT: usize = 200;

#[derive(Default)]
pub(crate) struct Outbox {
    events: Vec<Pending>,
}

struct Pending {
    id: EventId,
    org: OrgId,
    event: EventType,
    body: String,
    at: DateTime<Utc>,
    audience: Audience,
}

/// Who gets an event.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Audience {
    /// Every active subscription of the organization that wants it.
    Subscribers,
    /// The same, except the one the (operational) event is about.
    SubscribersExcept(SubscriptionId),
    /// A test send: this subscription, whatever its event list and filter, as this delivery.
    One(SubscriptionId, DeliveryId),
}

impl Outbox {
    /// Keeps an event whose body says it happened `at` (its rows are stamped the same).
    pub(crate) fn push(&mut self, org: OrgId, event: EventType, body: String, at: DateTime<Utc>, audience: Audience) {
        self.events.push(Pending { id: EventId::new(), org, event, body, at, audience });
    }

    /// How many events it holds: a mark to [`Outbox::truncate`] back to.
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    /// Forgets the events emitted after `mark` (their change was rolled back).
    pub(crate) fn truncate(&mut self, mark: usize) {
        self.events.truncate(mark);
    }
}

/// What a commit wrote for the workers, so that only those with work are woken: a wake-up
/// costs its worker a write transaction, which on SQLite waits its turn with every other.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub deliveries: bool,
    pub workflow_calls: bool,
}

/// The workers a commit can give work to.
#[derive(Clone, Default)]
pub struct Wakes {
    /// The outbound webhook worker.
    pub deliveries: Arc<Notify>,
    /// The worker of n8n workflows called by events.
    pub workflow_calls: Arc<Notify>,
}

impl Wakes {
    /// Wakes the workers of what was written, at once (other instances notice within their
    /// one-second poll).
    pub fn after(&self, written: Written) {
        if written.deliveries {
            self.deliveries.notify_one();
        }
        if written.workflow_calls {
            self.workflow_calls.notify_one();
        }
    }
}

struct Delivery {
    id: DeliveryId,
    subscription: SubscriptionId,
    event: usize,
}

/// An n8n workflow call an event makes (see `integrations::n8n_triggers`).
struct WorkflowCall {
    webhook: uuid::Uuid,
    event: usize,
}

/// Writes the transaction's events that someone subscribes to, their deliveries, and the
/// n8n workflow calls they make.
pub(crate) async fn flush(tx: &mut Tx) -> Result<Written, sqlx::Error> {
    if tx.outbox.events.is_empty() {
        return Ok(Written::default());
    }
    let events = std::mem::take(&mut tx.outbox.events);
    let subscriptions = active_subscriptions(tx, &events).await?;
    let mut deliveries = Vec::new();
    let mut calls = Vec::new();
    for (i, e) in events.iter().enumerate() {
        match e.audience {
            Audience::One(subscription, id) => deliveries.push(Delivery { id, subscription, event: i }),
            Audience::Subscribers | Audience::SubscribersExcept(_) => {
                let except = if let Audience::SubscribersExcept(s) = e.audience { Some(s) } else { None };
                // The body is parsed only for a subscription with a payload filter, once.
                let mut body: Option<Option<serde_json::Value>> = None;
                let wanting = subscriptions.get(&e.org).into_iter().flatten().filter(|s| match s.target {
                    Target::Subscription(id) => Some(id) != except && subscribed(&s.events, e.event),
                    // Workflows name CRM events only (checked when bound).
                    Target::Workflow(_) => subscribed(&s.events, e.event),
                });
                for s in wanting {
                    if let Some(filter) = &s.filter {
                        let parsed = body.get_or_insert_with(|| serde_json::from_str(&e.body).ok());
                        if !parsed.as_ref().is_some_and(|b| filter.matches(b)) {
                            continue;
                        }
                    }
                    match s.target {
                        Target::Subscription(subscription) => deliveries.push(Delivery { id: DeliveryId::new(), subscription, event: i }),
                        Target::Workflow(webhook) => calls.push(WorkflowCall { webhook, event: i }),
                    }
                }
            }
        }
    }
    for chunk in calls.chunks(ROWS_PER_INSERT) {
        on_tx!(tx, conn => {
            let mut q = QueryBuilder::new(
                "INSERT INTO n8n_triggered_calls (id, organization_id, webhook_id, event_type, body, status, next_attempt_at, created_at) ",
            );
            q.push_values(chunk, |mut row, c| {
                let e = &events[c.event];
                row.push_bind(uuid::Uuid::now_v7()).push_bind(e.org).push_bind(c.webhook).push_bind(e.event.as_str()).push_bind(&e.body);
                row.push("'pending'").push_bind(e.at).push_bind(e.at);
            });
            q.build().execute(conn).await.map(drop)
        })?;
    }
    let mut wanted = vec![false; events.len()];
    for d in &deliveries {
        wanted[d.event] = true;
    }
    let stored: Vec<&Pending> = events.iter().zip(&wanted).filter(|(_, w)| **w).map(|(e, _)| e).collect();
    for chunk in stored.chunks(ROWS_PER_INSERT) {
        on_tx!(tx, conn => {
            let mut q = QueryBuilder::new("INSERT INTO outbound_events (id, organization_id, event_type, body, created_at) ");
            q.push_values(chunk, |mut row, e| {
                row.push_bind(e.id).push_bind(e.org).push_bind(e.event.as_str()).push_bind(&e.body).push_bind(e.at);
            });
            q.build().execute(conn).await.map(drop)
        })?;
    }
    for chunk in deliveries.chunks(ROWS_PER_INSERT) {
        on_tx!(tx, conn => {
            let mut q = QueryBuilder::new(
                "INSERT INTO outbound_deliveries (id, organization_id, subscription_id, event_id, event_type, status, \
                 attempts, schedule_pos, next_attempt_at, created_at, updated_at) ",
            );
            q.push_values(chunk, |mut row, d| {
                let e = &events[d.event];
                row.push_bind(d.id).push_bind(e.org).push_bind(d.subscription).push_bind(e.id).push_bind(e.event.as_str());
                row.push("'pending'").push("0").push("0").push_bind(e.at).push_bind(e.at).push_bind(e.at);
            });
            q.build().execute(conn).await.map(drop)
        })?;
    }
    Ok(Written { deliveries: !deliveries.is_empty(), workflow_calls: !calls.is_empty() })
}

/// Who may want an event: a subscription, or an n8n workflow bound to events.
#[derive(Clone, Copy)]
enum Target {
    Subscription(SubscriptionId),
    Workflow(uuid::Uuid),
}

/// An active subscription or bound workflow as emission needs it.
struct Wanting {
    target: Target,
    /// The stored JSON list of event names.
    events: String,
    filter: Option<Filter>,
}

/// The active subscriptions and the active workflows bound to events of the organizations
/// that emitted an event for whoever wants it (one statement).
async fn active_subscriptions(tx: &mut Tx, events: &[Pending]) -> Result<HashMap<OrgId, Vec<Wanting>>, sqlx::Error> {
    let mut orgs: Vec<OrgId> = events.iter().filter(|e| !matches!(e.audience, Audience::One(..))).map(|e| e.org).collect();
    orgs.sort_unstable_by_key(|o| o.0);
    orgs.dedup();
    let mut by_org: HashMap<OrgId, Vec<Wanting>> = HashMap::with_capacity(orgs.len());
    for chunk in orgs.chunks(ROWS_PER_INSERT) {
        let rows: Vec<(bool, uuid::Uuid, OrgId, String, Option<String>)> = on_tx!(tx, conn => {
            let mut q = QueryBuilder::new(
                "SELECT FALSE, id, organization_id, events, filter FROM outbound_subscriptions WHERE is_active AND organization_id IN (",
            );
            let mut list = q.separated(", ");
            for org in chunk {
                list.push_bind(*org);
            }
            q.push(") UNION ALL SELECT TRUE, id, organization_id, trigger_on, trigger_filter FROM n8n_webhooks \
                    WHERE is_active AND trigger_on IS NOT NULL AND organization_id IN (");
            let mut list = q.separated(", ");
            for org in chunk {
                list.push_bind(*org);
            }
            q.push(")");
            q.build_query_as().fetch_all(conn).await
        })?;
        for (workflow, id, org, events, filter) in rows {
            let target = if workflow { Target::Workflow(id) } else { Target::Subscription(SubscriptionId(id)) };
            by_org.entry(org).or_default().push(Wanting { target, events, filter: filter::load(filter.as_deref()) });
        }
    }
    Ok(by_org)
}
