//! What the Settings → Webhooks and Logs pages receive: subscriptions (never their
//! secret, except once right after creation or rotation), delivery attempts, the catalogue.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionRow {
    pub id: String,
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
    pub is_active: bool,
    pub disabled_reason: Option<String>,
    pub signature_style: String,
    pub previous_secret_until: Option<String>,
    pub created_at: String,
}

/// A secret shown once: after creating a subscription or rotating its secret. It must reach
/// the page, so it serializes; its `Debug` is redacted so that no log line ever carries it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealedSecret {
    pub subscription: String,
    pub secret: String,
    /// The subscription as saved, for the page to show without asking again.
    pub row: SubscriptionRow,
}

impl std::fmt::Debug for RevealedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevealedSecret").field("subscription", &self.subscription).field("secret", &"[redacted]").finish()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptRow {
    pub id: i64,
    pub delivery_id: String,
    pub subscription_id: String,
    pub event_type: String,
    pub attempt: i32,
    pub attempted_at: String,
    pub success: bool,
    pub status_code: Option<i32>,
    pub duration_ms: i64,
    pub request_headers: String,
    pub response_body: Option<String>,
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptPage {
    pub data: Vec<AttemptRow>,
    /// Opaque: passed back to [`crate::functions::webhooks::list_attempts`].
    pub next_cursor: Option<String>,
    pub prev_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDocView {
    pub event: String,
    pub description: String,
    pub object: String,
    /// The example `data`, pretty-printed.
    pub example: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatsView {
    pub total: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub success_rate: f64,
    pub avg_latency_ms: f64,
    pub p50_latency_ms: i64,
    pub p95_latency_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRow {
    pub id: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub created_at: String,
}

impl ContactRow {
    pub fn name(&self) -> String {
        let name = [self.first_name.as_deref(), self.last_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            "—".into()
        } else {
            name
        }
    }
}

/// The page's shapes from the domain's views, checked at compile time.
#[cfg(feature = "ssr")]
mod from_domain {
    use connectgain_domain::{
        crm::contacts::Contact,
        outbound::{
            logs::{AttemptRecord, Page, Stats},
            subscriptions::SubscriptionView,
        },
    };

    use super::*;
    use crate::models::rfc3339;

    impl From<SubscriptionView> for SubscriptionRow {
        fn from(s: SubscriptionView) -> Self {
            Self {
                id: s.id.to_string(),
                name: s.name,
                url: s.url,
                events: s.events,
                is_active: s.is_active,
                disabled_reason: s.disabled_reason,
                signature_style: s.signature_style,
                previous_secret_until: s.previous_secret_until.map(rfc3339),
                created_at: rfc3339(s.created_at),
            }
        }
    }

    impl From<AttemptRecord> for AttemptRow {
        fn from(a: AttemptRecord) -> Self {
            Self {
                id: a.id,
                delivery_id: a.delivery_id.to_string(),
                subscription_id: a.subscription_id.to_string(),
                event_type: a.event_type,
                attempt: a.attempt,
                attempted_at: rfc3339(a.attempted_at),
                success: a.success,
                status_code: a.status_code,
                duration_ms: a.duration_ms,
                request_headers: a.request_headers,
                response_body: a.response_body,
                error: a.error,
            }
        }
    }

    impl From<Page<AttemptRecord>> for AttemptPage {
        fn from(page: Page<AttemptRecord>) -> Self {
            let cursor = |c: Option<connectgain_domain::outbound::logs::Cursor>| c.map(|c| c.to_string());
            Self { data: page.data.into_iter().map(Into::into).collect(), next_cursor: cursor(page.next_cursor), prev_cursor: cursor(page.prev_cursor) }
        }
    }

    impl From<Stats> for StatsView {
        fn from(s: Stats) -> Self {
            let Stats { total, succeeded, failed, success_rate, avg_latency_ms, p50_latency_ms, p95_latency_ms } = s;
            Self { total, succeeded, failed, success_rate, avg_latency_ms, p50_latency_ms, p95_latency_ms }
        }
    }

    impl From<Contact> for ContactRow {
        fn from(c: Contact) -> Self {
            Self { id: c.id.to_string(), first_name: c.first_name, last_name: c.last_name, email: c.email, phone: c.phone, created_at: rfc3339(c.created_at) }
        }
    }
}
