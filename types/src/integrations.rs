//! A tenant's integrations, as the platform API and the Platform Administration page send
//! them (camelCase). Blank or absent secrets keep the stored ones.

use serde::{Deserialize, Serialize};

use crate::redacted_debug;

#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WhatsappInput {
    #[serde(default)]
    pub enabled: bool,
    pub phone_number_id: Option<String>,
    pub business_account_id: Option<String>,
    /// Blank or absent keeps the stored one.
    pub access_token: Option<String>,
    /// Blank or absent keeps the stored one.
    pub webhook_verify_token: Option<String>,
    pub phone_number: Option<String>,
    /// Blank or absent keeps the stored one.
    pub app_secret: Option<String>,
}

redacted_debug!(WhatsappInput { enabled, phone_number_id, business_account_id, phone_number });

/// Each provider reads its own fields.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SmsInput {
    #[serde(default)]
    pub enabled: bool,
    /// `twilio`, `vonage` or `aws_sns`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub provider: String,
    // Twilio
    pub account_sid: Option<String>,
    /// Blank or absent keeps the stored one.
    pub auth_token: Option<String>,
    pub phone_number: Option<String>,
    pub messaging_service_sid: Option<String>,
    // Vonage
    pub api_key: Option<String>,
    /// Blank or absent keeps the stored one.
    pub api_secret: Option<String>,
    pub from: Option<String>,
    // AWS SNS
    pub access_key_id: Option<String>,
    /// Blank or absent keeps the stored one.
    pub secret_access_key: Option<String>,
    pub region: Option<String>,
    pub sender_id: Option<String>,
}

redacted_debug!(SmsInput { enabled, provider, account_sid, phone_number, messaging_service_sid, from, access_key_id, region, sender_id });

#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct N8nInput {
    /// The n8n instance's http(s) URL.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub base_url: Option<String>,
    /// Sent as `X-N8N-API-KEY`. Blank or absent keeps the stored one.
    pub api_key: Option<String>,
}

redacted_debug!(N8nInput { base_url });

/// An n8n workflow webhook's create or update.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookInput {
    /// Unique per tenant; 1 to 100 letters, digits, `_`, `-` or `.`. Required to create; cannot change.
    pub workflow_name: Option<String>,
    /// An absolute http(s) URL, or a path relative to the tenant's n8n base URL.
    pub webhook_url: Option<String>,
    pub description: Option<String>,
    /// Sent as the bearer token of each call. Blank or absent keeps the stored one.
    pub auth_token: Option<String>,
    pub is_active: Option<bool>,
    /// CRM events that call the workflow (`["deal.stage.changed"]`); `[]` stops them; on
    /// update, `None` keeps them.
    #[serde(default)]
    pub trigger_on: Option<Vec<String>>,
    /// Conditions on the event body, as a subscription's payload filter; `{}` removes it.
    #[serde(default)]
    pub trigger_filter: Option<serde_json::Value>,
}

redacted_debug!(WebhookInput { workflow_name, webhook_url, description, is_active, trigger_on, trigger_filter });

/// A tenant's WhatsApp settings as they are shown: secrets masked. Times are RFC 3339 UTC
/// (`2026-11-22T21:05:09.123Z`), as the rest of the API writes them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WhatsappView {
    pub enabled: bool,
    pub phone_number_id: Option<String>,
    pub business_account_id: Option<String>,
    /// Masked (`abcdefghij***uvwxyz`); null when none is stored.
    pub access_token: Option<String>,
    /// Masked (`abcdefghij***uvwxyz`); null when none is stored.
    pub webhook_verify_token: Option<String>,
    pub phone_number: Option<String>,
    /// Masked (`abcdefghij***uvwxyz`); null when none is stored.
    pub app_secret: Option<String>,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub updated_at: String,
}

/// A tenant's SMS settings as they are shown: the provider's own fields, secrets masked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SmsView {
    pub enabled: bool,
    /// `twilio`, `vonage` or `aws_sns`.
    pub provider: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_sid: Option<String>,
    /// Masked.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub auth_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub phone_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub messaging_service_sid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub api_key: Option<String>,
    /// Masked.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub api_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub access_key_id: Option<String>,
    /// Masked.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub secret_access_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sender_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub updated_at: Option<String>,
}

/// A tenant's n8n instance as it is shown: the API key masked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct N8nView {
    pub base_url: String,
    /// Masked; null when none is stored.
    pub api_key: Option<String>,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub updated_at: String,
}

/// An n8n workflow webhook with its all-time counters; the auth token masked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookView {
    #[cfg_attr(feature = "openapi", schema(format = Uuid))]
    pub id: String,
    pub workflow_name: String,
    pub webhook_url: String,
    pub description: Option<String>,
    /// Masked; null when none is stored.
    pub auth_token: Option<String>,
    pub is_active: bool,
    pub total_calls: i64,
    pub successful_calls: i64,
    pub failed_calls: i64,
    pub avg_response_time_ms: Option<i64>,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub last_called_at: Option<String>,
    /// CRM events that call the workflow.
    #[serde(default)]
    pub trigger_on: Vec<String>,
    /// The payload filter those events must match.
    #[serde(default)]
    pub trigger_filter: Option<serde_json::Value>,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub updated_at: String,
    /// Advice about what was saved (a short auth token, say); empty when there is none.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub warnings: Vec<String>,
}

impl WebhookView {
    /// Successful calls as a whole percentage, when there were calls.
    pub fn success_rate(&self) -> Option<i64> {
        (self.total_calls > 0).then(|| self.successful_calls * 100 / self.total_calls)
    }
}

/// The analytics dashboard's totals for one filter.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CallSummary {
    pub total_calls: i64,
    pub successful_calls: i64,
    pub failed_calls: i64,
    pub avg_response_time_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_never_print_their_secrets() {
        let whatsapp = WhatsappInput { access_token: Some("tok-123".into()), app_secret: Some("app-456".into()), ..Default::default() };
        let sms =
            SmsInput { auth_token: Some("auth-1".into()), api_secret: Some("api-2".into()), secret_access_key: Some("aws-3".into()), ..Default::default() };
        let n8n = N8nInput { api_key: Some("n8n-4".into()), ..Default::default() };
        let webhook = WebhookInput { auth_token: Some("bearer-5".into()), ..Default::default() };
        let printed = format!("{whatsapp:?} {sms:?} {n8n:?} {webhook:?}");
        for secret in ["tok-123", "app-456", "auth-1", "api-2", "aws-3", "n8n-4", "bearer-5"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
    }
}
