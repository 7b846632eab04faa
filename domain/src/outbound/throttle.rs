//! Rate limits, shared by every instance on one database: before a claim takes deliveries
//! of a throttled subscription, it counts the attempts started in the last second (the
//! recorded ones, and the claimed ones still in flight, which start at the latest now) and
//! takes only what the limit leaves. So in any one second at most the limit start, however
//! late a claimed delivery is sent: every attempt that starts in a second was either
//! recorded or in flight when the last claim before that second's end counted.
//!
//! Claims of one subscription are counted one at a time: on SQLite the write turn does it;
//! on PostgreSQL a transaction-scoped advisory lock on the subscription.

use chrono::{DateTime, Utc};

use super::{store::Claimed, SubscriptionId};
use crate::{db::Tx, on_tx};

/// What a claim may take of a throttled subscription.
#[derive(Debug)]
pub(crate) struct Window {
    pub(crate) subscription: SubscriptionId,
    /// How many more may start now.
    pub(crate) left: usize,
    /// When the oldest attempt counted leaves the window (or a second from now, when only
    /// claims in flight were counted).
    opens: DateTime<Utc>,
}

fn second() -> chrono::Duration {
    chrono::Duration::seconds(1)
}

/// What each throttled subscription's limit leaves, counted under its lock (`limits`: see
/// [`super::store::claim`]).
pub(crate) async fn take(tx: &mut Tx, limits: Vec<(SubscriptionId, i64)>) -> Result<Vec<Window>, sqlx::Error> {
    let mut windows = Vec::with_capacity(limits.len());
    for (id, limit) in limits {
        let limit = usize::try_from(limit).unwrap_or(0);
        if let crate::db::TxConn::Postgres(conn) = tx.conn_mut() {
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(lock_key(id)).execute(&mut **conn).await?;
        }
        // After the lock: what other instances claimed meanwhile is committed and counted.
        let now = Utc::now();
        let in_flight: i64 = on_tx!(tx, conn => sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbound_deliveries WHERE subscription_id = $1 AND status = 'pending' \
             AND next_attempt_at > $2 AND locked_until > $2",
        )
        .bind(id)
        .bind(now)
        .fetch_one(conn)
        .await)?;
        // The latest attempts by id (at most the limit): enough to know how many of them
        // started within the last second.
        let recent: Vec<DateTime<Utc>> = on_tx!(tx, conn => sqlx::query_scalar(
            "SELECT attempted_at FROM outbound_attempts WHERE subscription_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(id)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(conn)
        .await)?;
        let recent: Vec<DateTime<Utc>> = recent.into_iter().filter(|at| *at + second() > now).collect();
        let counted = recent.len() + usize::try_from(in_flight).unwrap_or(usize::MAX);
        let opens = recent.iter().min().copied().unwrap_or(now) + second();
        windows.push(Window { subscription: id, left: limit.saturating_sub(counted), opens });
    }
    Ok(windows)
}

/// The subscriptions whose limit the claim used up, with when to look again.
pub(crate) fn held(windows: &[Window], claimed: &[Claimed]) -> Vec<(SubscriptionId, DateTime<Utc>)> {
    windows.iter().filter(|w| claimed.iter().filter(|c| c.subscription_id == w.subscription).count() >= w.left).map(|w| (w.subscription, w.opens)).collect()
}

/// The advisory lock of a subscription's claims (a collision only makes two subscriptions
/// wait for each other).
fn lock_key(id: SubscriptionId) -> i64 {
    // A namespace of our own in the high bits keeps clear of the migration lock.
    let bytes = id.0.as_bytes();
    i64::from_be_bytes([0x43, 0x47, bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]])
}
