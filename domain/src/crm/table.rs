//! What the CRM objects share: each lives in one table, always read within its
//! organization, and is listed newest first in keyset pages. An object names its table and
//! columns once ([`Table`]); reading one by id and listing them happen only here, so the
//! tenant condition cannot be forgotten in one of them.

use chrono::{DateTime, Utc};
use sqlx::{postgres::PgRow, sqlite::SqliteRow, FromRow, Postgres, Sqlite};
use uuid::Uuid;

use super::page::{self, Cursor, Page};
use crate::{db::Tx, ids::OrgId, on_db, on_tx, Db, Error};

/// A value bound the same way on both backends.
pub(crate) trait Bindable:
    Copy + Send + Sync + 'static + for<'q> sqlx::Encode<'q, Sqlite> + sqlx::Type<Sqlite> + for<'q> sqlx::Encode<'q, Postgres> + sqlx::Type<Postgres>
{
}

impl<T> Bindable for T where
    T: Copy + Send + Sync + 'static + for<'q> sqlx::Encode<'q, Sqlite> + sqlx::Type<Sqlite> + for<'q> sqlx::Encode<'q, Postgres> + sqlx::Type<Postgres>
{
}

/// A CRM object stored in a table of its own with `id`, `organization_id` and `created_at`.
pub(crate) trait Table: Sized {
    /// The row as read: the object itself, or a raw form it is made from.
    type Row: Send + Unpin + for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Into<Self>;
    type Id: Bindable;
    const NAME: &'static str;
    const COLUMNS: &'static str;

    /// Where it stands in the newest-first order (created_at, id).
    fn page_key(&self) -> (DateTime<Utc>, Uuid);
}

fn by_id<T: Table>() -> String {
    format!("SELECT {} FROM {} WHERE id = $1 AND organization_id = $2", T::COLUMNS, T::NAME)
}

/// The organization's object with this id, read within a change to write it. On PostgreSQL
/// the row stays locked until the change commits, so a change running beside it (another
/// writer of the shared commit, another instance) that reads it to write it waits, then
/// reads what this one wrote instead of overwriting it.
pub(crate) async fn find<T: Table>(tx: &mut Tx, org: OrgId, id: T::Id) -> Result<T, Error> {
    let sql = by_id::<T>() + for_update(tx);
    let row: Option<T::Row> = on_tx!(tx, conn => sqlx::query_as(&sql).bind(id).bind(org).fetch_optional(conn).await)?;
    row.map(Into::into).ok_or(Error::NotFound)
}

/// Locks the rows a change reads to write (PostgreSQL; a SQLite write transaction has the
/// whole database to itself).
pub(crate) fn for_update(tx: &Tx) -> &'static str {
    if tx.is_postgres() {
        " FOR UPDATE"
    } else {
        ""
    }
}

/// The organization's object with this id.
pub(crate) async fn get<T: Table>(db: &Db, org: OrgId, id: T::Id) -> Result<T, Error> {
    let sql = by_id::<T>();
    let row: Option<T::Row> = on_db!(db, pool => sqlx::query_as(&sql).bind(id).bind(org).fetch_optional(pool).await)?;
    row.map(Into::into).ok_or(Error::NotFound)
}

/// A page of the organization's objects, newest first, after `cursor`.
pub(crate) async fn list<T: Table>(db: &Db, org: OrgId, cursor: Option<&str>, limit: Option<i64>) -> Result<Page<T>, Error> {
    list_matching(db, org, &Matching::ALL, cursor, limit).await
}

/// A condition on a table's rows: SQL whose parameters start at `$5` ([`FIRST_BIND`]), and
/// their values.
pub(crate) struct Matching<'a> {
    pub sql: &'a str,
    pub binds: &'a [Bind],
}

/// A value a [`Matching`] condition compares with.
pub(crate) enum Bind {
    Text(String),
    Id(Uuid),
}

impl Matching<'_> {
    pub const ALL: Matching<'static> = Matching { sql: "TRUE", binds: &[] };
}

/// Where a [`Matching`] condition's parameters start: `$1` to `$4` are the organization,
/// the cursor's time and id, and the page's length.
pub(crate) const FIRST_BIND: usize = 5;

/// Conditions put together from what a list is asked for, numbered for [`Matching`].
#[derive(Default)]
pub(crate) struct Conditions {
    sql: String,
    binds: Vec<Bind>,
}

impl Conditions {
    /// `column = value` (a column the code names, never input).
    pub fn equal(&mut self, column: &str, value: Bind) {
        let n = FIRST_BIND + self.binds.len();
        self.holds(&format!("{column} = ${n}"));
        self.binds.push(value);
    }

    /// A condition without a value, e.g. `assigned_to IS NULL`.
    pub fn holds(&mut self, sql: &str) {
        if !self.sql.is_empty() {
            self.sql.push_str(" AND ");
        }
        self.sql.push_str(sql);
    }

    pub fn matching(&self) -> Matching<'_> {
        match self.sql.as_str() {
            "" => Matching::ALL,
            sql => Matching { sql, binds: &self.binds },
        }
    }
}

/// Binds a [`Matching`] condition's values, in order, after the query's first four.
pub(crate) fn bind_all<'q, DB, O>(
    mut query: sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Uuid: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for b in binds {
        query = match b {
            Bind::Text(text) => query.bind(text.as_str()),
            Bind::Id(id) => query.bind(*id),
        };
    }
    query
}

/// [`list`] of the objects that match.
pub(crate) async fn list_matching<T: Table>(db: &Db, org: OrgId, matching: &Matching<'_>, cursor: Option<&str>, limit: Option<i64>) -> Result<Page<T>, Error> {
    let cursor = Cursor::parse(cursor)?;
    let limit = page::limit(limit);
    let sql = format!(
        "SELECT {} FROM {} WHERE organization_id = $1 AND {} AND ({}) ORDER BY created_at DESC, id DESC LIMIT $4",
        T::COLUMNS,
        T::NAME,
        page::after(2),
        matching.sql
    );
    let rows: Vec<T::Row> = on_db!(db, pool => {
        let q = sqlx::query_as(&sql).bind(org).bind(cursor.map(|c| c.created_at)).bind(cursor.map(|c| c.id)).bind(limit + 1);
        bind_all(q, matching.binds).fetch_all(pool).await
    })?;
    Ok(page::page(rows.into_iter().map(Into::into).collect(), limit, T::page_key))
}
