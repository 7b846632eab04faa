//! An endpoint's figures over a time range (1 h, 24 h, 7 d, 30 d): attempts that succeeded
//! and failed, latency percentiles, and the same as a series of buckets for a chart.
//!
//! Read from rollups (`outbound_attempt_rollups`, a row per minute and a row per hour) that
//! the writer adds to in the transaction recording the attempts, so the cost depends on the
//! range (1,440 minute rows for 24 hours, 720 hour rows for 30 days), never on how many
//! attempts there were; and the buckets add up to the range's figures because both are
//! sums of the same rows. Latency percentiles come from a histogram
//! of 16 doubling bins (≤1 ms … ≤16,384 ms, and above), interpolated within the bin: within
//! a factor of two of the exact value, which is what a chart and an alert need.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;
use sqlx::QueryBuilder;

use super::SubscriptionId;
pub use crate::integrations::analytics::Range;
use crate::{db::Tx, ids::OrgId, on_db, on_tx, Domain, Error};

/// Latency histogram bins: bin `i` holds durations in `(2^(i-1), 2^i]` ms, the first `≤ 1`,
/// the last everything above 16,384 ms.
pub const BINS: usize = 16;

/// The bin of a duration.
pub fn bin_of(duration_ms: i64) -> usize {
    if duration_ms <= 1 {
        0
    } else {
        ((64 - (duration_ms as u64 - 1).leading_zeros()) as usize).min(BINS - 1)
    }
}

/// The latency at percentile `p` (0..=1) of a histogram, interpolated within its bin.
pub fn percentile(hist: &[i64; BINS], p: f64) -> i64 {
    let total: i64 = hist.iter().sum();
    if total == 0 {
        return 0;
    }
    let rank = ((total as f64 * p).ceil() as i64).max(1);
    let mut below = 0;
    for (i, &count) in hist.iter().enumerate() {
        if count > 0 && below + count >= rank {
            let (low, high) = if i == 0 { (0.0, 1.0) } else { ((1i64 << (i - 1)) as f64, (1i64 << i) as f64) };
            let within = (rank - below) as f64 / count as f64;
            return (low + (high - low) * within).round() as i64;
        }
        below += count;
    }
    1 << (BINS - 1)
}

/// The rollup rows' spans, in minutes.
const SPANS: [i64; 2] = [1, 60];

/// How a range is cut into a chart's buckets: `count` buckets of `width` minutes, the last
/// one holding the current minute. Widths of whole hours read the hour rows.
fn layout(range: Range) -> (i64, i64) {
    match range {
        Range::Hour => (1, 60),
        Range::Day => (15, 96),
        Range::Week => (120, 84),
        Range::Month => (360, 120),
    }
}

fn minute_of(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(60)
}

fn at_minute(minute: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(minute * 60, 0).single().unwrap_or_default()
}

/// The figures of a range (or of one bucket).
#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// Attempts made (each retry counts).
    pub total: i64,
    pub succeeded: i64,
    pub failed: i64,
    /// `succeeded / total`; 0 when nothing was attempted.
    pub success_rate: f64,
    pub avg_latency_ms: i64,
    pub p50_latency_ms: i64,
    pub p95_latency_ms: i64,
}

/// `GET …/stats?range=`: the figures of a range and where it starts (the first bucket of
/// its chart, so the two always cover the same attempts).
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RangeStats {
    pub range: Range,
    pub since: DateTime<Utc>,
    #[serde(flatten)]
    pub figures: Figures,
}

/// One bucket of a chart: the attempts made from `bucket` on, until the next bucket.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SeriesPoint {
    pub bucket: DateTime<Utc>,
    /// Successful attempts.
    pub delivered: i64,
    /// Failed attempts.
    pub failed: i64,
    pub p50_ms: i64,
    pub p95_ms: i64,
}

/// Sums of rollup rows.
#[derive(Clone, Debug, Default)]
struct Sums {
    succeeded: i64,
    failed: i64,
    duration_ms: i64,
    hist: [i64; BINS],
}

impl Sums {
    fn add(&mut self, other: &Sums) {
        self.succeeded += other.succeeded;
        self.failed += other.failed;
        self.duration_ms += other.duration_ms;
        for (a, b) in self.hist.iter_mut().zip(other.hist) {
            *a += b;
        }
    }

    fn figures(&self) -> Figures {
        let total = self.succeeded + self.failed;
        Figures {
            total,
            succeeded: self.succeeded,
            failed: self.failed,
            success_rate: if total == 0 { 0.0 } else { self.succeeded as f64 / total as f64 },
            avg_latency_ms: if total == 0 { 0 } else { self.duration_ms / total },
            p50_latency_ms: percentile(&self.hist, 0.5),
            p95_latency_ms: percentile(&self.hist, 0.95),
        }
    }
}

/// One bucket's sums as read (`b` is the bucket's index in the range).
#[derive(sqlx::FromRow)]
struct BucketRow {
    b: i64,
    succeeded: i64,
    failed: i64,
    duration_ms: i64,
    h00: i64,
    h01: i64,
    h02: i64,
    h03: i64,
    h04: i64,
    h05: i64,
    h06: i64,
    h07: i64,
    h08: i64,
    h09: i64,
    h10: i64,
    h11: i64,
    h12: i64,
    h13: i64,
    h14: i64,
    h15: i64,
}

impl BucketRow {
    fn sums(&self) -> Sums {
        #[rustfmt::skip]
        let hist = [self.h00, self.h01, self.h02, self.h03, self.h04, self.h05, self.h06, self.h07,
                    self.h08, self.h09, self.h10, self.h11, self.h12, self.h13, self.h14, self.h15];
        Sums { succeeded: self.succeeded, failed: self.failed, duration_ms: self.duration_ms, hist }
    }
}

/// The range's figures and its chart: every bucket present (empty ones as zero), oldest first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chart {
    pub stats: RangeStats,
    pub series: Vec<SeriesPoint>,
}

/// [`Chart`] of one of the organization's subscriptions, as of `now`.
pub async fn chart(d: &Domain, org: OrgId, subscription: SubscriptionId, range: Range, now: DateTime<Utc>) -> Result<Chart, Error> {
    super::subscriptions::get(d, org, subscription).await?;
    let (width, count) = layout(range);
    let first = (minute_of(now).div_euclid(width) - (count - 1)) * width;
    let span = if width % 60 == 0 { 60 } else { 1 };
    let sums = (0..BINS).map(|i| format!("CAST(SUM(h{i:02}) AS BIGINT) AS h{i:02}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT (minute - $2) / $3 AS b, CAST(SUM(succeeded) AS BIGINT) AS succeeded, CAST(SUM(failed) AS BIGINT) AS failed, \
         CAST(SUM(duration_ms) AS BIGINT) AS duration_ms, {sums} \
         FROM outbound_attempt_rollups WHERE subscription_id = $1 AND span = $4 AND minute >= $2 GROUP BY 1"
    );
    let rows: Vec<BucketRow> = on_db!(&d.db, pool => sqlx::query_as(&sql).bind(subscription).bind(first).bind(width).bind(span).fetch_all(pool).await)?;
    let mut buckets = vec![Sums::default(); count as usize];
    for row in &rows {
        // Rows of minutes past `now` (a clock step back) land beyond the last bucket: left out.
        if let Some(slot) = usize::try_from(row.b).ok().and_then(|b| buckets.get_mut(b)) {
            slot.add(&row.sums());
        }
    }
    let mut total = Sums::default();
    let series = buckets
        .iter()
        .enumerate()
        .map(|(i, s)| {
            total.add(s);
            SeriesPoint {
                bucket: at_minute(first + i as i64 * width),
                delivered: s.succeeded,
                failed: s.failed,
                p50_ms: percentile(&s.hist, 0.5),
                p95_ms: percentile(&s.hist, 0.95),
            }
        })
        .collect();
    Ok(Chart { stats: RangeStats { range, since: at_minute(first), figures: total.figures() }, series })
}

/// Each subscription's attempts over the last 24 hours: `(subscription, succeeded, failed)`,
/// for the list's health column.
pub async fn last_day(d: &Domain, org: OrgId, now: DateTime<Utc>) -> Result<Vec<(SubscriptionId, i64, i64)>, Error> {
    let since = minute_of(now) - 24 * 60 + 1;
    Ok(on_db!(&d.db, pool => sqlx::query_as(
        // Through each subscription's primary key: the rollups need no second index to
        // keep up to date on the writer's path.
        "SELECT subscription_id, CAST(SUM(succeeded) AS BIGINT), CAST(SUM(failed) AS BIGINT) FROM outbound_attempt_rollups \
         WHERE subscription_id IN (SELECT id FROM outbound_subscriptions WHERE organization_id = $1) AND span = 1 AND minute >= $2 \
         GROUP BY subscription_id",
    )
    .bind(org)
    .bind(since)
    .fetch_all(pool)
    .await)?)
}

/// One attempt as the rollups count it.
#[derive(Clone, Copy, Debug)]
pub struct Counted {
    pub subscription: SubscriptionId,
    pub organization: OrgId,
    pub attempted_at: DateTime<Utc>,
    pub success: bool,
    pub duration_ms: i64,
}

/// Rollup rows per statement (23 parameters each).
const MINUTES_PER_UPSERT: usize = 400;

/// Adds attempts to the minute and hour rollups in the caller's transaction (the one recording
/// them, so the sums always equal the attempts). Rows are written in key order, so two
/// instances never lock the same rows in opposite orders.
pub async fn add_to_rollups(tx: &mut Tx, attempts: impl IntoIterator<Item = Counted>) -> Result<(), sqlx::Error> {
    let mut rollups: BTreeMap<(SubscriptionId, i64, i64), (OrgId, Sums)> = BTreeMap::new();
    for a in attempts {
        let minute = minute_of(a.attempted_at);
        for span in SPANS {
            let start = minute - minute.rem_euclid(span);
            let (_, s) = rollups.entry((a.subscription, span, start)).or_insert_with(|| (a.organization, Sums::default()));
            if a.success {
                s.succeeded += 1;
            } else {
                s.failed += 1;
            }
            s.duration_ms += a.duration_ms;
            s.hist[bin_of(a.duration_ms)] += 1;
        }
    }
    let rows: Vec<_> = rollups.into_iter().collect();
    let hist: Vec<String> = (0..BINS).map(|i| format!("h{i:02}")).collect();
    let adds: Vec<String> = ["succeeded", "failed", "duration_ms"]
        .into_iter()
        .map(String::from)
        .chain(hist.iter().cloned())
        .map(|c| format!("{c} = outbound_attempt_rollups.{c} + excluded.{c}"))
        .collect();
    for chunk in rows.chunks(MINUTES_PER_UPSERT) {
        on_tx!(tx, conn => {
            let mut q = QueryBuilder::new(format!(
                "INSERT INTO outbound_attempt_rollups (subscription_id, organization_id, span, minute, succeeded, failed, duration_ms, {}) ",
                hist.join(", ")
            ));
            q.push_values(chunk, |mut row, ((subscription, span, minute), (org, sums))| {
                row.push_bind(*subscription).push_bind(*org).push_bind(*span).push_bind(*minute).push_bind(sums.succeeded).push_bind(sums.failed).push_bind(sums.duration_ms);
                for count in sums.hist {
                    row.push_bind(count);
                }
            });
            q.push(format!(" ON CONFLICT (subscription_id, span, minute) DO UPDATE SET {}", adds.join(", ")));
            q.build().execute(conn).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_fall_into_doubling_bins() {
        let bins: Vec<usize> = [0, 1, 2, 3, 4, 5, 8, 9, 16_384, 16_385, i64::MAX].into_iter().map(bin_of).collect();
        assert_eq!(bins, [0, 0, 1, 2, 2, 3, 3, 4, 14, 15, 15]);
    }

    #[test]
    fn percentiles_interpolate_within_the_bin() {
        let mut hist = [0; BINS];
        assert_eq!(percentile(&hist, 0.5), 0);
        // 100 attempts in (64, 128] ms: the median is half way through the bin.
        hist[bin_of(100)] = 100;
        assert_eq!(percentile(&hist, 0.5), 96);
        assert_eq!(percentile(&hist, 0.95), 125);
        // 90 fast ones and 10 slow ones: p50 is fast, p95 in the slow bin.
        let mut hist = [0; BINS];
        hist[bin_of(3)] = 90;
        hist[bin_of(3000)] = 10;
        assert!(percentile(&hist, 0.5) <= 4);
        assert!((2048..=4096).contains(&percentile(&hist, 0.95)));
    }

    #[test]
    fn a_range_ends_with_the_current_minute() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 21, 7, 30).unwrap();
        let (width, count) = layout(Range::Day);
        let first = (minute_of(now).div_euclid(width) - (count - 1)) * width;
        assert_eq!(at_minute(first), Utc.with_ymd_and_hms(2026, 11, 30, 21, 15, 0).unwrap());
        assert_eq!(at_minute(first + count * width), Utc.with_ymd_and_hms(2026, 12, 1, 21, 15, 0).unwrap());
    }
}
