//! The single writer: finished attempts arrive on a channel and are recorded a few
//! milliseconds later in one transaction per batch (attempt rows, delivery states,
//! subscription counters), which keeps SQLite's one write lock cheap at thousands of
//! deliveries per second while the logs stay current within a fraction of a second.

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
    time::Duration,
};

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;
use tokio::sync::{mpsc, Notify};

use super::{
    figures,
    health::{self, Counters},
    DeliveryId, SubscriptionId,
};
use crate::{db::Tx, ids::OrgId, on_tx, Domain};

/// How long the writer gathers finished attempts before a write.
const GATHER: Duration = Duration::from_millis(5);
/// At most this many outcomes per transaction.
const MAX_BATCH: usize = 2000;
/// Attempt rows per INSERT statement (12 parameters each).
const ROWS_PER_INSERT: usize = 250;

/// What happens to a delivery after an attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    Delivered,
    Retry {
        at: DateTime<Utc>,
        schedule_pos: i32,
    },
    Dead,
    /// The receiver answered 410 Gone: the delivery stops and the subscription is turned off.
    Gone,
}

/// One finished HTTP attempt.
#[derive(Debug)]
pub struct Attempt {
    pub delivery: DeliveryId,
    pub subscription: SubscriptionId,
    pub organization: OrgId,
    pub event_type: String,
    pub attempt: i32,
    pub attempted_at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub duration_ms: i64,
    pub request_headers: String,
    pub response_body: Option<String>,
    pub error: Option<String>,
    pub next: Next,
}

/// What the worker hands the writer.
#[derive(Debug)]
pub enum Outcome {
    Attempted(Attempt),
    /// Not sent: the subscription was turned off meanwhile.
    Cancelled(DeliveryId),
    /// Not sent: it waited for a slot too long to be sent within its lease, the
    /// subscription changed, or the worker is stopping. Due again at once, for a new claim.
    Released(DeliveryId),
}

/// Records outcomes until every sender is gone. The dispatcher is woken after a batch
/// holding retries or released deliveries, so it re-reads when the next one falls due, and
/// after one that emitted operational events.
pub async fn run(d: Domain, mut rx: mpsc::UnboundedReceiver<Outcome>) {
    let wake: Arc<Notify> = d.wakes.deliveries.clone();
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        tokio::time::sleep(GATHER).await;
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(o) => batch.push(o),
                Err(_) => break,
            }
        }
        let retries = batch.iter().any(|o| matches!(o, Outcome::Attempted(Attempt { next: Next::Retry { .. }, .. }) | Outcome::Released(_)));
        let mut tries = 0;
        let mut emitted = false;
        loop {
            let result = write(&d, &batch).await;
            match result {
                Ok(deliveries) => {
                    emitted = deliveries;
                    break;
                }
                Err(error) if tries < 5 => {
                    tries += 1;
                    tracing::warn!(error = %error, tries, "outbound writer: retrying a batch");
                    tokio::time::sleep(Duration::from_millis(100 * tries)).await;
                }
                Err(error) => {
                    // The deliveries stay leased; they fall due again when the lease ends.
                    tracing::error!(error = %error, outcomes = batch.len(), "outbound writer: batch lost; its deliveries will be retried");
                    break;
                }
            }
        }
        batch.clear();
        if retries || emitted {
            wake.notify_one();
        }
    }
}

/// Records a batch in one transaction; answers whether it wrote deliveries (of operational
/// events).
async fn write(d: &Domain, batch: &[Outcome]) -> Result<bool, sqlx::Error> {
    let attempts: Vec<&Attempt> = batch.iter().filter_map(|o| if let Outcome::Attempted(a) = o { Some(a) } else { None }).collect();
    let mut tx = d.db.begin().await?;
    for chunk in attempts.chunks(ROWS_PER_INSERT) {
        insert_attempts(&mut tx, chunk).await?;
    }
    update_delivered(&mut tx, &attempts).await?;
    for a in attempts.iter().filter(|a| a.next != Next::Delivered) {
        update_failed(&mut tx, d, a).await?;
    }
    for o in batch {
        if let Outcome::Released(id) = o {
            let now = Utc::now();
            on_tx!(&mut tx, conn => sqlx::query(
                "UPDATE outbound_deliveries SET next_attempt_at = $1, locked_until = NULL, updated_at = $1 WHERE id = $2 AND status = 'pending'",
            )
            .bind(now)
            .bind(*id)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
        }
        if let Outcome::Cancelled(id) = o {
            on_tx!(&mut tx, conn => sqlx::query(
                "UPDATE outbound_deliveries SET status = 'cancelled', locked_until = NULL, updated_at = $1 WHERE id = $2 AND status = 'pending'",
            )
            .bind(Utc::now())
            .bind(*id)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
        }
    }
    let sums = sums(&attempts);
    let now = Utc::now();
    let ended_ok: Vec<SubscriptionId> = sums.iter().filter(|(_, c)| c.failing_since.is_none()).map(|(id, _)| *id).collect();
    health::recoveries(&mut tx, d, &ended_ok, now).await?;
    update_counters(&mut tx, &sums, &attempts).await?;
    let ended_failing: Vec<SubscriptionId> = sums.iter().filter(|(_, c)| c.failing_since.is_some()).map(|(id, _)| *id).collect();
    health::after_failures(&mut tx, d, &ended_failing, &attempts, now).await?;
    // Operational events go to subscriptions only, never to workflows.
    Ok(tx.commit_written().await?.deliveries)
}

/// Each subscription's attempts of the batch, summed in time order; in id order, so two
/// instances never lock the same rows in opposite orders.
fn sums(attempts: &[&Attempt]) -> BTreeMap<SubscriptionId, Counters> {
    let mut sums: BTreeMap<SubscriptionId, Counters> = BTreeMap::new();
    let mut by_time: Vec<&&Attempt> = attempts.iter().collect();
    by_time.sort_by_key(|a| a.attempted_at);
    for a in by_time {
        sums.entry(a.subscription).or_default().record(a);
    }
    sums
}

async fn insert_attempts(tx: &mut Tx, rows: &[&Attempt]) -> Result<(), sqlx::Error> {
    on_tx!(tx, conn => {
        let mut q = QueryBuilder::new(
            "INSERT INTO outbound_attempts (delivery_id, subscription_id, organization_id, event_type, attempt, attempted_at, \
             success, status_code, duration_ms, request_headers, response_body, error) ",
        );
        q.push_values(rows, |mut row, a| {
            row.push_bind(a.delivery)
                .push_bind(a.subscription)
                .push_bind(a.organization)
                .push_bind(&a.event_type)
                .push_bind(a.attempt)
                .push_bind(a.attempted_at)
                .push_bind(a.next == Next::Delivered)
                .push_bind(a.status_code)
                .push_bind(a.duration_ms)
                .push_bind(&a.request_headers)
                .push_bind(&a.response_body)
                .push_bind(&a.error);
        });
        q.build().execute(conn).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Successful deliveries, one statement per status code (almost always one).
async fn update_delivered(tx: &mut Tx, attempts: &[&Attempt]) -> Result<(), sqlx::Error> {
    let mut by_code: HashMap<Option<i32>, Vec<&Attempt>> = HashMap::new();
    for a in attempts.iter().filter(|a| a.next == Next::Delivered) {
        by_code.entry(a.status_code).or_default().push(a);
    }
    let now = Utc::now();
    for (code, group) in by_code {
        for chunk in group.chunks(500) {
            let last = chunk.iter().map(|a| a.attempted_at).max().unwrap_or(now);
            on_tx!(tx, conn => {
                let mut q = QueryBuilder::new("UPDATE outbound_deliveries SET status = 'delivered', attempts = attempts + 1, last_attempt_at = ");
                q.push_bind(last).push(", last_status_code = ").push_bind(code);
                q.push(", last_error = NULL, locked_until = NULL, updated_at = ").push_bind(now);
                q.push(" WHERE status = 'pending' AND id IN (");
                let mut ids = q.separated(",");
                for a in chunk {
                    ids.push_bind(a.delivery);
                }
                q.push(")");
                q.build().execute(conn).await.map(|r| r.rows_affected())
            })?;
        }
    }
    Ok(())
}

async fn update_failed(tx: &mut Tx, d: &Domain, a: &Attempt) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    let (status, next_at, pos) = match &a.next {
        Next::Retry { at, schedule_pos } => ("pending", *at, Some(*schedule_pos)),
        Next::Dead => ("dead", now, None),
        Next::Gone | Next::Delivered => ("cancelled", now, None),
    };
    on_tx!(tx, conn => sqlx::query(
        "UPDATE outbound_deliveries SET status = $1, attempts = attempts + 1, schedule_pos = COALESCE($2, schedule_pos), \
         next_attempt_at = $3, locked_until = NULL, last_attempt_at = $4, last_status_code = $5, last_error = $6, updated_at = $7 \
         WHERE id = $8 AND status = 'pending'",
    )
    .bind(status)
    .bind(pos)
    .bind(next_at)
    .bind(a.attempted_at)
    .bind(a.status_code)
    .bind(&a.error)
    .bind(now)
    .bind(a.delivery)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    if a.next == Next::Gone {
        // A 410 answer: the subscription is turned off and its pending deliveries stop.
        let reason =
            format!("The receiver answered 410 Gone on {}; turn the webhook on again to resume.", now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        health::disable_gone(tx, d, a.subscription, &reason, now).await?;
        tracing::warn!(subscription_id = %a.subscription, "outbound: receiver answered 410; subscription turned off");
    }
    Ok(())
}

/// Per-subscription attempt counters (what all-time stats read instead of scanning attempts),
/// the minute and hour rollups of the range figures, and each subscription's latest attempt and
/// since when it has been failing.
async fn update_counters(tx: &mut Tx, sums: &BTreeMap<SubscriptionId, Counters>, attempts: &[&Attempt]) -> Result<(), sqlx::Error> {
    for (id, c) in sums {
        on_tx!(tx, conn => sqlx::query(
            "UPDATE outbound_subscriptions SET total_attempts = total_attempts + $1, succeeded_attempts = succeeded_attempts + $2, \
             failed_attempts = failed_attempts + $3, total_duration_ms = total_duration_ms + $4, last_attempt_at = $5, \
             failing_since = CASE WHEN $6 THEN $7 ELSE COALESCE(failing_since, $7) END, last_error = $9 WHERE id = $8",
        )
        .bind(c.total)
        .bind(c.succeeded)
        .bind(c.failed)
        .bind(c.duration_ms)
        .bind(c.last_at)
        .bind(c.succeeded > 0)
        .bind(c.failing_since)
        .bind(*id)
        .bind(&c.last_error)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    }
    let counted = attempts.iter().map(|a| figures::Counted {
        subscription: a.subscription,
        organization: a.organization,
        attempted_at: a.attempted_at,
        success: a.next == Next::Delivered,
        duration_ms: a.duration_ms,
    });
    figures::add_to_rollups(tx, counted).await
}
