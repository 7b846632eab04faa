//! The delivery worker: claims due deliveries in batches, sends them concurrently (bounded
//! overall and per subscription) with one keep-alive client, and hands every finished attempt
//! to the writer. Started by the server beside the provisioning worker; on shutdown it stops
//! claiming, lets in-flight deliveries finish (bounded wait), then flushes the writer.

use std::{
    collections::HashMap,
    future::Future,
    sync::{
        atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use tokio::{
    sync::{mpsc, Notify, Semaphore},
    task::JoinSet,
};

use super::{
    schedule,
    signing::{SignatureStyle, SigningKey},
    ssrf,
    store::{self, Claimed, EndpointRow, SUBSCRIPTIONS_PER_ROUND},
    subscriptions::{PREVIOUS_SECRET_FIELD, SECRET_FIELD},
    writer::{self, Attempt, Next, Outcome},
    EventId, SubscriptionId,
};
use crate::{crypto::SecretBinding, Domain};

/// The worker looks for due deliveries at least this often (other instances' events, retries).
const POLL_EVERY: Duration = Duration::from_secs(1);
/// Response bodies are kept up to this many bytes.
const MAX_RESPONSE_BODY: usize = 4096;
/// A fast endpoint gets up to this many times its concurrency bound claimed: the next
/// deliveries are ready the moment a request finishes, and claims come in fewer, larger
/// write transactions. (Only as many times as the lease allows: see [`claim_ahead`].)
const MAX_CLAIM_AHEAD: usize = 4;
/// An endpoint whose recent answers average under this is fast.
const FAST_ENDPOINT_MS: u64 = 250;

/// A subscription ready to send to: URL parsed, keys derived (decrypted once per change).
struct Endpoint {
    url: reqwest::Url,
    style: SignatureStyle,
    key: Option<SigningKey>,
    previous: Option<(SigningKey, DateTime<Utc>)>,
    is_active: bool,
    updated_at: DateTime<Utc>,
    /// Requests to this endpoint in flight at most (the per-endpoint bound).
    permits: Arc<Semaphore>,
    /// Recent request durations, a moving average in ms (`u64::MAX` until the first).
    latency_ms: Arc<AtomicU64>,
    /// The receiver answered 410: deliveries still waiting for a slot are not sent.
    gone: AtomicBool,
    /// The subscription changed (URL, keys, turned off) after this version was loaded:
    /// deliveries still waiting for a slot go back to be claimed with the new one.
    superseded: AtomicBool,
}

impl Endpoint {
    fn is_fast(&self) -> bool {
        self.latency_ms.load(Ordering::Relaxed) < FAST_ENDPOINT_MS
    }

    fn record_latency(&self, ms: u64) {
        let old = self.latency_ms.load(Ordering::Relaxed);
        let new = if old == u64::MAX { ms } else { (old * 7 + ms) / 8 };
        self.latency_ms.store(new, Ordering::Relaxed);
    }
}

/// How many times its concurrency bound a fast endpoint may have claimed. A claimed
/// delivery waiting for a slot must still be sent within its lease, even if every request
/// ahead of it runs into the timeout: `ahead` timeouts must fit in the lease.
fn claim_ahead(lease: Duration, timeout: Duration) -> usize {
    let fits = (lease.as_millis() / timeout.as_millis().max(1)) as usize;
    fits.saturating_sub(1).clamp(1, MAX_CLAIM_AHEAD)
}

struct Shared {
    d: Domain,
    client: reqwest::Client,
    outcomes: mpsc::UnboundedSender<Outcome>,
    /// Requests in flight at most, over all endpoints.
    sending: Arc<Semaphore>,
    /// Claimed, unfinished deliveries (sending or waiting for a slot).
    inflight: AtomicUsize,
    /// Shutting down: deliveries still waiting for a slot are released, not sent.
    stopping: AtomicBool,
    slot_freed: Notify,
    /// Claimed, unfinished deliveries per subscription (those at the bound are not claimed).
    per_subscription: Mutex<HashMap<SubscriptionId, usize>>,
}

/// The HTTP client of deliveries: no redirects, no proxy, pooled connections, and (unless
/// private targets are allowed) the SSRF guard in its DNS resolution.
pub fn delivery_client(d: &Domain) -> reqwest::Client {
    let o = &d.config.outbound;
    let mut builder = reqwest::Client::builder()
        .timeout(o.timeout)
        .connect_timeout(o.timeout.min(Duration::from_secs(10)))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .pool_max_idle_per_host(o.concurrency)
        .pool_idle_timeout(Duration::from_secs(60))
        .tcp_nodelay(true)
        .user_agent(super::USER_AGENT);
    if !d.config.allow_private_targets {
        builder = builder.dns_resolver(ssrf::GuardedResolver::shared());
    }
    builder.build().expect("the TLS backend initializes")
}

/// Delivers until `shutdown` completes, then finishes in-flight deliveries (waiting at most
/// the request timeout plus five seconds) and records them.
pub async fn run(d: Domain, shutdown: impl Future<Output = ()>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let writer = tokio::spawn(writer::run(d.db.clone(), rx, d.outbound_notify.clone()));
    let shared = Arc::new(Shared {
        client: delivery_client(&d),
        sending: Arc::new(Semaphore::new(d.config.outbound.concurrency)),
        d,
        outcomes: tx,
        inflight: AtomicUsize::new(0),
        stopping: AtomicBool::new(false),
        slot_freed: Notify::new(),
        per_subscription: Mutex::new(HashMap::new()),
    });
    let mut dispatcher = Dispatcher { shared: shared.clone(), endpoints: HashMap::new(), tasks: JoinSet::new(), cursor: None };
    tokio::pin!(shutdown);
    loop {
        let wait = dispatcher.round().await;
        tokio::select! {
            _ = &mut shutdown => break,
            _ = shared.d.outbound_notify.notified() => {}
            _ = shared.slot_freed.notified(), if wait.for_slot => {}
            _ = tokio::time::sleep(wait.sleep) => {}
        }
    }
    shared.stopping.store(true, Ordering::Release);
    let grace = shared.d.config.outbound.timeout + Duration::from_secs(5);
    let mut tasks = std::mem::take(&mut dispatcher.tasks);
    if tokio::time::timeout(grace, async { while tasks.join_next().await.is_some() {} }).await.is_err() {
        tracing::warn!(left = tasks.len(), "outbound worker: deliveries still running at shutdown; they will be retried");
        tasks.abort_all();
    }
    drop(dispatcher);
    drop(shared);
    let _ = tokio::time::timeout(Duration::from_secs(10), writer).await;
}

struct Dispatcher {
    shared: Arc<Shared>,
    endpoints: HashMap<SubscriptionId, Arc<Endpoint>>,
    tasks: JoinSet<()>,
    /// Where the next round's look at subscriptions starts (when there are more than one
    /// round takes).
    cursor: Option<SubscriptionId>,
}

/// What the dispatcher waits for before its next round.
struct Wait {
    /// A finished delivery (a subscription with due deliveries is at its bound, or the
    /// instance is at its overall bound).
    for_slot: bool,
    /// At most this long (the next delivery due, or the poll interval).
    sleep: Duration,
}

impl Dispatcher {
    /// Claims and starts what is due while there is room, subscription by subscription, each
    /// up to its concurrency bound (so a slow endpoint's backlog never holds up the others,
    /// and the cost of a round does not grow with any backlog).
    async fn round(&mut self) -> Wait {
        while self.tasks.try_join_next().is_some() {}
        let o = &self.shared.d.config.outbound;
        let ahead = claim_ahead(o.lease, o.timeout);
        let limit = o.concurrency * ahead;
        let bound = o.endpoint_concurrency;
        loop {
            let free = limit.saturating_sub(self.shared.inflight.load(Ordering::Acquire));
            if free == 0 {
                return Wait { for_slot: true, sleep: POLL_EVERY };
            }
            let pending = match store::pending_subscriptions(&self.shared.d.db, self.cursor, SUBSCRIPTIONS_PER_ROUND).await {
                Ok(p) => p,
                Err(error) => {
                    tracing::error!(error = %error, "outbound worker: reading due subscriptions failed");
                    return Wait { for_slot: false, sleep: POLL_EVERY };
                }
            };
            self.cursor = if pending.len() == SUBSCRIPTIONS_PER_ROUND { pending.last().map(|(s, _)| *s) } else { None };
            let now = Utc::now();
            let mut picks = Vec::new();
            let mut for_slot = false;
            let mut next_due: Option<DateTime<Utc>> = None;
            {
                let claimed = self.shared.per_subscription.lock().expect("not poisoned");
                let mut left = free;
                for (sub, due) in pending {
                    if due > now {
                        next_due = Some(next_due.map_or(due, |n| n.min(due)));
                        continue;
                    }
                    let busy = claimed.get(&sub).copied().unwrap_or(0);
                    let fast = self.endpoints.get(&sub).is_some_and(|e| e.is_fast());
                    let cap = if fast { bound * ahead } else { bound };
                    // A subscription is claimed for once it has room for a few deliveries,
                    // not one at a time (fewer, larger claims).
                    let min_room = (cap / 4).max(1);
                    let room = cap.saturating_sub(busy).min(left);
                    if room == 0 || (room < min_room && busy > 0) {
                        for_slot = true;
                        continue;
                    }
                    picks.push((sub, room));
                    left -= room;
                }
            }
            let asked: usize = picks.iter().map(|(_, n)| n).sum();
            let got = if picks.is_empty() {
                0
            } else {
                match self.claim_and_start(&picks).await {
                    Ok(n) => n,
                    Err(error) => {
                        tracing::error!(error = %error, "outbound worker: claiming failed");
                        return Wait { for_slot: false, sleep: POLL_EVERY };
                    }
                }
            };
            if got == 0 || (got < asked && self.cursor.is_none()) {
                let sleep =
                    next_due.map(|due| (due - Utc::now()).to_std().unwrap_or(Duration::ZERO).clamp(Duration::from_millis(1), POLL_EVERY)).unwrap_or(POLL_EVERY);
                // Other instances may hold what was due (PostgreSQL): look again soon.
                let sleep = if got < asked { sleep.min(Duration::from_millis(50)) } else { sleep };
                return Wait { for_slot, sleep };
            }
        }
    }

    async fn claim_and_start(&mut self, picks: &[(SubscriptionId, usize)]) -> Result<usize, sqlx::Error> {
        let shared = self.shared.clone();
        let d = &shared.d;
        let now = Utc::now();
        let lease = chrono::Duration::from_std(d.config.outbound.lease).unwrap_or(chrono::Duration::minutes(2));
        let claimed = store::claim(&d.db, now, now + lease, picks).await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let count = claimed.len();
        self.refresh_endpoints(&claimed).await?;
        let mut event_ids: Vec<EventId> = claimed.iter().map(|c| c.event_id).collect();
        event_ids.sort();
        event_ids.dedup();
        let mut bodies: HashMap<EventId, Arc<str>> = HashMap::new();
        for chunk in event_ids.chunks(500) {
            bodies.extend(store::bodies(&d.db, chunk).await?.into_iter().map(|(id, b)| (id, Arc::from(b))));
        }
        for job in claimed {
            let (Some(endpoint), Some(body)) = (self.endpoints.get(&job.subscription_id), bodies.get(&job.event_id)) else {
                continue; // deleted meanwhile (its deliveries went with it)
            };
            self.start(job, endpoint.clone(), body.clone());
        }
        Ok(count)
    }

    /// Loads the subscriptions of a batch, re-deriving keys only for those that changed.
    async fn refresh_endpoints(&mut self, claimed: &[Claimed]) -> Result<(), sqlx::Error> {
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
        let (permits, latency_ms) =
            kept.unwrap_or_else(|| (Arc::new(Semaphore::new(self.shared.d.config.outbound.endpoint_concurrency)), Arc::new(AtomicU64::new(u64::MAX))));
        Endpoint {
            url,
            style: SignatureStyle::parse(&row.signature_style).unwrap_or(SignatureStyle::Hex),
            key,
            previous,
            is_active: row.is_active,
            updated_at: row.updated_at,
            permits,
            latency_ms,
            gone: AtomicBool::new(false),
            superseded: AtomicBool::new(false),
        }
    }

    fn start(&mut self, job: Claimed, endpoint: Arc<Endpoint>, body: Arc<str>) {
        let shared = self.shared.clone();
        shared.inflight.fetch_add(1, Ordering::AcqRel);
        *shared.per_subscription.lock().expect("not poisoned").entry(job.subscription_id).or_default() += 1;
        let o = &shared.d.config.outbound;
        // A delivery that waited for a slot is sent only while its request still ends
        // before the lease does; later, another claim may already hold it.
        let send_by = Instant::now() + o.lease.saturating_sub(o.timeout);
        self.tasks.spawn(async move {
            let subscription = job.subscription_id;
            let outcome = if endpoint.is_active && !endpoint.gone.load(Ordering::Acquire) {
                // The endpoint's slot first, then the instance's: a backlog waiting for one
                // slow endpoint never holds instance slots.
                let (_slot, waited_slot) = permit(&endpoint.permits).await;
                let (_sending, waited_sending) = permit(&shared.sending).await;
                let waited = waited_slot || waited_sending;
                if endpoint.gone.load(Ordering::Acquire) {
                    Outcome::Cancelled(job.id)
                } else if waited && (shared.stopping.load(Ordering::Acquire) || endpoint.superseded.load(Ordering::Acquire) || Instant::now() > send_by) {
                    Outcome::Released(job.id)
                } else {
                    let attempt = attempt(&shared, job, &endpoint, &body).await;
                    endpoint.record_latency(attempt.duration_ms.unsigned_abs());
                    if attempt.next == Next::Gone {
                        endpoint.gone.store(true, Ordering::Release);
                    }
                    Outcome::Attempted(attempt)
                }
            } else {
                Outcome::Cancelled(job.id)
            };
            let _ = shared.outcomes.send(outcome);
            {
                let mut map = shared.per_subscription.lock().expect("not poisoned");
                if let Some(n) = map.get_mut(&subscription) {
                    *n -= 1;
                    if *n == 0 {
                        map.remove(&subscription);
                    }
                }
            }
            shared.inflight.fetch_sub(1, Ordering::AcqRel);
            shared.slot_freed.notify_one();
        });
    }
}

/// A permit of `semaphore`, and whether it had to be waited for.
async fn permit(semaphore: &Semaphore) -> (Option<tokio::sync::SemaphorePermit<'_>>, bool) {
    match semaphore.try_acquire() {
        Ok(p) => (Some(p), false),
        Err(_) => (semaphore.acquire().await.ok(), true),
    }
}

/// What came back from one request.
struct Response {
    status: u16,
    retry_after: Option<Duration>,
    body: String,
}

/// Sends one delivery and decides what happens next.
async fn attempt(shared: &Shared, job: Claimed, endpoint: &Endpoint, body: &str) -> Attempt {
    let attempted_at = Utc::now();
    let msg_id = super::message_id(job.id);
    let (headers, headers_json) = sign(endpoint, &job.event_type, &msg_id, attempted_at, body);
    let started = Instant::now();
    let result = match refuse_before_sending(shared, endpoint) {
        Some(reason) => Err(reason),
        None => send(shared, endpoint, headers, body).await,
    };
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let schedule = &shared.d.config.outbound.retry_schedule;
    let pos = usize::try_from(job.schedule_pos).unwrap_or(0);
    let retry = |after: Option<Duration>| match schedule::next_wait(schedule, pos, after) {
        Some(wait) => {
            Next::Retry { at: Utc::now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(24)), schedule_pos: job.schedule_pos + 1 }
        }
        None => Next::Dead,
    };
    let (status_code, response_body, error, next) = match result {
        Ok(r) if (200..300).contains(&r.status) => (Some(r.status), Some(r.body), None, Next::Delivered),
        Ok(r) if r.status == 410 => (Some(r.status), Some(r.body), Some("410 Gone: subscription turned off".to_owned()), Next::Gone),
        Ok(r) => (Some(r.status), Some(r.body), Some(format!("HTTP {}", r.status)), retry(r.retry_after)),
        Err(e) => (None, None, Some(e), retry(None)),
    };
    Attempt {
        delivery: job.id,
        subscription: job.subscription_id,
        organization: job.organization_id,
        event_type: job.event_type,
        attempt: job.attempts + 1,
        attempted_at,
        status_code: status_code.map(i32::from),
        duration_ms,
        request_headers: headers_json,
        response_body: response_body.filter(|b| !b.is_empty()),
        error,
        next,
    }
}

/// The guard for what DNS resolution does not see: IP-literal hosts (and the https-only rule).
fn refuse_before_sending(shared: &Shared, endpoint: &Endpoint) -> Option<String> {
    let config = &shared.d.config;
    if endpoint.key.is_none() {
        return Some("the subscription's secret cannot be read".into());
    }
    if config.outbound.https_only && endpoint.url.scheme() != "https" {
        return Some("only https:// targets are allowed".into());
    }
    if !config.allow_private_targets && ssrf::ip_literal(&endpoint.url).is_some_and(ssrf::is_forbidden) {
        return Some(ssrf::REFUSED.into());
    }
    None
}

/// The request headers, and their JSON for the attempt record (signatures included; never
/// the secret).
///
/// `X-Webhook-Timestamp` is the attempt's send time in ISO 8601 / RFC 3339 UTC with
/// milliseconds (`2026-11-22T10:30:00.123Z`, the seed's "ISO timestamp"); the Standard
/// Webhooks `webhook-timestamp` is the same instant in integer Unix seconds. (The body's
/// `timestamp` is the event's time, the same on every attempt.)
fn sign(endpoint: &Endpoint, event: &str, msg_id: &str, sent_at: DateTime<Utc>, body: &str) -> (reqwest::header::HeaderMap, String) {
    let timestamp = sent_at.timestamp();
    let now = Utc::now();
    let previous = endpoint.previous.as_ref().filter(|(_, until)| *until > now).map(|(k, _)| k);
    let (body_sig, standard) = match &endpoint.key {
        Some(key) => {
            // During a rotation's grace period X-Webhook-Signature stays on the old secret,
            // and webhook-signature carries both.
            let body_sig = previous.unwrap_or(key).body_signature(body.as_bytes(), endpoint.style);
            let mut standard = key.standard_signature(msg_id, timestamp, body.as_bytes());
            if let Some(old) = previous {
                standard.push(' ');
                standard.push_str(&old.standard_signature(msg_id, timestamp, body.as_bytes()));
            }
            (body_sig, standard)
        }
        None => (String::new(), String::new()),
    };
    let ts = timestamp.to_string();
    let iso = sent_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let pairs: [(&str, &str); 8] = [
        ("content-type", "application/json"),
        ("user-agent", super::USER_AGENT),
        ("x-webhook-event", event),
        ("x-webhook-timestamp", &iso),
        ("x-webhook-signature", &body_sig),
        ("webhook-id", msg_id),
        ("webhook-timestamp", &ts),
        ("webhook-signature", &standard),
    ];
    let mut headers = reqwest::header::HeaderMap::with_capacity(pairs.len());
    let mut json = serde_json::Map::new();
    for (name, value) in pairs {
        if let Ok(v) = reqwest::header::HeaderValue::from_str(value) {
            headers.insert(reqwest::header::HeaderName::from_static(name), v);
        }
        json.insert(name.to_owned(), serde_json::Value::String(value.to_owned()));
    }
    (headers, serde_json::Value::Object(json).to_string())
}

async fn send(shared: &Shared, endpoint: &Endpoint, headers: reqwest::header::HeaderMap, body: &str) -> Result<Response, String> {
    let timeout = shared.d.config.outbound.timeout;
    let request = shared.client.post(endpoint.url.clone()).headers(headers).body(body.to_owned());
    let exchange = async {
        let mut response = request.send().await.map_err(|e| error_chain(&e))?;
        let status = response.status().as_u16();
        let retry_after =
            response.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| schedule::parse_retry_after(v, Utc::now()));
        let mut bytes = Vec::new();
        while bytes.len() < MAX_RESPONSE_BODY {
            match response.chunk().await {
                Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(e) => return Err(error_chain(&e)),
            }
        }
        Ok(Response { status, retry_after, body: truncate_utf8(&bytes, MAX_RESPONSE_BODY) })
    };
    match tokio::time::timeout(timeout, exchange).await {
        Ok(result) => result,
        Err(_) => Err(format!("timed out after {} ms", timeout.as_millis())),
    }
}

/// At most `max` bytes of valid UTF-8 (invalid sequences replaced).
fn truncate_utf8(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(max)]);
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// An error with its causes ("error sending request: … : connection refused").
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let timed_out = error.downcast_ref::<reqwest::Error>().is_some_and(reqwest::Error::is_timeout);
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let s = e.to_string();
        if !text.contains(&s) {
            text.push_str(": ");
            text.push_str(&s);
        }
        source = e.source();
    }
    if timed_out && !text.contains("timed out") {
        text.push_str(" (timed out)");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_bodies_are_cut_on_a_character_boundary() {
        let s = "é".repeat(3000); // 6000 bytes
        let cut = truncate_utf8(s.as_bytes(), MAX_RESPONSE_BODY);
        assert!(cut.len() <= MAX_RESPONSE_BODY && cut.len() >= MAX_RESPONSE_BODY - 3);
        assert!(cut.chars().all(|c| c == 'é'));
    }

    #[test]
    fn deliveries_are_claimed_ahead_only_as_far_as_the_lease_covers_timeouts() {
        let s = Duration::from_secs;
        assert_eq!(claim_ahead(s(75), s(15)), 4, "the defaults: 4 timeouts and the own request fit in 75 s");
        assert_eq!(claim_ahead(s(600), s(15)), MAX_CLAIM_AHEAD);
        assert_eq!(claim_ahead(s(40), s(15)), 1, "two timeouts do not fit: no claiming ahead");
        assert_eq!(claim_ahead(s(16), s(15)), 1);
        assert_eq!(claim_ahead(s(1), Duration::from_millis(100)), MAX_CLAIM_AHEAD);
    }
}
