//! What pages receive from the server: views with nothing secret in them.

pub mod admin;
pub mod api_keys;
pub mod contacts;
pub mod conversations;
pub mod deals;
pub mod inbound;
pub mod webhooks;

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub(crate) use connectgain_domain::text::rfc3339;

/// The logged-in user, as the pages see them (the seed's `get_user_login_data`, without
/// the API key).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user_id: String,
    pub email: String,
    pub name: String,
    /// `member`, `owner` or `admin`.
    pub role: String,
    pub organization_name: Option<String>,
    pub appgain: Option<AppgainView>,
}

impl Viewer {
    pub fn is_owner(&self) -> bool {
        self.role == "owner"
    }
}

/// An organization's Appgain provisioning, with the API key masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppgainView {
    pub provisioned: bool,
    /// `pending`, `provisioned`, `manual`, `default`, `failed` or `legacy`.
    pub status: String,
    pub suit_id: Option<String>,
    pub api_key_masked: Option<String>,
    pub last_error: Option<String>,
}

impl AppgainView {
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "provisioned" => "Provisioned automatically",
            "manual" => "Entered by an owner",
            "default" => "Default credentials",
            "pending" => "Pending — retrying in the background",
            "failed" => "Automatic provisioning gave up",
            _ => "Not configured",
        }
    }
}

/// A person in the organization, as owners see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
}

/// A new invitation link, shown once to the owner who made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub url: String,
    pub expires_at: String,
}

/// A sent campaign in the history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignRow {
    pub id: String,
    pub name: String,
    pub channel: String,
    /// `started`, `completed` or `failed`.
    pub status: String,
    /// The HTTP status Appgain answered.
    pub provider_status: Option<i32>,
    pub sent_at: String,
}

/// Campaigns newest first, a page at a time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignPage {
    pub data: Vec<CampaignRow>,
    pub next_cursor: Option<String>,
}

/// Appgain's answer to a campaign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignResultView {
    pub status: u16,
    pub accepted: bool,
    pub response: String,
}
