//! Tenants' event subscriptions.

use serde::{Deserialize, Serialize};

use crate::redacted_debug;

/// What a tenant sends to create or replace a subscription.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionInput {
    pub name: String,
    pub url: String,
    /// Event names of the catalogue, or `"*"` for all.
    pub events: Vec<String>,
    /// Given, or generated on create (`whsec_…`). On update, `None` keeps the current one.
    pub secret: Option<String>,
    /// Defaults to true on create; `None` keeps the current state on update.
    pub is_active: Option<bool>,
    /// `"hex"` (default) or `"sha256"`.
    pub signature_style: Option<String>,
}

redacted_debug!(SubscriptionInput { name, url, events, is_active, signature_style });
