//! Tenants' event subscriptions.

use serde::{Deserialize, Serialize};

use crate::redacted_debug;

/// What a tenant sends to create or replace a subscription.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// What the endpoint is for, in the owner's words. On update, `None` keeps it.
    #[serde(default)]
    pub description: Option<String>,
    /// Conditions on the event body (`{"data.stage": "won"}`, `{"data.value_cents":
    /// {"$gte": 100000}}`, `$and`/`$or`): an event that does not match creates no delivery.
    /// `{}` removes the filter; on update, `None` keeps it.
    #[serde(default)]
    pub filter: Option<serde_json::Value>,
    /// Headers sent with every attempt (`{"Authorization": "Bearer …"}`). Their values are
    /// secrets: stored encrypted and shown masked. `{}` removes them; on update, `None` keeps
    /// them, and a value given as the mask (`"********"`) keeps that header's stored value.
    #[serde(default)]
    pub headers: Option<std::collections::BTreeMap<String, String>>,
    /// At most this many attempts to the endpoint in any one second (`None`: no limit; on
    /// update, `None` keeps it and `0` removes it).
    #[serde(default)]
    pub rate_limit_per_sec: Option<u32>,
}

/// How a stored header value is shown in every read (and, given back, keeps the value).
pub const MASKED_HEADER_VALUE: &str = "********";

redacted_debug!(SubscriptionInput { name, url, events, is_active, signature_style, description, filter, rate_limit_per_sec });

/// Some of a subscription's fields, to change only those (`PATCH`). A field left out (or
/// `null`) keeps its value; an empty `description` clears it. The secret is not among them:
/// it changes by rotation only, and editing never touches it or the delivery logs.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubscriptionPatch {
    pub name: Option<String>,
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
    pub is_active: Option<bool>,
    pub signature_style: Option<String>,
    /// As on create; `{}` removes the filter.
    pub filter: Option<serde_json::Value>,
    /// As on create; `{}` removes them, a masked value keeps that header's value.
    pub headers: Option<std::collections::BTreeMap<String, String>>,
    /// As on create; `0` removes the limit.
    pub rate_limit_per_sec: Option<u32>,
}

redacted_debug!(SubscriptionPatch { name, url, events, description, is_active, signature_style, filter, rate_limit_per_sec });
