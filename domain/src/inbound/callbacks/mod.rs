//! Provider callbacks at `/api/callbacks/{tenant_id}/{provider}`, verified as each provider
//! specifies, with the tenant's own secrets. Every failure (an unknown or malformed
//! tenant, a provider not configured, a missing or wrong signature, a stale timestamp) is
//! the same `Unauthorized`, and nothing of a rejected callback is stored.

pub mod twilio;
pub mod vonage;
pub mod whatsapp;
pub mod zoom;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{ingest::NewEvent, Source};
use crate::{ids::OrgId, Error};

/// How far a signed timestamp may be from now (Zoom, Vonage): replays are refused after.
pub const MAX_SKEW_SECS: i64 = 300;

pub(crate) fn denied() -> Error {
    Error::Unauthorized("The callback could not be verified.".into())
}

pub(crate) fn tenant(raw: &str) -> Result<OrgId, Error> {
    raw.trim().parse().map_err(|_| denied())
}

/// Constant-time equality of two strings (their lengths may differ).
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Whether an idempotency key has the form of a provider callback's: the API refuses such
/// keys, so that no client's key can stand in the way of a provider's callback.
pub fn is_callback_key(key: &str) -> bool {
    [Source::Whatsapp, Source::Twilio, Source::Vonage, Source::Zoom].iter().any(|s| key.strip_prefix(s.as_str()).is_some_and(|rest| rest.starts_with(':')))
}

/// A verified callback as an event to store. Providers retry a callback they think failed
/// (Meta for days, Zoom three times) with the same body, so its idempotency key is the
/// body's digest: a retry answers the first event, and nothing is stored, processed or
/// emitted twice.
pub fn event(org: OrgId, source: Source, event_name: &str, payload: String) -> NewEvent {
    let digest = hex::encode(Sha256::digest(payload.as_bytes()));
    let idempotency_key = Some(format!("{}:{digest}", source.as_str()));
    NewEvent { org, source, event_name: event_name.to_owned(), payload, idempotency_key }
}
