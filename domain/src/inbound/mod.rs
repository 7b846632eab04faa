//! Inbound webhooks: automation platforms (n8n, Activepieces…) post events into the CRM at
//! `POST /api/webhooks/{event_name}`, and messaging/meeting providers call back per tenant.
//!
//! The flow: a request is authenticated ([`keys`]), rate limited ([`rate_limit`]) and handed
//! to the [`ingest`] writer, which commits it as an integration event (status `received`)
//! in a batch with its neighbours and only then lets the request answer. The [`worker`] is
//! woken at once, claims received events under a lease, runs the event's processor
//! ([`processors`]) and records `processed` or `failed` (with the error); a failed event
//! can be retried ([`events::retry`]). Provider callbacks are verified as each provider
//! specifies ([`callbacks`]) before they are stored the same way; a forged one is never
//! stored.

pub mod callbacks;
pub mod claimed;
pub mod events;
pub mod ingest;
pub mod keys;
pub mod processors;
pub mod rate_limit;
pub mod settings;
pub mod worker;

crate::typed_id!(time_ordered
    /// One received integration event. Time-ordered: thousands arrive each second, and
    /// random ids would dirty a different index page per event (measured: ~75 MB/s written
    /// at 10k events/s).
    InboundEventId
);

/// Where an event came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// `POST /api/webhooks/{event_name}` with the tenant's API key.
    Api,
    Whatsapp,
    Twilio,
    Vonage,
    Zoom,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Whatsapp => "whatsapp",
            Self::Twilio => "twilio",
            Self::Vonage => "vonage",
            Self::Zoom => "zoom",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "api" => Self::Api,
            "whatsapp" => Self::Whatsapp,
            "twilio" => Self::Twilio,
            "vonage" => Self::Vonage,
            "zoom" => Self::Zoom,
            _ => return None,
        })
    }
}

/// An inbound event name such as `lead.captured`: letters, digits and `_` in parts
/// separated by single dots, at least two parts, at most 100 characters (so
/// `/api/webhooks/subscriptions` can never be one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventName(String);

impl EventName {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let valid_part = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if raw.len() > 100 || !raw.contains('.') || !raw.split('.').all(valid_part) {
            return Err("An event name is letters, digits and _ in parts separated by dots, such as lead.captured.".into());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The inbound machinery of one server instance, shared by every request.
pub struct Runtime {
    pub keys: keys::KeyCache,
    pub limiter: rate_limit::RateLimiter,
    pub ingest: ingest::Ingest,
    /// Wakes the processing [`worker`] after events were committed.
    pub wake: tokio::sync::Notify,
}

impl Runtime {
    pub fn new(config: &crate::config::InboundConfig) -> Self {
        Self {
            keys: keys::KeyCache::default(),
            limiter: rate_limit::RateLimiter::new(config.per_second(), config.burst),
            ingest: ingest::Ingest::new(),
            wake: tokio::sync::Notify::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EventName;

    #[test]
    fn event_names_need_a_dot_and_plain_parts() {
        for ok in ["lead.captured", "payment.received", "test.event", "a.b.c", "Stripe_v2.charge.ok"] {
            assert!(EventName::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["subscriptions", "lead.", ".lead", "lead..x", "lead-captured.x", "lead.captured/x", "", "é.x"] {
            assert!(EventName::parse(bad).is_err(), "{bad}");
        }
        assert!(EventName::parse(&format!("a.{}", "b".repeat(99))).is_err());
    }
}
