//! The shared commit: changes made by concurrent requests commit together.
//!
//! A change (creating a contact with its events, moving a deal, upserting a lead) is a
//! closure over a transaction. [`GroupCommit::run`] queues it and waits; one writer task
//! takes whatever is queued, runs the changes one after another in one transaction, commits
//! once, and only then answers each request. Under load the next batch gathers while the
//! current one commits, so one commit (and on SQLite one write turn) serves hundreds of
//! changes; when idle a batch is one change and nothing waits on a timer.
//!
//! A change that fails answers its own error and takes only itself back, with the events it
//! emitted: a duplicate e-mail is a 409 for that request alone, the others in its batch go
//! on. Savepoints would isolate each change, but cost two more statements per change (on
//! SQLite two more hops to the connection's thread, on PostgreSQL two more round trips), so
//! a batch first runs without them; only if one of its changes fails is it rolled back and
//! run again with a savepoint around each. A change may therefore run twice, and must be
//! callable again (`FnMut`, cloning what it consumes). Changes run in the order they were
//! queued, so [`GroupCommit::queue`] called in a loop keeps their order (the leads of one
//! person apply in the order received) — on PostgreSQL within a batch: batches of several
//! writers run side by side there, as the changes of several instances do, and a change
//! that reads a row to write it locks it (`FOR UPDATE`), so none overwrites another's.
//!
//! A change must only use its transaction (reads through the pool would not see what earlier
//! changes of the batch wrote, and `Db::begin` would wait for the writer itself on SQLite),
//! and must not wait on anything else (an HTTP call would stall every writer behind it).
//!
//! SQLite has one writer at a time anyway: one writer task. PostgreSQL runs transactions
//! side by side, and a single writer would make every change wait for the round trips of
//! those before it: there, [`PG_WRITERS`] writer tasks take batches from the same queue.
//! Two batches that lock the same rows in opposite orders deadlock, and PostgreSQL fails one
//! of them: that batch is rolled back whole (which lets the other finish) and run again; no
//! request sees the deadlock unless it recurs [`TRIES`] times.

use std::{future::Future, pin::Pin, sync::Arc};

use tokio::sync::{mpsc, oneshot};

use super::{Db, Tx};
use crate::{
    outbound::{Wakes, Written},
    Error,
};

/// Changes per transaction at most.
const MAX_BATCH: usize = 512;
const QUEUE: usize = 65_536;
/// Writer tasks on PostgreSQL (each with a transaction of its own at a time).
pub const PG_WRITERS: usize = 4;
/// Runs of a batch at most, when the database keeps failing it as a deadlock's victim.
const TRIES: usize = 5;

/// A future borrowing the transaction it runs in.
pub type TxFuture<'t, T> = Pin<Box<dyn Future<Output = T> + Send + 't>>;

/// A change to run in a shared transaction, boxed (for code that hands changes around).
pub type Change<T> = Box<dyn for<'t> FnMut(&'t mut Tx) -> TxFuture<'t, Result<T, Error>> + Send>;

/// A change as the writer holds it: `run` keeps its latest result aside and says whether it
/// succeeded; `answer` sends that result once the transaction's fate is known.
struct Job {
    run: Run,
    answer: Answer,
}

/// Runs the change once more; how that went.
type Run = Box<dyn for<'t> FnMut(&'t mut Tx) -> TxFuture<'t, Outcome> + Send>;

/// How one run of a change went.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Done,
    /// It failed on its own account (its error is its answer).
    Failed,
    /// The database failed its transaction (a deadlock's victim): not the change's fault.
    Transient,
}

/// How one run of a batch went.
enum Ran {
    /// Committed (or answered): what was written for the workers.
    Committed(Written),
    /// A change failed and others are to be kept: rolled back, nobody answered.
    OneFailed,
    /// The database failed the transaction: rolled back, nobody answered.
    Transient,
}
/// Answers the request, given whether the transaction committed.
type Answer = Box<dyn FnOnce(Result<(), &sqlx::Error>) + Send>;

pub struct GroupCommit {
    sender: mpsc::Sender<Job>,
    /// Taken by the first change, which starts the writers.
    idle: std::sync::Mutex<Option<Writer>>,
}

#[derive(Clone)]
struct Writer {
    db: Db,
    /// Shared by the writers: each takes a batch in turn.
    queue: Arc<tokio::sync::Mutex<mpsc::Receiver<Job>>>,
    /// Woken after a commit that wrote deliveries or workflow calls.
    wakes: Wakes,
}

/// A change queued: its answer, once its transaction committed (or it failed).
pub struct Queued<T>(oneshot::Receiver<Result<T, Error>>);

impl<T> Queued<T> {
    pub async fn answer(self) -> Result<T, Error> {
        self.0.await.unwrap_or_else(|_| Err(Error::internal(anyhow::anyhow!("the shared writer dropped a change"))))
    }
}

impl GroupCommit {
    pub fn new(db: Db, wakes: Wakes) -> Self {
        let (sender, queue) = mpsc::channel(QUEUE);
        let queue = Arc::new(tokio::sync::Mutex::new(queue));
        Self { sender, idle: std::sync::Mutex::new(Some(Writer { db, queue, wakes })) }
    }

    /// Runs `change` in the next shared transaction and answers once that committed.
    pub async fn run<T, F>(&self, change: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: for<'t> FnMut(&'t mut Tx) -> TxFuture<'t, Result<T, Error>> + Send + 'static,
    {
        self.queue(change).await?.answer().await
    }

    /// Queues `change` behind those queued before it; await [`Queued::answer`] for its result.
    pub async fn queue<T, F>(&self, mut change: F) -> Result<Queued<T>, Error>
    where
        T: Send + 'static,
        F: for<'t> FnMut(&'t mut Tx) -> TxFuture<'t, Result<T, Error>> + Send + 'static,
    {
        self.start();
        let (reply, answer) = oneshot::channel();
        let result: Arc<std::sync::Mutex<Option<Result<T, Error>>>> = Arc::default();
        let kept = result.clone();
        let job = Job {
            run: Box::new(move |tx| {
                let future = change(tx);
                let kept = kept.clone();
                Box::pin(async move {
                    let outcome = future.await;
                    let how = match &outcome {
                        Ok(_) => Outcome::Done,
                        Err(e) if e.is_transient() => Outcome::Transient,
                        Err(_) => Outcome::Failed,
                    };
                    *kept.lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
                    how
                })
            }),
            answer: Box::new(move |committed| {
                let outcome = result.lock().unwrap_or_else(|p| p.into_inner()).take();
                let _ = reply.send(match (outcome, committed) {
                    (Some(Err(own)), _) => Err(own),
                    (Some(Ok(value)), Ok(())) => Ok(value),
                    (Some(Ok(_)), Err(e)) => Err(Error::internal(anyhow::anyhow!("the shared transaction did not commit: {e}"))),
                    (None, _) => Err(Error::internal(anyhow::anyhow!("the shared transaction failed before this change ran"))),
                });
            }),
        };
        self.sender.send(job).await.map_err(|_| Error::internal(anyhow::anyhow!("the shared writer has stopped")))?;
        Ok(Queued(answer))
    }

    /// Starts the writer tasks on first use (in the runtime of whoever uses it first); they
    /// end when the last handle to this is dropped.
    fn start(&self) {
        let idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        if let Some(writer) = idle {
            let writers = if writer.db.backend() == "postgres" { PG_WRITERS } else { 1 };
            for _ in 0..writers {
                tokio::spawn(writer.clone().run());
            }
        }
    }
}

impl Writer {
    async fn run(self) {
        loop {
            let mut jobs = Vec::with_capacity(64);
            if self.queue.lock().await.recv_many(&mut jobs, MAX_BATCH).await == 0 {
                return;
            }
            // A task per batch: a change that panics takes its batch down (rolled back, its
            // requests answered with an error), never the writer.
            match tokio::spawn(commit(self.db.clone(), jobs)).await {
                Ok(written) => self.wakes.after(written),
                Err(error) => tracing::error!(%error, "a shared transaction panicked; its changes were rolled back"),
            }
        }
    }
}

/// Runs the changes in one transaction, commits, and answers them: first all together, and
/// if one fails, again with a savepoint around each; a deadlock's victim again from the
/// start. Answers what was written for the workers.
async fn commit(db: Db, mut jobs: Vec<Job>) -> Written {
    let mut separately = false;
    let mut failure = None;
    for _ in 0..TRIES {
        let ran = if separately { one_by_one(&db, &mut jobs).await } else { together(&db, &mut jobs).await };
        match ran {
            Ok(Ran::Committed(written)) => return written,
            Ok(Ran::OneFailed) => separately = true,
            Ok(Ran::Transient) => tracing::debug!(changes = jobs.len(), "a shared transaction was a deadlock's victim; running it again"),
            Err(error) => {
                failure = Some(error);
                break;
            }
        }
    }
    let error = failure.unwrap_or_else(|| sqlx::Error::Protocol(format!("the database failed the shared transaction {TRIES} times in a row")));
    tracing::error!(%error, changes = jobs.len(), "a shared transaction failed; its changes were rolled back");
    for job in jobs {
        (job.answer)(Err(&error));
    }
    Written::default()
}

/// Runs every change in one transaction without savepoints and commits, answering them.
async fn together(db: &Db, jobs: &mut Vec<Job>) -> Result<Ran, sqlx::Error> {
    let mut tx = db.begin().await?;
    for job in jobs.iter_mut() {
        match (job.run)(&mut tx).await {
            Outcome::Done => {}
            Outcome::Transient => {
                tx.rollback().await?;
                return Ok(Ran::Transient);
            }
            Outcome::Failed if jobs.len() > 1 => {
                tx.rollback().await?;
                return Ok(Ran::OneFailed);
            }
            Outcome::Failed => {
                // Alone in its transaction: rolling that back takes back exactly this change.
                tx.rollback().await?;
                for job in jobs.drain(..) {
                    (job.answer)(Ok(()));
                }
                return Ok(Ran::Committed(Written::default()));
            }
        }
    }
    let committed = tx.commit_written().await;
    Ok(answer(std::mem::take(jobs), committed))
}

/// Runs each change in a savepoint of its own (a failed one is rolled back to it, with the
/// events it emitted, and answered at once), commits, and answers the others. A deadlock
/// takes the whole transaction back, leaving the changes not answered in `jobs`.
async fn one_by_one(db: &Db, jobs: &mut Vec<Job>) -> Result<Ran, sqlx::Error> {
    let mut tx = db.begin().await?;
    let mut kept = Vec::with_capacity(jobs.len());
    let mut queue = std::mem::take(jobs).into_iter();
    while let Some(mut job) = queue.next() {
        let mark = tx.outbox.len();
        // On an error of the transaction itself, the changes not yet answered are dropped,
        // and with them their replies: their requests answer an internal error.
        tx.execute("SAVEPOINT change").await?;
        match (job.run)(&mut tx).await {
            Outcome::Done => {
                tx.execute("RELEASE SAVEPOINT change").await?;
                kept.push(job);
            }
            Outcome::Failed => {
                tx.outbox.truncate(mark);
                tx.execute("ROLLBACK TO SAVEPOINT change").await?;
                tx.execute("RELEASE SAVEPOINT change").await?;
                (job.answer)(Ok(()));
            }
            Outcome::Transient => {
                // The locks of the changes before it are what the other side waits for.
                tx.rollback().await?;
                jobs.extend(kept.into_iter().chain([job]).chain(queue));
                return Ok(Ran::Transient);
            }
        }
    }
    let committed = tx.commit_written().await;
    Ok(answer(kept, committed))
}

/// Answers the changes of a transaction that committed, or did not.
fn answer(jobs: Vec<Job>, committed: Result<Written, sqlx::Error>) -> Ran {
    if let Err(error) = &committed {
        tracing::error!(%error, changes = jobs.len(), "a shared transaction did not commit");
    }
    for job in jobs {
        (job.answer)(committed.as_ref().map(|_| ()));
    }
    Ran::Committed(committed.unwrap_or_default())
}
