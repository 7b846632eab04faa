//! n8n workflow webhooks of a tenant for platform admins: CRUD, calling them, analytics.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    Json,
};
use connectgain_domain::integrations::{
    analytics::{self, Range},
    webhook_calls,
    webhooks::{self, WebhookInput},
};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{error::ApiError, json::ApiJson, platform::tenant};
use crate::{auth::PlatformAdmin, state::AppState};

fn webhook_id(raw: &str) -> Result<Uuid, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found())
}

pub async fn list(State(state): State<AppState>, _a: PlatformAdmin, Path(t): Path<String>) -> Result<Json<Value>, ApiError> {
    let org = tenant(&state, &t).await?;
    Ok(Json(json!(webhooks::list(&state.domain, org).await?)))
}

pub async fn create(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path(t): Path<String>,
    ApiJson(input): ApiJson<WebhookInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let org = tenant(&state, &t).await?;
    Ok((StatusCode::CREATED, Json(json!(webhooks::create(&state.domain, org, &input).await?))))
}

pub async fn update(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path((t, id)): Path<(String, String)>,
    ApiJson(input): ApiJson<WebhookInput>,
) -> Result<Json<Value>, ApiError> {
    let org = tenant(&state, &t).await?;
    Ok(Json(json!(webhooks::update(&state.domain, org, webhook_id(&id)?, &input).await?)))
}

pub async fn delete(State(state): State<AppState>, _a: PlatformAdmin, Path((t, id)): Path<(String, String)>) -> Result<StatusCode, ApiError> {
    let org = tenant(&state, &t).await?;
    webhooks::delete(&state.domain, org, webhook_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The JSON payload to send; an empty body sends `{}`.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct Payload(Value);

impl Default for Payload {
    fn default() -> Self {
        Self(json!({}))
    }
}

pub async fn call(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path((t, id)): Path<(String, String)>,
    ApiJson(Payload(payload)): ApiJson<Payload>,
) -> Result<Json<Value>, ApiError> {
    let org = tenant(&state, &t).await?;
    Ok(Json(json!(webhook_calls::call_by_id(&state.domain, org, webhook_id(&id)?, &payload).await?)))
}

pub async fn call_by_name(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path((t, name)): Path<(String, String)>,
    ApiJson(Payload(payload)): ApiJson<Payload>,
) -> Result<Json<Value>, ApiError> {
    let org = tenant(&state, &t).await?;
    Ok(Json(json!(webhook_calls::call_by_name(&state.domain, org, &name, &payload).await?)))
}

pub async fn broadcast(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path(t): Path<String>,
    ApiJson(Payload(payload)): ApiJson<Payload>,
) -> Result<Json<Value>, ApiError> {
    let org = tenant(&state, &t).await?;
    Ok(Json(json!(webhook_calls::broadcast(&state.domain, org, &payload).await?)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsQuery {
    range: Option<String>,
    webhook_id: Option<String>,
    cursor: Option<i64>,
    limit: Option<i64>,
}

fn range(raw: Option<&str>) -> Result<Range, ApiError> {
    match raw {
        None => Ok(Range::Day),
        Some(r) => Range::parse(r).ok_or_else(|| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields", "range must be one of 1h, 24h, 7d, 30d")),
    }
}

pub async fn summary(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path(t): Path<String>,
    Query(q): Query<AnalyticsQuery>,
) -> Result<Json<Value>, ApiError> {
    let org = tenant(&state, &t).await?;
    let webhook = q.webhook_id.as_deref().map(webhook_id).transpose()?;
    Ok(Json(json!(analytics::summary(&state.domain, org, webhook, range(q.range.as_deref())?).await?)))
}

/// Calls, failures and average latency per hour over the range, for the dashboard's chart.
pub async fn series(State(state): State<AppState>, _a: PlatformAdmin, Path(t): Path<String>, Query(q): Query<AnalyticsQuery>) -> Result<Json<Value>, ApiError> {
    let org = tenant(&state, &t).await?;
    let webhook = q.webhook_id.as_deref().map(webhook_id).transpose()?;
    Ok(Json(json!(analytics::series(&state.domain, org, webhook, range(q.range.as_deref())?).await?)))
}

/// One page of calls, newest first: `{"data": [...], "next_cursor": ...}`.
async fn page_of_calls(state: &AppState, org: connectgain_domain::ids::OrgId, webhook: Option<Uuid>, q: &AnalyticsQuery) -> Result<Json<Value>, ApiError> {
    let range = q.range.as_deref().map(|r| range(Some(r))).transpose()?;
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let calls = analytics::calls(&state.domain, org, webhook, range, q.cursor, limit).await?;
    let next = (calls.len() as i64 == limit).then(|| calls.last().map(|c| c.id)).flatten();
    Ok(Json(json!({ "data": calls, "next_cursor": next })))
}

/// The last calls of the tenant (all webhooks, or `webhookId`), for the dashboard.
pub async fn recent_calls(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path(t): Path<String>,
    Query(q): Query<AnalyticsQuery>,
) -> Result<Json<Value>, ApiError> {
    let org = tenant(&state, &t).await?;
    let webhook = q.webhook_id.as_deref().map(webhook_id).transpose()?;
    page_of_calls(&state, org, webhook, &q).await
}

/// A webhook's calls (the seed's per-webhook analytics).
pub async fn webhook_analytics(
    State(state): State<AppState>,
    _a: PlatformAdmin,
    Path((t, id)): Path<(String, String)>,
    Query(q): Query<AnalyticsQuery>,
) -> Result<Json<Value>, ApiError> {
    let org = tenant(&state, &t).await?;
    let id = webhook_id(&id)?;
    webhooks::get(&state.domain, org, id).await?;
    page_of_calls(&state, org, Some(id), &q).await
}
