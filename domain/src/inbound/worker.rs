//! Processes received events in the background: woken when a batch commits, polling every
//! second otherwise (so events of other instances, and those a crash left behind, are
//! found too). Events are claimed under a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL),
//! so two instances never process one at the same time; an event whose instance died is
//! claimed again when its lease ends. Processors are idempotent (a lead upserts, a message
//! is looked up by its provider id first), so processing twice after a crash is harmless.

use std::{
    future::Future,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::QueryBuilder;

use super::{claimed::Claimed, processors, InboundEventId, Source};
use crate::{
    db::{Db, Tx},
    ids::OrgId,
    on_tx, Domain, Error,
};

const BATCH: i64 = 500;
const LEASE: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_secs(1);
/// How long the worker lets received events gather after a wake.
const GATHER: Duration = Duration::from_millis(20);
/// Outcomes are recorded several at a time (one write turn for up to this many events,
/// at most this long after the first of them was processed).
const FINISH_EVERY: usize = 32;
const FINISH_WITHIN: Duration = Duration::from_millis(100);

/// Runs until `stop` completes; an event in progress is finished first.
pub async fn run(d: Domain, stop: impl Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        let full = match run_once(&d).await {
            Ok(n) => n >= BATCH as usize,
            Err(error) => {
                tracing::warn!(%error, "inbound worker: a batch failed; its events are taken up again when their lease ends");
                false
            }
        };
        if full {
            tokio::select! { _ = &mut stop => return, _ = tokio::task::yield_now() => {} }
            continue;
        }
        tokio::select! {
            _ = &mut stop => return,
            _ = d.inbound.wake.notified() => {
                // Under load a wake comes with every ingest batch: gathering a moment turns
                // many small claims (each a write turn taken from the ingest writer) into one.
                tokio::select! { _ = &mut stop => return, _ = tokio::time::sleep(GATHER) => {} }
            }
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Claims and processes one batch of due events; answers how many. Tests and the
/// benchmark call it to drain the queue deterministically.
#[tracing::instrument(level = "debug", skip_all, err)]
pub async fn run_once(d: &Domain) -> Result<usize, sqlx::Error> {
    // A write turn: on SQLite the claim waits in the same queue as the ingest writer's
    // batches instead of spinning on the busy handler.
    let mut tx = d.db.begin().await?;
    let mut claimed = claim(&mut tx).await?;
    tx.commit().await?;
    claimed.sort_by_key(|c| c.received_at);
    let count = claimed.len();
    let (stored, others): (Vec<Claimed>, Vec<Claimed>) = claimed
        .into_iter()
        .partition(|c| matches!(processors::for_event(Source::parse(&c.source).unwrap_or(Source::Api), &c.event_name), processors::Processor::Stored));
    if !stored.is_empty() {
        mark_stored(&d.db, &stored).await?;
    }
    let mut done = Vec::with_capacity(FINISH_EVERY);
    let mut first_done = Instant::now();
    // Processors that only change the database (leads) are changes of the shared commit,
    // queued in the order received (one person's leads apply in that order) and recorded
    // as processed in the same change; the others run one after another meanwhile.
    let mut queued = Vec::new();
    for event in &others {
        match processors::change(event) {
            Some(Ok(change)) => {
                queued.push((event, d.changes.queue(change).await));
                continue;
            }
            Some(Err(error)) => done.push((event, Err(processors::describe(error)), Utc::now())),
            None => {
                let outcome = processors::process(d, event).await;
                done.push((event, outcome, Utc::now()));
            }
        }
        if done.len() == 1 {
            first_done = Instant::now();
        }
        if done.len() >= FINISH_EVERY || first_done.elapsed() >= FINISH_WITHIN {
            finish(&d.db, &mut done).await?;
        }
    }
    finish(&d.db, &mut done).await?;
    for (event, queued) in queued {
        let answer = match queued {
            Ok(queued) => queued.answer().await,
            Err(error) => Err(error),
        };
        match answer {
            Ok(_) => {}
            // Another instance created the same person meanwhile: processed again, it
            // finds them and updates.
            Err(Error::Conflict(_)) => done.push((event, processors::process(d, event).await, Utc::now())),
            Err(error) => done.push((event, Err(processors::describe(error)), Utc::now())),
        }
    }
    finish(&d.db, &mut done).await?;
    Ok(count)
}

/// Records an event processed within the change that processed it.
pub(super) async fn record_processed(tx: &mut Tx, id: InboundEventId, org: OrgId, result: &Value) -> Result<(), Error> {
    on_tx!(tx, conn => sqlx::query(
        "UPDATE integration_events SET status = 'processed', result = $1, error_message = NULL, processed_at = $2, locked_until = NULL \
         WHERE id = $3 AND organization_id = $4 AND status = 'received'",
    )
    .bind(result.to_string())
    .bind(Utc::now())
    .bind(id)
    .bind(org)
    .execute(conn)
    .await
    .map(drop))?;
    Ok(())
}

async fn claim(tx: &mut Tx) -> Result<Vec<Claimed>, sqlx::Error> {
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
    let skip_locked = if tx.is_postgres() { "FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = format!(
        "UPDATE integration_events SET locked_until = $1, attempts = attempts + 1 WHERE id IN ( \
         SELECT id FROM integration_events WHERE status = 'received' AND (locked_until IS NULL OR locked_until < $2) \
         ORDER BY received_at LIMIT $3 {skip_locked}) \
         RETURNING id, organization_id, source, event_name, payload, received_at"
    );
    on_tx!(tx, conn => sqlx::query_as(&sql).bind(until).bind(now).bind(BATCH).fetch_all(conn).await)
}

/// Events that are only kept: processed in one statement.
async fn mark_stored(db: &Db, events: &[Claimed]) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    let mut tx = db.begin().await?;
    for chunk in events.chunks(200) {
        on_tx!(&mut tx, conn => {
            let mut q = QueryBuilder::new("UPDATE integration_events SET status = 'processed', result = ");
            q.push_bind(processors::stored::RESULT).push(", processed_at = ").push_bind(now);
            q.push(", locked_until = NULL WHERE status = 'received' AND id IN (");
            let mut ids = q.separated(",");
            for e in chunk {
                ids.push_bind(e.id);
            }
            q.push(")");
            q.build().execute(conn).await.map(drop)
        })?;
    }
    tx.commit().await
}

/// Records the outcomes of processed events, in one write transaction, and empties `done`.
async fn finish(db: &Db, done: &mut Vec<(&Claimed, Result<Value, String>, DateTime<Utc>)>) -> Result<(), sqlx::Error> {
    if done.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    for (event, outcome, processed_at) in done.drain(..) {
        let (status, result, error) = match outcome {
            Ok(result) => ("processed", Some(result.to_string()), None),
            Err(message) => {
                tracing::info!(event_id = %event.id, event = %event.event_name, error = %message, "inbound event failed");
                ("failed", None, Some(message))
            }
        };
        on_tx!(&mut tx, conn => sqlx::query(
            "UPDATE integration_events SET status = $1, result = $2, error_message = $3, processed_at = $4, locked_until = NULL \
             WHERE id = $5 AND organization_id = $6 AND status = 'received'",
        )
        .bind(status)
        .bind(result)
        .bind(error)
        .bind(processed_at)
        .bind(event.id)
        .bind(event.organization_id)
        .execute(conn)
        .await
        .map(drop))?;
    }
    tx.commit().await
}
