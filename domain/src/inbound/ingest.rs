//! The group-commit writer: every received event is committed before its request answers,
//! and requests arriving together share one transaction.
//!
//! Handlers [`Ingest::submit`] an event and wait; a single writer task takes whatever is
//! queued (up to [`MAX_BATCH`]), inserts it in one transaction, and answers each waiting
//! request once that transaction committed. Under load the next batch gathers while the
//! current one commits, so one fsync serves hundreds of requests; when idle a batch is one
//! event and nothing waits on a timer. An `Idempotency-Key` repeat finds the first event
//! (the unique index on tenant + key decides races, even between instances) and stores
//! nothing new.
//!
//! An event without a processor (`payment.received`, names nobody handles yet) is complete
//! once stored: it is written `processed` in the same insert, rather than written again by
//! the worker a moment later for nothing.

use std::collections::HashSet;

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::QueryBuilder;
use tokio::sync::{mpsc, oneshot, Mutex};

use super::{
    processors::{self, stored, Processor},
    InboundEventId, Source,
};
use crate::{db::Tx, ids::OrgId, on_tx, Domain, Error};

/// Events per transaction at most.
pub const MAX_BATCH: usize = 2000;
/// Rows per INSERT statement.
const ROWS_PER_INSERT: usize = 100;
const QUEUE: usize = 65_536;

/// An event to store.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub org: OrgId,
    pub source: Source,
    pub event_name: String,
    /// The JSON text, already validated.
    pub payload: String,
    pub idempotency_key: Option<String>,
}

/// What the request answers: the stored event (the first one, for an idempotent repeat).
#[derive(Debug, Clone)]
pub struct Received {
    pub id: InboundEventId,
    pub org: OrgId,
    pub event_name: String,
    pub payload: String,
    pub received_at: DateTime<Utc>,
    /// An `Idempotency-Key` repeat: nothing new was stored.
    pub replayed: bool,
}

struct Job {
    id: InboundEventId,
    received_at: DateTime<Utc>,
    event: NewEvent,
    reply: oneshot::Sender<Result<Received, Error>>,
}

pub struct Ingest {
    tx: mpsc::Sender<Job>,
    rx: Mutex<Option<mpsc::Receiver<Job>>>,
}

impl Default for Ingest {
    fn default() -> Self {
        Self::new()
    }
}

impl Ingest {
    pub fn new() -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        Self { tx, rx: Mutex::new(Some(rx)) }
    }

    /// Stores `event` and answers once it is committed.
    pub async fn submit(&self, event: NewEvent) -> Result<Received, Error> {
        let (reply, answer) = oneshot::channel();
        // Microseconds: what PostgreSQL keeps, so a repeat answers the very same `received_at`.
        let job = Job { id: InboundEventId::new(), received_at: Utc::now().trunc_subsecs(6), event, reply };
        self.tx.send(job).await.map_err(|_| Error::internal(anyhow::anyhow!("the inbound writer has stopped")))?;
        answer.await.map_err(|_| Error::internal(anyhow::anyhow!("the inbound writer dropped an event")))?
    }
}

/// The writer task: runs until `stop` completes, then stores what is still queued.
pub async fn run(d: Domain, stop: impl std::future::Future<Output = ()>) {
    let Some(mut rx) = d.inbound.ingest.rx.lock().await.take() else {
        tracing::error!("the inbound writer is already running");
        return;
    };
    tokio::pin!(stop);
    let mut stopping = false;
    loop {
        let first = if stopping {
            match rx.try_recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        } else {
            tokio::select! {
                job = rx.recv() => match job { Some(job) => job, None => return },
                _ = &mut stop => { stopping = true; continue }
            }
        };
        let mut batch = Vec::with_capacity(64);
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        write_and_answer(&d, batch).await;
    }
}

async fn write_and_answer(d: &Domain, batch: Vec<Job>) {
    match write(d, &batch).await {
        Ok(mut answers) => {
            let to_process = batch.iter().any(|job| !stored_only(&job.event));
            for job in batch.into_iter().rev() {
                let _ = job.reply.send(answers.pop().unwrap_or_else(|| Err(Error::internal(anyhow::anyhow!("no answer")))));
            }
            if to_process {
                d.inbound.wake.notify_one();
            }
        }
        Err(error) => {
            tracing::error!(error = %error, events = batch.len(), "inbound writer: a batch could not be stored");
            for job in batch {
                let _ = job.reply.send(Err(Error::internal(anyhow::anyhow!("the batch was not stored"))));
            }
        }
    }
}

/// Inserts the batch; answers per job, in order.
async fn write(d: &Domain, batch: &[Job]) -> Result<Vec<Result<Received, Error>>, sqlx::Error> {
    let mut tx = d.db.begin().await?;
    let mut inserted: HashSet<InboundEventId> = HashSet::with_capacity(batch.len());
    for chunk in batch.chunks(ROWS_PER_INSERT) {
        inserted.extend(insert(&mut tx, chunk).await?);
    }
    let mut answers = Vec::with_capacity(batch.len());
    for job in batch {
        let e = &job.event;
        if inserted.contains(&job.id) {
            answers.push(Ok(Received {
                id: job.id,
                org: e.org,
                event_name: e.event_name.clone(),
                payload: e.payload.clone(),
                received_at: job.received_at,
                replayed: false,
            }));
        } else {
            answers.push(first_of(&mut tx, e).await?);
        }
    }
    tx.commit().await?;
    Ok(answers)
}

async fn insert(tx: &mut Tx, jobs: &[Job]) -> Result<Vec<InboundEventId>, sqlx::Error> {
    on_tx!(tx, conn => {
        let mut q = QueryBuilder::new(
            "INSERT INTO integration_events (id, organization_id, source, event_name, payload, status, result, idempotency_key, \
             attempts, received_at, processed_at) ",
        );
        q.push_values(jobs, |mut row, job| {
            let e = &job.event;
            let (status, result, processed_at) =
                if stored_only(e) { ("processed", Some(stored::RESULT), Some(job.received_at)) } else { ("received", None, None) };
            row.push_bind(job.id)
                .push_bind(e.org)
                .push_bind(e.source.as_str())
                .push_bind(&e.event_name)
                .push_bind(&e.payload)
                .push_bind(status)
                .push_bind(result)
                .push_bind(&e.idempotency_key)
                .push("0")
                .push_bind(job.received_at)
                .push_bind(processed_at);
        });
        q.push(" ON CONFLICT (organization_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id");
        q.build_query_scalar::<InboundEventId>().fetch_all(conn).await
    })
}

/// Whether the event has no processor: complete once stored.
fn stored_only(e: &NewEvent) -> bool {
    processors::for_event(e.source, &e.event_name) == Processor::Stored
}

/// The event that first used this request's idempotency key.
async fn first_of(tx: &mut Tx, e: &NewEvent) -> Result<Result<Received, Error>, sqlx::Error> {
    let row: Option<(InboundEventId, String, String, DateTime<Utc>)> = on_tx!(tx, conn => sqlx::query_as(
        "SELECT id, event_name, payload, received_at FROM integration_events WHERE organization_id = $1 AND idempotency_key = $2",
    )
    .bind(e.org)
    .bind(&e.idempotency_key)
    .fetch_optional(conn)
    .await)?;
    let Some((id, event_name, payload, received_at)) = row else {
        return Ok(Err(Error::internal(anyhow::anyhow!("an event was neither stored nor found"))));
    };
    let same_body = serde_json::from_str::<serde_json::Value>(&payload).ok() == serde_json::from_str::<serde_json::Value>(&e.payload).ok();
    if event_name != e.event_name || !same_body {
        return Ok(Err(Error::Conflict("This Idempotency-Key was already used for a different event or body.".into())));
    }
    Ok(Ok(Received { id, org: e.org, event_name, payload, received_at, replayed: true }))
}
