//! Where the messaging providers' APIs and n8n are, and how n8n calls are retried.

use std::time::Duration;

use super::{duration, parse_http_url, url_setting, ConfigError, Lookup};

#[derive(Clone, Debug)]
pub struct ProvidersConfig {
    /// `WHATSAPP_GRAPH_BASE_URL`: the WhatsApp Cloud API (Graph API) base, with its version.
    pub whatsapp_graph_base_url: String,
    /// `TWILIO_BASE_URL`, `VONAGE_BASE_URL`: the SMS providers' API bases.
    pub twilio_base_url: String,
    pub vonage_base_url: String,
    /// `AWS_SNS_ENDPOINT`: unset means `https://sns.<region>.amazonaws.com`.
    pub aws_sns_endpoint: Option<String>,
    /// `N8N_TIMEOUT_MS`: the time limit of one n8n webhook attempt.
    pub n8n_timeout: Duration,
    /// `N8N_RETRY_DELAYS_MS`: the waits before each retry of an n8n webhook call.
    pub n8n_retry_delays: Vec<Duration>,
}

impl ProvidersConfig {
    pub(super) fn from_lookup(get: Lookup<'_>) -> Result<Self, ConfigError> {
        let n8n_retry_delays = match get("N8N_RETRY_DELAYS_MS") {
            None => vec![Duration::from_secs(1), Duration::from_secs(2), Duration::from_secs(4)],
            Some(v) => v
                .split(',')
                .map(|d| d.trim().parse::<u64>().map(Duration::from_millis))
                .collect::<Result<Vec<_>, _>>()
                .ok()
                .filter(|d| d.len() <= 10)
                .ok_or_else(|| ConfigError::new("N8N_RETRY_DELAYS_MS", format!("`{v}` is not a comma-separated list of milliseconds")))?,
        };
        Ok(Self {
            whatsapp_graph_base_url: url_setting(get, "WHATSAPP_GRAPH_BASE_URL", "https://graph.facebook.com/v21.0")?,
            twilio_base_url: url_setting(get, "TWILIO_BASE_URL", "https://api.twilio.com")?,
            vonage_base_url: url_setting(get, "VONAGE_BASE_URL", "https://rest.nexmo.com")?,
            aws_sns_endpoint: get("AWS_SNS_ENDPOINT").map(|v| parse_http_url(&v).map_err(|m| ConfigError::new("AWS_SNS_ENDPOINT", m))).transpose()?,
            n8n_timeout: duration(get("N8N_TIMEOUT_MS"), "N8N_TIMEOUT_MS", 30_000, Duration::from_millis)?,
            n8n_retry_delays,
        })
    }
}
