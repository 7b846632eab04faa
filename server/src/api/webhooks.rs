//! Outbound event subscriptions of the caller's organization (owners), in both seed shapes:
//! `/api/v1/webhooks` (name, url, events, …) and `/api/webhooks/subscriptions`
//! (`event_name`, `target_url`, `enabled`); delivery logs, stats, test sends and replays.

use std::time::Duration;

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use chrono::{DateTime, Utc};
use connectgain_domain::{
    crm::catalogue::EventDoc,
    ids::OrgId,
    outbound::{
        delivery_of_message,
        events::EventType,
        figures,
        logs::{self, AttemptFilter, AttemptRecord, Cursor, DeliveryDetail, DeliveryState, Page, Stats},
        subscriptions::{self, SubscriptionInput, SubscriptionPatch, SubscriptionView},
        DeliveryId, SubscriptionId,
    },
    Error,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{json, Value};
use utoipa::{
    openapi::{
        schema::{AnyOfBuilder, Object, ObjectBuilder, SchemaType, Type},
        Ref, RefOr, Schema,
    },
    IntoParams, ToSchema,
};

use super::{error::ApiError, json::Json, query::Query};
use crate::{auth::ManagerOf, state::AppState};

type Answer<T> = Result<Json<T>, ApiError>;
type Created<T> = Result<(StatusCode, Json<T>), ApiError>;

/// A signing secret in an answer: the caller asked for it (create, reveal, rotate).
fn exposed<S: Serializer>(secret: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(secret.expose_secret())
}

fn exposed_opt<S: Serializer>(secret: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => s.serialize_some(secret.expose_secret()),
        None => s.serialize_none(),
    }
}

// Whole numbers ≥ 0 with no `format`: int32/int64 would promise bounds the server does not have.
fn page_limit() -> Object {
    ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)).description(Some("Rows per page: 1 to 200 (beyond is cut), 50 when absent.")).build()
}

fn optional_seconds() -> Object {
    ObjectBuilder::new()
        .schema_type([Type::Integer, Type::Null].into_iter().collect::<SchemaType>())
        .minimum(Some(0))
        .description(Some("How long the previous secret keeps signing, in seconds: 86400 when absent, at most 30 days (longer is cut to 30 days)."))
        .build()
}

/// A subscription just created: the subscription and its signing secret, shown this once.
#[derive(Serialize, ToSchema)]
pub struct CreatedSubscription {
    #[serde(flatten)]
    view: SubscriptionView,
    /// The signing secret (`whsec_…`).
    #[serde(serialize_with = "exposed")]
    #[schema(value_type = String)]
    secret: SecretString,
}

/// A subscription's signing secret, and the previous one while a rotation's grace period lasts.
#[derive(Serialize, ToSchema)]
pub struct SigningSecret {
    #[serde(serialize_with = "exposed")]
    #[schema(value_type = String)]
    secret: SecretString,
    /// The previous secret, which still signs until `previous_secret_until`.
    #[serde(serialize_with = "exposed_opt", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    previous_secret: Option<SecretString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_secret_until: Option<DateTime<Utc>>,
}

/// The answer to a rotation: the new secret, and until when the previous one still signs.
#[derive(Serialize, ToSchema)]
pub struct Rotated {
    id: SubscriptionId,
    #[serde(serialize_with = "exposed")]
    #[schema(value_type = String)]
    secret: SecretString,
    previous_secret_until: Option<DateTime<Utc>>,
}

/// A delivery queued by a test send.
#[derive(Serialize, ToSchema)]
pub struct TestQueued {
    delivery_id: DeliveryId,
    /// The `webhook-id` the delivery carries (`msg_…`).
    webhook_id: String,
    /// `pending`.
    status: DeliveryState,
}

/// A delivery queued again by a replay.
#[derive(Serialize, ToSchema)]
pub struct ReplayQueued {
    delivery_id: DeliveryId,
    /// `pending`.
    status: DeliveryState,
}

/// How many failed deliveries a range replay queued again.
#[derive(Serialize, ToSchema)]
pub struct Replayed {
    replayed: u64,
}

/// A subscription's statistics: of a range (with `?range=`) or all-time.
#[derive(Serialize)]
#[serde(untagged)]
pub enum SubscriptionStats {
    Range(figures::RangeStats),
    AllTime(Stats),
}

// `anyOf`, not the derive's `oneOf`: a range's figures also have every field of the all-time ones.
impl utoipa::PartialSchema for SubscriptionStats {
    fn schema() -> RefOr<Schema> {
        AnyOfBuilder::new()
            .item(Ref::from_schema_name(figures::RangeStats::name()))
            .item(Ref::from_schema_name(Stats::name()))
            .description(Some("With `?range=`, the range's figures (`range`, `since` and the figures); without, the all-time ones."))
            .into()
    }
}

impl ToSchema for SubscriptionStats {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        use utoipa::PartialSchema;
        schemas.push((figures::RangeStats::name().into(), figures::RangeStats::schema()));
        <figures::RangeStats as ToSchema>::schemas(schemas);
        schemas.push((Stats::name().into(), Stats::schema()));
        <Stats as ToSchema>::schemas(schemas);
    }
}

fn subscription_id(raw: &str) -> Result<SubscriptionId, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found())
}

/// Create a subscription (`/api/v1/webhooks` shape).
#[utoipa::path(post, path = "/api/v1/webhooks", operation_id = "create_webhook", tag = "Webhooks", responses((status = CREATED, description = "The subscription with its signing secret, shown this once.", body = CreatedSubscription)))]
pub async fn create(State(s): State<AppState>, o: ManagerOf, Json(input): Json<SubscriptionInput>) -> Created<CreatedSubscription> {
    let created = subscriptions::create(&s.domain, o.org, &input).await?;
    Ok((StatusCode::CREATED, Json(CreatedSubscription { view: created.view, secret: created.secret })))
}

/// The organization's subscriptions (never their secrets).
#[utoipa::path(get, path = "/api/v1/webhooks", operation_id = "list_webhooks", tag = "Webhooks", responses((status = OK, body = Vec<SubscriptionView>)))]
pub async fn list(State(s): State<AppState>, o: ManagerOf) -> Answer<Vec<SubscriptionView>> {
    Ok(Json(subscriptions::list(&s.domain, o.org).await?))
}

/// One subscription.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}", operation_id = "get_webhook", tag = "Webhooks", responses((status = OK, body = SubscriptionView)))]
pub async fn get(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>) -> Answer<SubscriptionView> {
    Ok(Json(subscriptions::get(&s.domain, o.org, subscription_id(&id)?).await?))
}

/// Replaces a subscription; an absent `secret` keeps the current one.
#[utoipa::path(put, path = "/api/v1/webhooks/{id}", operation_id = "update_webhook", tag = "Webhooks", responses((status = OK, body = SubscriptionView)))]
pub async fn update(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>, Json(input): Json<SubscriptionInput>) -> Answer<SubscriptionView> {
    Ok(Json(subscriptions::update(&s.domain, o.org, subscription_id(&id)?, &input).await?))
}

/// Changes only the fields given; the secret and the logs stay as they are.
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", operation_id = "patch_webhook", tag = "Webhooks", request_body(content = SubscriptionPatch, description = "The fields to change; no body changes nothing."), responses((status = OK, body = SubscriptionView)))]
pub async fn patch(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>, Json(p): Json<SubscriptionPatch>) -> Answer<SubscriptionView> {
    Ok(Json(subscriptions::patch(&s.domain, o.org, subscription_id(&id)?, &p).await?))
}

/// The signing secret again (and the previous one while a rotation's grace period lasts).
/// API answers are never stored by caches (`Cache-Control: no-store`), and nothing logs them.
/// The signing secret; not to a `read` API key, since the secret lets its holder sign
/// deliveries the receiver would trust.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/secret", tag = "Webhooks", responses((status = OK, description = "The signing secret; not to a `read` API key (403).", body = SigningSecret)))]
pub async fn secret(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>) -> Answer<SigningSecret> {
    if o.key.is_some_and(|k| !k.scope.may_write()) {
        return Err(ApiError::forbidden("A read API key cannot reveal signing secrets; use a read_write key."));
    }
    let secrets = subscriptions::reveal_secret(&s.domain, o.org, subscription_id(&id)?).await?;
    let (previous_secret, previous_secret_until) = match secrets.previous {
        Some((previous, until)) => (Some(previous), Some(until)),
        None => (None, None),
    };
    Ok(Json(SigningSecret { secret: secrets.secret, previous_secret, previous_secret_until }))
}

/// Deletes a subscription, its pending deliveries and its logs.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", operation_id = "delete_webhook", tag = "Webhooks", responses((status = NO_CONTENT, description = "Deleted.")))]
pub async fn delete(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    subscriptions::delete(&s.domain, o.org, subscription_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a subscription (the seed's path).
#[utoipa::path(delete, path = "/api/webhooks/subscriptions/{id}", tag = "Webhooks", responses((status = NO_CONTENT, description = "Deleted.")))]
pub async fn seed_delete(state: State<AppState>, o: ManagerOf, id: Path<String>) -> Result<StatusCode, ApiError> {
    delete(state, o, id).await
}

/// `{"grace_seconds": n}` (default 24 h): the old secret keeps signing that long.
#[derive(Default, Deserialize, ToSchema)]
pub struct Rotate {
    /// How long the previous secret keeps signing, in seconds: 86400 when absent, at most
    /// 30 days (longer is cut to 30 days).
    #[schema(schema_with = optional_seconds)]
    grace_seconds: Option<u64>,
}

/// A new signing secret; the previous one keeps signing for the grace period.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/rotate-secret", tag = "Webhooks", request_body(content = Rotate, description = "No body: a grace period of 24 hours."), responses((status = OK, body = Rotated)))]
pub async fn rotate(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>, Json(r): Json<Rotate>) -> Answer<Rotated> {
    let grace = Duration::from_secs(r.grace_seconds.unwrap_or(24 * 3600).min(30 * 24 * 3600));
    let id = subscription_id(&id)?;
    let secret = subscriptions::rotate_secret(&s.domain, o.org, id, grace).await?;
    let view = subscriptions::get(&s.domain, o.org, id).await?;
    Ok(Json(Rotated { id, secret, previous_secret_until: view.previous_secret_until }))
}

/// The quick-start's test send: `{"eventType": "message.new", "payload": {...}}`.
#[derive(Default, Deserialize, ToSchema)]
pub struct TestEvent {
    /// An event of the catalogue; `contact.created` when absent. Also read as `event_type`.
    #[serde(alias = "event_type", rename = "eventType")]
    event_type: Option<String>,
    /// The event's `data`; `{"test": true}` when absent.
    payload: Option<Value>,
}

/// Queues a test delivery of an event to the subscription.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/test", operation_id = "test_webhook", tag = "Webhooks", request_body(content = TestEvent, description = "No body: a `contact.created` event with `{\"test\": true}`."), responses((status = ACCEPTED, description = "The delivery, queued.", body = TestQueued)))]
pub async fn test(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>, Json(t): Json<TestEvent>) -> Created<TestQueued> {
    let name = t.event_type.unwrap_or_else(|| "contact.created".into());
    let event = EventType::parse(&name).ok_or_else(|| Error::invalid("eventType", format!("{name} is not an event of the catalogue.")))?;
    let payload = t.payload.unwrap_or_else(|| json!({"test": true}));
    let delivery = logs::send_test(&s.domain, o.org, subscription_id(&id)?, event, &payload).await?;
    let webhook_id = connectgain_domain::outbound::message_id(delivery);
    Ok((StatusCode::ACCEPTED, Json(TestQueued { delivery_id: delivery, webhook_id, status: DeliveryState::Pending })))
}

/// Filters and paging of delivery attempts.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogQuery {
    /// `success` or `failed` (also `succeeded`, `failure`, `all`).
    status: Option<String>,
    /// This event's attempts only (a name of the catalogue).
    event: Option<String>,
    /// This subscription's attempts only (`/api/v1/webhooks/logs` only).
    subscription_id: Option<String>,
    /// Attempts made at or after this time.
    since: Option<DateTime<Utc>>,
    /// Attempts made before this time.
    until: Option<DateTime<Utc>>,
    /// `next_cursor` (older) or `prev_cursor` (newer) of a page.
    cursor: Option<String>,
    /// Rows per page: 1 to 200 (beyond is cut), 50 when absent.
    #[param(schema_with = page_limit)]
    limit: Option<u32>,
    /// The attempts of one delivery, by its id or its `webhook-id` (`msg_…`).
    delivery_id: Option<String>,
    /// The attempts of deliveries now `pending`, `failed` (retries remain), `delivered`,
    /// `dead` or `cancelled`.
    delivery_status: Option<String>,
    /// The attempts of the delivery with this `webhook-id` (`msg_…`).
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
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/logs", tag = "Webhooks", params(LogQuery), responses((status = OK, description = "A page of attempts, newest first.", body = Page<AttemptRecord>)))]
pub async fn logs_of(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>, Query(q): Query<LogQuery>) -> Answer<Page<AttemptRecord>> {
    let id = subscription_id(&id)?;
    subscriptions::get(&s.domain, o.org, id).await?;
    Ok(Json(logs::attempts(&s.domain, o.org, &filter(&q, Some(id))?, q.cursor()?, q.limit.unwrap_or(50)).await?))
}

/// Every attempt of the organization (optionally `subscription_id`), newest first.
#[utoipa::path(get, path = "/api/v1/webhooks/logs", tag = "Webhooks", params(LogQuery), responses((status = OK, description = "A page of attempts, newest first.", body = Page<AttemptRecord>)))]
pub async fn all_logs(State(s): State<AppState>, o: ManagerOf, Query(q): Query<LogQuery>) -> Answer<Page<AttemptRecord>> {
    let subscription = q.subscription_id.as_deref().filter(|s| !s.is_empty()).map(subscription_id).transpose()?;
    Ok(Json(logs::attempts(&s.domain, o.org, &filter(&q, subscription)?, q.cursor()?, q.limit.unwrap_or(50)).await?))
}

/// `?range=1h|24h|7d|30d`.
#[derive(Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// `1h`, `24h`, `7d` or `30d`.
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
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/stats", operation_id = "webhook_stats", tag = "Webhooks", params(RangeQuery), responses((status = OK, description = "With `range`, the range's figures; without, the all-time figures.", body = SubscriptionStats)))]
pub async fn stats(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>, Query(q): Query<RangeQuery>) -> Answer<SubscriptionStats> {
    let id = subscription_id(&id)?;
    Ok(Json(match q.range()? {
        Some(range) => SubscriptionStats::Range(figures::chart(&s.domain, o.org, id, range, Utc::now()).await?.stats),
        None => SubscriptionStats::AllTime(logs::stats(&s.domain, o.org, id).await?),
    }))
}

/// The range (24 h unless given) in buckets for a chart; they add up to `stats?range=`.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/stats/series", operation_id = "webhook_stats_series", tag = "Webhooks", params(RangeQuery), responses((status = OK, description = "Every bucket of the range, oldest first.", body = Vec<figures::SeriesPoint>)))]
pub async fn series(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>, Query(q): Query<RangeQuery>) -> Answer<Vec<figures::SeriesPoint>> {
    let range = q.range()?.unwrap_or_default();
    Ok(Json(figures::chart(&s.domain, o.org, subscription_id(&id)?, range, Utc::now()).await?.series))
}

/// A delivery whole: state, next attempt, the exact payload, every attempt. Serialized as
/// it is (not through a `Value`), so the payload's bytes are the bytes that were sent.
#[utoipa::path(get, path = "/api/v1/webhooks/deliveries/{id}", tag = "Webhooks", responses((status = OK, body = DeliveryDetail)))]
pub async fn delivery(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>) -> Answer<DeliveryDetail> {
    let id: DeliveryId = id.parse().map_err(|_| ApiError::not_found())?;
    Ok(Json(logs::delivery_detail(&s.domain, o.org, id).await?))
}

/// Sends a delivery again, on a fresh retry schedule.
#[utoipa::path(post, path = "/api/v1/webhooks/deliveries/{id}/replay", tag = "Webhooks", responses((status = ACCEPTED, description = "The delivery, queued again.", body = ReplayQueued)))]
pub async fn replay_delivery(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>) -> Created<ReplayQueued> {
    let id: DeliveryId = id.parse().map_err(|_| ApiError::not_found())?;
    logs::replay_delivery(&s.domain, o.org, id).await?;
    Ok((StatusCode::ACCEPTED, Json(ReplayQueued { delivery_id: id, status: DeliveryState::Pending })))
}

/// `{"since", "until", "subscription_id"?}`: every failed delivery created in the range.
#[derive(Default, Deserialize, ToSchema)]
pub struct ReplayRange {
    /// The start of the range (required).
    since: Option<DateTime<Utc>>,
    /// The end of the range; now when absent. Must be after `since`.
    until: Option<DateTime<Utc>>,
    /// This subscription's deliveries only.
    subscription_id: Option<String>,
}

/// Replays every failed delivery created in a time range.
#[utoipa::path(post, path = "/api/v1/webhooks/replay", tag = "Webhooks", responses((status = OK, body = Replayed)))]
pub async fn replay_failed(State(s): State<AppState>, o: ManagerOf, Json(r): Json<ReplayRange>) -> Answer<Replayed> {
    let since = r.since.ok_or_else(|| Error::invalid("since", "Give the start of the range (RFC 3339)."))?;
    let until = r.until.unwrap_or_else(Utc::now);
    if until <= since {
        return Err(Error::invalid("until", "The range must end after it starts.").into());
    }
    let subscription = r.subscription_id.as_deref().filter(|s| !s.is_empty()).map(subscription_id).transpose()?;
    let replayed = logs::replay_failed(&s.domain, o.org, since, until, subscription).await?;
    Ok(Json(Replayed { replayed }))
}

/// The event catalogue with each event's `data` shape.
#[utoipa::path(get, path = "/api/v1/webhooks/events", tag = "Webhooks", security(()), responses((status = OK, body = Vec<EventDoc>)))]
pub async fn catalogue() -> Json<Vec<EventDoc>> {
    Json(connectgain_domain::crm::catalogue::catalogue())
}

/// The integration guide's shape: one event per subscription.
#[derive(Default, Deserialize, ToSchema)]
pub struct SeedSubscription {
    /// An event of the catalogue.
    #[serde(default)]
    event_name: String,
    /// The receiver's `https` URL.
    #[serde(default)]
    target_url: String,
    /// True when absent.
    enabled: Option<bool>,
    /// The signing secret; generated (`whsec_…`) when absent.
    secret: Option<String>,
}

/// A subscription in the integration guide's shape.
#[derive(Serialize, ToSchema)]
pub struct SeedView {
    id: SubscriptionId,
    tenant_id: OrgId,
    /// The subscribed event (several joined by commas).
    event_name: String,
    target_url: String,
    enabled: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// A subscription just created in the guide's shape, with its signing secret shown this once.
#[derive(Serialize, ToSchema)]
pub struct SeedCreated {
    #[serde(flatten)]
    view: SeedView,
    #[serde(serialize_with = "exposed")]
    #[schema(value_type = String)]
    secret: SecretString,
}

fn seed_view(v: &SubscriptionView) -> SeedView {
    SeedView {
        id: v.id,
        tenant_id: v.organization_id,
        event_name: if v.events.len() == 1 { v.events[0].clone() } else { v.events.join(",") },
        target_url: v.url.clone(),
        enabled: v.is_active,
        created_at: v.created_at,
        updated_at: v.updated_at,
    }
}

/// Create a subscription to one event (the integration guide's shape).
#[utoipa::path(post, path = "/api/webhooks/subscriptions", tag = "Webhooks", responses((status = CREATED, description = "The subscription with its signing secret, shown this once.", body = SeedCreated)))]
pub async fn seed_create(State(s): State<AppState>, o: ManagerOf, Json(input): Json<SeedSubscription>) -> Created<SeedCreated> {
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
    Ok((StatusCode::CREATED, Json(SeedCreated { view: seed_view(&created.view), secret: created.secret })))
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

/// The organization's subscriptions in the guide's shape.
#[utoipa::path(get, path = "/api/webhooks/subscriptions", tag = "Webhooks", responses((status = OK, body = Vec<SeedView>)))]
pub async fn seed_list(State(s): State<AppState>, o: ManagerOf) -> Answer<Vec<SeedView>> {
    let list = subscriptions::list(&s.domain, o.org).await?;
    Ok(Json(list.iter().map(seed_view).collect()))
}

/// One subscription in the guide's shape.
#[utoipa::path(get, path = "/api/webhooks/subscriptions/{id}", tag = "Webhooks", responses((status = OK, body = SeedView)))]
pub async fn seed_get(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>) -> Answer<SeedView> {
    Ok(Json(seed_view(&subscriptions::get(&s.domain, o.org, subscription_id(&id)?).await?)))
}

/// A change in the seed's shape: any of `event_name`, `target_url`, `enabled` (PUT and PATCH).
#[derive(Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeedChange {
    event_name: Option<String>,
    target_url: Option<String>,
    enabled: Option<bool>,
}

#[utoipa::path(method(put, patch), path = "/api/webhooks/subscriptions/{id}", tag = "Webhooks", request_body(content = SeedChange, description = "The fields to change; no body changes nothing."), responses((status = OK, body = SeedView)))]
pub async fn seed_update(State(s): State<AppState>, o: ManagerOf, Path(id): Path<String>, Json(c): Json<SeedChange>) -> Answer<SeedView> {
    let patch = SubscriptionPatch { events: c.event_name.map(|e| vec![e.trim().to_owned()]), url: c.target_url, is_active: c.enabled, ..Default::default() };
    let view = subscriptions::patch(&s.domain, o.org, subscription_id(&id)?, &patch).await.map_err(seed_fields)?;
    Ok(Json(seed_view(&view)))
}
