//! Keyset pages over (created_at, id), newest first: a cursor names the last row seen, so
//! pages neither overlap nor skip while rows are added.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::Error;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Where a page starts: after (before, in time) this row.
#[derive(Clone, Copy, Debug)]
pub struct Cursor {
    pub created_at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    pub fn parse(raw: Option<&str>) -> Result<Option<Self>, Error> {
        let Some(raw) = raw.filter(|r| !r.is_empty()) else { return Ok(None) };
        let bad = || Error::invalid("cursor", "Use the next_cursor of the previous page.");
        let (time, id) = raw.split_once('_').ok_or_else(bad)?;
        let created_at = DateTime::parse_from_rfc3339(time).map_err(|_| bad())?.with_timezone(&Utc);
        Ok(Some(Self { created_at, id: id.parse().map_err(|_| bad())? }))
    }

    fn encode(created_at: DateTime<Utc>, id: Uuid) -> String {
        format!("{}_{id}", created_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

pub fn limit(raw: Option<i64>) -> i64 {
    raw.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
}

/// Rows fetched with `limit + 1` become a page, with a cursor when there is more.
pub fn page<T>(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> (DateTime<Utc>, Uuid)) -> Page<T> {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| {
            rows.last().map(|r| {
                let (at, id) = key(r);
                Cursor::encode(at, id)
            })
        })
        .flatten();
    Page { data: rows, next_cursor }
}

/// The SQL condition continuing after a cursor (`$n` = created_at, `$n+1` = id).
pub fn after(n: usize) -> String {
    after_on("created_at", "id", n)
}

/// [`after`] for a list ordered by another time column (`time`, `id` named by the code).
pub fn after_on(time: &str, id: &str, n: usize) -> String {
    let m = n + 1;
    format!("(${n} IS NULL OR {time} < ${n} OR ({time} = ${n} AND {id} < ${m}))")
}
