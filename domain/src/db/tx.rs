//! Transactions on either backend.

use sqlx::{Postgres, Sqlite, Transaction};
use tokio::sync::OwnedMutexGuard;

use super::{Db, SQLITE_BUSY_TIMEOUT};
use crate::outbound::outbox::{Outbox, Written};

/// An open transaction. Dropped without [`Tx::commit`], it rolls back.
///
/// It also holds the events emitted in it ([`Outbox`]): they are written together, in a
/// few multi-row statements, when it commits.
pub struct Tx {
    pub(crate) conn: TxConn,
    pub(crate) outbox: Outbox,
}

/// The connection of an open transaction, on either backend.
pub enum TxConn {
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
        match $crate::db::Tx::conn_mut($tx) {
            $crate::db::TxConn::Sqlite(tx, _) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::db::TxConn::Postgres(tx) => {
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
            Db::Postgres(pool) => Tx::new(TxConn::Postgres(pool.begin().await?)),
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
        let result = sqlite.pool().begin_with("BEGIN IMMEDIATE").await.map(|tx| Tx::new(TxConn::Sqlite(tx, WriteTurn(turn))));
        // When the caller is gone the transaction comes back here and is dropped: rolled back.
        let _ = sender.send(result);
    });
    receiver.await.map_err(|_| sqlx::Error::WorkerCrashed)?
}

impl Tx {
    fn new(conn: TxConn) -> Self {
        Self { conn, outbox: Outbox::default() }
    }

    /// Writes the events emitted in it, then commits.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.commit_written().await.map(drop)
    }

    /// [`Tx::commit`], answering what it wrote for the workers ([`crate::Domain::wake`]).
    pub async fn commit_written(mut self) -> Result<Written, sqlx::Error> {
        let written = crate::outbound::outbox::flush(&mut self).await?;
        match self.conn {
            TxConn::Sqlite(tx, _turn) => tx.commit().await?,
            TxConn::Postgres(tx) => tx.commit().await?,
        }
        Ok(written)
    }

    /// Its connection, for [`on_tx!`](crate::on_tx).
    pub fn conn_mut(&mut self) -> &mut TxConn {
        &mut self.conn
    }

    /// Rolls back now (dropping it rolls back too, but a moment later, after the next
    /// writer may already have been given the write turn).
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self.conn {
            TxConn::Sqlite(tx, _turn) => tx.rollback().await,
            TxConn::Postgres(tx) => tx.rollback().await,
        }
    }

    /// Whether it runs on PostgreSQL (for the few statements whose locking differs).
    pub fn is_postgres(&self) -> bool {
        matches!(self.conn, TxConn::Postgres(_))
    }

    /// Runs one statement without parameters (a savepoint's).
    pub(crate) async fn execute(&mut self, sql: &'static str) -> Result<(), sqlx::Error> {
        crate::on_tx!(self, conn => sqlx::query(sql).execute(conn).await.map(drop))
    }
}
