//! The platform admin API under `/api/platform`, in the field names of the integration
//! management guide (camelCase).

use axum::{
    extract::{Path, State},
    Json,
};
use connectgain_domain::{
    ids::OrgId,
    integrations::{
        n8n::{self, N8nInput},
        sms::{self, SmsInput},
        tenants,
        whatsapp::{self, WhatsappInput},
    },
};
use serde_json::{json, Value};

use super::{error::ApiError, json::ApiJson};
use crate::{auth::PlatformAdmin, state::AppState};

pub async fn list_tenants(State(state): State<AppState>, _admin: PlatformAdmin) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(tenants::list(&state.domain).await?)))
}

/// The tenant of the path; malformed or unknown ids are not found.
pub(super) async fn tenant(state: &AppState, raw: &str) -> Result<OrgId, ApiError> {
    let id: OrgId = raw.parse().map_err(|_| ApiError::not_found())?;
    if tenants::exists(&state.domain, id).await? {
        Ok(id)
    } else {
        Err(ApiError::not_found())
    }
}

pub async fn get_integrations(State(state): State<AppState>, _admin: PlatformAdmin, Path(tenant_id): Path<String>) -> Result<Json<Value>, ApiError> {
    let org = tenant(&state, &tenant_id).await?;
    let d = &state.domain;
    Ok(Json(json!({
        "tenantId": org,
        "whatsapp": whatsapp::get(d, org).await?,
        "sms": sms::get(d, org).await?,
        "n8n": n8n::get(d, org).await?,
    })))
}

pub async fn put_whatsapp(
    State(state): State<AppState>,
    _admin: PlatformAdmin,
    Path(tenant_id): Path<String>,
    ApiJson(input): ApiJson<WhatsappInput>,
) -> Result<Json<Value>, ApiError> {
    let org = tenant(&state, &tenant_id).await?;
    Ok(Json(json!(whatsapp::put(&state.domain, org, &input).await?)))
}

pub async fn put_sms(
    State(state): State<AppState>,
    _admin: PlatformAdmin,
    Path(tenant_id): Path<String>,
    ApiJson(input): ApiJson<SmsInput>,
) -> Result<Json<Value>, ApiError> {
    let org = tenant(&state, &tenant_id).await?;
    Ok(Json(json!(sms::put(&state.domain, org, &input).await?)))
}

pub async fn put_n8n(
    State(state): State<AppState>,
    _admin: PlatformAdmin,
    Path(tenant_id): Path<String>,
    ApiJson(input): ApiJson<N8nInput>,
) -> Result<Json<Value>, ApiError> {
    let org = tenant(&state, &tenant_id).await?;
    Ok(Json(json!(n8n::put(&state.domain, org, &input).await?)))
}

/// A test message: `{to, message}`.
#[derive(serde::Deserialize)]
pub struct TestMessage {
    #[serde(default)]
    to: String,
    #[serde(default)]
    message: String,
}

/// A test message through the tenant's `whatsapp` or `sms` configuration.
pub async fn test_message(
    State(state): State<AppState>,
    _admin: PlatformAdmin,
    Path((tenant_id, channel)): Path<(String, String)>,
    ApiJson(input): ApiJson<TestMessage>,
) -> Result<Json<Value>, ApiError> {
    let org = tenant(&state, &tenant_id).await?;
    let d = &state.domain;
    let result = match channel.as_str() {
        "whatsapp" => connectgain_domain::providers::test_whatsapp(d, org, &input.to, &input.message).await?,
        "sms" => connectgain_domain::providers::test_sms(d, org, &input.to, &input.message).await?,
        _ => return Err(ApiError::not_found()),
    };
    Ok(Json(json!(result)))
}
