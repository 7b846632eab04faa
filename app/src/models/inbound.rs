//! What the Settings → Inbound page receives: where to send events, whether a key exists
//! (never the key, except once right after generating it), masked callback secrets, and
//! the received events.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundPage {
    pub tenant_id: String,
    /// `{public url}/api/webhooks/`; the event name follows.
    pub endpoint_base: String,
    pub key_configured: bool,
    pub key_hint: Option<String>,
    pub key_created_at: Option<String>,
    pub zoom_secret_token: Option<String>,
    pub vonage_signature_secret: Option<String>,
    /// (provider, callback URL)
    pub callbacks: Vec<(String, String)>,
}

/// The provider callback secrets as stored, masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackSecrets {
    pub zoom_secret_token: Option<String>,
    pub vonage_signature_secret: Option<String>,
}

/// A key shown once, right after it was generated. Its `Debug` is redacted: see
/// [`super::webhooks::RevealedSecret`].
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealedKey {
    pub api_key: String,
    /// The key's hint and creation time, for the page to show without asking again.
    pub key_hint: Option<String>,
    pub key_created_at: Option<String>,
}

impl std::fmt::Debug for RevealedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevealedKey").field("api_key", &"[redacted]").finish()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundEventPage {
    pub data: Vec<InboundEventRow>,
    /// Passed back for the next (older) page; `None` on the last.
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundEventRow {
    pub id: String,
    pub source: String,
    pub event_name: String,
    pub status: String,
    /// Pretty-printed JSON.
    pub payload: String,
    pub result: Option<String>,
    pub error_message: Option<String>,
    pub attempts: i32,
    pub received_at: String,
    pub processed_at: Option<String>,
}
