//! The CRM objects' inputs.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A contact's create, or an update where absent fields keep their value and `""` clears one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactInput {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// A JSON object of custom fields, merged into the stored ones.
    pub attributes: Option<Value>,
    /// A member's user id.
    pub assigned_to: Option<String>,
}
