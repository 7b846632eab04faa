//! One storage layer over SQLite (embedded default) and PostgreSQL (shared by several
//! instances).
//!
//! sqlx's compile-time checked macros can only target one database per build, so queries
//! are runtime SQL written once in the dialect both backends accept (`$1` placeholders,
//! `RETURNING`, `ON CONFLICT`), and [`on_db!`](crate::on_db) runs the same code against
//! whichever pool is configured. Each backend has its own migrations folder.

use std::{str::FromStr, sync::Arc, time::Duration};

use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    Connection, PgPool, SqlitePool, TransactionManager,
};

mod group_commit;
pub mod invalidation;
mod tx;

pub use group_commit::{Change, GroupCommit, Queued, TxFuture};
pub use invalidation::{Invalidations, Stamp, Topic};
pub use tx::{Tx, TxConn, WriteTurn};

use crate::config::{Config, DatabaseUrl, SqliteSync};

pub use sqlx::migrate::MigrateError;

/// A connection pool for the configured backend. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqliteDb),
    Postgres(PgPool),
}

/// A SQLite pool and this process's turn to write.
///
/// SQLite has one write lock per database file, and a connection that finds it taken sleeps
/// in its busy handler (1, 2, 5, 10 … up to 100 ms per try) before it looks again. Every
/// write transaction of this process ([`Db::begin`]) therefore first waits for its turn on
/// an async mutex (first come, first served, woken the moment the holder is done), and
/// takes SQLite's lock (`BEGIN IMMEDIATE`) only then; the busy handler is left for other
/// processes and for autocommit writes.
#[derive(Clone, Debug)]
pub struct SqliteDb {
    pool: SqlitePool,
    write_turn: Arc<tokio::sync::Mutex<()>>,
}

impl SqliteDb {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool, write_turn: Arc::new(tokio::sync::Mutex::new(())) }
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

/// Runs `$body` with `$pool` bound to (a reference to) the concrete pool of either backend.
/// The body is compiled once per backend, so its queries and row types must work on both.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite(sqlite) => {
                let $pool = sqlite.pool();
                $body
            }
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot create the directory for the SQLite file {path}: {source}")]
    CreateDir { path: String, source: std::io::Error },
    #[error("{0}")]
    Database(#[from] sqlx::Error),
}

const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Up to this much of a SQLite file is read through a memory map (address space, not
/// memory: the kernel's page cache backs it).
const SQLITE_MMAP_SIZE: u64 = 1 << 30;

/// Whether a connection coming back to its pool may be reused: never while it is still
/// inside a transaction, whatever left it there (a future dropped at an unlucky point). A
/// dropped transaction's rollback may still be queued on the connection, so it is let
/// through first; a connection still in a transaction after that is closed, which rolls
/// the transaction back and frees SQLite's write lock, instead of being handed to the next
/// caller with the lock held.
async fn outside_transaction<M: TransactionManager>(conn: &mut <M::Database as sqlx::Database>::Connection) -> Result<bool, sqlx::Error> {
    if M::get_transaction_depth(conn) == 0 {
        return Ok(true);
    }
    conn.ping().await?;
    let depth = M::get_transaction_depth(conn);
    if depth > 0 {
        tracing::error!(depth, "a connection came back to the pool inside a transaction; closing it");
    }
    Ok(depth == 0)
}

impl Db {
    /// Opens a pool as configured; a SQLite file (and its directory) is created when missing.
    pub async fn connect(config: &Config) -> Result<Self, ConnectError> {
        match &config.database_url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|source| ConnectError::CreateDir { path: path.display().to_string(), source })?;
                }
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(match config.sqlite_synchronous {
                        SqliteSync::Normal => SqliteSynchronous::Normal,
                        SqliteSync::Full => SqliteSynchronous::Full,
                    })
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    .foreign_keys(true)
                    // Pages read through a shared memory map instead of copied into each
                    // connection's cache, which SQLite empties whenever another connection
                    // has written (WAL): readers no longer re-read the hot pages per write.
                    .pragma("mmap_size", SQLITE_MMAP_SIZE.to_string());
                let pool = SqlitePoolOptions::new()
                    .max_connections(config.db_max_connections)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    // A SQLite connection is a file handle on a thread of its own: nothing can
                    // break it between uses, and pinging it first costs a round trip to that
                    // thread on every acquire (a quarter of a bearer-token request's hops).
                    .test_before_acquire(false)
                    .after_release(|conn, _| Box::pin(outside_transaction::<sqlx::sqlite::SqliteTransactionManager>(conn)))
                    .connect_with(options)
                    .await?;
                Ok(Self::Sqlite(SqliteDb::new(pool)))
            }
            DatabaseUrl::Postgres(url) => {
                let options = PgConnectOptions::from_str(url)?;
                let pool = PgPoolOptions::new()
                    .max_connections(config.db_max_connections)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .after_release(|conn, _| Box::pin(outside_transaction::<sqlx::postgres::PgTransactionManager>(conn)))
                    .connect_with(options)
                    .await?;
                Ok(Self::Postgres(pool))
            }
        }
    }

    /// Applies the pending migrations of this backend. Safe to run from several instances at
    /// once on PostgreSQL (sqlx takes an advisory lock).
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Self::Sqlite(sqlite) => sqlx::migrate!("../migrations/sqlite").run(sqlite.pool()).await,
            Self::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await,
        }
    }

    /// A round trip to the database, for health checks.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_db!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await)
    }
}
