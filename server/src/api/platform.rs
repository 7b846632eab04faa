//! The platform admin API under `/api/platform`, in the field names of the integration
//! management guide (camelCase).

use axum::extract::{Path, State};
use connectgain_domain::{
    ids::OrgId,
    integrations::{
        n8n::{self, N8nInput, N8nView},
        sms::{self, SmsInput, SmsView},
        tenants::{self, Tenant},
        whatsapp::{self, WhatsappInput, WhatsappView},
    },
    providers::SendResult,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{error::ApiError, json::Json};
use crate::{auth::PlatformAdmin, state::AppState};

/// Every organization, by name.
#[utoipa::path(get, path = "/api/platform/tenants", tag = "Platform", responses((status = OK, description = "The tenants, by name.", body = Vec<Tenant>)))]
pub async fn list_tenants(State(state): State<AppState>, _admin: PlatformAdmin) -> Result<Json<Vec<Tenant>>, ApiError> {
    Ok(Json(tenants::list(&state.domain).await?))
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

/// A tenant's integrations; each is null until it is set up.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Integrations {
    tenant_id: OrgId,
    #[schema(required = true)]
    whatsapp: Option<WhatsappView>,
    #[schema(required = true)]
    sms: Option<SmsView>,
    #[schema(required = true)]
    n8n: Option<N8nView>,
}

/// A tenant's WhatsApp, SMS and n8n settings, secrets masked.
#[utoipa::path(get, path = "/api/platform/tenants/{tenant_id}/integrations", tag = "Platform", responses((status = OK, body = Integrations)))]
pub async fn get_integrations(State(state): State<AppState>, _admin: PlatformAdmin, Path(tenant_id): Path<String>) -> Result<Json<Integrations>, ApiError> {
    let org = tenant(&state, &tenant_id).await?;
    let d = &state.domain;
    Ok(Json(Integrations { tenant_id: org, whatsapp: whatsapp::get(d, org).await?, sms: sms::get(d, org).await?, n8n: n8n::get(d, org).await? }))
}

/// Saves the tenant's WhatsApp Cloud API settings.
#[utoipa::path(put, path = "/api/platform/tenants/{tenant_id}/integrations/whatsapp", tag = "Platform", request_body(content = WhatsappInput, description = "The settings; no body saves them all blank and turned off (stored secrets kept)."), responses((status = OK, description = "The settings saved, secrets masked.", body = WhatsappView)))]
pub async fn put_whatsapp(
    State(state): State<AppState>,
    _admin: PlatformAdmin,
    Path(tenant_id): Path<String>,
    Json(input): Json<WhatsappInput>,
) -> Result<Json<WhatsappView>, ApiError> {
    let org = tenant(&state, &tenant_id).await?;
    Ok(Json(whatsapp::put(&state.domain, org, &input).await?))
}

/// Saves the tenant's SMS provider settings; switching provider clears the previous one's.
#[utoipa::path(put, path = "/api/platform/tenants/{tenant_id}/integrations/sms", tag = "Platform", responses((status = OK, description = "The chosen provider's settings, secrets masked.", body = SmsView)))]
pub async fn put_sms(
    State(state): State<AppState>,
    _admin: PlatformAdmin,
    Path(tenant_id): Path<String>,
    Json(input): Json<SmsInput>,
) -> Result<Json<SmsView>, ApiError> {
    let org = tenant(&state, &tenant_id).await?;
    Ok(Json(sms::put(&state.domain, org, &input).await?))
}

/// Saves the tenant's n8n base URL and API key.
#[utoipa::path(put, path = "/api/platform/tenants/{tenant_id}/integrations/n8n", tag = "Platform", responses((status = OK, description = "The settings saved, the API key masked.", body = N8nView)))]
pub async fn put_n8n(
    State(state): State<AppState>,
    _admin: PlatformAdmin,
    Path(tenant_id): Path<String>,
    Json(input): Json<N8nInput>,
) -> Result<Json<N8nView>, ApiError> {
    let org = tenant(&state, &tenant_id).await?;
    Ok(Json(n8n::put(&state.domain, org, &input).await?))
}

/// A test message: `{to, message}`.
#[derive(Deserialize, ToSchema)]
pub struct TestMessage {
    /// The recipient in E.164 (`+201001383533`).
    #[serde(default)]
    to: String,
    /// 1 to 1,600 characters.
    #[serde(default)]
    message: String,
}

/// Sends a test message through the tenant's `whatsapp` or `sms` configuration (enabled or
/// not); what the provider answered, its failures included, is the 200 answer.
#[utoipa::path(
    post,
    path = "/api/platform/tenants/{tenant_id}/integrations/{channel}/test",
    tag = "Platform",
    params(("channel" = String, Path, description = "`whatsapp` or `sms`; any other is not found.")),
    responses((status = OK, description = "The provider's answer: `ok` false with the `problem` when it refused or could not be reached; 409 when the channel is not set up.", body = SendResult)),
)]
pub async fn test_message(
    State(state): State<AppState>,
    _admin: PlatformAdmin,
    Path((tenant_id, channel)): Path<(String, String)>,
    Json(input): Json<TestMessage>,
) -> Result<Json<SendResult>, ApiError> {
    let org = tenant(&state, &tenant_id).await?;
    let d = &state.domain;
    let result = match channel.as_str() {
        "whatsapp" => connectgain_domain::providers::test_whatsapp(d, org, &input.to, &input.message).await?,
        "sms" => connectgain_domain::providers::test_sms(d, org, &input.to, &input.message).await?,
        _ => return Err(ApiError::not_found()),
    };
    Ok(Json(result))
}
