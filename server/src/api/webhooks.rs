//! Outbound event subscriptions of the caller's organization (owners), in both seed shapes:
//! `/api/v1/webhooks` (name, url, events, …) and `/api/webhooks/subscriptions`
//! (`event_name`, `target_url`, `enabled`); delivery logs, stats, test sends and replays.

use std::time::Duration;

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    Json,
};
use chrono::{DateTime, Utc};
use connectgain_domain::{
    outbound::{
        delivery_of_message,
        events::EventType,
        figures,
        logs::{self, AttemptFilter, Cursor, DeliveryState},
        subscriptions::{self, SubscriptionInput, SubscriptionPatch, SubscriptionView},
        DeliveryId, SubscriptionId,
    },
    Error,
};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{error::ApiError, json::ApiJson};
use crate::{auth::ManagerOf, state::AppState};

type Answer = Result<Json<Value>, ApiError>;

fn subscription_id(raw: &str) -> Result<SubscriptionId, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found())
}

pub async fn create(State(s): State<AppState>, o: ManagerOf, ApiJson(input): ApiJson<SubscriptionInput>) -> Result<(StatusCode, Json<Value>), ApiError> {
    let created = subscriptions::create(&s.domain, o.org, &input).await?;
    let mut body = json!(created.view);
    body["secret"] = json!(created.secret.expose_secret());
    Ok((StatusCode::CREATED, Json(body)))
}

pub async fn list(State(s): State<AppState>, o: ManagerOf) -> Answer {
    Ok(Json(json!(subscriptions::list(&s.domain, o.org).await?)))
}

pub async fn get(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>) -> Answer {
    Ok(Json(json!(subscriptions::get(&s.domain, o.org, subscription_id(&id)?).await?)))
}

pub async fn update(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>, ApiJson(input): ApiJson<SubscriptionInput>) -> Answer {
    Ok(Json(json!(subscriptions::update(&s.domain, o.org, subscription_id(&id)?, &input).await?)))
}

/// Changes only the fields given; the secret and the logs stay as they are.
pub async fn patch(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>, ApiJson(p): ApiJson<SubscriptionPatch>) -> Answer {
    Ok(Json(json!(subscriptions::patch(&s.domain, o.org, subscription_id(&id)?, &p).await?)))
}

/// The signing secret again (and the previous one while a rotation's grace period lasts).
/// API answers are never stored by caches (`Cache-Control: no-store`), and nothing logs them.
/// The signing secret; not to a `read` API key, since the secret lets its holder sign
/// deliveries the receiver would trust.
pub async fn secret(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>) -> Answer {
    if o.key.is_some_and(|k| !k.scope.may_write()) {
        return Err(ApiError::forbidden("A read API key cannot reveal signing secrets; use a read_write key."));
    }
    let secrets = subscriptions::reveal_secret(&s.domain, o.org, subscription_id(&id)?).await?;
    let mut body = json!({ "secret": secrets.secret.expose_secret() });
    if let Some((previous, until)) = &secrets.previous {
        body["previous_secret"] = json!(previous.expose_secret());
        body["previous_secret_until"] = json!(until);
    }
    Ok(Json(body))
}

pub async fn delete(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    subscriptions::delete(&s.domain, o.org, subscription_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `{"grace_seconds": n}` (default 24 h): the old secret keeps signing that long.
#[derive(Default, Deserialize)]
pub struct Rotate {
    grace_seconds: Option<u64>,
}

pub async fn rotate(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>, ApiJson(r): ApiJson<Rotate>) -> Answer {
    let grace = Duration::from_secs(r.grace_seconds.unwrap_or(24 * 3600).min(30 * 24 * 3600));
    let id = subscription_id(&id)?;
    let secret = subscriptions::rotate_secret(&s.domain, o.org, id, grace).await?;
    let view = subscriptions::get(&s.domain, o.org, id).await?;
    Ok(Json(json!({ "id": id, "secret": secret.expose_secret(), "previous_secret_until": view.previous_secret_until })))
}

/// The quick-start's test send: `{"eventType": "message.new", "payload": {...}}`.
#[derive(Default, Deserialize)]
pub struct TestEvent {
    #[serde(alias = "event_type", rename = "eventType")]
    event_type: Option<String>,
    payload: Option<Value>,
}

pub async fn test(
    State(s): State<AppState>,
    o: ManagerOf,
    Path(id): Path<String>,
    ApiJson(t): ApiJson<TestEvent>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let name = t.event_type.unwrap_or_else(|| "contact.created".into());
    let event = EventType::parse(&name).ok_or_else(|| Error::invalid("eventType", format!("{name} is not an event of the catalogue.")))?;
    let payload = t.payload.unwrap_or_else(|| json!({"test": true}));
    let delivery = logs::send_test(&s.domain, o.org, subscription_id(&id)?, event, &payload).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "delivery_id": delivery, "webhook_id": connectgain_domain::outbound::message_id(delivery), "status": "pending" }))))
}

#[derive(Deserialize)]
pub struct LogQuery {
    /// `success` or `failed`.
    status: Option<String>,
    event: Option<String>,
    subscription_id: Option<String>,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    /// `next_cursor` (older) or `prev_cursor` (newer) of a page.
    cursor: Option<String>,
    limit: Option<u32>,
    /// The attempts of one delivery, by its id or its `webhook-id` (`msg_…`).
    delivery_id: Option<String>,
    /// The attempts of deliveries now `pending`, `failed` (retries remain), `delivered`,
    /// `dead` or `cancelled`.
    delivery_status: Option<String>,
    webhook_id: Option<String>,
}

impl LogQuery {
    fn cursor(&self) -> Result<Option<Cursor>, ApiError> {
        match self.cursor.as_deref().filter(|c| !c.is_empty()) {
            None => Ok(None),
            Some(raw) => Cursor::parse(raw).map(Some).ok_or_else(|| Error::invalid("cursor", "Pass back a next_cursor or prev_cursor of a page.").into()),
        }
    }
}

fn filter(q: &LogQuery, subscription: Option<SubscriptionId>) -> Result<AttemptFilter, ApiError> {
    let succeeded = match q.status.as_deref() {
        None | Some("") | Some("all") => None,
        Some("success") | Some("succeeded") => Some(true),
        Some("failed") | Some("failure") => Some(false),
        Some(_) => return Err(Error::invalid("status", "Use success or failed.").into()),
    };
    let event_type = match q.event.as_deref().filter(|e| !e.is_empty()) {
        None => None,
        Some(name) => Some(EventType::parse(name).ok_or_else(|| Error::invalid("event", format!("{name} is not an event of the catalogue.")))?),
    };
    let delivery = match (q.delivery_id.as_deref().filter(|i| !i.is_empty()), q.webhook_id.as_deref().filter(|i| !i.is_empty())) {
        (None, None) => None,
        (Some(id), _) => Some(id.parse::<DeliveryId>().map_err(|_| Error::invalid("delivery_id", "This is not a delivery id."))?),
        (None, Some(id)) => Some(delivery_of_message(id).ok_or_else(|| Error::invalid("webhook_id", "A webhook-id looks like msg_ and 32 hex digits."))?),
    };
    let delivery_state = match q.delivery_status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(DeliveryState::parse(raw).ok_or_else(|| Error::invalid("delivery_status", "Use pending, failed, delivered, dead or cancelled."))?),
    };
    Ok(AttemptFilter { subscription, succeeded, event_type, since: q.since, until: q.until, delivery, delivery_state })
}

/// Every attempt of one subscription, newest first.
pub async fn logs_of(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>, Query(q): Query<LogQuery>) -> Answer {
    let id = subscription_id(&id)?;
    subscriptions::get(&s.domain, o.org, id).await?;
    let page = logs::attempts(&s.domain, o.org, &filter(&q, Some(id))?, q.cursor()?, q.limit.unwrap_or(50)).await?;
    Ok(Json(json!(page)))
}

/// Every attempt of the organization (optionally `subscription_id`), newest first.
pub async fn all_logs(State(s): State<AppState>, o: ManagerOf, Query(q): Query<LogQuery>) -> Answer {
    let subscription = q.subscription_id.as_deref().filter(|s| !s.is_empty()).map(subscription_id).transpose()?;
    let page = logs::attempts(&s.domain, o.org, &filter(&q, subscription)?, q.cursor()?, q.limit.unwrap_or(50)).await?;
    Ok(Json(json!(page)))
}

/// `?range=1h|24h|7d|30d`.
#[derive(Default, Deserialize)]
pub struct RangeQuery {
    range: Option<String>,
}

impl RangeQuery {
    fn range(&self) -> Result<Option<figures::Range>, ApiError> {
        match self.range.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            None => Ok(None),
            Some(raw) => Ok(Some(figures::Range::parse(raw).ok_or_else(|| Error::invalid("range", "Use 1h, 24h, 7d or 30d."))?)),
        }
    }
}

/// With `range`, the figures of that range; without, the all-time counters and the latency
/// of the latest attempts.
pub async fn stats(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>, Query(q): Query<RangeQuery>) -> Answer {
    let id = subscription_id(&id)?;
    Ok(Json(match q.range()? {
        Some(range) => json!(figures::chart(&s.domain, o.org, id, range, Utc::now()).await?.stats),
        None => json!(logs::stats(&s.domain, o.org, id).await?),
    }))
}

/// The range (24 h unless given) in buckets for a chart; they add up to `stats?range=`.
pub async fn series(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>, Query(q): Query<RangeQuery>) -> Answer {
    let range = q.range()?.unwrap_or_default();
    Ok(Json(json!(figures::chart(&s.domain, o.org, subscription_id(&id)?, range, Utc::now()).await?.series)))
}

/// A delivery whole: state, next attempt, the exact payload, every attempt. Serialized as
/// it is (not through a `Value`), so the payload's bytes are the bytes that were sent.
pub async fn delivery(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>) -> Result<Json<logs::DeliveryDetail>, ApiError> {
    let id: DeliveryId = id.parse().map_err(|_| ApiError::not_found())?;
    Ok(Json(logs::delivery_detail(&s.domain, o.org, id).await?))
}

pub async fn replay_delivery(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id: DeliveryId = id.parse().map_err(|_| ApiError::not_found())?;
    logs::replay_delivery(&s.domain, o.org, id).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "delivery_id": id, "status": "pending" }))))
}

/// `{"since", "until", "subscription_id"?}`: every failed delivery created in the range.
#[derive(Default, Deserialize)]
pub struct ReplayRange {
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    subscription_id: Option<String>,
}

pub async fn replay_failed(State(s): State<AppState>, o: ManagerOf, ApiJson(r): ApiJson<ReplayRange>) -> Answer {
    let since = r.since.ok_or_else(|| Error::invalid("since", "Give the start of the range (RFC 3339)."))?;
    let until = r.until.unwrap_or_else(Utc::now);
    if until <= since {
        return Err(Error::invalid("until", "The range must end after it starts.").into());
    }
    let subscription = r.subscription_id.as_deref().filter(|s| !s.is_empty()).map(subscription_id).transpose()?;
    let replayed = logs::replay_failed(&s.domain, o.org, since, until, subscription).await?;
    Ok(Json(json!({ "replayed": replayed })))
}

/// The event catalogue with each event's `data` shape.
pub async fn catalogue() -> Json<Value> {
    Json(json!(connectgain_domain::crm::catalogue::catalogue()))
}

/// The integration guide's shape: one event per subscription.
#[derive(Default, Deserialize)]
pub struct SeedSubscription {
    #[serde(default)]
    event_name: String,
    #[serde(default)]
    target_url: String,
    enabled: Option<bool>,
    secret: Option<String>,
}

fn seed_view(v: &SubscriptionView) -> Value {
    json!({
        "id": v.id,
        "tenant_id": v.organization_id,
        "event_name": if v.events.len() == 1 { v.events[0].clone() } else { v.events.join(",") },
        "target_url": v.url,
        "enabled": v.is_active,
        "created_at": v.created_at,
        "updated_at": v.updated_at,
    })
}

pub async fn seed_create(State(s): State<AppState>, o: ManagerOf, ApiJson(input): ApiJson<SeedSubscription>) -> Result<(StatusCode, Json<Value>), ApiError> {
    let event = input.event_name.trim().to_owned();
    let name = format!("{} → {}", if event.is_empty() { "events" } else { &event }, input.target_url.trim());
    let full = SubscriptionInput {
        name: name.chars().take(200).collect(),
        url: input.target_url,
        events: vec![event],
        secret: input.secret,
        is_active: input.enabled,
        ..Default::default()
    };
    let created = subscriptions::create(&s.domain, o.org, &full).await.map_err(seed_fields)?;
    let mut body = seed_view(&created.view);
    body["secret"] = json!(created.secret.expose_secret());
    Ok((StatusCode::CREATED, Json(body)))
}

/// Field errors under the seed's names, for the fields it has.
fn seed_fields(e: Error) -> Error {
    match e {
        Error::Invalid(mut fields) => {
            if let Some(m) = fields.remove("url") {
                fields.insert("target_url", m);
            }
            if let Some(m) = fields.remove("events") {
                fields.insert("event_name", m);
            }
            Error::Invalid(fields)
        }
        other => other,
    }
}

pub async fn seed_list(State(s): State<AppState>, o: ManagerOf) -> Answer {
    let list = subscriptions::list(&s.domain, o.org).await?;
    Ok(Json(Value::Array(list.iter().map(seed_view).collect())))
}

pub async fn seed_get(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>) -> Answer {
    Ok(Json(seed_view(&subscriptions::get(&s.domain, o.org, subscription_id(&id)?).await?)))
}

/// A change in the seed's shape: any of `event_name`, `target_url`, `enabled` (PUT and PATCH).
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedChange {
    event_name: Option<String>,
    target_url: Option<String>,
    enabled: Option<bool>,
}

pub async fn seed_update(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>, ApiJson(c): ApiJson<SeedChange>) -> Answer {
    let patch = SubscriptionPatch { events: c.event_name.map(|e| vec![e.trim().to_owned()]), url: c.target_url, is_active: c.enabled, ..Default::default() };
    let view = subscriptions::patch(&s.domain, o.org, subscription_id(&id)?, &patch).await.map_err(seed_fields)?;
    Ok(Json(seed_view(&view)))
}
