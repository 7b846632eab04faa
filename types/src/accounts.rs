//! Account inputs.

use serde::{Deserialize, Serialize};

/// A new API key: `{name, scope, expires_at?}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyInput {
    pub name: Option<String>,
    /// `read` or `read_write`.
    pub scope: Option<String>,
    /// An RFC 3339 time, or a date (`2027-01-31`: the key stops working when that day
    /// begins, UTC). Absent or blank: it does not expire.
    pub expires_at: Option<String>,
}
