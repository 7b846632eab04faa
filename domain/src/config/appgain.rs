//! Appgain: the signup webhook that provisions credentials, campaigns, default credentials.

use std::time::Duration;

use secrecy::SecretString;

use super::{duration, url_setting, ConfigError, Lookup};

/// The seed's Appgain signup webhook.
pub const DEFAULT_APPGAIN_SIGNUP_URL: &str = "https://n8n.instabackend.io/webhook/connectGain-onSignup";
pub const DEFAULT_APPGAIN_NOTIFY_BASE_URL: &str = "https://notify.appgain.io";

#[derive(Clone, Debug)]
pub struct AppgainConfig {
    /// `APPGAIN_SIGNUP_WEBHOOK_URL`: called at signup to provision Appgain credentials.
    pub signup_url: String,
    /// `APPGAIN_SIGNUP_TIMEOUT_MS`: how long signup waits for that webhook.
    pub signup_timeout: Duration,
    /// `APPGAIN_NOTIFY_BASE_URL`: campaigns are sent to `{base}/{suitId}/send`.
    pub notify_base_url: String,
    /// `APPGAIN_DEFAULT_SUIT_ID` + `APPGAIN_DEFAULT_API_KEY`: given to organizations that
    /// existed before provisioning.
    pub default_credentials: Option<(String, SecretString)>,
    /// `CONNECTGAIN_PROVISIONING_RETRY_BASE_MS`: the first provisioning retry; each next one
    /// waits twice as long, up to `CONNECTGAIN_PROVISIONING_RETRY_MAX_MS`.
    pub provisioning_retry_base: Duration,
    pub provisioning_retry_max: Duration,
}

impl AppgainConfig {
    pub(super) fn from_lookup(get: Lookup<'_>) -> Result<Self, ConfigError> {
        let default_credentials = match (get("APPGAIN_DEFAULT_SUIT_ID"), get("APPGAIN_DEFAULT_API_KEY")) {
            (Some(suit), Some(key)) => Some((suit, SecretString::from(key))),
            (None, None) => None,
            (Some(_), None) => return Err(ConfigError::new("APPGAIN_DEFAULT_SUIT_ID", "needs APPGAIN_DEFAULT_API_KEY too")),
            (None, Some(_)) => return Err(ConfigError::new("APPGAIN_DEFAULT_API_KEY", "needs APPGAIN_DEFAULT_SUIT_ID too")),
        };
        let millis = |name: &'static str, default: u64| duration(get(name), name, default, Duration::from_millis);
        Ok(Self {
            signup_url: url_setting(get, "APPGAIN_SIGNUP_WEBHOOK_URL", DEFAULT_APPGAIN_SIGNUP_URL)?,
            signup_timeout: millis("APPGAIN_SIGNUP_TIMEOUT_MS", 5_000)?,
            notify_base_url: url_setting(get, "APPGAIN_NOTIFY_BASE_URL", DEFAULT_APPGAIN_NOTIFY_BASE_URL)?,
            default_credentials,
            provisioning_retry_base: millis("CONNECTGAIN_PROVISIONING_RETRY_BASE_MS", 10_000)?,
            provisioning_retry_max: millis("CONNECTGAIN_PROVISIONING_RETRY_MAX_MS", 3_600_000)?,
        })
    }
}
