//! The worker's queries: claiming due deliveries under a lease, and loading what they need.

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::{throttle, DeliveryId, EventId, SubscriptionId};
use crate::{
    db::{Tx, TxConn},
    ids::OrgId,
    on_db, on_tx, Db,
};

/// At most this many subscriptions are looked at per round (the next round goes on after
/// the last one).
pub const SUBSCRIPTIONS_PER_ROUND: usize = 2000;

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
    pub headers_enc: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// Subscriptions with pending deliveries, each with when its earliest pending delivery
/// falls due (leased ones count at their lease's end), in id order after `after`, at most
/// `limit`. A skip scan of the partial index `(subscription_id, next_attempt_at)`: two
/// probes per subscription, whatever the size of its backlog.
/// A subscription with pending deliveries: when the first falls due, and its rate limit
/// (read here, so that a claim needs no look-up of its own).
#[derive(Debug, sqlx::FromRow)]
pub struct Due {
    pub subscription: SubscriptionId,
    pub at: DateTime<Utc>,
    pub rate_limit: Option<i64>,
}

pub async fn pending_subscriptions(db: &Db, after: Option<SubscriptionId>, limit: usize) -> Result<Vec<Due>, sqlx::Error> {
    // SQLite would otherwise pick the (subscription_id, status) index and walk past every
    // delivered row of a subscription to reach its pending ones.
    let ix = match db {
        Db::Sqlite(_) => "INDEXED BY outbound_deliveries_sub_due",
        Db::Postgres(_) => "",
    };
    let start = if after.is_some() { "AND subscription_id > $2" } else { "" };
    let sql = format!(
        "WITH RECURSIVE subs(id) AS ( \
           SELECT (SELECT subscription_id FROM outbound_deliveries {ix} WHERE status = 'pending' {start} \
                   ORDER BY subscription_id LIMIT 1) \
           UNION ALL \
           SELECT (SELECT subscription_id FROM outbound_deliveries {ix} WHERE status = 'pending' AND subscription_id > subs.id \
                   ORDER BY subscription_id LIMIT 1) FROM subs WHERE subs.id IS NOT NULL) \
         SELECT id, (SELECT MIN(next_attempt_at) FROM outbound_deliveries {ix} WHERE status = 'pending' AND subscription_id = subs.id), \
           (SELECT rate_limit_per_sec FROM outbound_subscriptions WHERE id = subs.id) \
         FROM subs WHERE id IS NOT NULL LIMIT $1"
    );
    let rows: Vec<(SubscriptionId, Option<DateTime<Utc>>, Option<i64>)> = on_db!(db, pool => {
        let mut q = sqlx::query_as(&sql).bind(limit as i64);
        if let Some(after) = after {
            q = q.bind(after);
        }
        q.fetch_all(pool).await
    })?;
    Ok(rows.into_iter().filter_map(|(subscription, at, rate_limit)| at.map(|at| Due { subscription, at, rate_limit })).collect())
}

/// What a claim took, and the throttled subscriptions it left alone until their next
/// one-second window.
#[derive(Debug, Default)]
pub struct Claims {
    pub claimed: Vec<Claimed>,
    /// How many were asked for, after the rate limits took their share.
    pub asked: usize,
    pub held: Vec<(SubscriptionId, DateTime<Utc>)>,
}

/// Claims, for each `(subscription, n)`, its `n` earliest deliveries due by `now` (fewer
/// where its rate limit's current window has less left). Each claimed delivery is leased
/// until `lease_until`: its `next_attempt_at` moves there, so no other instance claims it
/// before, and it falls due again by itself if this instance dies.
/// On PostgreSQL `FOR UPDATE SKIP LOCKED` lets instances claim disjoint sets at once (and
/// instances count a throttled subscription's claims one at a time, see [`throttle`]); on
/// SQLite the claim is a write transaction of its own (this process's write turn).
/// `limits`: the rate limits of the throttled subscriptions among `picks` (as
/// [`pending_subscriptions`] read them), in id order, so that two instances take the same
/// locks in the same order.
pub async fn claim(
    db: &Db,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    picks: &[(SubscriptionId, usize)],
    limits: Vec<(SubscriptionId, i64)>,
) -> Result<Claims, sqlx::Error> {
    // Nothing throttled, on PostgreSQL: one statement, no transaction around it.
    if let (true, Db::Postgres(pool)) = (limits.is_empty(), db) {
        let claimed = claim_postgres(pool, now, lease_until, picks).await?;
        return Ok(Claims { claimed, asked: picks.iter().map(|(_, n)| n).sum(), held: Vec::new() });
    }
    let mut tx = db.begin().await?;
    let windows = throttle::take(&mut tx, limits).await?;
    let picks: Vec<(SubscriptionId, usize)> = picks
        .iter()
        .filter_map(|&(sub, n)| match windows.iter().find(|w| w.subscription == sub) {
            Some(w) => (w.left > 0).then(|| (sub, n.min(w.left))),
            None => Some((sub, n)),
        })
        .collect();
    let claimed = if picks.is_empty() { Vec::new() } else { claim_in(&mut tx, now, lease_until, &picks).await? };
    let held = throttle::held(&windows, &claimed);
    tx.commit().await?;
    Ok(Claims { claimed, asked: picks.iter().map(|(_, n)| n).sum(), held })
}

async fn claim_in(tx: &mut Tx, now: DateTime<Utc>, lease_until: DateTime<Utc>, picks: &[(SubscriptionId, usize)]) -> Result<Vec<Claimed>, sqlx::Error> {
    const RETURNING: &str = "id, organization_id, subscription_id, event_id, event_type, attempts, schedule_pos";
    let mut claimed = Vec::new();
    match tx.conn_mut() {
        TxConn::Sqlite(..) => {
            for chunk in picks.chunks(50) {
                let rows: Vec<Claimed> = on_tx!(tx, conn => {
                    let mut q = QueryBuilder::new("UPDATE outbound_deliveries SET next_attempt_at = ");
                    q.push_bind(lease_until).push(", locked_until = ").push_bind(lease_until).push(" WHERE id IN (");
                    let mut due = q.separated(" UNION ALL ");
                    for (sub, n) in chunk {
                        due.push(
                            "SELECT id FROM (SELECT id FROM outbound_deliveries INDEXED BY outbound_deliveries_sub_due \
                             WHERE subscription_id = ",
                        );
                        due.push_bind_unseparated(*sub).push_unseparated(" AND status = 'pending' AND next_attempt_at <= ");
                        due.push_bind_unseparated(now).push_unseparated(" ORDER BY next_attempt_at LIMIT ");
                        due.push_bind_unseparated(*n as i64).push_unseparated(")");
                    }
                    q.push(") RETURNING ").push(RETURNING);
                    q.build_query_as().fetch_all(conn).await
                })?;
                claimed.extend(rows);
            }
        }
        TxConn::Postgres(conn) => claimed = claim_postgres(&mut **conn, now, lease_until, picks).await?,
    }
    Ok(claimed)
}

/// The claim on PostgreSQL, one statement (`FOR UPDATE SKIP LOCKED`).
async fn claim_postgres<'e>(
    on: impl sqlx::PgExecutor<'e>,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    picks: &[(SubscriptionId, usize)],
) -> Result<Vec<Claimed>, sqlx::Error> {
    let subs: Vec<uuid::Uuid> = picks.iter().map(|(s, _)| s.0).collect();
    let counts: Vec<i64> = picks.iter().map(|(_, n)| *n as i64).collect();
    sqlx::query_as(
        "WITH due AS (SELECT c.id FROM unnest($3::uuid[], $4::int8[]) AS s(subscription_id, n) CROSS JOIN LATERAL \
           (SELECT id FROM outbound_deliveries WHERE subscription_id = s.subscription_id AND status = 'pending' \
            AND next_attempt_at <= $2 ORDER BY next_attempt_at LIMIT s.n FOR UPDATE SKIP LOCKED) c) \
         UPDATE outbound_deliveries d SET next_attempt_at = $1, locked_until = $1 FROM due WHERE d.id = due.id \
         RETURNING d.id, d.organization_id, d.subscription_id, d.event_id, d.event_type, d.attempts, d.schedule_pos",
    )
    .bind(lease_until)
    .bind(now)
    .bind(subs)
    .bind(counts)
    .fetch_all(on)
    .await
}

/// The stored bodies of these events.
pub async fn bodies(db: &Db, ids: &[EventId]) -> Result<Vec<(EventId, String)>, sqlx::Error> {
    on_db!(db, pool => {
        let mut q = QueryBuilder::new("SELECT id, body FROM outbound_events WHERE id IN (");
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        list.push_unseparated(")");
        q.build_query_as().fetch_all(pool).await
    })
}

/// These subscriptions, as the worker needs them.
pub async fn endpoints(db: &Db, ids: &[SubscriptionId]) -> Result<Vec<EndpointRow>, sqlx::Error> {
    on_db!(db, pool => {
        let mut q = QueryBuilder::new(
            "SELECT id, organization_id, url, secret_enc, previous_secret_enc, previous_secret_until, signature_style, \
             is_active, headers_enc, updated_at FROM outbound_subscriptions WHERE id IN (",
        );
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        list.push_unseparated(")");
        q.build_query_as().fetch_all(pool).await
    })
}
