//! Processes received events in the background: woken when a batch commits, polling every
//! second otherwise (so events of other instances, and those a crash left behind, are
//! found too). Events are claimed under a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL),
//! so two instances never process one at the same time; an event whose instance died is
//! claimed again when its lease ends. Processors are idempotent (a lead upserts, a message
//! is looked up by its provider id first), so processing twice after a crash is harmless.

use std::{future::Future, time::Duration};

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{processors, InboundEventId, Source};
use crate::{db::Db, ids::OrgId, on_db, Domain};

const BATCH: i64 = 500;
const LEASE: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_secs(1);

/// A claimed event.
#[derive(Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: InboundEventId,
    pub organization_id: OrgId,
    pub source: String,
    pub event_name: String,
    pub payload: String,
    pub received_at: DateTime<Utc>,
}

/// Runs until `stop` completes; an event in progress is finished first.
pub async fn run(d: Domain, stop: impl Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        let worked = match run_once(&d).await {
            Ok(n) => n > 0,
            Err(error) => {
                tracing::warn!(%error, "inbound worker: could not claim events");
                false
            }
        };
        if worked {
            tokio::select! { _ = &mut stop => return, _ = tokio::task::yield_now() => {} }
            continue;
        }
        tokio::select! {
            _ = &mut stop => return,
            _ = d.inbound.wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Claims and processes one batch of due events; answers how many. Tests and the
/// benchmark call it to drain the queue deterministically.
pub async fn run_once(d: &Domain) -> Result<usize, sqlx::Error> {
    let completed = complete_stored(&d.db).await?;
    let mut claimed = claim(&d.db).await?;
    claimed.sort_by_key(|c| c.received_at);
    let count = claimed.len();
    let (stored, others): (Vec<Claimed>, Vec<Claimed>) = claimed.into_iter().partition(|c| {
        matches!(processors::for_event(Source::parse(&c.source).unwrap_or(Source::Api), &c.event_name), processors::Processor::Stored)
    });
    if !stored.is_empty() {
        mark_stored(&d.db, &stored).await?;
    }
    for event in others {
        let outcome = processors::process(d, &event).await;
        finish(&d.db, &event, outcome).await?;
    }
    Ok(count + completed)
}

/// API events without a processor of their own need no work: they are marked processed in
/// one statement, without a claim (one write per event instead of two).
async fn complete_stored(db: &Db) -> Result<usize, sqlx::Error> {
    let now = Utc::now();
    let names = processors::API_PROCESSORS.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(",");
    let skip_locked = if matches!(db, Db::Postgres(_)) { "FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = format!(
        "UPDATE integration_events SET status = 'processed', result = $1, processed_at = $2, attempts = attempts + 1 WHERE id IN ( \
         SELECT id FROM integration_events WHERE status = 'received' AND source = 'api' AND event_name NOT IN ({names}) \
         AND (locked_until IS NULL OR locked_until < $2) ORDER BY received_at LIMIT $3 {skip_locked})"
    );
    let done = on_db!(db, pool => sqlx::query(&sql)
        .bind(processors::stored::RESULT)
        .bind(now)
        .bind(BATCH * 4)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done as usize)
}

async fn claim(db: &Db) -> Result<Vec<Claimed>, sqlx::Error> {
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
    let skip_locked = if matches!(db, Db::Postgres(_)) { "FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = format!(
        "UPDATE integration_events SET locked_until = $1, attempts = attempts + 1 WHERE id IN ( \
         SELECT id FROM integration_events WHERE status = 'received' AND (locked_until IS NULL OR locked_until < $2) \
         ORDER BY received_at LIMIT $3 {skip_locked}) \
         RETURNING id, organization_id, source, event_name, payload, received_at"
    );
    on_db!(db, pool => sqlx::query_as(&sql).bind(until).bind(now).bind(BATCH).fetch_all(pool).await)
}

/// Events that are only kept: processed in one statement.
async fn mark_stored(db: &Db, events: &[Claimed]) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    for chunk in events.chunks(200) {
        let placeholders = (0..chunk.len()).map(|i| format!("${}", i + 3)).collect::<Vec<_>>().join(",");
        let sql = format!(
            "UPDATE integration_events SET status = 'processed', result = $1, processed_at = $2, locked_until = NULL \
             WHERE status = 'received' AND id IN ({placeholders})"
        );
        on_db!(db, pool => {
            let mut q = sqlx::query(&sql).bind(processors::stored::RESULT).bind(now);
            for e in chunk {
                q = q.bind(e.id);
            }
            q.execute(pool).await.map(drop)
        })?;
    }
    Ok(())
}

async fn finish(db: &Db, event: &Claimed, outcome: Result<Value, String>) -> Result<(), sqlx::Error> {
    let (status, result, error) = match outcome {
        Ok(result) => ("processed", Some(result.to_string()), None),
        Err(message) => {
            tracing::info!(event_id = %event.id, event = %event.event_name, error = %message, "inbound event failed");
            ("failed", None, Some(message))
        }
    };
    on_db!(db, pool => sqlx::query(
        "UPDATE integration_events SET status = $1, result = $2, error_message = $3, processed_at = $4, locked_until = NULL \
         WHERE id = $5 AND organization_id = $6 AND status = 'received'",
    )
    .bind(status)
    .bind(result)
    .bind(error)
    .bind(Utc::now())
    .bind(event.id)
    .bind(event.organization_id)
    .execute(pool)
    .await
    .map(drop))
}
