//! n8n workflows called by CRM events: an event that a bound workflow wants (its
//! `trigger_on`, and its `trigger_filter` when set) is written as a pending call in the
//! transaction of the change ([`crate::outbound::outbox`]), so a committed change always
//! calls its workflows, even across a crash; [`run`] makes those calls with the n8n
//! schedule (time limit, retries after 1 s, 2 s, 4 s), each attempt recorded in the n8n
//! analytics as a call made by hand is.

use std::{future::Future, time::Duration};

use chrono::Utc;
use tokio::task::JoinSet;
use uuid::Uuid;

use super::{webhook_calls, webhooks};
use crate::{ids::OrgId, on_db, on_tx, Db, Domain, Error};

/// The trigger worker looks for due calls at least this often.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// Calls in flight at most.
const CONCURRENCY: usize = 32;

#[derive(sqlx::FromRow)]
struct Pending {
    id: Uuid,
    organization_id: OrgId,
    webhook_id: Uuid,
    body: String,
}

/// Makes the pending calls until `shutdown` completes.
pub async fn run(d: Domain, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    let mut calls: JoinSet<()> = JoinSet::new();
    loop {
        while calls.try_join_next().is_some() {}
        let room = CONCURRENCY.saturating_sub(calls.len());
        if room > 0 {
            match claim(&d, room).await {
                Ok(batch) => {
                    for pending in batch {
                        let d = d.clone();
                        calls.spawn(async move { make(&d, pending).await });
                    }
                }
                Err(error) => tracing::error!(error = %error, "n8n triggers: reading the due calls failed"),
            }
        }
        tokio::select! {
            _ = &mut shutdown => break,
            _ = d.wakes.workflow_calls.notified() => {}
            _ = calls.join_next(), if !calls.is_empty() => {}
            _ = tokio::time::sleep(POLL_EVERY) => {}
        }
    }
    // Calls cut short are made again once their lease ends.
    calls.abort_all();
}

/// How long a claimed call is left alone: every attempt running into the time limit, the
/// waits between them, and a minute to spare.
fn lease(d: &Domain) -> Duration {
    let p = &d.config.providers;
    let attempts = u32::try_from(p.n8n_retry_delays.len() + 1).unwrap_or(u32::MAX);
    p.n8n_timeout * attempts + p.n8n_retry_delays.iter().sum::<Duration>() + Duration::from_secs(60)
}

async fn claim(d: &Domain, limit: usize) -> Result<Vec<Pending>, sqlx::Error> {
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(lease(d)).unwrap_or(chrono::Duration::minutes(5));
    let lock = if matches!(d.db, Db::Postgres(_)) { " FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = format!(
        "UPDATE n8n_triggered_calls SET next_attempt_at = $1 WHERE id IN \
           (SELECT id FROM n8n_triggered_calls WHERE status = 'pending' AND next_attempt_at <= $2 ORDER BY next_attempt_at LIMIT $3{lock}) \
         RETURNING id, organization_id, webhook_id, body"
    );
    let mut tx = d.db.begin().await?;
    let rows: Vec<Pending> = on_tx!(&mut tx, conn => sqlx::query_as(&sql).bind(until).bind(now).bind(limit as i64).fetch_all(conn).await)?;
    tx.commit().await?;
    Ok(rows)
}

/// Calls the workflow (unless it was turned off or deleted meanwhile) and records how it ended.
async fn make(d: &Domain, pending: Pending) {
    let status = match webhooks::find(d, pending.organization_id, pending.webhook_id).await {
        Ok(hook) if hook.is_active => match webhook_calls::call(d, hook, &pending.body).await {
            Ok(outcome) if outcome.success => "succeeded",
            Ok(_) => "failed",
            Err(error) => {
                tracing::warn!(webhook_id = %pending.webhook_id, error = %error, "n8n triggers: the workflow could not be called");
                "failed"
            }
        },
        Ok(_) | Err(Error::NotFound) => "skipped",
        Err(error) => {
            // Due again when its lease ends.
            tracing::error!(error = %error, "n8n triggers: reading the workflow failed");
            return;
        }
    };
    let finished = on_db!(&d.db, pool => sqlx::query("UPDATE n8n_triggered_calls SET status = $1, finished_at = $2 WHERE id = $3")
        .bind(status)
        .bind(Utc::now())
        .bind(pending.id)
        .execute(pool)
        .await
        .map(drop));
    if let Err(error) = finished {
        tracing::error!(error = %error, "n8n triggers: recording a call's end failed; it is made again after its lease");
    }
}
