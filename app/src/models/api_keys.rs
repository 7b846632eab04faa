//! Settings → API keys: the organization's keys as owners see them (never a key's value,
//! except the one just created, once).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRow {
    pub id: String,
    pub name: String,
    /// `read` or `read_write`.
    pub scope: String,
    /// `cgk_…` and the last four characters.
    pub hint: String,
    pub created_by: Option<String>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub expired: bool,
    pub last_used_at: Option<String>,
}

impl ApiKeyRow {
    pub fn scope_label(&self) -> &'static str {
        if self.scope == "read" {
            "Read"
        } else {
            "Read and write"
        }
    }
}

/// A key just created: shown once, with what it is called. Its `Debug` leaves the key out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealedApiKey {
    pub name: String,
    pub key: String,
}

impl std::fmt::Debug for RevealedApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevealedApiKey").field("name", &self.name).finish_non_exhaustive()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeysPage {
    pub keys: Vec<ApiKeyRow>,
    /// The key created by the form posted without JavaScript just before this page.
    pub revealed: Option<RevealedApiKey>,
}

#[cfg(feature = "ssr")]
impl From<connectgain_domain::accounts::api_keys::ApiKey> for ApiKeyRow {
    fn from(k: connectgain_domain::accounts::api_keys::ApiKey) -> Self {
        let time = crate::server::views::minute;
        Self {
            id: k.id.to_string(),
            expired: k.is_expired(chrono::Utc::now()),
            name: k.name,
            scope: k.scope.as_str().to_owned(),
            hint: k.hint,
            created_by: k.created_by_email,
            created_at: time(k.created_at),
            expires_at: k.expires_at.map(time),
            last_used_at: k.last_used_at.map(time),
        }
    }
}
