//! Webhook analytics: a summary, per-webhook call history and a time series, over a time
//! range. Whole hours come from the hourly rollups and only the partial first hour from the
//! calls themselves (by index), so the cost does not grow with the number of calls.

use chrono::{DateTime, DurationRound, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use connectgain_types::integrations::CallSummary;

use crate::{ids::OrgId, on_db, Domain, Error};

/// The dashboard's time ranges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, Default, utoipa::ToSchema)]
pub enum Range {
    #[serde(rename = "1h")]
    Hour,
    #[default]
    #[serde(rename = "24h")]
    Day,
    #[serde(rename = "7d")]
    Week,
    #[serde(rename = "30d")]
    Month,
}

impl Range {
    pub const ALL: [Self; 4] = [Self::Hour, Self::Day, Self::Week, Self::Month];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hour => "1h",
            Self::Day => "24h",
            Self::Week => "7d",
            Self::Month => "30d",
        }
    }

    fn length(self) -> chrono::Duration {
        match self {
            Self::Hour => chrono::Duration::hours(1),
            Self::Day => chrono::Duration::hours(24),
            Self::Week => chrono::Duration::days(7),
            Self::Month => chrono::Duration::days(30),
        }
    }
}

#[derive(sqlx::FromRow, Default)]
struct Sums {
    calls: Option<i64>,
    successes: Option<i64>,
    duration_ms: Option<i64>,
}

/// Totals over `range` for the tenant, or one of its webhooks.
pub async fn summary(d: &Domain, org: OrgId, webhook: Option<Uuid>, range: Range) -> Result<CallSummary, Error> {
    let now = Utc::now();
    let since = now - range.length();
    // Whole hours from the rollups; the part of the first hour inside the range from calls.
    let first_full_hour = since.duration_trunc(chrono::Duration::hours(1)).unwrap_or(since) + chrono::Duration::hours(1);
    let filter = "AND ($3 IS NULL OR webhook_id = $3)";
    let hours_sql = format!(
        "SELECT CAST(SUM(calls) AS BIGINT) AS calls, CAST(SUM(successes) AS BIGINT) AS successes, \
         CAST(SUM(duration_ms) AS BIGINT) AS duration_ms FROM webhook_call_hours \
         WHERE organization_id = $1 AND hour >= $2 {filter}"
    );
    let calls_sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS calls, CAST(SUM(CASE WHEN success THEN 1 ELSE 0 END) AS BIGINT) AS successes, \
         CAST(SUM(duration_ms) AS BIGINT) AS duration_ms FROM webhook_calls \
         WHERE organization_id = $1 AND called_at >= $2 AND called_at < $4 {filter}"
    );
    let hours: Sums = on_db!(&d.db, pool => sqlx::query_as(&hours_sql)
        .bind(org)
        .bind(first_full_hour)
        .bind(webhook)
        .fetch_one(pool)
        .await)?;
    let partial: Sums = on_db!(&d.db, pool => sqlx::query_as(&calls_sql)
        .bind(org)
        .bind(since)
        .bind(webhook)
        .bind(first_full_hour)
        .fetch_one(pool)
        .await)?;
    let total = hours.calls.unwrap_or(0) + partial.calls.unwrap_or(0);
    let ok = hours.successes.unwrap_or(0) + partial.successes.unwrap_or(0);
    let duration = hours.duration_ms.unwrap_or(0) + partial.duration_ms.unwrap_or(0);
    Ok(CallSummary { total_calls: total, successful_calls: ok, failed_calls: total - ok, avg_response_time_ms: if total > 0 { duration / total } else { 0 } })
}

/// One recorded attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallRecord {
    pub id: i64,
    pub webhook_id: Uuid,
    pub workflow_name: String,
    pub called_at: DateTime<Utc>,
    pub attempt: i32,
    pub status_code: Option<i32>,
    pub success: bool,
    pub duration_ms: i64,
    pub error: Option<String>,
}

/// Calls newest first (by id, which grows as calls are recorded), `limit` at a time;
/// `before` is the `id` of the last one seen, so pages never overlap or skip.
pub async fn calls(d: &Domain, org: OrgId, webhook: Option<Uuid>, range: Option<Range>, before: Option<i64>, limit: i64) -> Result<Vec<CallRecord>, Error> {
    let since = range.map(|r| Utc::now() - r.length());
    // Only the conditions that apply, so each query walks one index ((organization_id, id)
    // or (webhook_id, id)) backwards and reads just the rows it returns.
    let mut conditions = vec!["c.organization_id = $1".to_owned(), "c.id < $2".to_owned()];
    if webhook.is_some() {
        conditions.push(format!("c.webhook_id = ${}", conditions.len() + 1));
    }
    if since.is_some() {
        conditions.push(format!("c.called_at >= ${}", conditions.len() + 1));
    }
    let sql = format!(
        "SELECT c.id, c.webhook_id, w.workflow_name, c.called_at, c.attempt, c.status_code, c.success, c.duration_ms, c.error \
         FROM webhook_calls c JOIN n8n_webhooks w ON w.id = c.webhook_id WHERE {} \
         ORDER BY c.id DESC LIMIT {}",
        conditions.join(" AND "),
        limit.clamp(1, 500)
    );
    Ok(on_db!(&d.db, pool => {
        let mut query = sqlx::query_as(&sql).bind(org).bind(before.unwrap_or(i64::MAX));
        if let Some(webhook) = webhook {
            query = query.bind(webhook);
        }
        if let Some(since) = since {
            query = query.bind(since);
        }
        query.fetch_all(pool).await
    })?)
}

/// Calls and average latency per hour over the range (for the dashboard's chart).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HourPoint {
    pub hour: DateTime<Utc>,
    pub calls: i64,
    pub failures: i64,
    pub avg_response_time_ms: i64,
}

pub async fn series(d: &Domain, org: OrgId, webhook: Option<Uuid>, range: Range) -> Result<Vec<HourPoint>, Error> {
    let since = (Utc::now() - range.length()).duration_trunc(chrono::Duration::hours(1)).unwrap_or_else(|_| Utc::now());
    let filter = "AND ($3 IS NULL OR webhook_id = $3)";
    let sql = format!(
        "SELECT hour, CAST(SUM(calls) AS BIGINT) AS calls, CAST(SUM(failures) AS BIGINT) AS failures, \
         CAST(SUM(duration_ms) / SUM(calls) AS BIGINT) AS avg_response_time_ms \
         FROM webhook_call_hours WHERE organization_id = $1 AND hour >= $2 {filter} GROUP BY hour ORDER BY hour"
    );
    Ok(on_db!(&d.db, pool => sqlx::query_as(&sql).bind(org).bind(since).bind(webhook).fetch_all(pool).await)?)
}

/// One bar of a chart: the calls of a time bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bucket {
    pub start: DateTime<Utc>,
    pub calls: i64,
    pub failures: i64,
    /// The average response time, weighted by calls; 0 without calls.
    pub avg_ms: i64,
}

/// Hourly points as a chart's bars: every bucket of the range present (empty ones as zero),
/// hours merged into wider buckets for the long ranges so a chart has at most ~120 bars.
pub fn buckets(hours: &[HourPoint], range: Range, now: DateTime<Utc>) -> Vec<Bucket> {
    let (span_hours, bucket_hours) = match range {
        // The last hour straddles two hourly buckets.
        Range::Hour => (2, 1),
        Range::Day => (24, 1),
        Range::Week => (7 * 24, 2),
        Range::Month => (30 * 24, 6),
    };
    let bucket = chrono::Duration::hours(bucket_hours);
    let end = now.duration_trunc(bucket).unwrap_or(now);
    let start = end - chrono::Duration::hours(span_hours) + bucket;
    let count = ((end - start).num_hours() / bucket_hours + 1).max(1) as usize;
    let mut sums = vec![(0i64, 0i64, 0i64); count];
    for h in hours {
        if h.hour < start {
            continue;
        }
        let index = ((h.hour - start).num_hours() / bucket_hours) as usize;
        if let Some(slot) = sums.get_mut(index) {
            slot.0 += h.calls;
            slot.1 += h.failures;
            slot.2 += h.avg_response_time_ms * h.calls;
        }
    }
    sums.into_iter()
        .enumerate()
        .map(|(i, (calls, failures, total_ms))| Bucket {
            start: start + bucket * i as i32,
            calls,
            failures,
            avg_ms: if calls > 0 { total_ms / calls } else { 0 },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_chart_has_every_bucket_and_merges_hours_into_them() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 30, 0).unwrap();
        let at = |h| Utc.with_ymd_and_hms(2026, 11, 22, h, 0, 0).unwrap();
        let point = |h, calls, failures, avg| HourPoint { hour: at(h), calls, failures, avg_response_time_ms: avg };
        let day = buckets(&[point(12, 3, 1, 100), point(11, 1, 0, 40)], Range::Day, now);
        assert_eq!(day.len(), 24);
        assert_eq!(day.last().unwrap(), &Bucket { start: at(12), calls: 3, failures: 1, avg_ms: 100 });
        assert_eq!(day[22].calls, 1);
        assert!(day[..22].iter().all(|b| b.calls == 0));

        let week = buckets(&[point(12, 3, 1, 100), point(13, 1, 0, 20)], Range::Week, now);
        assert_eq!(week.len(), 84);
        // 12:00 and 13:00 share the last two-hour bucket; its average is weighted by calls.
        assert_eq!(week.last().unwrap().calls, 4);
        assert_eq!(week.last().unwrap().avg_ms, 80);
        assert_eq!(buckets(&[], Range::Month, now).len(), 120);
        assert_eq!(buckets(&[], Range::Hour, now).len(), 2);
    }
}
