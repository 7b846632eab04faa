//! Transactions on either backend.

use sqlx::{Postgres, Sqlite, Transaction};
use tokio::sync::OwnedMutexGuard;

use super::{Db, SQLITE_BUSY_TIMEOUT};

/// An open transaction. Dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    /// On SQLite the transaction holds this process's write turn (see [`super::SqliteDb`])
    /// until it commits or is dropped (fields drop in order: the rollback starts first).
    Sqlite(Transaction<'static, Sqlite>, WriteTurn),
    Postgres(Transaction<'static, Postgres>),
}

/// This process's turn to write to a SQLite database.
pub struct WriteTurn(#[allow(dead_code)] OwnedMutexGuard<()>);

/// Runs `$body` with `$conn` bound to the transaction's connection on either backend.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(tx, _) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::db::Tx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

impl Db {
    /// Starts a write transaction. On SQLite it first waits for this process's write turn
    /// (in arrival order, at most the busy timeout), then takes SQLite's write lock at once
    /// (`BEGIN IMMEDIATE`), so writers queue instead of one failing when it upgrades from
    /// reading to writing. A task that already holds a transaction must not begin another
    /// on SQLite: it would wait for itself until the busy timeout, as it always did.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(sqlite) => begin_sqlite(sqlite.clone()).await?,
            // sqlx rolls a PostgreSQL `BEGIN` back itself when its future is dropped midway.
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }
}

/// Opens a SQLite write transaction in a task of its own, so that the caller going away
/// (a client that disconnects drops its request's future) can never interrupt it halfway.
///
/// sqlx's `begin_with("BEGIN IMMEDIATE")` awaits once more after SQLite has begun the
/// transaction (to check that the statement did begin one); a future dropped at that point
/// used to return its connection to the pool still inside the transaction, holding
/// SQLite's write lock for good, while our write turn was released: every later write then
/// waited out the busy timeout until the process restarted. Here the transaction is always
/// either handed over or dropped (rolled back) by the task, and the turn goes with it.
async fn begin_sqlite(sqlite: super::SqliteDb) -> Result<Tx, sqlx::Error> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let turn = match tokio::time::timeout(SQLITE_BUSY_TIMEOUT, sqlite.write_turn.clone().lock_owned()).await {
            Ok(turn) => turn,
            Err(_) => {
                let waited = std::io::Error::new(std::io::ErrorKind::TimedOut, "database is locked: waited too long for a write turn");
                let _ = sender.send(Err(sqlx::Error::Io(waited)));
                return;
            }
        };
        // Nobody waits any more: give the turn to the next writer without touching SQLite.
        if sender.is_closed() {
            return;
        }
        let result = sqlite.pool().begin_with("BEGIN IMMEDIATE").await.map(|tx| Tx::Sqlite(tx, WriteTurn(turn)));
        // When the caller is gone the transaction comes back here and is dropped: rolled back.
        let _ = sender.send(result);
    });
    receiver.await.map_err(|_| sqlx::Error::WorkerCrashed)?
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx, _turn) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }
}
