//! Caches that must not outlive the write that changes what they hold, on every instance.
//!
//! A cache stamps what it stores with its topic's epoch ([`Invalidations::stamp`]) and uses
//! it only while the epoch is unchanged ([`Invalidations::is_current`]). A write that makes
//! a topic's cached reads stale commits through [`Invalidations::commit`], which moves the
//! epoch on at once here and, on PostgreSQL, on every other instance: the transaction sends
//! a `NOTIFY` that PostgreSQL delivers when (and only if) it commits, and each instance
//! listens on a connection of its own.
//!
//! An instance that is not listening (before its listener has connected, or after the
//! connection was lost, when notifications may have been missed) stamps nothing, so its
//! caches are bypassed; reconnecting moves every epoch on before they are used again.
//! [`MAX_AGE`] bounds what a connection that died without anyone noticing could leave
//! behind.

use std::{
    str::FromStr,
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc, OnceLock,
    },
    time::Duration,
};

use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use tokio::sync::watch;

use super::{Db, Tx};

/// The PostgreSQL channel the announcements travel on.
const CHANNEL: &str = "connectgain_invalidate";
/// The longest anything is served from a cache without asking the database.
pub const MAX_AGE: Duration = Duration::from_secs(10);
/// How long the listener waits before connecting again after a failure.
const RECONNECT_DELAY: Duration = Duration::from_secs(1);

/// What a cached read is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// Who a bearer token belongs to: tokens revoked, users removed.
    Tokens,
}

impl Topic {
    const ALL: [Topic; 1] = [Topic::Tokens];

    fn as_str(self) -> &'static str {
        match self {
            Topic::Tokens => "tokens",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A topic's epoch when a value was read, kept beside the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp(u64);

/// The epochs, shared with the listener task.
struct Epochs {
    by_topic: [AtomicU64; Topic::ALL.len()],
    /// Whether announcements from other instances reach this one now (always on SQLite,
    /// which one process owns).
    listening: AtomicBool,
}

impl Epochs {
    fn advance(&self, topic: Topic) {
        self.by_topic[topic.index()].fetch_add(1, Ordering::AcqRel);
    }

    fn advance_all(&self) {
        Topic::ALL.into_iter().for_each(|t| self.advance(t));
    }
}

pub struct Invalidations {
    epochs: Arc<Epochs>,
    /// Where to listen, on PostgreSQL.
    postgres: Option<Arc<PgConnectOptions>>,
    /// The running listener's stop signal: dropping it (with the domain) stops the listener
    /// and closes its connection.
    listener: OnceLock<watch::Sender<()>>,
}

impl Invalidations {
    pub fn new(db: &Db) -> Self {
        let postgres = match db {
            Db::Sqlite(_) => None,
            Db::Postgres(pool) => Some(pool.connect_options()),
        };
        let epochs = Epochs { by_topic: Default::default(), listening: AtomicBool::new(postgres.is_none()) };
        Self { epochs: Arc::new(epochs), postgres, listener: OnceLock::new() }
    }

    /// The stamp for a value of `topic` about to be read from the database, or `None` when
    /// it must not be cached. Take it before reading: a change committed meanwhile then
    /// makes the value stale at once.
    pub fn stamp(&self, topic: Topic) -> Option<Stamp> {
        self.start_listening();
        let stamp = Stamp(self.epochs.by_topic[topic.index()].load(Ordering::Acquire));
        self.epochs.listening.load(Ordering::Acquire).then_some(stamp)
    }

    /// Whether a value stamped `stamp` may still be served.
    pub fn is_current(&self, topic: Topic, stamp: Stamp) -> bool {
        self.epochs.listening.load(Ordering::Acquire) && self.epochs.by_topic[topic.index()].load(Ordering::Acquire) == stamp.0
    }

    /// Commits `tx`, a change that makes `topic`'s cached reads stale, and makes them stale
    /// everywhere (here at once, on other instances when PostgreSQL delivers the notice).
    pub async fn commit(&self, mut tx: Tx, topic: Topic) -> Result<(), sqlx::Error> {
        if let super::TxConn::Postgres(conn) = tx.conn_mut() {
            sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(topic.as_str()).execute(&mut **conn).await?;
        }
        let committed = tx.commit().await;
        // Also when the commit's outcome is unknown: a stale epoch only costs a lookup.
        self.epochs.advance(topic);
        committed
    }

    /// Starts the PostgreSQL listener the first time a cache asks (a domain that caches
    /// nothing holds no connection for it).
    fn start_listening(&self) {
        let Some(options) = &self.postgres else { return };
        self.listener.get_or_init(|| {
            let (stop, stopped) = watch::channel(());
            tokio::spawn(listen(options.clone(), self.epochs.clone(), stopped));
            stop
        });
    }
}

/// Listens for announcements until `stopped` says the domain is gone, connecting again
/// whenever the connection is lost.
async fn listen(options: Arc<PgConnectOptions>, epochs: Arc<Epochs>, mut stopped: watch::Receiver<()>) {
    loop {
        let error = tokio::select! {
            _ = stopped.changed() => return,
            error = listen_once(&options, &epochs) => error,
        };
        epochs.listening.store(false, Ordering::Release);
        tracing::warn!(%error, "the cache-invalidation listener lost its connection; caches are bypassed until it is back");
        tokio::select! {
            _ = stopped.changed() => return,
            () = tokio::time::sleep(RECONNECT_DELAY) => {}
        }
    }
}

/// Connects, listens, and applies announcements until the connection fails (its error).
async fn listen_once(options: &PgConnectOptions, epochs: &Epochs) -> sqlx::Error {
    let mut listener = match connect(options).await {
        Ok(listener) => listener,
        Err(error) => return error,
    };
    // Whatever was announced while nobody listened is unknown: all of it is stale.
    epochs.advance_all();
    epochs.listening.store(true, Ordering::Release);
    loop {
        match listener.try_recv().await {
            Ok(Some(notice)) => match notice.payload().parse::<Topic>() {
                Ok(topic) => epochs.advance(topic),
                Err(()) => epochs.advance_all(),
            },
            // sqlx's way of saying the connection was lost (notices may have been missed).
            Ok(None) => return sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "the connection was lost")),
            Err(error) => return error,
        }
    }
}

async fn connect(options: &PgConnectOptions) -> Result<PgListener, sqlx::Error> {
    // A pool of its own (its one connection lives in the listener), so that listening never
    // takes a connection from the work.
    let pool = PgPoolOptions::new().max_connections(1).connect_with(options.clone()).await?;
    let mut listener = PgListener::connect_with(&pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

impl FromStr for Topic {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Topic::ALL.into_iter().find(|t| t.as_str() == s).ok_or(())
    }
}
