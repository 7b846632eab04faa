//! What the Platform Administration page receives. The integrations' views are the REST
//! API's own (`connectgain_types`, secrets already masked by the server); the rest are made
//! from the domain's records at compile time (see `from_domain` below).

pub use connectgain_types::integrations::{CallSummary, N8nView, SmsView, WebhookView, WhatsappView};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantOption {
    pub id: String,
    pub name: String,
}

/// A tenant's integrations; `None` where nothing is configured yet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integrations {
    pub whatsapp: Option<WhatsappView>,
    pub sms: Option<SmsView>,
    pub n8n: Option<N8nView>,
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
    pub summary: CallSummary,
    pub webhooks: Vec<WebhookView>,
    pub calls: Vec<CallRow>,
    pub chart: Vec<ChartPoint>,
    /// When the server computed this, `HH:MM:SS` UTC.
    pub refreshed_at: String,
}

/// `2026-11-22T21:05:09.123Z` → `2026-11-22 21:05:09`, for tables.
pub fn short_time(rfc3339: &str) -> String {
    rfc3339.get(..19).unwrap_or(rfc3339).replace('T', " ")
}

/// The page's shapes from the domain's views, checked at compile time: a field the domain
/// renames or drops is a build error here, not a failed request.
#[cfg(feature = "ssr")]
mod from_domain {
    use connectgain_domain::{
        integrations::{analytics, tenants::Tenant, webhook_calls},
        providers::SendResult,
    };

    use super::*;
    use crate::models::rfc3339;

    impl From<Tenant> for TenantOption {
        fn from(t: Tenant) -> Self {
            Self { id: t.id.to_string(), name: t.name }
        }
    }

    impl From<SendResult> for SendOutcome {
        fn from(r: SendResult) -> Self {
            let SendResult { ok, provider, status, message_id, problem, detail } = r;
            Self { ok, provider, status, message_id, problem, detail }
        }
    }

    impl From<webhook_calls::CallOutcome> for CallOutcome {
        fn from(c: webhook_calls::CallOutcome) -> Self {
            Self { workflow_name: c.workflow_name, success: c.success, status: c.status, attempts: c.attempts, duration_ms: c.duration_ms, error: c.error }
        }
    }

    impl From<analytics::CallRecord> for CallRow {
        fn from(c: analytics::CallRecord) -> Self {
            Self {
                id: c.id,
                workflow_name: c.workflow_name,
                called_at: rfc3339(c.called_at),
                attempt: c.attempt,
                status_code: c.status_code,
                success: c.success,
                duration_ms: c.duration_ms,
                error: c.error,
            }
        }
    }
}
