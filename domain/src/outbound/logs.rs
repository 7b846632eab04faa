//! Attempt records, delivery states, per-subscription stats, replays and test sends.

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::{
    events::{self, EventType},
    message_id, DeliveryId, SubscriptionId,
};
use crate::{ids::OrgId, on_db, Domain, Error};

/// Latency percentiles are computed over this many most recent attempts.
pub const LATENCY_WINDOW: i64 = 1000;
/// The most attempts one page holds.
pub const MAX_PAGE: u32 = 200;

/// Which attempts to list.
#[derive(Clone, Debug, Default)]
pub struct AttemptFilter {
    pub subscription: Option<SubscriptionId>,
    /// `Some(true)`: successful attempts only; `Some(false)`: failed ones only.
    pub succeeded: Option<bool>,
    pub event_type: Option<EventType>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// The attempts of one delivery (looked up by its id or its `webhook-id`).
    pub delivery: Option<DeliveryId>,
    /// The attempts of deliveries now in this state.
    pub delivery_state: Option<DeliveryState>,
}

/// Where a page of attempts starts: just older, or just newer, than one attempt. In the API
/// `b<id>` and `a<id>`; a bare id means older (cursors went one way only before).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cursor {
    Older(i64),
    Newer(i64),
}

impl Cursor {
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let (make, digits): (fn(i64) -> Self, &str) = match raw.as_bytes().first()? {
            b'b' => (Self::Older, &raw[1..]),
            b'a' => (Self::Newer, &raw[1..]),
            _ => (Self::Older, raw),
        };
        digits.parse().ok().filter(|id| *id >= 0).map(make)
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Older(id) => write!(f, "b{id}"),
            Self::Newer(id) => write!(f, "a{id}"),
        }
    }
}

impl serde::Serialize for Cursor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One HTTP attempt as recorded.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AttemptRecord {
    pub id: i64,
    pub delivery_id: DeliveryId,
    /// The `webhook-id` the attempt carried (the delivery's [`message_id`]).
    #[sqlx(skip)]
    pub webhook_id: String,
    pub subscription_id: SubscriptionId,
    pub event_type: String,
    /// 1 for the first attempt of a delivery; replays continue the count.
    pub attempt: i32,
    pub attempted_at: DateTime<Utc>,
    pub success: bool,
    pub status_code: Option<i32>,
    pub duration_ms: i64,
    /// The request headers sent, as a JSON object (signatures included, never the secret).
    pub request_headers: String,
    /// The response body, at most 4 KiB.
    pub response_body: Option<String>,
    pub error: Option<String>,
}

/// A page of a list, newest first.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    /// Pass back to get the next older page; `None` on the oldest.
    #[schema(value_type = Option<String>)]
    pub next_cursor: Option<Cursor>,
    /// Pass back to get the next newer page; `None` on the newest (the first page).
    #[schema(value_type = Option<String>)]
    pub prev_cursor: Option<Cursor>,
}

/// The organization's attempts matching `filter`, newest first, `limit` (1..=200) per page,
/// from just past `cursor` (the first page: the newest).
pub async fn attempts(d: &Domain, org: OrgId, filter: &AttemptFilter, cursor: Option<Cursor>, limit: u32) -> Result<Page<AttemptRecord>, Error> {
    let limit = limit.clamp(1, MAX_PAGE);
    if let Some(sub) = filter.subscription {
        super::subscriptions::get(d, org, sub).await?;
    }
    let mut rows: Vec<AttemptRecord> = on_db!(&d.db, pool => {
        let mut q = QueryBuilder::new(
            "SELECT id, delivery_id, subscription_id, event_type, attempt, attempted_at, success, status_code, duration_ms, \
             request_headers, response_body, error FROM outbound_attempts WHERE organization_id = ",
        );
        q.push_bind(org);
        match cursor {
            None => &mut q,
            Some(Cursor::Older(id)) => q.push(" AND id < ").push_bind(id),
            Some(Cursor::Newer(id)) => q.push(" AND id > ").push_bind(id),
        };
        if let Some(delivery) = filter.delivery {
            q.push(" AND delivery_id = ").push_bind(delivery);
        }
        if let Some(state) = filter.delivery_state {
            q.push(" AND delivery_id IN (SELECT id FROM outbound_deliveries WHERE organization_id = ").push_bind(org);
            q.push(" AND ").push(state.condition()).push(")");
        }
        if let Some(s) = filter.subscription {
            q.push(" AND subscription_id = ").push_bind(s);
        }
        if let Some(s) = filter.succeeded {
            q.push(" AND success = ").push_bind(s);
        }
        if let Some(e) = filter.event_type {
            q.push(" AND event_type = ").push_bind(e.as_str());
        }
        if let Some(t) = filter.since {
            q.push(" AND attempted_at >= ").push_bind(t);
        }
        if let Some(t) = filter.until {
            q.push(" AND attempted_at < ").push_bind(t);
        }
        // Newer pages are read upwards from the cursor (the attempts just past it), then
        // turned round; one row more than asked says whether there is a page beyond.
        let newer = matches!(cursor, Some(Cursor::Newer(_)));
        q.push(if newer { " ORDER BY id LIMIT " } else { " ORDER BY id DESC LIMIT " }).push(limit + 1);
        q.build_query_as().fetch_all(pool).await
    })?;
    let beyond = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    for row in &mut rows {
        row.webhook_id = message_id(row.delivery_id);
    }
    let newer = matches!(cursor, Some(Cursor::Newer(_)));
    if newer {
        rows.reverse();
    }
    let older_page = || rows.last().map(|r| Cursor::Older(r.id));
    let newer_page = || rows.first().map(|r| Cursor::Newer(r.id));
    // Coming from a cursor, there are rows on the side it came from.
    let (next_cursor, prev_cursor) = match cursor {
        None => (older_page().filter(|_| beyond), None),
        Some(Cursor::Older(_)) => (older_page().filter(|_| beyond), newer_page()),
        Some(Cursor::Newer(_)) => (older_page(), newer_page().filter(|_| beyond)),
    };
    Ok(Page { data: rows, next_cursor, prev_cursor })
}

/// A delivery's current state.
#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow)]
pub struct DeliveryView {
    pub id: DeliveryId,
    pub subscription_id: SubscriptionId,
    pub event_type: String,
    /// `pending`, `delivered`, `dead` or `cancelled`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl DeliveryView {
    pub fn webhook_id(&self) -> String {
        message_id(self.id)
    }
}

/// What a delivery is doing, as owners see it: the stored status, except that a pending
/// delivery whose attempts failed (its retry schedule has moved on: retries remain) is
/// `failed`. A replay starts the schedule again, so a replayed delivery is `pending`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    Pending,
    Failed,
    Delivered,
    Dead,
    Cancelled,
}

impl DeliveryState {
    pub const ALL: [Self; 5] = [Self::Pending, Self::Failed, Self::Delivered, Self::Dead, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Failed => "failed",
            Self::Delivered => "delivered",
            Self::Dead => "dead",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }

    fn of(status: &str, schedule_pos: i32) -> Self {
        match status {
            "delivered" => Self::Delivered,
            "dead" => Self::Dead,
            "cancelled" => Self::Cancelled,
            _ if schedule_pos > 0 => Self::Failed,
            _ => Self::Pending,
        }
    }

    /// The condition on `outbound_deliveries` that selects deliveries in this state.
    fn condition(self) -> &'static str {
        match self {
            Self::Pending => "status = 'pending' AND schedule_pos = 0",
            Self::Failed => "status = 'pending' AND schedule_pos > 0",
            Self::Delivered => "status = 'delivered'",
            Self::Dead => "status = 'dead'",
            Self::Cancelled => "status = 'cancelled'",
        }
    }
}

/// A delivery whole, as the API shows it: its state, the exact body sent, every attempt.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct DeliveryDetail {
    pub id: DeliveryId,
    /// The `webhook-id` every attempt carried.
    pub webhook_id: String,
    pub subscription_id: SubscriptionId,
    pub event: String,
    pub status: DeliveryState,
    /// When the next attempt is due; `None` once nothing more will be sent.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The body every attempt sent, byte for byte.
    #[schema(value_type = Object)]
    pub payload: Box<serde_json::value::RawValue>,
    /// Every attempt (the latest 200 of a delivery replayed that often), the first first.
    pub attempts: Vec<AttemptRecord>,
}

/// [`DeliveryDetail`] of one delivery of the organization.
pub async fn delivery_detail(d: &Domain, org: OrgId, id: DeliveryId) -> Result<DeliveryDetail, Error> {
    type Row = (SubscriptionId, String, String, i32, DateTime<Utc>, DateTime<Utc>, String);
    let row: Option<Row> = on_db!(&d.db, pool => sqlx::query_as(
        "SELECT d.subscription_id, d.event_type, d.status, d.schedule_pos, d.next_attempt_at, d.created_at, e.body \
         FROM outbound_deliveries d JOIN outbound_events e ON e.id = d.event_id WHERE d.id = $1 AND d.organization_id = $2",
    )
    .bind(id)
    .bind(org)
    .fetch_optional(pool)
    .await)?;
    let (subscription_id, event, status, schedule_pos, next_attempt_at, created_at, body) = row.ok_or(Error::NotFound)?;
    let status = DeliveryState::of(&status, schedule_pos);
    let payload = serde_json::value::RawValue::from_string(body).map_err(Error::internal)?;
    let filter = AttemptFilter { delivery: Some(id), ..Default::default() };
    let mut attempts = attempts(d, org, &filter, None, MAX_PAGE).await?.data;
    attempts.reverse();
    let next_attempt_at = matches!(status, DeliveryState::Pending | DeliveryState::Failed).then_some(next_attempt_at);
    Ok(DeliveryDetail { id, webhook_id: message_id(id), subscription_id, event, status, next_attempt_at, created_at, payload, attempts })
}

/// One delivery of the organization.
pub async fn delivery(d: &Domain, org: OrgId, id: DeliveryId) -> Result<DeliveryView, Error> {
    on_db!(&d.db, pool => sqlx::query_as(
        "SELECT id, subscription_id, event_type, status, attempts, next_attempt_at, last_attempt_at, last_status_code, \
         last_error, created_at FROM outbound_deliveries WHERE id = $1 AND organization_id = $2",
    )
    .bind(id)
    .bind(org)
    .fetch_optional(pool)
    .await)?
    .ok_or(Error::NotFound)
}

/// A subscription's delivery statistics.
#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Stats {
    /// Attempts ever made (from counters).
    pub total: i64,
    pub succeeded: i64,
    pub failed: i64,
    /// `succeeded / total`, 0 when nothing was attempted.
    pub success_rate: f64,
    pub avg_latency_ms: f64,
    /// Over the latest [`LATENCY_WINDOW`] attempts.
    pub p50_latency_ms: i64,
    pub p95_latency_ms: i64,
}

/// Counters kept by the writer plus percentiles over a bounded window: never a full scan.
pub async fn stats(d: &Domain, org: OrgId, subscription: SubscriptionId) -> Result<Stats, Error> {
    let counters: Option<(i64, i64, i64, i64)> = on_db!(&d.db, pool => sqlx::query_as(
        "SELECT total_attempts, succeeded_attempts, failed_attempts, total_duration_ms FROM outbound_subscriptions \
         WHERE id = $1 AND organization_id = $2",
    )
    .bind(subscription)
    .bind(org)
    .fetch_optional(pool)
    .await)?;
    let (total, succeeded, failed, duration) = counters.ok_or(Error::NotFound)?;
    let mut window: Vec<i64> = on_db!(&d.db, pool => sqlx::query_scalar(
        "SELECT duration_ms FROM outbound_attempts WHERE subscription_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(subscription)
    .bind(LATENCY_WINDOW)
    .fetch_all(pool)
    .await)?;
    window.sort_unstable();
    let pct = |p: f64| window.get(((window.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or(0);
    let ratio = |a: i64, b: i64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    Ok(Stats {
        total,
        succeeded,
        failed,
        success_rate: ratio(succeeded, total),
        avg_latency_ms: ratio(duration, total),
        p50_latency_ms: pct(0.5),
        p95_latency_ms: pct(0.95),
    })
}

/// Sends a finished delivery again (same body, same `webhook-id`), from the start of the
/// retry schedule. A pending one is already on its way: `Conflict`.
pub async fn replay_delivery(d: &Domain, org: OrgId, id: DeliveryId) -> Result<(), Error> {
    let now = Utc::now();
    let updated = on_db!(&d.db, pool => sqlx::query(
        "UPDATE outbound_deliveries SET status = 'pending', schedule_pos = 0, next_attempt_at = $1, locked_until = NULL, updated_at = $1 \
         WHERE id = $2 AND organization_id = $3 AND status <> 'pending' \
         AND subscription_id IN (SELECT id FROM outbound_subscriptions WHERE organization_id = $3 AND is_active)",
    )
    .bind(now)
    .bind(id)
    .bind(org)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    if updated == 0 {
        let current = delivery(d, org, id).await?;
        return Err(Error::Conflict(if current.status == "pending" {
            "This delivery is already pending.".into()
        } else {
            "The webhook is turned off; turn it on to replay its deliveries.".into()
        }));
    }
    d.outbound_wake();
    Ok(())
}

/// Sends again every dead delivery of the organization created in `[since, until)`
/// (optionally of one subscription, which must be on). Returns how many.
pub async fn replay_failed(d: &Domain, org: OrgId, since: DateTime<Utc>, until: DateTime<Utc>, subscription: Option<SubscriptionId>) -> Result<u64, Error> {
    if let Some(sub) = subscription {
        super::subscriptions::get(d, org, sub).await?;
    }
    let now = Utc::now();
    let sub_clause = if subscription.is_some() { "AND subscription_id = $5" } else { "" };
    let sql = format!(
        "UPDATE outbound_deliveries SET status = 'pending', schedule_pos = 0, next_attempt_at = $1, locked_until = NULL, updated_at = $1 \
         WHERE organization_id = $2 AND status = 'dead' AND created_at >= $3 AND created_at < $4 {sub_clause} \
         AND subscription_id IN (SELECT id FROM outbound_subscriptions WHERE organization_id = $2 AND is_active)"
    );
    let count = on_db!(&d.db, pool => {
        let mut q = sqlx::query(&sql).bind(now).bind(org).bind(since).bind(until);
        if let Some(s) = subscription {
            q = q.bind(s);
        }
        q.execute(pool).await.map(|r| r.rows_affected())
    })?;
    if count > 0 {
        d.outbound_wake();
    }
    Ok(count)
}

/// Sends `event_type` with `payload` as its `data` to one subscription (whatever events it
/// subscribes to) through the same engine; the attempt shows in the logs. Returns the
/// delivery id.
pub async fn send_test(d: &Domain, org: OrgId, subscription: SubscriptionId, event_type: EventType, payload: &serde_json::Value) -> Result<DeliveryId, Error> {
    // Each test is an outbound request on the tenant's say: limited per organization.
    d.quotas.test_send(org)?;
    let sub = super::subscriptions::get(d, org, subscription).await?;
    if !sub.is_active {
        return Err(Error::Conflict("The webhook is turned off; turn it on to send a test event.".into()));
    }
    let mut tx = d.db.begin().await?;
    let delivery = events::emit_to(&mut tx, org, event_type, payload, subscription)?;
    tx.commit().await?;
    d.outbound_wake();
    Ok(delivery)
}
