//! Provider callbacks at `/api/callbacks/{tenant_id}/{whatsapp,twilio,vonage,zoom}`: each is
//! verified with the tenant's secret as its provider specifies (see
//! `connectgain_domain::inbound::callbacks`), then stored durably and processed in the
//! background like any inbound event. A callback that fails verification answers 401 (403
//! for the WhatsApp handshake, as Meta expects) and is stored nowhere.
//! A provider's retry of a callback answers the first event (see `callbacks::event`).

use std::collections::HashMap;

use axum::{
    body::Body,
    extract::{Path, Query, RawQuery, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
    Json,
};
use connectgain_domain::{
    ids::OrgId,
    inbound::{
        callbacks::{self, twilio, vonage, whatsapp, zoom},
        EventName, Source,
    },
    Error,
};
use serde_json::{json, Map, Value};

use super::{
    error::ApiError,
    inbound::{json_payload, read_limited},
};
use crate::state::AppState;

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn store(s: &AppState, org: OrgId, source: Source, event_name: &str, payload: String) -> Result<Value, ApiError> {
    let received = s.domain.inbound.ingest.submit(callbacks::event(org, source, event_name, payload)).await?;
    Ok(json!({ "id": received.id, "status": "received" }))
}

fn params_json(params: &[(String, String)]) -> String {
    let map: Map<String, Value> = params.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    Value::Object(map).to_string()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Meta's verification request: echo `hub.challenge` when `hub.verify_token` is right.
pub async fn whatsapp_handshake(State(s): State<AppState>, Path(tenant): Path<String>, Query(q): Query<HashMap<String, String>>) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str);
    match whatsapp::handshake(&s.domain, &tenant, get("hub.mode"), get("hub.verify_token"), get("hub.challenge")).await {
        Ok(challenge) => (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain")], challenge).into_response(),
        Err(Error::Unauthorized(m)) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", m).into_response(),
        Err(other) => ApiError::from(other).into_response(),
    }
}

pub async fn whatsapp_notification(State(s): State<AppState>, Path(tenant): Path<String>, headers: HeaderMap, body: Body) -> Result<Json<Value>, ApiError> {
    let limit = s.domain.config.inbound.max_body_bytes;
    let bytes = read_limited(body, &headers, limit).await?;
    let org = whatsapp::verify(&s.domain, &tenant, &bytes, header_str(&headers, "x-hub-signature-256")).await?;
    let payload = json_payload(&bytes)?;
    Ok(Json(store(&s, org, Source::Whatsapp, "whatsapp.notification", payload).await?))
}

/// Twilio's incoming SMS and status callbacks (form posts); answers empty TwiML.
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

/// Vonage's inbound SMS and delivery receipts: GET query, POST form or POST JSON.
pub async fn vonage(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    method: Method,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<StatusCode, ApiError> {
    let denied = || ApiError::from(Error::Unauthorized("The callback could not be verified.".into()));
    let params: Vec<(String, String)> = if method == Method::GET {
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).map_err(|_| denied())?
    } else {
        let bytes = read_limited(body, &headers, s.domain.config.inbound.max_body_bytes).await?;
        let is_json = header_str(&headers, header::CONTENT_TYPE.as_str()).is_some_and(|c| c.contains("json"));
        if is_json {
            let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&bytes) else { return Err(denied()) };
            map.into_iter().map(|(k, v)| (k, v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))).collect()
        } else {
            serde_urlencoded::from_bytes(&bytes).map_err(|_| denied())?
        }
    };
    let org = vonage::verify(&s.domain, &tenant, &params, now()).await?;
    let name = if params.iter().any(|(k, _)| k == "status") { "vonage.receipt" } else { "vonage.inbound" };
    store(&s, org, Source::Vonage, name, params_json(&params)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Zoom's webhooks: the URL validation challenge, and events (recording.completed…).
pub async fn zoom(State(s): State<AppState>, Path(tenant): Path<String>, headers: HeaderMap, body: Body) -> Result<Json<Value>, ApiError> {
    let bytes = read_limited(body, &headers, s.domain.config.inbound.max_body_bytes).await?;
    let (org, secret) =
        zoom::verify(&s.domain, &tenant, header_str(&headers, "x-zm-request-timestamp"), &bytes, header_str(&headers, "x-zm-signature"), now()).await?;
    let payload = json_payload(&bytes)?;
    let value: Value = serde_json::from_str(&payload).unwrap_or(Value::Null);
    let event = value["event"].as_str().unwrap_or_default();
    if event == "endpoint.url_validation" {
        let plain = value["payload"]["plainToken"].as_str().unwrap_or_default();
        return Ok(Json(zoom::url_validation(&secret, plain)));
    }
    let name = EventName::parse(&format!("zoom.{event}")).map(|n| n.as_str().to_owned()).unwrap_or_else(|_| "zoom.event".into());
    Ok(Json(store(&s, org, Source::Zoom, &name, payload).await?))
}
