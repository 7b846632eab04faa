//! n8n workflow webhooks of a tenant for platform admins: CRUD, calling them, analytics.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use connectgain_domain::integrations::{
    analytics::{self, CallRecord, CallSummary, HourPoint, Range},
    webhook_calls::{self, CallOutcome},
    webhooks::{self, WebhookInput, WebhookView},
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{error::ApiError, json::Json, platform::tenant, query::Query};
use crate::{auth::PlatformAdmin, state::AppState};

fn webhook_id(raw: &str) -> Result<Uuid, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found())
}

/// The tenant's workflow webhooks, by name.
#[utoipa::path(get, path = "/api/platform/tenants/{tenant_id}/webhooks", tag = "Platform", operation_id = "list_tenant_webhooks", responses((status = OK, description = "The webhooks, auth tokens masked.", body = Vec<WebhookView>)))]
pub async fn list(State(state): State<AppState>, _a: PlatformAdmin, Path(t): Path<String>) -> Result<Json<Vec<WebhookView>>, ApiError> {
    let org = tenant(&state, &t).await?;
    Ok(Json(webhooks::list(&state.domain, org).await?))
}

/// Adds a workflow webhook; its name must be new for the tenant (409 otherwise).
#[utoipa::path(post, path = "/api/platform/tenants/{tenant_id}/webhooks", tag = "Platform", operation_id = "create_tenant_webhook", responses((status = CREATED, description = "The webhook, its auth token masked; `warnings` about a weak token.", body = WebhookView)))]
pub async fn create(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path(t): Path<String>,
    Json(input): Json<WebhookInput>,
) -> Result<(StatusCode, Json<WebhookView>), ApiError> {
    let org = tenant(&state, &t).await?;
    Ok((StatusCode::CREATED, Json(webhooks::create(&state.domain, org, &input).await?)))
}

/// Changes a webhook; absent fields keep their value, the workflow name cannot change.
#[utoipa::path(put, path = "/api/platform/tenants/{tenant_id}/webhooks/{webhook_id}", tag = "Platform", operation_id = "update_tenant_webhook", request_body(content = WebhookInput, description = "The fields to change; no body changes nothing."), responses((status = OK, body = WebhookView)))]
pub async fn update(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path((t, id)): Path<(String, String)>,
    Json(input): Json<WebhookInput>,
) -> Result<Json<WebhookView>, ApiError> {
    let org = tenant(&state, &t).await?;
    Ok(Json(webhooks::update(&state.domain, org, webhook_id(&id)?, &input).await?))
}

/// Deletes a webhook with its recorded calls.
#[utoipa::path(delete, path = "/api/platform/tenants/{tenant_id}/webhooks/{webhook_id}", tag = "Platform", operation_id = "delete_tenant_webhook", responses((status = NO_CONTENT, description = "Deleted.")))]
pub async fn delete(State(state): State<AppState>, _a: PlatformAdmin, Path((t, id)): Path<(String, String)>) -> Result<StatusCode, ApiError> {
    let org = tenant(&state, &t).await?;
    webhooks::delete(&state.domain, org, webhook_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The JSON payload to send, any JSON value; an empty body sends `{}`.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct Payload(Value);

/// Any JSON but `null`, so that the optional body's `Payload | null` is unambiguous (a
/// `null` body is sent as `null`).
impl utoipa::PartialSchema for Payload {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        ObjectBuilder::new()
            .schema_type([Type::Object, Type::Array, Type::String, Type::Number, Type::Boolean].into_iter().collect::<SchemaType>())
            .description(Some("The JSON payload to send to the workflow, as it is."))
            .into()
    }
}

impl ToSchema for Payload {}

impl Default for Payload {
    fn default() -> Self {
        Self(json!({}))
    }
}

/// Calls the webhook with the payload, retrying 5xx, 408, 429 and network errors.
#[utoipa::path(post, path = "/api/platform/tenants/{tenant_id}/webhooks/{webhook_id}/call", tag = "Platform", operation_id = "call_tenant_webhook", request_body(content = Payload, description = "Any JSON, sent as it is; no body sends `{}`."), responses((status = OK, description = "The outcome of the last attempt; a failed call is `success` false (409 when the webhook is disabled).", body = CallOutcome)))]
pub async fn call(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path((t, id)): Path<(String, String)>,
    Json(payload): Json<Payload>,
) -> Result<Json<CallOutcome>, ApiError> {
    let org = tenant(&state, &t).await?;
    Ok(Json(webhook_calls::call_by_id(&state.domain, org, webhook_id(&id)?, &payload.0).await?))
}

/// Calls the webhook of this workflow name with the payload.
#[utoipa::path(post, path = "/api/platform/tenants/{tenant_id}/webhooks/by-name/{name}/call", tag = "Platform", operation_id = "call_tenant_webhook_by_name", request_body(content = Payload, description = "Any JSON, sent as it is; no body sends `{}`."), responses((status = OK, description = "The outcome of the last attempt.", body = CallOutcome)))]
pub async fn call_by_name(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path((t, name)): Path<(String, String)>,
    Json(payload): Json<Payload>,
) -> Result<Json<CallOutcome>, ApiError> {
    let org = tenant(&state, &t).await?;
    Ok(Json(webhook_calls::call_by_name(&state.domain, org, &name, &payload.0).await?))
}

/// Calls every active webhook of the tenant at once with the payload.
#[utoipa::path(post, path = "/api/platform/tenants/{tenant_id}/webhooks/broadcast", tag = "Platform", operation_id = "broadcast_tenant_webhooks", request_body(content = Payload, description = "Any JSON, sent as it is; no body sends `{}`."), responses((status = OK, description = "Each call's outcome.", body = Vec<CallOutcome>)))]
pub async fn broadcast(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path(t): Path<String>,
    Json(payload): Json<Payload>,
) -> Result<Json<Vec<CallOutcome>>, ApiError> {
    let org = tenant(&state, &t).await?;
    Ok(Json(webhook_calls::broadcast(&state.domain, org, &payload.0).await?))
}

/// The analytics' time range and webhook.
#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// `1h`, `24h`, `7d` or `30d`; `24h` when absent.
    #[param(value_type = Option<Range>)]
    range: Option<String>,
    /// One webhook's calls only (a malformed id is not found).
    #[param(value_type = Option<String>, format = Uuid)]
    webhook_id: Option<String>,
}

/// The calls' filters and paging.
#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct CallsQuery {
    /// `1h`, `24h`, `7d` or `30d`; all time when absent.
    #[param(value_type = Option<Range>)]
    range: Option<String>,
    /// One webhook's calls only (a malformed id is not found).
    #[param(value_type = Option<String>, format = Uuid)]
    webhook_id: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<i64>,
    /// Calls per page: 1 to 500, 50 when absent.
    limit: Option<i64>,
}

/// A webhook's calls: time range and paging.
#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct WebhookCallsQuery {
    /// `1h`, `24h`, `7d` or `30d`; all time when absent.
    #[param(value_type = Option<Range>)]
    range: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<i64>,
    /// Calls per page: 1 to 500, 50 when absent.
    limit: Option<i64>,
}

fn range(raw: Option<&str>) -> Result<Range, ApiError> {
    match raw {
        None => Ok(Range::Day),
        Some(r) => Range::parse(r).ok_or_else(|| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields", "range must be one of 1h, 24h, 7d, 30d")),
    }
}

/// Totals over the range: calls, successes, failures and the average response time.
#[utoipa::path(get, path = "/api/platform/tenants/{tenant_id}/webhooks/analytics/summary", tag = "Platform", operation_id = "tenant_webhooks_summary", params(RangeQuery), responses((status = OK, body = CallSummary)))]
pub async fn summary(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path(t): Path<String>,
    Query(q): Query<RangeQuery>,
) -> Result<Json<CallSummary>, ApiError> {
    let org = tenant(&state, &t).await?;
    let webhook = q.webhook_id.as_deref().map(webhook_id).transpose()?;
    Ok(Json(analytics::summary(&state.domain, org, webhook, range(q.range.as_deref())?).await?))
}

/// Calls, failures and average latency per hour over the range, for the dashboard's chart.
#[utoipa::path(get, path = "/api/platform/tenants/{tenant_id}/webhooks/analytics/series", tag = "Platform", operation_id = "tenant_webhooks_series", params(RangeQuery), responses((status = OK, description = "The hours with calls, oldest first.", body = Vec<HourPoint>)))]
pub async fn series(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path(t): Path<String>,
    Query(q): Query<RangeQuery>,
) -> Result<Json<Vec<HourPoint>>, ApiError> {
    let org = tenant(&state, &t).await?;
    let webhook = q.webhook_id.as_deref().map(webhook_id).transpose()?;
    Ok(Json(analytics::series(&state.domain, org, webhook, range(q.range.as_deref())?).await?))
}

/// A page of recorded calls, newest first.
#[derive(Serialize, ToSchema)]
pub struct CallPage {
    data: Vec<CallRecord>,
    /// The `cursor` of the next page; null on the last one.
    #[schema(required = true)]
    next_cursor: Option<i64>,
}

/// One page of calls, newest first: `{"data": [...], "next_cursor": ...}`.
async fn page_of_calls(
    state: &AppState,
    org: connectgain_domain::ids::OrgId,
    webhook: Option<Uuid>,
    raw_range: Option<&str>,
    cursor: Option<i64>,
    limit: Option<i64>,
) -> Result<Json<CallPage>, ApiError> {
    let range = raw_range.map(|r| range(Some(r))).transpose()?;
    let limit = limit.unwrap_or(50).clamp(1, 500);
    let calls = analytics::calls(&state.domain, org, webhook, range, cursor, limit).await?;
    let next = (calls.len() as i64 == limit).then(|| calls.last().map(|c| c.id)).flatten();
    Ok(Json(CallPage { data: calls, next_cursor: next }))
}

/// The last calls of the tenant (all webhooks, or `webhookId`), for the dashboard.
#[utoipa::path(get, path = "/api/platform/tenants/{tenant_id}/webhooks/analytics/calls", tag = "Platform", operation_id = "tenant_webhook_calls", params(CallsQuery), responses((status = OK, body = CallPage)))]
pub async fn recent_calls(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path(t): Path<String>,
    Query(q): Query<CallsQuery>,
) -> Result<Json<CallPage>, ApiError> {
    let org = tenant(&state, &t).await?;
    let webhook = q.webhook_id.as_deref().map(webhook_id).transpose()?;
    page_of_calls(&state, org, webhook, q.range.as_deref(), q.cursor, q.limit).await
}

/// A webhook's calls, newest first.
#[utoipa::path(get, path = "/api/platform/tenants/{tenant_id}/webhooks/{webhook_id}/analytics", tag = "Platform", operation_id = "tenant_webhook_analytics", params(WebhookCallsQuery), responses((status = OK, body = CallPage)))]
pub async fn webhook_analytics(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path((t, id)): Path<(String, String)>,
    Query(q): Query<WebhookCallsQuery>,
) -> Result<Json<CallPage>, ApiError> {
    let org = tenant(&state, &t).await?;
    let id = webhook_id(&id)?;
    webhooks::get(&state.domain, org, id).await?;
    page_of_calls(&state, org, Some(id), q.range.as_deref(), q.cursor, q.limit).await
}
