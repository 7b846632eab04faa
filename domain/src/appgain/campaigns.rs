//! Sending a campaign through Appgain with the organization's credentials.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{client::SendOutcome, Credentials};
use crate::{crm, error::FieldErrors, ids::OrgId, Domain, Error};

/// The seed's error when no credentials are at hand.
pub const NO_CREDENTIALS: &str = "Appgain credentials not available. Please log in again.";

const CHANNELS: &[&str] = &["push", "sms", "whatsapp", "email"];

/// A campaign as composed on the page or sent to the API.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct CampaignForm {
    /// At most 200 characters.
    #[serde(default)]
    pub name: String,
    /// `push`, `sms`, `whatsapp` or `email`.
    #[serde(default)]
    pub channel: String,
    /// At most 4,000 characters.
    #[serde(default)]
    pub message: String,
    /// Anything else Appgain should receive, passed through as given.
    #[serde(default)]
    pub extra: Option<Value>,
}

/// What Appgain answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CampaignResult {
    /// Appgain's HTTP status.
    pub status: u16,
    /// Whether that status is a 2xx.
    pub accepted: bool,
    /// Appgain's answer as it sent it.
    pub response: String,
}

fn payload(form: &CampaignForm) -> Result<Value, Error> {
    let mut errors = FieldErrors::new();
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        errors.insert("name", "Give the campaign a name of at most 200 characters.".into());
    }
    let channel = form.channel.trim().to_lowercase();
    if !CHANNELS.contains(&channel.as_str()) {
        errors.insert("channel", format!("Choose one of: {}.", CHANNELS.join(", ")));
    }
    let message = form.message.trim();
    if message.is_empty() || message.chars().count() > 4_000 {
        errors.insert("message", "Write a message of at most 4,000 characters.".into());
    }
    if form.extra.as_ref().is_some_and(|e| !e.is_object()) {
        errors.insert("extra", "Extra fields must be a JSON object.".into());
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut body = json!({ "campaign_name": name, "channel": channel, "message": message });
    if let Some(Value::Object(extra)) = &form.extra {
        for (k, v) in extra {
            body.as_object_mut().expect("an object").entry(k.clone()).or_insert(v.clone());
        }
    }
    Ok(body)
}

/// Sends with `credentials` (the session's, or the organization's for API tokens), recorded
/// as a CRM campaign: campaign.started before the call, campaign.completed after it.
pub async fn send(d: &Domain, org: OrgId, credentials: Option<Credentials>, form: &CampaignForm) -> Result<CampaignResult, Error> {
    let body = payload(form)?;
    let credentials = credentials.ok_or_else(|| Error::Conflict(NO_CREDENTIALS.into()))?;
    let campaign = crm::campaigns::start(d, org, &form.name, &form.channel, &form.message).await?;
    let sent = d.appgain.send_campaign(&credentials, &body).await;
    let (status, accepted) = match &sent {
        Ok(SendOutcome { status, .. }) => (Some(*status), (200..300).contains(status)),
        Err(_) => (None, false),
    };
    crm::campaigns::finish(d, campaign, status, accepted).await?;
    let SendOutcome { status, body } = sent.map_err(|e| Error::Upstream(format!("Appgain could not be reached: {e}")))?;
    Ok(CampaignResult { status, accepted, response: body })
}
