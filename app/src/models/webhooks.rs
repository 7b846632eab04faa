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
    pub description: Option<String>,
    /// The payload filter, pretty-printed JSON.
    pub filter: Option<String>,
    pub previous_secret_until: Option<String>,
    pub last_attempt_at: Option<String>,
    pub failing_since: Option<String>,
    /// The latest attempt's error while failing.
    pub last_error: Option<String>,
    /// The custom headers' names (values never leave the server).
    pub headers: Vec<String>,
    pub rate_limit_per_sec: Option<u32>,
    /// Attempts over the last 24 hours that succeeded and failed (filled by the list).
    pub day_succeeded: i64,
    pub day_failed: i64,
    pub created_at: String,
}

impl SubscriptionRow {
    /// Failing (every attempt since a time), or turned off by the platform: its owners
    /// should look.
    pub fn needs_attention(&self) -> bool {
        (self.is_active && self.failing_since.is_some()) || (!self.is_active && self.disabled_reason.is_some())
    }

    /// The success rate over 24 hours in percent, `None` without attempts.
    pub fn day_rate(&self) -> Option<i64> {
        let total = self.day_succeeded + self.day_failed;
        (total > 0).then(|| (self.day_succeeded as f64 * 100.0 / total as f64).floor() as i64)
    }
}

/// The signing secret shown again on request (and the previous one while it still signs).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretsView {
    pub secret: String,
    pub previous: Option<String>,
    pub previous_until: Option<String>,
}

impl std::fmt::Debug for SecretsView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretsView([redacted])")
    }
}

/// An endpoint's figures over a range and its chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChartView {
    pub range: String,
    pub since: String,
    pub total: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub success_rate: f64,
    pub avg_latency_ms: i64,
    pub p50_latency_ms: i64,
    pub p95_latency_ms: i64,
    pub series: Vec<PointView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointView {
    pub bucket: String,
    pub delivered: i64,
    pub failed: i64,
    pub p50_ms: i64,
    pub p95_ms: i64,
}

/// A delivery whole, for the logs' delivery view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: String,
    pub webhook_id: String,
    pub subscription_id: String,
    pub event: String,
    /// `pending`, `failed` (retries remain), `delivered`, `dead` or `cancelled`.
    pub status: String,
    pub next_attempt_at: Option<String>,
    pub created_at: String,
    /// The body sent, pretty-printed.
    pub payload: String,
    /// The first attempt first.
    pub attempts: Vec<AttemptRow>,
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
    pub webhook_id: String,
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

/// What the logs page asks for; empty strings mean "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogQuery {
    pub subscription: String,
    pub event: String,
    /// `success` or `failed` (the attempt's outcome).
    pub outcome: String,
    /// The delivery's state: `pending`, `failed`, `delivered`, `dead`, `cancelled`.
    pub delivery_status: String,
    /// From and until (`datetime-local` or RFC 3339, UTC).
    pub since: String,
    pub until: String,
    /// A webhook-id (`msg_…`) or a delivery id.
    pub search: String,
    /// From [`AttemptPage`]'s cursors.
    pub cursor: Option<String>,
}

impl LogQuery {
    /// The filters named as the logs form and the address name them (`subscription`,
    /// `event`, …), read by `get`; the first page.
    pub fn from_fields(get: impl Fn(&str) -> String) -> Self {
        Self {
            subscription: get("subscription"),
            event: get("event"),
            outcome: get("outcome"),
            delivery_status: get("delivery_status"),
            since: get("since"),
            until: get("until"),
            search: get("search"),
            cursor: None,
        }
    }
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
    /// `crm` or `operational` (about the webhooks themselves).
    pub kind: String,
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

/// A page of contacts, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPage {
    pub data: Vec<ContactRow>,
    /// Passed back for the next (older) page; `None` on the last.
    pub next_cursor: Option<String>,
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
            figures::Chart,
            logs::{AttemptRecord, DeliveryDetail, Page, Stats},
            subscriptions::{Secrets, SubscriptionView},
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
                description: s.description,
                filter: s.filter.and_then(|f| serde_json::to_string_pretty(&f).ok()),
                previous_secret_until: s.previous_secret_until.map(rfc3339),
                last_attempt_at: s.last_attempt_at.map(rfc3339),
                failing_since: s.failing_since.map(rfc3339),
                last_error: s.last_error,
                headers: s.headers.into_keys().collect(),
                rate_limit_per_sec: s.rate_limit_per_sec,
                day_succeeded: 0,
                day_failed: 0,
                created_at: rfc3339(s.created_at),
            }
        }
    }

    impl From<AttemptRecord> for AttemptRow {
        fn from(a: AttemptRecord) -> Self {
            Self {
                id: a.id,
                delivery_id: a.delivery_id.to_string(),
                webhook_id: a.webhook_id,
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

    impl From<Chart> for ChartView {
        fn from(c: Chart) -> Self {
            let f = c.stats.figures;
            Self {
                range: c.stats.range.as_str().to_owned(),
                since: rfc3339(c.stats.since),
                total: f.total,
                succeeded: f.succeeded,
                failed: f.failed,
                success_rate: f.success_rate,
                avg_latency_ms: f.avg_latency_ms,
                p50_latency_ms: f.p50_latency_ms,
                p95_latency_ms: f.p95_latency_ms,
                series: c
                    .series
                    .into_iter()
                    .map(|p| PointView { bucket: rfc3339(p.bucket), delivered: p.delivered, failed: p.failed, p50_ms: p.p50_ms, p95_ms: p.p95_ms })
                    .collect(),
            }
        }
    }

    impl From<Secrets> for SecretsView {
        fn from(s: Secrets) -> Self {
            use secrecy::ExposeSecret;
            let (previous, previous_until) = match s.previous {
                Some((secret, until)) => (Some(secret.expose_secret().to_owned()), Some(rfc3339(until))),
                None => (None, None),
            };
            Self { secret: s.secret.expose_secret().to_owned(), previous, previous_until }
        }
    }

    impl From<DeliveryDetail> for DeliveryView {
        fn from(d: DeliveryDetail) -> Self {
            let payload = serde_json::from_str::<serde_json::Value>(d.payload.get())
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or_else(|| d.payload.get().to_owned());
            Self {
                id: d.id.to_string(),
                webhook_id: d.webhook_id,
                subscription_id: d.subscription_id.to_string(),
                event: d.event,
                status: d.status.as_str().to_owned(),
                next_attempt_at: d.next_attempt_at.map(rfc3339),
                created_at: rfc3339(d.created_at),
                payload,
                attempts: d.attempts.into_iter().map(Into::into).collect(),
            }
        }
    }

    impl From<Contact> for ContactRow {
        fn from(c: Contact) -> Self {
            Self { id: c.id.to_string(), first_name: c.first_name, last_name: c.last_name, email: c.email, phone: c.phone, created_at: rfc3339(c.created_at) }
        }
    }
}
