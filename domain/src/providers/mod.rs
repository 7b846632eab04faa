//! Real clients of the messaging providers, with configurable base URLs, and the "send a
//! test message" action. Each provider's error answers are mapped to the troubleshooting
//! names of the integration management guide.

pub mod sigv4;
mod sms;
mod whatsapp;

use serde::{Deserialize, Serialize};

use crate::{ids::OrgId, Domain, Error};

/// What a provider answered to a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendResult {
    pub ok: bool,
    pub provider: String,
    /// The HTTP status, when the provider answered.
    pub status: Option<u16>,
    pub message_id: Option<String>,
    /// The guide's name for the problem ("Invalid Access Token", "Insufficient Funds", …).
    pub problem: Option<String>,
    /// The provider's own error text.
    pub detail: Option<String>,
}

impl SendResult {
    fn failed(provider: &str, status: Option<u16>, problem: Option<&str>, detail: Option<String>) -> Self {
        Self { ok: false, provider: provider.to_owned(), status, message_id: None, problem: problem.map(str::to_owned), detail }
    }

    fn unreachable(provider: &str, error: &reqwest::Error) -> Self {
        let detail = if error.is_timeout() { "the provider did not answer in time".to_owned() } else { error.without_url_text() };
        Self::failed(provider, None, Some("Provider Unreachable"), Some(detail))
    }
}

trait WithoutUrl {
    fn without_url_text(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_text(&self) -> String {
        let mut text = self.to_string();
        if let Some(url) = self.url() {
            text = text.replace(url.as_str(), "");
        }
        text
    }
}

/// A message through the tenant's WhatsApp configuration (`to` in E.164).
pub async fn send_whatsapp(d: &Domain, org: OrgId, to: &str, text: &str) -> Result<SendResult, Error> {
    let (to, text) = check_message(to, text)?;
    whatsapp::send(d, org, &to, &text, Purpose::Live).await
}

/// A message through the tenant's SMS provider (`to` in E.164).
pub async fn send_sms(d: &Domain, org: OrgId, to: &str, text: &str) -> Result<SendResult, Error> {
    let (to, text) = check_message(to, text)?;
    sms::send(d, org, &to, &text, Purpose::Live).await
}

/// A test message through the tenant's WhatsApp configuration.
pub async fn test_whatsapp(d: &Domain, org: OrgId, to: &str, text: &str) -> Result<SendResult, Error> {
    let (to, text) = check_message(to, text)?;
    whatsapp::send(d, org, &to, &text, Purpose::Test).await
}

/// A test message through the tenant's SMS provider.
pub async fn test_sms(d: &Domain, org: OrgId, to: &str, text: &str) -> Result<SendResult, Error> {
    let (to, text) = check_message(to, text)?;
    sms::send(d, org, &to, &text, Purpose::Test).await
}

/// Why a message is sent: a test of the configuration works before the channel is turned
/// on (that is what it is for); a real message needs the channel on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    Live,
    Test,
}

/// The channel's switch, for a [`Purpose::Live`] message (409 `channel_disabled`).
pub(crate) fn check_enabled(channel: &str, enabled: bool, purpose: Purpose) -> Result<(), Error> {
    if purpose == Purpose::Live && !enabled {
        return Err(Error::Unavailable {
            code: "channel_disabled",
            message: format!("{channel} is turned off for this organization; a platform admin can turn it on."),
        });
    }
    Ok(())
}

/// A channel nobody has set up (409 `channel_not_configured`).
pub(crate) fn not_configured(channel: &str) -> Error {
    Error::Unavailable { code: "channel_not_configured", message: format!("{channel} is not set up for this organization; a platform admin can set it up.") }
}

fn check_message(to: &str, text: &str) -> Result<(String, String), Error> {
    let mut errors = crate::error::FieldErrors::new();
    let to = crate::integrations::validate::e164(to.trim()).map_err(|m| errors.insert("to", m)).ok();
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 1600 {
        errors.insert("message", "Write a message of 1 to 1,600 characters.".into());
    }
    match to {
        Some(to) if errors.is_empty() => Ok((to, text.to_owned())),
        _ => Err(Error::Invalid(errors)),
    }
}
