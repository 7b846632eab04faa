//! What the Settings → Webhooks and Logs pages receive: subscriptions (never their
//! secret, except once right after creation or rotation), delivery attempts, the catalogue.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionRow {
    pub id: String,
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
    pub is_active: bool,
    pub disabled_reason: Option<String>,
    pub signature_style: String,
    pub previous_secret_until: Option<String>,
    pub created_at: String,
}

/// A secret shown once: after creating a subscription or rotating its secret. It must reach
/// the page, so it serializes; its `Debug` is redacted so that no log line ever carries it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealedSecret {
    pub subscription: String,
    pub secret: String,
}

impl std::fmt::Debug for RevealedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevealedSecret").field("subscription", &self.subscription).field("secret", &"[redacted]").finish()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptRow {
    pub id: i64,
    pub delivery_id: String,
    pub subscription_id: String,
    pub event_type: String,
    pub attempt: i32,
    pub attempted_at: String,
    pub success: bool,
    pub status_code: Option<i32>,
    pub duration_ms: i64,
    pub request_headers: String,
    pub response_body: Option<String>,
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptPage {
    pub data: Vec<AttemptRow>,
    pub next_cursor: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDocView {
    pub event: String,
    pub description: String,
    pub object: String,
    /// The example `data`, pretty-printed.
    pub example: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatsView {
    pub total: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub success_rate: f64,
    pub avg_latency_ms: f64,
    pub p50_latency_ms: i64,
    pub p95_latency_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRow {
    pub id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub created_at: String,
}

impl ContactRow {
    pub fn name(&self) -> String {
        let name = [self.first_name.as_deref(), self.last_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            "—".into()
        } else {
            name
        }
    }
}
