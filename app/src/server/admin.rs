//! Server-side helpers of the Platform Administration page: the admin check, ids from the
//! page, and the analytics dashboard assembled from the domain's queries.

use chrono::{DateTime, DurationRound, Utc};
use connectgain_domain::{
    accounts::Role,
    ids::OrgId,
    integrations::{analytics, tenants, webhooks},
    Domain,
};
use serde::{de::DeserializeOwned, Serialize};
use uuid::Uuid;

use super::require_user;
use crate::{
    error::{AppError, ErrorKind},
    models::admin::{Analytics, ChartPoint},
};

/// A platform admin (403 for everyone else), with the domain.
pub async fn require_admin() -> Result<Domain, AppError> {
    let (d, user) = require_user().await?;
    if user.role == Role::Admin {
        Ok(d)
    } else {
        Err(AppError::new(ErrorKind::Forbidden, "Only platform admins can open Platform Administration."))
    }
}

/// The tenant the page names; malformed and unknown ids are both "not found".
pub async fn tenant_of(d: &Domain, raw: &str) -> Result<OrgId, AppError> {
    let not_found = || AppError::new(ErrorKind::NotFound, "This tenant does not exist.");
    let id: OrgId = raw.parse().map_err(|_| not_found())?;
    if tenants::exists(d, id).await? {
        Ok(id)
    } else {
        Err(not_found())
    }
}

pub fn webhook_of(raw: &str) -> Result<Uuid, AppError> {
    raw.parse().map_err(|_| AppError::new(ErrorKind::NotFound, "This webhook does not exist."))
}

/// A domain view as the page's model: both are the platform API's JSON.
pub fn convert<T: Serialize, U: DeserializeOwned>(value: T) -> Result<U, AppError> {
    serde_json::to_value(value).and_then(serde_json::from_value).map_err(|e| {
        tracing::error!(error = %e, "a view does not match the page's model");
        AppError::new(ErrorKind::Internal, "Something went wrong on our side. Please try again.")
    })
}

/// A form's fields as the domain's save input.
pub fn form_input<T: DeserializeOwned>(fields: serde_json::Value) -> Result<T, AppError> {
    serde_json::from_value(fields).map_err(|e| AppError::new(ErrorKind::Invalid, format!("The form could not be read: {e}")))
}

/// The payload editor's text as JSON, or a message that says where it is wrong.
pub fn payload(text: &str) -> Result<serde_json::Value, AppError> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    serde_json::from_str(text).map_err(|e| {
        let mut error = AppError::new(ErrorKind::Invalid, "The payload is not valid JSON.");
        error.fields.insert("payload".into(), format!("Not valid JSON: {e}"));
        error
    })
}

pub async fn analytics(d: &Domain, org: OrgId, webhook: Option<Uuid>, range: &str) -> Result<Analytics, AppError> {
    let range = analytics::Range::parse(range).unwrap_or_default();
    let summary = analytics::summary(d, org, webhook, range).await?;
    let calls = analytics::calls(d, org, webhook, Some(range), None, 50).await?;
    let hours = analytics::series(d, org, webhook, range).await?;
    let mut hooks = webhooks::list(d, org).await?;
    if let Some(id) = webhook {
        hooks.retain(|w| w.id == id);
    }
    let now = Utc::now();
    let points: Vec<(DateTime<Utc>, i64, i64, i64)> = hours.iter().map(|h| (h.hour, h.calls, h.failures, h.avg_response_time_ms)).collect();
    Ok(Analytics {
        summary: convert(summary)?,
        webhooks: convert(hooks)?,
        calls: convert(calls)?,
        chart: chart(&points, range, now),
        refreshed_at: now.format("%H:%M:%S").to_string(),
    })
}

/// Hourly points as the chart's bars: every bucket of the range present (empty ones as
/// zero), hours merged into wider buckets for the long ranges so a chart has at most ~120 bars.
fn chart(points: &[(DateTime<Utc>, i64, i64, i64)], range: analytics::Range, now: DateTime<Utc>) -> Vec<ChartPoint> {
    use analytics::Range;
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
    for &(hour, calls, failures, avg) in points {
        if hour < start {
            continue;
        }
        let index = ((hour - start).num_hours() / bucket_hours) as usize;
        if let Some(slot) = sums.get_mut(index) {
            slot.0 += calls;
            slot.1 += failures;
            slot.2 += avg * calls;
        }
    }
    sums.into_iter()
        .enumerate()
        .map(|(i, (calls, failures, total_ms))| ChartPoint {
            label: (start + bucket * i as i32).format("%Y-%m-%d %H:00").to_string(),
            calls,
            failures,
            avg_ms: if calls > 0 { total_ms / calls } else { 0 },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_chart_has_every_bucket_and_merges_hours_into_them() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 30, 0).unwrap();
        let at = |h| Utc.with_ymd_and_hms(2026, 11, 22, h, 0, 0).unwrap();
        let day = chart(&[(at(12), 3, 1, 100), (at(11), 1, 0, 40)], analytics::Range::Day, now);
        assert_eq!(day.len(), 24);
        assert_eq!(day.last().unwrap(), &ChartPoint { label: "2026-11-22 12:00".into(), calls: 3, failures: 1, avg_ms: 100 });
        assert_eq!(day[22].calls, 1);
        assert!(day[..22].iter().all(|p| p.calls == 0));

        let week = chart(&[(at(12), 3, 1, 100), (at(13), 1, 0, 20)], analytics::Range::Week, now);
        assert_eq!(week.len(), 84);
        // 12:00 and 13:00 share the last two-hour bucket; its average is weighted by calls.
        assert_eq!(week.last().unwrap().calls, 4);
        assert_eq!(week.last().unwrap().avg_ms, 80);
        assert_eq!(chart(&[], analytics::Range::Month, now).len(), 120);
        assert_eq!(chart(&[], analytics::Range::Hour, now).len(), 2);
    }
}
