//! Settings → Inbound (owners): the inbound API key (generated or rotated, shown once), the
//! callback secrets, and the received events with retries. Thin wrappers over the same
//! domain services as `/api/v1/inbound/...`.

use leptos::prelude::*;

use crate::{
    error::AppError,
    models::inbound::{CallbackSecrets, InboundEventPage, InboundPage, RevealedKey},
};

#[cfg(feature = "ssr")]
use crate::server::require_owner;

#[server(endpoint = "inbound/page")]
pub async fn get_inbound() -> Result<InboundPage, AppError> {
    let (d, _, org) = require_owner().await?;
    let view = connectgain_domain::inbound::settings::get(&d, org).await?;
    let base = d.config.public_url.clone();
    let callbacks = ["whatsapp", "twilio", "vonage", "zoom"].into_iter().map(|p| (p.to_owned(), format!("{base}/api/callbacks/{org}/{p}"))).collect();
    Ok(InboundPage {
        tenant_id: org.to_string(),
        endpoint_base: format!("{base}/api/webhooks/"),
        key_configured: view.api_key.configured,
        key_hint: view.api_key.hint,
        key_created_at: view.api_key.created_at.map(crate::server::views::minute),
        zoom_secret_token: view.zoom_secret_token,
        vonage_signature_secret: view.vonage_signature_secret,
        callbacks,
    })
}

/// Generates (or rotates) the key; the old key stops working at once.
#[server(endpoint = "inbound/key")]
pub async fn generate_inbound_key() -> Result<RevealedKey, AppError> {
    let (d, _, org) = require_owner().await?;
    let issued = connectgain_domain::inbound::keys::generate(&d, org).await?;
    Ok(RevealedKey { api_key: issued.api_key, key_hint: issued.status.hint, key_created_at: issued.status.created_at.map(crate::server::views::minute) })
}

/// Saves the callback secrets (blank keeps one); answers them as stored, masked.
#[server(endpoint = "inbound/secrets")]
pub async fn save_callback_secrets(zoom_secret_token: String, vonage_signature_secret: String) -> Result<CallbackSecrets, AppError> {
    let (d, _, org) = require_owner().await?;
    let input = connectgain_domain::inbound::settings::CallbackSecretsInput {
        zoom_secret_token: Some(zoom_secret_token),
        vonage_signature_secret: Some(vonage_signature_secret),
    };
    let saved = connectgain_domain::inbound::settings::put(&d, org, &input).await?;
    Ok(CallbackSecrets { zoom_secret_token: saved.zoom_secret_token, vonage_signature_secret: saved.vonage_signature_secret })
}

/// Events newest first, 100 a page from `cursor`, filtered by status and event name (blank: any).
#[server(endpoint = "inbound/events")]
pub async fn list_inbound_events(status: String, event_name: String, cursor: Option<String>) -> Result<InboundEventPage, AppError> {
    use connectgain_domain::inbound::events::{self, EventFilter};
    let (d, _, org) = require_owner().await?;
    let filter = EventFilter { status: Some(status), event_name: Some(event_name), cursor, limit: Some(100) };
    let page = events::list(&d, org, &filter).await?;
    let time = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M:%S").to_string();
    let data = page
        .data
        .into_iter()
        .map(|e| crate::models::inbound::InboundEventRow {
            id: e.id.to_string(),
            source: e.source,
            event_name: e.event_name,
            status: e.status,
            payload: serde_json::to_string_pretty(&e.payload).unwrap_or_default(),
            result: e.result.map(|r| r.to_string()),
            error_message: e.error_message,
            attempts: e.attempts,
            received_at: time(e.received_at),
            processed_at: e.processed_at.map(time),
        })
        .collect();
    Ok(InboundEventPage { data, next_cursor: page.next_cursor })
}

#[server(endpoint = "inbound/retry")]
pub async fn retry_inbound_event(id: String) -> Result<(), AppError> {
    use connectgain_domain::inbound::events;
    let (d, _, org) = require_owner().await?;
    events::retry(&d, org, events::parse_id(&id)?).await?;
    Ok(())
}
