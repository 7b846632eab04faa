//! Provider callbacks at `/api/callbacks/{tenant_id}/{whatsapp,twilio,vonage,zoom}`: each is
//! verified with the tenant's secret as its provider specifies (see
//! `connectgain_domain::inbound::callbacks`), then stored durably and processed in the
//! background like any inbound event. A callback that fails verification answers 401 (403
//! for the WhatsApp handshake, as Meta expects) and is stored nowhere.
//! A provider's retry of a callback answers the first event (see `callbacks::event`).

use std::collections::HashMap;

use axum::{
    body::Body,
    extract::{Path, RawQuery, State},
    http::{header, HeaderMap, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use connectgain_domain::{
    ids::OrgId,
    inbound::{
        callbacks::{self, twilio, vonage, whatsapp, zoom},
        EventName, InboundEventId, Source,
    },
    Error,
};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::{
    error::ApiError,
    inbound::{json_payload, read_limited},
    json::Json,
};
use crate::state::AppState;

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// A callback stored for processing.
#[derive(Serialize, ToSchema)]
pub struct StoredCallback {
    pub id: InboundEventId,
    /// Always `received`.
    pub status: String,
}

async fn store(s: &AppState, org: OrgId, source: Source, event_name: &str, payload: String) -> Result<StoredCallback, ApiError> {
    let received = s.domain.inbound.ingest.submit(callbacks::event(org, source, event_name, payload)).await?;
    Ok(StoredCallback { id: received.id, status: "received".into() })
}

fn params_json(params: &[(String, String)]) -> String {
    let map: Map<String, Value> = params.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    Value::Object(map).to_string()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Meta's verification request: echo `hub.challenge` when `hub.verify_token` is right
/// (403 when it is not).
#[utoipa::path(
    get,
    path = "/api/callbacks/{tenant_id}/whatsapp",
    tag = "Callbacks",
    security(()),
    params(
        ("hub.mode" = Option<String>, Query, description = "`subscribe`."),
        ("hub.verify_token" = Option<String>, Query, description = "The verify token of the tenant's WhatsApp integration."),
        ("hub.challenge" = Option<String>, Query, description = "Echoed back."),
    ),
    responses((status = OK, description = "`hub.challenge`, as plain text.", body = String, content_type = "text/plain")),
)]
pub async fn whatsapp_handshake(State(s): State<AppState>, Path(tenant): Path<String>, RawQuery(query): RawQuery) -> Response {
    // Any query reads as a map (a repeated name keeps its last value).
    let q: HashMap<String, String> = serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default();
    let get = |k: &str| q.get(k).map(String::as_str);
    match whatsapp::handshake(&s.domain, &tenant, get("hub.mode"), get("hub.verify_token"), get("hub.challenge")).await {
        Ok(challenge) => (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain")], challenge).into_response(),
        Err(Error::Unauthorized(m)) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", m).into_response(),
        Err(other) => ApiError::from(other).into_response(),
    }
}

/// WhatsApp Cloud API notifications (messages, statuses), signed with the app secret.
#[utoipa::path(
    post,
    path = "/api/callbacks/{tenant_id}/whatsapp",
    tag = "Callbacks",
    security(()),
    params(("X-Hub-Signature-256" = String, Header, description = "`sha256=` and the hex HMAC-SHA256 of the body, keyed with the app secret.")),
    request_body(content = Value, content_type = "application/json", description = "Meta's notification, as sent."),
    responses((status = OK, description = "Stored for processing.", body = StoredCallback)),
)]
pub async fn whatsapp_notification(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<StoredCallback>, ApiError> {
    let limit = s.domain.config.inbound.max_body_bytes;
    let bytes = read_limited(body, &headers, limit).await?;
    let org = whatsapp::verify(&s.domain, &tenant, &bytes, header_str(&headers, "x-hub-signature-256")).await?;
    let payload = json_payload(&bytes)?;
    Ok(Json(store(&s, org, Source::Whatsapp, "whatsapp.notification", payload).await?))
}

/// Twilio's incoming SMS and status callbacks (form posts); answers empty TwiML.
#[utoipa::path(
    post,
    path = "/api/callbacks/{tenant_id}/twilio",
    tag = "Callbacks",
    security(()),
    params(("X-Twilio-Signature" = String, Header, description = "Base64 HMAC-SHA1 of the URL and the sorted parameters, keyed with the auth token.")),
    request_body(content = HashMap<String, String>, content_type = "application/x-www-form-urlencoded", description = "Twilio's parameters (`MessageSid`, `From`, `Body`…)."),
    responses((status = OK, description = "Stored for processing; empty TwiML (`<Response></Response>`).", body = String, content_type = "text/xml")),
)]
pub async fn twilio(State(s): State<AppState>, Path(tenant): Path<String>, uri: Uri, headers: HeaderMap, body: Body) -> Result<Response, ApiError> {
    let bytes = read_limited(body, &headers, s.domain.config.inbound.max_body_bytes).await?;
    let params: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(|_| Error::Unauthorized("The callback could not be verified.".into()))?;
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or(uri.path());
    let url = format!("{}{}", s.domain.config.public_url, path);
    let org = twilio::verify(&s.domain, &tenant, &url, &params, header_str(&headers, "x-twilio-signature")).await?;
    let has_body = params.iter().any(|(k, _)| k == "Body");
    let name = if has_body { "twilio.message" } else { "twilio.status" };
    store(&s, org, Source::Twilio, name, params_json(&params)).await?;
    let twiml = r#"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#;
    Ok((StatusCode::OK, [(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"))], twiml).into_response())
}

fn vonage_denied() -> ApiError {
    ApiError::from(Error::Unauthorized("The callback could not be verified.".into()))
}

/// Verifies and stores Vonage's parameters, however they came.
async fn vonage(s: &AppState, tenant: &str, params: Vec<(String, String)>) -> Result<StatusCode, ApiError> {
    let org = vonage::verify(&s.domain, tenant, &params, now()).await?;
    let name = if params.iter().any(|(k, _)| k == "status") { "vonage.receipt" } else { "vonage.inbound" };
    store(s, org, Source::Vonage, name, params_json(&params)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Vonage's inbound SMS and delivery receipts as a query (signed webhooks, SHA-256 HMAC).
#[utoipa::path(
    get,
    path = "/api/callbacks/{tenant_id}/vonage",
    tag = "Callbacks",
    security(()),
    params(
        ("sig" = Option<String>, Query, description = "Hex HMAC-SHA256 of the other parameters, keyed with the signature secret; required."),
        ("timestamp" = Option<String>, Query, description = "Unix seconds, within 5 minutes of ours; required."),
    ),
    responses((status = NO_CONTENT, description = "Stored for processing.")),
)]
pub async fn vonage_get(State(s): State<AppState>, Path(tenant): Path<String>, RawQuery(query): RawQuery) -> Result<StatusCode, ApiError> {
    let params: Vec<(String, String)> = serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).map_err(|_| vonage_denied())?;
    vonage(&s, &tenant, params).await
}

/// Vonage's inbound SMS and delivery receipts as a form or a JSON object; `sig` and
/// `timestamp` are among the parameters.
#[utoipa::path(
    post,
    path = "/api/callbacks/{tenant_id}/vonage",
    tag = "Callbacks",
    security(()),
    request_body(
        description = "Vonage's parameters, with `sig` and `timestamp`.",
        content(
            (HashMap<String, String> = "application/x-www-form-urlencoded"),
            (HashMap<String, Value> = "application/json"),
        ),
    ),
    responses((status = NO_CONTENT, description = "Stored for processing.")),
)]
pub async fn vonage_post(State(s): State<AppState>, Path(tenant): Path<String>, headers: HeaderMap, body: Body) -> Result<StatusCode, ApiError> {
    let bytes = read_limited(body, &headers, s.domain.config.inbound.max_body_bytes).await?;
    let is_json = header_str(&headers, header::CONTENT_TYPE.as_str()).is_some_and(|c| c.contains("json"));
    let params: Vec<(String, String)> = if is_json {
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&bytes) else { return Err(vonage_denied()) };
        map.into_iter().map(|(k, v)| (k, v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))).collect()
    } else {
        serde_urlencoded::from_bytes(&bytes).map_err(|_| vonage_denied())?
    };
    vonage(&s, &tenant, params).await
}

/// Zoom's answer: the URL validation, or the stored event.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum ZoomAnswer {
    Validation(zoom::UrlValidation),
    Stored(StoredCallback),
}

/// Zoom's webhooks: the URL validation challenge, and events (recording.completed…).
#[utoipa::path(
    post,
    path = "/api/callbacks/{tenant_id}/zoom",
    tag = "Callbacks",
    security(()),
    params(
        ("x-zm-request-timestamp" = String, Header, description = "Unix seconds, within 5 minutes of ours."),
        ("x-zm-signature" = String, Header, description = "`v0=` and the hex HMAC-SHA256 of `v0:{timestamp}:{body}`, keyed with the secret token."),
    ),
    request_body(content = Value, content_type = "application/json", description = "Zoom's event, as sent."),
    responses((status = OK, description = "`{plainToken, encryptedToken}` for `endpoint.url_validation`; otherwise the stored event.", body = ZoomAnswer)),
)]
pub async fn zoom(State(s): State<AppState>, Path(tenant): Path<String>, headers: HeaderMap, body: Body) -> Result<Json<ZoomAnswer>, ApiError> {
    let bytes = read_limited(body, &headers, s.domain.config.inbound.max_body_bytes).await?;
    let (org, secret) =
        zoom::verify(&s.domain, &tenant, header_str(&headers, "x-zm-request-timestamp"), &bytes, header_str(&headers, "x-zm-signature"), now()).await?;
    let payload = json_payload(&bytes)?;
    let value: Value = serde_json::from_str(&payload).unwrap_or(Value::Null);
    let event = value["event"].as_str().unwrap_or_default();
    if event == "endpoint.url_validation" {
        let plain = value["payload"]["plainToken"].as_str().unwrap_or_default();
        return Ok(Json(ZoomAnswer::Validation(zoom::url_validation(&secret, plain))));
    }
    let name = EventName::parse(&format!("zoom.{event}")).map(|n| n.as_str().to_owned()).unwrap_or_else(|_| "zoom.event".into());
    Ok(Json(ZoomAnswer::Stored(store(&s, org, Source::Zoom, &name, payload).await?)))
}
