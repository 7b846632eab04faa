//! What the Platform Administration page receives: the platform API's objects (camelCase,
//! secrets already masked by the server), deserialized on both sides.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantOption {
    pub id: String,
    pub name: String,
}

/// A tenant's integrations; `None` where nothing is configured yet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integrations {
    pub whatsapp: Option<WhatsappSettings>,
    pub sms: Option<SmsSettings>,
    pub n8n: Option<N8nSettings>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WhatsappSettings {
    pub enabled: bool,
    pub phone_number_id: Option<String>,
    pub business_account_id: Option<String>,
    pub access_token: Option<String>,
    pub webhook_verify_token: Option<String>,
    pub phone_number: Option<String>,
    pub app_secret: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SmsSettings {
    pub enabled: bool,
    pub provider: String,
    pub account_sid: Option<String>,
    pub auth_token: Option<String>,
    pub phone_number: Option<String>,
    pub messaging_service_sid: Option<String>,
    pub api_key: Option<String>,
    pub api_secret: Option<String>,
    pub from: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub region: Option<String>,
    pub sender_id: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct N8nSettings {
    pub base_url: String,
    pub api_key: Option<String>,
}

/// An n8n workflow webhook with its all-time counters; the auth token is masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowWebhook {
    pub id: String,
    pub workflow_name: String,
    pub webhook_url: String,
    pub description: Option<String>,
    pub auth_token: Option<String>,
    pub is_active: bool,
    pub total_calls: i64,
    pub successful_calls: i64,
    pub failed_calls: i64,
    pub last_called_at: Option<String>,
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl WorkflowWebhook {
    /// Successful calls as a whole percentage, when there were calls.
    pub fn success_rate(&self) -> Option<i64> {
        (self.total_calls > 0).then(|| self.successful_calls * 100 / self.total_calls)
    }
}

/// The seed's colour bands for a success rate: green ≥ 95 %, yellow 80–94 %, red below.
pub fn rate_tone(rate: i64) -> &'static str {
    match rate {
        95.. => "tone-ok",
        80..=94 => "tone-warn",
        _ => "tone-bad",
    }
}

/// A provider's answer to a test message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendOutcome {
    pub ok: bool,
    pub provider: String,
    pub status: Option<u16>,
    pub message_id: Option<String>,
    pub problem: Option<String>,
    pub detail: Option<String>,
}

/// The outcome of calling a workflow webhook, after its last attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallOutcome {
    pub workflow_name: String,
    pub success: bool,
    pub status: Option<u16>,
    pub attempts: u32,
    pub duration_ms: u64,
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub total_calls: i64,
    pub successful_calls: i64,
    pub failed_calls: i64,
    pub avg_response_time_ms: i64,
}

/// One recorded attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallRow {
    pub id: i64,
    pub workflow_name: String,
    pub called_at: String,
    pub attempt: i32,
    pub status_code: Option<i32>,
    pub success: bool,
    pub duration_ms: i64,
    pub error: Option<String>,
}

/// One bar of the chart: calls, failures and average latency in a time bucket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartPoint {
    /// The bucket's start, `YYYY-MM-DD HH:00` UTC.
    pub label: String,
    pub calls: i64,
    pub failures: i64,
    pub avg_ms: i64,
}

/// Everything the analytics dashboard shows for one filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analytics {
    pub summary: Summary,
    pub webhooks: Vec<WorkflowWebhook>,
    pub calls: Vec<CallRow>,
    pub chart: Vec<ChartPoint>,
    /// When the server computed this, `HH:MM:SS` UTC.
    pub refreshed_at: String,
}

/// `2026-11-22T21:05:09.123Z` → `2026-11-22 21:05:09`, for tables.
pub fn short_time(rfc3339: &str) -> String {
    rfc3339.get(..19).unwrap_or(rfc3339).replace('T', " ")
}
