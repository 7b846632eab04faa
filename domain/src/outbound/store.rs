//! The worker's queries: claiming due deliveries under a lease, and loading what they need.

use chrono::{DateTime, Utc};

use super::{DeliveryId, EventId, SubscriptionId};
use crate::{ids::OrgId, on_db, on_tx, Db};

/// Claims at most this many deliveries per query.
pub const CLAIM_BATCH: usize = 500;

/// A claimed delivery.
#[derive(Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: DeliveryId,
    pub organization_id: OrgId,
    pub subscription_id: SubscriptionId,
    pub event_id: EventId,
    pub event_type: String,
    pub attempts: i32,
    pub schedule_pos: i32,
}

/// What the worker needs of a subscription (the secrets still sealed).
#[derive(sqlx::FromRow)]
pub struct EndpointRow {
    pub id: SubscriptionId,
    pub organization_id: OrgId,
    pub url: String,
    pub secret_enc: String,
    pub previous_secret_enc: Option<String>,
    pub previous_secret_until: Option<DateTime<Utc>>,
    pub signature_style: String,
    pub is_active: bool,
    pub updated_at: DateTime<Utc>,
}

fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Takes up to `limit` due deliveries, skipping the subscriptions in `exclude` (already at
/// their concurrency bound). Each claimed delivery is leased until `lease_until`: its
/// `next_attempt_at` moves there, so no other instance claims it before, and it falls due
/// again by itself if this instance dies. On PostgreSQL `SKIP LOCKED` lets instances claim
/// disjoint batches at once; SQLite has a single writer.
pub async fn claim(
    db: &Db,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: usize,
    exclude: &[SubscriptionId],
) -> Result<Vec<Claimed>, sqlx::Error> {
    let exclude_sql = if exclude.is_empty() { String::new() } else { format!("AND subscription_id NOT IN ({})", placeholders(4, exclude.len())) };
    let due = format!(
        "SELECT id FROM outbound_deliveries WHERE status = 'pending' AND next_attempt_at <= $2 {exclude_sql} \
         ORDER BY next_attempt_at LIMIT $3"
    );
    const RETURNING: &str = "id, organization_id, subscription_id, event_id, event_type, attempts, schedule_pos";
    let sql = match db {
        Db::Postgres(_) => format!(
            "WITH due AS ({due} FOR UPDATE SKIP LOCKED) \
             UPDATE outbound_deliveries d SET next_attempt_at = $1, locked_until = $1 FROM due WHERE d.id = due.id \
             RETURNING d.id, d.organization_id, d.subscription_id, d.event_id, d.event_type, d.attempts, d.schedule_pos"
        ),
        Db::Sqlite(_) => format!(
            "UPDATE outbound_deliveries SET next_attempt_at = $1, locked_until = $1 WHERE id IN ({due}) RETURNING {RETURNING}"
        ),
    };
    macro_rules! run {
        ($conn:expr) => {{
            let mut q = sqlx::query_as(&sql).bind(lease_until).bind(now).bind(limit as i64);
            for s in exclude {
                q = q.bind(*s);
            }
            q.fetch_all($conn).await
        }};
    }
    match db {
        // In a transaction of its own, so it takes this process's write turn (no busy waits).
        Db::Sqlite(_) => {
            let mut tx = db.begin().await?;
            let claimed = on_tx!(&mut tx, conn => run!(conn))?;
            tx.commit().await?;
            Ok(claimed)
        }
        Db::Postgres(pool) => run!(pool),
    }
}

/// When the next pending delivery falls due, if any.
pub async fn next_due(db: &Db) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM outbound_deliveries WHERE status = 'pending'")
        .fetch_one(pool)
        .await)
}

/// The stored bodies of these events.
pub async fn bodies(db: &Db, ids: &[EventId]) -> Result<Vec<(EventId, String)>, sqlx::Error> {
    let sql = format!("SELECT id, body FROM outbound_events WHERE id IN ({})", placeholders(1, ids.len()));
    on_db!(db, pool => {
        let mut q = sqlx::query_as(&sql);
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(pool).await
    })
}

/// These subscriptions, as the worker needs them.
pub async fn endpoints(db: &Db, ids: &[SubscriptionId]) -> Result<Vec<EndpointRow>, sqlx::Error> {
    let sql = format!(
        "SELECT id, organization_id, url, secret_enc, previous_secret_enc, previous_secret_until, signature_style, \
         is_active, updated_at FROM outbound_subscriptions WHERE id IN ({})",
        placeholders(1, ids.len())
    );
    on_db!(db, pool => {
        let mut q = sqlx::query_as(&sql);
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(pool).await
    })
}
