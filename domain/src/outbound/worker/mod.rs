//! The delivery worker: claims due deliveries in batches, sends them concurrently (bounded
//! overall and per subscription) with one keep-alive client, and hands every finished attempt
//! to the writer. Started by the server beside the provisioning worker; on shutdown it stops
//! claiming, lets in-flight deliveries finish (bounded wait), then flushes the writer.
//!
//! This file schedules: which subscriptions get claimed for, how many, and when to look
//! again. [`endpoints`] keeps the subscriptions ready to send to; [`exchange`] makes one
//! signed HTTP attempt and decides what happens next.

mod endpoints;
mod exchange;

pub use exchange::delivery_client;

use std::{
    collections::HashMap,
    future::Future,
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use tokio::{
    sync::{mpsc, Notify, Semaphore},
    task::JoinSet,
};

use self::{endpoints::Endpoint, exchange::attempt};
use super::{
    store::{self, Claimed, SUBSCRIPTIONS_PER_ROUND},
    writer::{self, Next, Outcome},
    EventId, SubscriptionId,
};
use crate::Domain;

/// The worker looks for due deliveries at least this often (other instances' events, retries).
const POLL_EVERY: Duration = Duration::from_secs(1);
/// A fast endpoint gets up to this many times its concurrency bound claimed: the next
/// deliveries are ready the moment a request finishes, and claims come in fewer, larger
/// write transactions. (Only as many times as the lease allows: see [`claim_ahead`].)
const MAX_CLAIM_AHEAD: usize = 4;
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

/// Delivers until `shutdown` completes, then finishes in-flight deliveries (waiting at most
/// the request timeout plus five seconds) and records them.
pub async fn run(d: Domain, shutdown: impl Future<Output = ()>) {
    let (mut dispatcher, writer) = start(d);
    let shared = dispatcher.shared.clone();
    tokio::pin!(shutdown);
    loop {
        let wait = dispatcher.round().await;
        tokio::select! {
            _ = &mut shutdown => break,
            _ = shared.d.wakes.deliveries.notified() => {}
            _ = shared.slot_freed.notified(), if wait.for_slot => {}
            _ = tokio::time::sleep(wait.sleep) => {}
        }
    }
    // The writer stops once every holder of the outcome sender (in `Shared`) is gone.
    drop(shared);
    finish(dispatcher, writer).await;
}

/// Sends every delivery that is due now, waits for their attempts and records them, then
/// returns: one worker run to completion. Tests call it to see a delivery's outcome at once
/// instead of waiting for a running worker; retries that fall due later are left for later.
pub async fn drain(d: &Domain) {
    let (mut dispatcher, writer) = start(d.clone());
    let shared = dispatcher.shared.clone();
    loop {
        let wait = dispatcher.round().await;
        if !wait.for_slot && shared.inflight.load(Ordering::Acquire) == 0 {
            break;
        }
        tokio::select! {
            _ = shared.slot_freed.notified() => {}
            _ = tokio::time::sleep(wait.sleep.min(Duration::from_millis(20))) => {}
        }
    }
    drop(shared);
    finish(dispatcher, writer).await;
}

/// The dispatcher, and the writer task that records its outcomes.
fn start(d: Domain) -> (Dispatcher, tokio::task::JoinHandle<()>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let writer = tokio::spawn(writer::run(d.clone(), rx));
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
    (Dispatcher { shared, endpoints: HashMap::new(), tasks: JoinSet::new(), cursor: None, held: HashMap::new() }, writer)
}

/// Lets the deliveries in flight finish (at most the request timeout plus five seconds;
/// the rest are retried later) and waits for the writer to record every outcome.
async fn finish(mut dispatcher: Dispatcher, writer: tokio::task::JoinHandle<()>) {
    let shared = dispatcher.shared.clone();
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
    /// Throttled subscriptions whose current window is used up, until the next opens.
    held: HashMap<SubscriptionId, DateTime<Utc>>,
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
            self.cursor = if pending.len() == SUBSCRIPTIONS_PER_ROUND { pending.last().map(|d| d.subscription) } else { None };
            let now = Utc::now();
            self.held.retain(|_, until| *until > now);
            let mut picks = Vec::new();
            let mut limits = Vec::new();
            let mut for_slot = false;
            let mut next_due: Option<DateTime<Utc>> = None;
            {
                let claimed = self.shared.per_subscription.lock().expect("not poisoned");
                let mut left = free;
                for store::Due { subscription: sub, at: due, rate_limit } in pending {
                    let due = self.held.get(&sub).map_or(due, |until| due.max(*until));
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
                    limits.extend(rate_limit.map(|l| (sub, l)));
                    left -= room;
                }
            }
            let (got, asked) = if picks.is_empty() {
                (0, 0)
            } else {
                // In id order: two instances lock throttled subscriptions in the same order.
                limits.sort_by_key(|(id, _)| *id);
                match self.claim_and_start(&picks, limits).await {
                    Ok(n) => n,
                    Err(error) => {
                        tracing::error!(error = %error, "outbound worker: claiming failed");
                        return Wait { for_slot: false, sleep: POLL_EVERY };
                    }
                }
            };
            if got == 0 || (got < asked && self.cursor.is_none()) {
                let next_due = self.held.values().fold(next_due, |n, until| Some(n.map_or(*until, |n| n.min(*until))));
                let sleep =
                    next_due.map(|due| (due - Utc::now()).to_std().unwrap_or(Duration::ZERO).clamp(Duration::from_millis(1), POLL_EVERY)).unwrap_or(POLL_EVERY);
                // Other instances may hold what was due (PostgreSQL): look again soon.
                let sleep = if got < asked { sleep.min(Duration::from_millis(50)) } else { sleep };
                return Wait { for_slot, sleep };
            }
        }
    }

    /// Claims what `picks` asks (less where a rate limit's window is used up) and starts it;
    /// answers how many were claimed and how many asked for.
    #[tracing::instrument(level = "debug", skip_all, fields(subscriptions = picks.len()), err)]
    async fn claim_and_start(&mut self, picks: &[(SubscriptionId, usize)], limits: Vec<(SubscriptionId, i64)>) -> Result<(usize, usize), sqlx::Error> {
        let shared = self.shared.clone();
        let d = &shared.d;
        let now = Utc::now();
        let lease = chrono::Duration::from_std(d.config.outbound.lease).unwrap_or(chrono::Duration::minutes(2));
        let store::Claims { claimed, asked, held } = store::claim(&d.db, now, now + lease, picks, limits).await?;
        self.held.extend(held);
        if claimed.is_empty() {
            return Ok((0, asked));
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
        Ok((count, asked))
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

#[cfg(test)]
mod tests {
    use super::*;

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
