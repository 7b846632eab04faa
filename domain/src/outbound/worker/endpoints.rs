//! The endpoint cache: each subscription being delivered to, with its URL parsed and its
//! signing keys decrypted once per change of the subscription, its concurrency bound and
//! its recent latency.

use std::sync::{
    atomic::{AtomicBool, AtomicU64, Ordering},
    Arc,
};

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderName, HeaderValue};
use secrecy::ExposeSecret;
use tokio::sync::Semaphore;

use super::Dispatcher;
use crate::{
    crypto::SecretBinding,
    outbound::{
        headers,
        signing::{SignatureStyle, SigningKey},
        store::{self, Claimed, EndpointRow},
        subscriptions::{PREVIOUS_SECRET_FIELD, SECRET_FIELD},
        SubscriptionId,
    },
};

/// An endpoint whose recent answers average under this is fast.
const FAST_ENDPOINT_MS: u64 = 250;

/// A subscription ready to send to: URL parsed, keys derived (decrypted once per change).
pub(super) struct Endpoint {
    pub(super) url: reqwest::Url,
    pub(super) style: SignatureStyle,
    pub(super) key: Option<SigningKey>,
    pub(super) previous: Option<(SigningKey, DateTime<Utc>)>,
    pub(super) is_active: bool,
    /// The custom headers, values marked sensitive.
    pub(super) headers: Vec<(HeaderName, HeaderValue)>,
    pub(super) updated_at: DateTime<Utc>,
    /// Requests to this endpoint in flight at most (the per-endpoint bound).
    pub(super) permits: Arc<Semaphore>,
    /// Recent request durations, a moving average in ms (`u64::MAX` until the first).
    pub(super) latency_ms: Arc<AtomicU64>,
    /// The receiver answered 410: deliveries still waiting for a slot are not sent.
    pub(super) gone: AtomicBool,
    /// The subscription changed (URL, keys, turned off) after this version was loaded:
    /// deliveries still waiting for a slot go back to be claimed with the new one.
    pub(super) superseded: AtomicBool,
}

impl Endpoint {
    pub(super) fn is_fast(&self) -> bool {
        self.latency_ms.load(Ordering::Relaxed) < FAST_ENDPOINT_MS
    }

    pub(super) fn record_latency(&self, ms: u64) {
        let old = self.latency_ms.load(Ordering::Relaxed);
        let new = if old == u64::MAX { ms } else { (old * 7 + ms) / 8 };
        self.latency_ms.store(new, Ordering::Relaxed);
    }
}

impl Dispatcher {
    /// Loads the subscriptions of a batch, re-deriving keys only for those that changed.
    pub(super) async fn refresh_endpoints(&mut self, claimed: &[Claimed]) -> Result<(), sqlx::Error> {
        let mut ids: Vec<SubscriptionId> = claimed.iter().map(|c| c.subscription_id).collect();
        ids.sort();
        ids.dedup();
        if self.endpoints.len() > 10_000 {
            self.endpoints.clear();
        }
        for chunk in ids.chunks(500) {
            for row in store::endpoints(&self.shared.d.db, chunk).await? {
                let fresh = self.endpoints.get(&row.id).is_some_and(|e| e.updated_at == row.updated_at);
                if !fresh {
                    let old = self.endpoints.get(&row.id);
                    if let Some(old) = old {
                        old.superseded.store(true, Ordering::Release);
                    }
                    let kept = old.map(|e| (e.permits.clone(), e.latency_ms.clone()));
                    let endpoint = self.build_endpoint(row.id, &row, kept);
                    self.endpoints.insert(row.id, Arc::new(endpoint));
                }
            }
        }
        Ok(())
    }

    /// `kept`: the bound and latency of the endpoint's previous version, if any.
    fn build_endpoint(&self, id: SubscriptionId, row: &EndpointRow, kept: Option<(Arc<Semaphore>, Arc<AtomicU64>)>) -> Endpoint {
        let keys = &self.shared.d.keys;
        let key = match keys.decrypt(&row.secret_enc, &SecretBinding::new(SECRET_FIELD, row.organization_id)) {
            Ok(secret) => Some(SigningKey::new(&secret)),
            Err(error) => {
                tracing::error!(subscription_id = %id, error = %error, "outbound worker: a subscription secret cannot be read");
                None
            }
        };
        let previous = match (&row.previous_secret_enc, row.previous_secret_until) {
            (Some(sealed), Some(until)) => {
                keys.decrypt(sealed, &SecretBinding::new(PREVIOUS_SECRET_FIELD, row.organization_id)).ok().map(|s| (SigningKey::new(&s), until))
            }
            _ => None,
        };
        let url = reqwest::Url::parse(&row.url).unwrap_or_else(|_| reqwest::Url::parse("http://invalid.invalid/").expect("valid"));
        let headers = match row.headers_enc.as_deref().map(|sealed| headers::open(&self.shared.d, row.organization_id, sealed)) {
            None => Vec::new(),
            Some(Ok(pairs)) => pairs
                .into_iter()
                .filter_map(|(name, value)| {
                    let mut value = HeaderValue::from_str(value.expose_secret()).ok()?;
                    value.set_sensitive(true);
                    Some((HeaderName::from_bytes(name.as_bytes()).ok()?, value))
                })
                .collect(),
            Some(Err(error)) => {
                tracing::error!(subscription_id = %id, error = %error, "outbound worker: a subscription's headers cannot be read");
                Vec::new()
            }
        };
        let (permits, latency_ms) =
            kept.unwrap_or_else(|| (Arc::new(Semaphore::new(self.shared.d.config.outbound.endpoint_concurrency)), Arc::new(AtomicU64::new(u64::MAX))));
        Endpoint {
            url,
            style: SignatureStyle::parse(&row.signature_style).unwrap_or(SignatureStyle::Hex),
            key,
            previous,
            is_active: row.is_active,
            headers,
            updated_at: row.updated_at,
            permits,
            latency_ms,
            gone: AtomicBool::new(false),
            superseded: AtomicBool::new(false),
        }
    }
}
