//! When a failed delivery is tried again: the configured schedule (default 5 s, 30 s, 2 min,
//! 10 min, 30 min, 1 h, 3 h, 6 h, 12 h, 24 h after the first attempt), each wait with ±20 %
//! jitter, never earlier than the receiver's `Retry-After`, never later than 24 h.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;

/// The documented default schedule.
pub const DEFAULT_SCHEDULE: &[Duration] = &[
    Duration::from_secs(5),
    Duration::from_secs(30),
    Duration::from_secs(120),
    Duration::from_secs(600),
    Duration::from_secs(1800),
    Duration::from_secs(3600),
    Duration::from_secs(3 * 3600),
    Duration::from_secs(6 * 3600),
    Duration::from_secs(12 * 3600),
    Duration::from_secs(24 * 3600),
];

/// The longest wait before any retry.
pub const MAX_WAIT: Duration = Duration::from_secs(24 * 3600);

/// Parses `5s,30s,2m,1h,500ms,1d` (a bare number means seconds).
pub fn parse_schedule(value: &str) -> Result<Vec<Duration>, String> {
    let waits = value.split(',').map(|d| parse_duration(d.trim())).collect::<Result<Vec<_>, _>>()?;
    if waits.len() > 50 {
        return Err("at most 50 retries".into());
    }
    Ok(waits)
}

/// Parses one duration: `500ms`, `30s` (or `30`), `2m`, `1h`, `5d`, at most a year.
pub fn parse_span(s: &str) -> Result<Duration, String> {
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let n: u64 = number.parse().ok().filter(|n| *n <= 365 * 86_400 * 1000).ok_or_else(|| format!("`{s}` is not a duration such as 5s, 2m or 500ms"))?;
    let span = match unit {
        "ms" => Duration::from_millis(n),
        "" | "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n * 60),
        "h" => Duration::from_secs(n * 3600),
        "d" => Duration::from_secs(n * 86_400),
        _ => return Err(format!("`{s}` is not a duration such as 5s, 2m or 500ms")),
    };
    if span > Duration::from_secs(365 * 86_400) {
        return Err(format!("`{s}` is longer than a year"));
    }
    Ok(span)
}

/// How a span reads in a sentence ("5 days", "3 seconds", "1500 ms").
pub fn describe_span(span: Duration) -> String {
    let secs = span.as_secs();
    let plural = |n: u64, unit: &str| if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") };
    match secs {
        _ if span.subsec_millis() != 0 => format!("{} ms", span.as_millis()),
        s if s > 0 && s % 86_400 == 0 => plural(s / 86_400, "day"),
        s if s > 0 && s % 3600 == 0 => plural(s / 3600, "hour"),
        s if s > 0 && s % 60 == 0 => plural(s / 60, "minute"),
        s => plural(s, "second"),
    }
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let wait = parse_span(s)?;
    if wait > MAX_WAIT {
        return Err(format!("`{s}` is longer than 24h"));
    }
    Ok(wait)
}

/// The wait before retry number `pos + 1` (0-based place in the schedule), with ±20 % jitter,
/// or `None` when the schedule is used up.
pub fn next_wait(schedule: &[Duration], pos: usize, retry_after: Option<Duration>) -> Option<Duration> {
    let base = *schedule.get(pos)?;
    let jittered = base.mul_f64(rand::thread_rng().gen_range(0.8..=1.2));
    Some(jittered.max(retry_after.unwrap_or_default()).min(MAX_WAIT))
}

/// A `Retry-After` header: delay seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs).min(MAX_WAIT));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or_default().min(MAX_WAIT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_parses_units() {
        assert_eq!(
            parse_schedule("5s,30s,2m,1h,500ms,1d,7").unwrap(),
            [5, 30, 120, 3600]
                .iter()
                .map(|s| Duration::from_secs(*s))
                .chain([Duration::from_millis(500), MAX_WAIT, Duration::from_secs(7)])
                .collect::<Vec<_>>()
        );
        assert!(parse_schedule("5x").is_err());
        assert!(parse_schedule("2d").is_err());
        assert!(parse_schedule("").is_err());
    }

    #[test]
    fn waits_have_twenty_percent_jitter_and_end_with_the_schedule() {
        for _ in 0..200 {
            let w = next_wait(DEFAULT_SCHEDULE, 1, None).unwrap();
            assert!(w >= Duration::from_secs(24) && w <= Duration::from_secs(36), "{w:?}");
        }
        assert_eq!(next_wait(DEFAULT_SCHEDULE, 10, None), None);
    }

    #[test]
    fn retry_after_wins_when_later_and_is_capped() {
        let w = next_wait(DEFAULT_SCHEDULE, 0, Some(Duration::from_secs(60))).unwrap();
        assert_eq!(w, Duration::from_secs(60));
        assert_eq!(next_wait(DEFAULT_SCHEDULE, 0, Some(Duration::from_secs(10 * 86_400))).unwrap(), MAX_WAIT);
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
