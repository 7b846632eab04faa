//! Reading received events (newest first, filtered by status and event name) and retrying
//! failed ones.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::InboundEventId;
use crate::{
    crm::page::{self, Cursor, Page},
    ids::OrgId,
    on_db, Domain, Error,
};

pub const STATUSES: [&str; 3] = ["received", "processed", "failed"];

/// An integration event as the API and the page show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InboundEvent {
    pub id: InboundEventId,
    pub tenant_id: OrgId,
    /// `api`, `whatsapp`, `twilio`, `vonage` or `zoom`.
    pub source: String,
    pub event_name: String,
    pub payload: Value,
    /// `received`, `processed` or `failed`.
    pub status: String,
    /// What processing did (e.g. `{"contact_id": …, "created": true}`).
    pub result: Option<Value>,
    pub error_message: Option<String>,
    pub idempotency_key: Option<String>,
    pub attempts: i32,
    pub received_at: DateTime<Utc>,
    pub processed_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: InboundEventId,
    organization_id: OrgId,
    source: String,
    event_name: String,
    payload: String,
    status: String,
    result: Option<String>,
    error_message: Option<String>,
    idempotency_key: Option<String>,
    attempts: i32,
    received_at: DateTime<Utc>,
    processed_at: Option<DateTime<Utc>>,
}

impl From<Row> for InboundEvent {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            tenant_id: r.organization_id,
            source: r.source,
            event_name: r.event_name,
            payload: serde_json::from_str(&r.payload).unwrap_or(Value::Null),
            status: r.status,
            result: r.result.and_then(|t| serde_json::from_str(&t).ok()),
            error_message: r.error_message,
            idempotency_key: r.idempotency_key,
            attempts: r.attempts,
            received_at: r.received_at,
            processed_at: r.processed_at,
        }
    }
}

const COLUMNS: &str = "id, organization_id, source, event_name, payload, status, result, error_message, idempotency_key, attempts, \
                       received_at, processed_at";

/// Filters of the event list; blank means any.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct EventFilter {
    /// `received`, `processed` or `failed`.
    pub status: Option<String>,
    /// This event name only (`lead.captured`).
    pub event_name: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page: 1 to 200, 50 when absent.
    pub limit: Option<i64>,
}

pub async fn list(d: &Domain, org: OrgId, filter: &EventFilter) -> Result<Page<InboundEvent>, Error> {
    let blank = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let status = blank(&filter.status);
    if let Some(s) = &status {
        if !STATUSES.contains(&s.as_str()) {
            return Err(Error::invalid("status", format!("Use one of: {}.", STATUSES.join(", "))));
        }
    }
    let event_name = blank(&filter.event_name);
    let cursor = Cursor::parse(filter.cursor.as_deref())?;
    let limit = page::limit(filter.limit);
    let sql = format!(
        "SELECT {COLUMNS} FROM integration_events WHERE organization_id = $1 AND {} \
         AND ($5 IS NULL OR status = $5) AND ($6 IS NULL OR event_name = $6) \
         ORDER BY received_at DESC, id DESC LIMIT $4",
        page::after(2).replace("created_at", "received_at")
    );
    let rows: Vec<Row> = on_db!(&d.db, pool => sqlx::query_as(&sql)
        .bind(org)
        .bind(cursor.map(|c| c.created_at))
        .bind(cursor.map(|c| c.id))
        .bind(limit + 1)
        .bind(&status)
        .bind(&event_name)
        .fetch_all(pool)
        .await)?;
    Ok(page::page(rows.into_iter().map(InboundEvent::from).collect(), limit, |e| (e.received_at, e.id.0)))
}

pub async fn get(d: &Domain, org: OrgId, id: InboundEventId) -> Result<InboundEvent, Error> {
    let row: Option<Row> = on_db!(&d.db, pool => sqlx::query_as(&format!("SELECT {COLUMNS} FROM integration_events WHERE id = $1 AND organization_id = $2"))
        .bind(id)
        .bind(org)
        .fetch_optional(pool)
        .await)?;
    row.map(InboundEvent::from).ok_or(Error::NotFound)
}

/// Puts a failed event back in the queue; the worker processes it again at once.
pub async fn retry(d: &Domain, org: OrgId, id: InboundEventId) -> Result<InboundEvent, Error> {
    let changed = on_db!(&d.db, pool => sqlx::query(
        "UPDATE integration_events SET status = 'received', error_message = NULL, result = NULL, processed_at = NULL, locked_until = NULL \
         WHERE id = $1 AND organization_id = $2 AND status = 'failed'",
    )
    .bind(id)
    .bind(org)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    let event = get(d, org, id).await?;
    if changed == 0 {
        return Err(Error::Conflict(format!("Only failed events can be retried; this one is {}.", event.status)));
    }
    d.inbound.wake.notify_one();
    Ok(event)
}

pub fn parse_id(raw: &str) -> Result<InboundEventId, Error> {
    raw.trim().parse().map_err(|_| Error::NotFound)
}
