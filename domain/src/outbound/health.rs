//! Endpoint health: what the delivery writer decides, in the transaction that records a
//! batch of attempts, about the endpoints concerned — a delivery's fourth failure or its
//! last, an endpoint failing for `CONNECTGAIN_WEBHOOK_DISABLE_AFTER` turned off, a success
//! after the owners were told of failures — and the operational events that tell other
//! subscriptions of the organization (never the endpoint they are about).
//!
//! A subscription's `health` is what its owners were last told (`ok`, `failing`,
//! `disabled`): each change is announced once, however many attempts fail meanwhile.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::QueryBuilder;

use super::{
    events::EventType,
    message_id,
    outbox::Audience,
    payload, schedule,
    writer::{Attempt, Next},
    DeliveryId, SubscriptionId,
};
use crate::{db::Tx, ids::OrgId, mail, on_tx, Domain};

/// The failed attempt of a delivery that raises `webhook.attempt.failing`.
pub const FAILING_AT_ATTEMPT: i32 = 4;

/// The `data` of `webhook.endpoint.disabled` and `webhook.endpoint.recovered`.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct EndpointHealth {
    pub endpoint_id: SubscriptionId,
    pub organization_id: OrgId,
    pub name: String,
    pub url: String,
    /// Since when every attempt had failed.
    pub failing_since: Option<DateTime<Utc>>,
    /// The latest failed attempt's error.
    pub last_error: Option<String>,
    /// Why it was turned off (`webhook.endpoint.disabled`).
    pub disabled_reason: Option<String>,
}

/// The `data` of `webhook.attempt.failing` and `webhook.attempt.exhausted`.
#[derive(Clone, Debug, Serialize)]
pub struct AttemptHealth {
    pub endpoint_id: SubscriptionId,
    pub organization_id: OrgId,
    pub name: String,
    pub url: String,
    pub delivery_id: DeliveryId,
    /// The delivery's `webhook-id`.
    pub message_id: String,
    pub event_type: String,
    pub attempt: i32,
    pub attempted_at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    /// When it is tried again (`None`: never; the delivery is dead).
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// One subscription's attempts in a batch, in time order.
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) organization: Option<OrgId>,
    pub(crate) total: i64,
    pub(crate) succeeded: i64,
    pub(crate) failed: i64,
    pub(crate) duration_ms: i64,
    pub(crate) last_at: Option<DateTime<Utc>>,
    /// The first failure after the batch's last success (or of the batch, without one):
    /// `Some` when the batch ended in a failure.
    pub(crate) failing_since: Option<DateTime<Utc>>,
    /// The error of the batch's last attempt, when it failed.
    pub(crate) last_error: Option<String>,
}

impl Counters {
    pub(crate) fn record(&mut self, a: &Attempt) {
        let ok = a.next == Next::Delivered;
        self.organization = Some(a.organization);
        self.total += 1;
        self.duration_ms += a.duration_ms;
        self.last_at = Some(a.attempted_at);
        if ok {
            self.succeeded += 1;
            self.failing_since = None;
            self.last_error = None;
        } else {
            self.failed += 1;
            self.failing_since.get_or_insert(a.attempted_at);
            self.last_error = a.error.clone().or_else(|| a.status_code.map(|c| format!("HTTP {c}")));
        }
    }
}

/// Endpoints that were reported failing or turned off and whose batch ended in a success:
/// back to `ok`, `webhook.endpoint.recovered` announced. Runs before the batch's counters
/// are added, so the event still carries since when the endpoint had failed.
pub(crate) async fn recoveries(tx: &mut Tx, d: &Domain, ended_ok: &[SubscriptionId], now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    if ended_ok.is_empty() {
        return Ok(());
    }
    let mut recovered: Vec<EndpointHealth> = Vec::new();
    for chunk in ended_ok.chunks(500) {
        let rows: Vec<EndpointHealth> = on_tx!(tx, conn => {
            let mut q = QueryBuilder::new("UPDATE outbound_subscriptions SET health = 'ok' WHERE health <> 'ok' AND id IN (");
            let mut list = q.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            q.push(
                ") RETURNING id AS endpoint_id, organization_id, name, url, failing_since, last_error, \
                 CAST(NULL AS TEXT) AS disabled_reason",
            );
            q.build_query_as().fetch_all(conn).await
        })?;
        recovered.extend(rows);
    }
    for endpoint in recovered {
        tracing::info!(subscription_id = %endpoint.endpoint_id, "outbound: endpoint recovered");
        announce(tx, EventType::EndpointRecovered, endpoint.organization_id, endpoint.endpoint_id, &endpoint, now);
        tell_owners(tx, d, Change::Recovered, &endpoint).await?;
    }
    Ok(())
}

/// After the batch's counters: the attempts worth telling about (a delivery's fourth
/// failure, a delivery gone dead), and endpoints failing for `disable_after` turned off.
pub(crate) async fn after_failures(
    tx: &mut Tx,
    d: &Domain,
    ended_failing: &[SubscriptionId],
    attempts: &[&Attempt],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    // Never about a delivery of an operational event: two failing endpoints subscribed to
    // each other's troubles would otherwise feed each other for ever.
    let notable: Vec<(&Attempt, EventType)> = attempts
        .iter()
        .filter(|a| a.next != Next::Delivered && !EventType::parse(&a.event_type).is_some_and(EventType::is_operational))
        .flat_map(|a| {
            let failing = (a.attempt == FAILING_AT_ATTEMPT).then_some((*a, EventType::AttemptFailing));
            let exhausted = (a.next == Next::Dead).then_some((*a, EventType::AttemptExhausted));
            failing.into_iter().chain(exhausted)
        })
        .collect();
    if !notable.is_empty() {
        let mut ids: Vec<SubscriptionId> = notable.iter().map(|(a, _)| a.subscription).collect();
        ids.sort();
        ids.dedup();
        let names = names(tx, &ids).await?;
        for (a, event) in &notable {
            let Some((name, url)) = names.iter().find(|(id, ..)| *id == a.subscription).map(|(_, n, u)| (n, u)) else { continue };
            let data = AttemptHealth {
                endpoint_id: a.subscription,
                organization_id: a.organization,
                name: name.clone(),
                url: url.clone(),
                delivery_id: a.delivery,
                message_id: message_id(a.delivery),
                event_type: a.event_type.clone(),
                attempt: a.attempt,
                attempted_at: a.attempted_at,
                status_code: a.status_code,
                error: a.error.clone(),
                next_attempt_at: if let Next::Retry { at, .. } = a.next { Some(at) } else { None },
            };
            announce(tx, *event, a.organization, a.subscription, &data, now);
        }
        // The owners are told once that the endpoint is failing.
        for chunk in ids.chunks(500) {
            let started: Vec<EndpointHealth> = on_tx!(tx, conn => {
                let mut q = QueryBuilder::new("UPDATE outbound_subscriptions SET health = 'failing' WHERE health = 'ok' AND id IN (");
                let mut list = q.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                q.push(") RETURNING id AS endpoint_id, organization_id, name, url, failing_since, last_error, CAST(NULL AS TEXT) AS disabled_reason");
                q.build_query_as().fetch_all(conn).await
            })?;
            for endpoint in started {
                tell_owners(tx, d, Change::Failing, &endpoint).await?;
            }
        }
    }
    disable_failing(tx, d, ended_failing, now).await
}

/// Turns off the endpoints among `ids` whose attempts have all failed for `disable_after`.
async fn disable_failing(tx: &mut Tx, d: &Domain, ids: &[SubscriptionId], now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let disable_after = d.config.outbound.disable_after;
    let cutoff = now - chrono::Duration::from_std(disable_after).unwrap_or(chrono::Duration::days(5));
    let reason = format!(
        "Every attempt failed for {}; turned off on {}. Turn the webhook on again to resume.",
        schedule::describe_span(disable_after),
        now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let mut disabled: Vec<EndpointHealth> = Vec::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<EndpointHealth> = on_tx!(tx, conn => {
            let mut q = QueryBuilder::new("UPDATE outbound_subscriptions SET is_active = FALSE, health = 'disabled', disabled_reason = ");
            q.push_bind(&reason).push(", updated_at = ").push_bind(now);
            q.push(" WHERE is_active AND failing_since IS NOT NULL AND failing_since <= ").push_bind(cutoff).push(" AND id IN (");
            let mut list = q.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            q.push(") RETURNING id AS endpoint_id, organization_id, name, url, failing_since, last_error, disabled_reason");
            q.build_query_as().fetch_all(conn).await
        })?;
        disabled.extend(rows);
    }
    for endpoint in disabled {
        tracing::warn!(subscription_id = %endpoint.endpoint_id, "outbound: every attempt failed for {}; subscription turned off", schedule::describe_span(disable_after));
        stop_pending(tx, endpoint.endpoint_id, now).await?;
        announce(tx, EventType::EndpointDisabled, endpoint.organization_id, endpoint.endpoint_id, &endpoint, now);
        tell_owners(tx, d, Change::Disabled, &endpoint).await?;
    }
    Ok(())
}

/// A subscription turned off by the platform (410 Gone, or failing too long): its pending
/// deliveries stop.
pub(crate) async fn stop_pending(tx: &mut Tx, subscription: SubscriptionId, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE outbound_deliveries SET status = 'cancelled', locked_until = NULL, updated_at = $1 \
         WHERE subscription_id = $2 AND status = 'pending'",
    )
    .bind(now)
    .bind(subscription)
    .execute(conn)
    .await
    .map(drop))
}

/// The answer to a 410: the subscription turned off with `reason`, announced.
pub(crate) async fn disable_gone(tx: &mut Tx, d: &Domain, subscription: SubscriptionId, reason: &str, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let row: Option<EndpointHealth> = on_tx!(tx, conn => sqlx::query_as(
        "UPDATE outbound_subscriptions SET is_active = FALSE, health = 'disabled', disabled_reason = $1, updated_at = $2 \
         WHERE id = $3 AND is_active \
         RETURNING id AS endpoint_id, organization_id, name, url, failing_since, last_error, disabled_reason",
    )
    .bind(reason)
    .bind(now)
    .bind(subscription)
    .fetch_optional(conn)
    .await)?;
    stop_pending(tx, subscription, now).await?;
    if let Some(endpoint) = row {
        announce(tx, EventType::EndpointDisabled, endpoint.organization_id, endpoint.endpoint_id, &endpoint, now);
        tell_owners(tx, d, Change::Disabled, &endpoint).await?;
    }
    Ok(())
}

/// What the owners are told by mail.
#[derive(Clone, Copy)]
enum Change {
    Failing,
    Disabled,
    Recovered,
}

/// One mail to each owner about an endpoint's change (when SMTP is configured).
async fn tell_owners(tx: &mut Tx, d: &Domain, change: Change, e: &EndpointHealth) -> Result<(), sqlx::Error> {
    let (subject, opening) = match change {
        Change::Failing => (format!("Webhook \"{}\" is failing", e.name), "Deliveries to this webhook endpoint keep failing; they are being retried."),
        Change::Disabled => {
            (format!("Webhook \"{}\" was turned off", e.name), "This webhook endpoint was turned off: nothing is sent to it until it is turned on again.")
        }
        Change::Recovered => (format!("Webhook \"{}\" recovered", e.name), "This webhook endpoint answers deliveries again."),
    };
    let mut body = format!("{opening}\n\nEndpoint: {}\nURL: {}\n", e.name, e.url);
    if let Some(reason) = &e.disabled_reason {
        body.push_str(&format!("Why: {reason}\n"));
    }
    if let Some(since) = e.failing_since {
        body.push_str(&format!("Failing since: {}\n", since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
    }
    if let Some(error) = &e.last_error {
        body.push_str(&format!("Last error: {error}\n"));
    }
    body.push_str(&format!(
        "\nIts delivery logs: {}/settings/webhooks/logs?subscription={}\n\nYou receive this as an owner of the organization on ConnectGain.\n",
        d.config.public_url.trim_end_matches('/'),
        e.endpoint_id
    ));
    mail::to_owners(tx, d, e.organization_id, &format!("[ConnectGain] {subject}"), &body).await
}

async fn names(tx: &mut Tx, ids: &[SubscriptionId]) -> Result<Vec<(SubscriptionId, String, String)>, sqlx::Error> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<(SubscriptionId, String, String)> = on_tx!(tx, conn => {
            let mut q = QueryBuilder::new("SELECT id, name, url FROM outbound_subscriptions WHERE id IN (");
            let mut list = q.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            q.push(")");
            q.build_query_as().fetch_all(conn).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

/// Emits an operational event about `about` to the organization's other subscriptions
/// that name it (written when the writer's transaction commits).
fn announce(tx: &mut Tx, event: EventType, org: OrgId, about: SubscriptionId, data: &impl Serialize, now: DateTime<Utc>) {
    let body = serde_json::to_value(data).map_err(|e| e.to_string()).and_then(|v| payload::build(event, now, &v).map_err(|e| e.to_string()));
    match body {
        Ok(body) => tx.outbox.push(org, event, body, now, Audience::SubscribersExcept(about)),
        Err(error) => tracing::error!(error, event = %event, "outbound: an operational event could not be built"),
    }
}
