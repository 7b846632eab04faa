//! Inbound webhooks: `POST /api/webhooks/{event_name}` for automation platforms (tenant id +
//! API key), and the owner's `/api/v1/inbound/...` endpoints (key, settings, events,
//! retries). The receive handler is the hot path: it checks in the order that reveals the
//! least and costs the least (name, credentials, rate, size, JSON), then waits for the
//! group-commit writer and answers the seed's shape.

use axum::{
    body::Body,
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, SecondsFormat, Utc};
use connectgain_domain::{
    crm::page::Page,
    ids::OrgId,
    inbound::{
        callbacks,
        events::{self, EventFilter, InboundEvent},
        ingest::{NewEvent, Received},
        keys,
        settings::{self, CallbackSecretsInput, InboundSettingsView},
        EventName, InboundEventId, Source,
    },
    Error,
};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{error::ApiError, json::Json, query::Query};
use crate::{
    auth::{ClientAddress, OwnerOf},
    state::AppState,
};

type Answer<T> = Result<Json<T>, ApiError>;

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

// Written by `answer` (the hot path formats it), not serialized from this: it documents it.
/// The event as stored: the shape [`answer`] writes by hand (the hot path pastes the stored
/// payload text in rather than parsing it again); `scripts/api-check.sh` holds the two together.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct ReceivedEvent {
    pub id: InboundEventId,
    pub tenant_id: OrgId,
    pub event_name: String,
    /// The body, as received.
    pub payload: Value,
    /// Always `received`: processing runs in the background.
    pub status: String,
    pub received_at: DateTime<Utc>,
}

/// Receives an event from an automation platform (n8n, Zapier, Make…), stored durably and
/// processed in the background. `event_name` is letters, digits and `_` in parts separated
/// by dots (`lead.captured`); another name answers 404.
#[utoipa::path(
    post,
    path = "/api/webhooks/{event_name}",
    tag = "Inbound",
    security(("inbound_key" = [])),
    params(
        ("event_name" = String, Path, pattern = r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$", max_length = 100, description = "The event's name, such as `lead.captured`."),
        ("X-Tenant-ID" = OrgId, Header, description = "The organization's id (`tenant_id` in Settings → Inbound)."),
        ("Idempotency-Key" = Option<String>, Header, description = "1 to 255 printable characters: a repeat answers the first event instead of storing another."),
    ),
    request_body(content = Value, content_type = "application/json", description = "Any JSON, at most the configured size (1 MiB by default)."),
    responses((
        status = OK,
        description = "Stored; processing follows in the background.",
        body = ReceivedEvent,
        headers(("Idempotent-Replayed" = String, description = "`true` when the idempotency key was seen before and this is the first event's answer.")),
    )),
)]
pub async fn receive(
    State(s): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path(event_name): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let d = &s.domain;
    let name = EventName::parse(&event_name).map_err(|_| ApiError::not_found())?;
    let org = keys::authenticate(d, header_str(&headers, "x-tenant-id"), header_str(&headers, "x-api-key"), client).await?;
    d.inbound.limiter.check(org).map_err(|retry_after_secs| Error::RateLimited { retry_after_secs })?;
    if let Some(kind) = header_str(&headers, header::CONTENT_TYPE.as_str()) {
        if !super::json::names_json(kind) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON with Content-Type: application/json.",
            ));
        }
    }
    let payload = read_json(body, &headers, d.config.inbound.max_body_bytes).await?;
    let idempotency_key = idempotency_key(&headers)?;
    let event = NewEvent { org, source: Source::Api, event_name: name.as_str().to_owned(), payload, idempotency_key };
    let received = d.inbound.ingest.submit(event).await?;
    Ok(answer(&received))
}

/// The body, at most `limit` bytes, checked to be JSON (400 names the line and column).
pub(crate) async fn read_json(body: Body, headers: &HeaderMap, limit: usize) -> Result<String, ApiError> {
    let bytes = read_limited(body, headers, limit).await?;
    json_payload(&bytes)
}

/// The body as text if it is JSON that the stored event's readers can read back, else 400
/// `malformed_json` naming the line and column. They parse it into a `serde_json::Value`,
/// which refuses what a syntax check alone lets through (nesting deeper than serde_json's
/// recursion limit of 128, numbers out of range), so it is checked by that very parse.
pub(crate) fn json_payload(bytes: &[u8]) -> Result<String, ApiError> {
    if let Err(e) = serde_json::from_slice::<Value>(bytes) {
        let message = format!("The body is not valid JSON: {e}.");
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", message).with_position(e.line(), e.column()));
    }
    // Valid JSON is valid UTF-8.
    String::from_utf8(bytes.to_vec()).map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", "The body is not UTF-8."))
}

pub(crate) async fn read_limited(body: Body, headers: &HeaderMap, limit: usize) -> Result<bytes::Bytes, ApiError> {
    let too_large = || ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", format!("The request body is larger than {limit} bytes."));
    let declared = header_str(headers, header::CONTENT_LENGTH.as_str()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, limit).await.map_err(|_| too_large())
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else { return Ok(None) };
    let key = value.to_str().map(str::trim).unwrap_or_default();
    if key.is_empty() || key.len() > 255 || key.chars().any(|c| c.is_control()) {
        return Err(Error::invalid("Idempotency-Key", "Use a printable key of 1 to 255 characters.").into());
    }
    if callbacks::is_callback_key(key) {
        return Err(Error::invalid("Idempotency-Key", "Keys starting with whatsapp:, twilio:, vonage: or zoom: are kept for provider callbacks.").into());
    }
    Ok(Some(key.to_owned()))
}

/// `{id, tenant_id, event_name, payload, status: "received", received_at}`; the payload is
/// echoed as received. A repeat of an idempotency key says so in `Idempotent-Replayed`.
fn answer(r: &Received) -> Response {
    let body = format!(
        r#"{{"id":"{}","tenant_id":"{}","event_name":"{}","payload":{},"status":"received","received_at":"{}"}}"#,
        r.id,
        r.org,
        r.event_name,
        r.payload,
        r.received_at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    );
    let mut response = (StatusCode::OK, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response();
    if r.replayed {
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

/// The inbound key just generated.
#[derive(Serialize, ToSchema)]
pub struct InboundKey {
    /// The key (`cgi_…`) for `X-API-Key`: shown this once, never again.
    pub api_key: String,
    /// Its first 8 characters.
    pub hint: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    /// The value for `X-Tenant-ID`.
    pub tenant_id: OrgId,
}

/// Generates or rotates the key; it is in this answer only. The previous key stops working.
#[utoipa::path(post, path = "/api/v1/inbound/api-key", tag = "Inbound", request_body(content = Value, description = "Ignored: send nothing, or any JSON."), responses((status = CREATED, description = "The key, this once.", body = InboundKey)))]
pub async fn generate_key(State(s): State<AppState>, o: OwnerOf, Json(_body): Json<Value>) -> Result<(StatusCode, Json<InboundKey>), ApiError> {
    let issued = keys::generate(&s.domain, o.org).await?;
    let body = InboundKey { api_key: issued.api_key, hint: issued.status.hint, created_at: issued.status.created_at, tenant_id: o.org };
    Ok((StatusCode::CREATED, Json(body)))
}

/// The URLs that providers call back, per provider.
#[derive(Serialize, ToSchema)]
pub struct CallbackUrls {
    pub whatsapp: String,
    pub twilio: String,
    pub vonage: String,
    pub zoom: String,
}

/// The inbound settings with where to send things.
#[derive(Serialize, ToSchema)]
pub struct InboundSettings {
    #[serde(flatten)]
    pub view: InboundSettingsView,
    /// The value for `X-Tenant-ID`.
    pub tenant_id: OrgId,
    /// The URL of `POST /api/webhooks/{event_name}`, with `{event_name}` as is.
    pub endpoint: String,
    pub callbacks: CallbackUrls,
}

/// Where to send things, and what is configured (secrets masked).
#[utoipa::path(get, path = "/api/v1/inbound/settings", tag = "Inbound", responses((status = OK, body = InboundSettings)))]
pub async fn get_settings(State(s): State<AppState>, o: OwnerOf) -> Answer<InboundSettings> {
    let view = settings::get(&s.domain, o.org).await?;
    Ok(Json(settings_body(&s, o.org, view)))
}

/// Sets the callback secrets; a blank or absent one keeps the stored value.
#[utoipa::path(put, path = "/api/v1/inbound/settings", tag = "Inbound", request_body(content = CallbackSecretsInput, description = "No body changes nothing."), responses((status = OK, body = InboundSettings)))]
pub async fn put_settings(State(s): State<AppState>, o: OwnerOf, Json(input): Json<CallbackSecretsInput>) -> Answer<InboundSettings> {
    let view = settings::put(&s.domain, o.org, &input).await?;
    Ok(Json(settings_body(&s, o.org, view)))
}

fn settings_body(s: &AppState, org: OrgId, view: InboundSettingsView) -> InboundSettings {
    let base = &s.domain.config.public_url;
    InboundSettings {
        view,
        tenant_id: org,
        endpoint: format!("{base}/api/webhooks/{{event_name}}"),
        callbacks: CallbackUrls {
            whatsapp: format!("{base}/api/callbacks/{org}/whatsapp"),
            twilio: format!("{base}/api/callbacks/{org}/twilio"),
            vonage: format!("{base}/api/callbacks/{org}/vonage"),
            zoom: format!("{base}/api/callbacks/{org}/zoom"),
        },
    }
}

/// The events received, newest first.
#[utoipa::path(get, path = "/api/v1/inbound/events", tag = "Inbound", params(EventFilter), responses((status = OK, description = "A page of events, newest first.", body = Page<InboundEvent>)))]
pub async fn list_events(State(s): State<AppState>, o: OwnerOf, Query(filter): Query<EventFilter>) -> Answer<Page<InboundEvent>> {
    Ok(Json(events::list(&s.domain, o.org, &filter).await?))
}

#[utoipa::path(get, path = "/api/v1/inbound/events/{id}", tag = "Inbound", responses((status = OK, body = InboundEvent)))]
pub async fn get_event(State(s): State<AppState>, o: OwnerOf, Path(id): Path<String>) -> Answer<InboundEvent> {
    Ok(Json(events::get(&s.domain, o.org, events::parse_id(&id)?).await?))
}

/// Puts a failed event back in the queue (409 for one that did not fail).
#[utoipa::path(post, path = "/api/v1/inbound/events/{id}/retry", tag = "Inbound", responses((status = OK, description = "The event, `received` again.", body = InboundEvent)))]
pub async fn retry_event(State(s): State<AppState>, o: OwnerOf, Path(id): Path<String>) -> Answer<InboundEvent> {
    Ok(Json(events::retry(&s.domain, o.org, events::parse_id(&id)?).await?))
}
