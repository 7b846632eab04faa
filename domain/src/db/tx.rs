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
            Db::Sqlite(sqlite) => {
                let turn = tokio::time::timeout(SQLITE_BUSY_TIMEOUT, sqlite.write_turn.clone().lock_owned())
                    .await
                    .map_err(|_| sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::TimedOut, "database is locked: waited too long for a write turn")))?;
                Tx::Sqlite(sqlite.pool().begin_with("BEGIN IMMEDIATE").await?, WriteTurn(turn))
            }
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }
}

impl Tx {
    /// The `count` positional placeholders from `$first` on, for statements built at run
    /// time: `?` on SQLite, whose lookup of a parameter by name (`$n`) scans every name of
    /// the statement (quadratic in a statement with hundreds of parameters), `$n` on
    /// PostgreSQL. Parameters are bound in order either way.
    pub fn placeholders(&self, first: usize, count: usize) -> Vec<String> {
        match self {
            Tx::Sqlite(..) => vec!["?".to_owned(); count],
            Tx::Postgres(_) => (first..first + count).map(|i| format!("${i}")).collect(),
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx, _turn) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }
}
