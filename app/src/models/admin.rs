//! What the Platform Administration page receives: the platform API's objects as the page
//! shows them (secrets already masked by the server), made from the domain's views at
//! compile time (see `from_domain` below). What the page sends is `connectgain_types`.

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

/// The page's shapes from the domain's views, checked at compile time: a field the domain
/// renames or drops is a build error here, not a failed request.
#[cfg(feature = "ssr")]
mod from_domain {
    use connectgain_domain::{
        integrations::{analytics, n8n::N8nView, sms::SmsView, tenants::Tenant, webhook_calls, webhooks::WebhookView, whatsapp::WhatsappView},
        providers::SendResult,
    };

    use super::*;
    use crate::models::rfc3339;

    impl From<Tenant> for TenantOption {
        fn from(t: Tenant) -> Self {
            Self { id: t.id.to_string(), name: t.name }
        }
    }

    impl From<WhatsappView> for WhatsappSettings {
        fn from(v: WhatsappView) -> Self {
            let WhatsappView { enabled, phone_number_id, business_account_id, access_token, webhook_verify_token, phone_number, app_secret, updated_at: _ } = v;
            Self { enabled, phone_number_id, business_account_id, access_token, webhook_verify_token, phone_number, app_secret }
        }
    }

    impl From<SmsView> for SmsSettings {
        fn from(v: SmsView) -> Self {
            let SmsView {
                enabled,
                provider,
                account_sid,
                auth_token,
                phone_number,
                messaging_service_sid,
                api_key,
                api_secret,
                from,
                access_key_id,
                secret_access_key,
                region,
                sender_id,
                updated_at: _,
            } = v;
            Self {
                enabled,
                provider,
                account_sid,
                auth_token,
                phone_number,
                messaging_service_sid,
                api_key,
                api_secret,
                from,
                access_key_id,
                secret_access_key,
                region,
                sender_id,
            }
        }
    }

    impl From<N8nView> for N8nSettings {
        fn from(v: N8nView) -> Self {
            Self { base_url: v.base_url, api_key: v.api_key }
        }
    }

    impl From<WebhookView> for WorkflowWebhook {
        fn from(w: WebhookView) -> Self {
            Self {
                id: w.id.to_string(),
                workflow_name: w.workflow_name,
                webhook_url: w.webhook_url,
                description: w.description,
                auth_token: w.auth_token,
                is_active: w.is_active,
                total_calls: w.total_calls,
                successful_calls: w.successful_calls,
                failed_calls: w.failed_calls,
                last_called_at: w.last_called_at.map(rfc3339),
                warnings: w.warnings,
            }
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

    impl From<analytics::Summary> for Summary {
        fn from(s: analytics::Summary) -> Self {
            let analytics::Summary { total_calls, successful_calls, failed_calls, avg_response_time_ms } = s;
            Self { total_calls, successful_calls, failed_calls, avg_response_time_ms }
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
