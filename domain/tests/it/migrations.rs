//! The two migration folders describe one schema: after migrating, SQLite and PostgreSQL
//! have the same tables, columns (with the same nullability), indexes and unique
//! constraints. A column or index added to one folder only fails here, not in production.

use std::collections::BTreeSet;

use connectgain_domain::Db;

use crate::support::{postgres_enabled, Backend, Fixture};

/// What both backends must agree on, by name.
#[derive(Debug, Default, PartialEq, Eq)]
struct Schema {
    /// (table, column, NOT NULL)
    columns: BTreeSet<(String, String, bool)>,
    /// Indexes created by name: (table, index, unique, columns; `None` for an expression).
    indexes: BTreeSet<(String, String, bool, Vec<Option<String>>)>,
    /// Unique constraints (and primary keys), whose index names differ between backends:
    /// (table, columns in order).
    unique: BTreeSet<(String, Vec<String>)>,
}

const SQLITE_COLUMNS: &str = "SELECT m.name, p.name, p.\"notnull\" OR p.pk > 0 FROM sqlite_master m JOIN pragma_table_info(m.name) p \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'";
const SQLITE_INDEXES: &str = "SELECT m.name, l.name, l.\"unique\", l.origin FROM sqlite_master m JOIN pragma_index_list(m.name) l \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'";
const SQLITE_INDEX_COLUMNS: &str = "SELECT name FROM pragma_index_info($1) ORDER BY seqno";
const SQLITE_PRIMARY_KEY: &str = "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations' AND p.pk > 0 ORDER BY m.name, p.pk";

const PG_COLUMNS: &str = "SELECT table_name::text, column_name::text, is_nullable = 'NO' FROM information_schema.columns \
     WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'";
const PG_INDEXES: &str = "SELECT t.relname::text, i.relname::text, x.indisunique, \
       array_agg(a.attname::text ORDER BY k.n) \
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
     CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) \
     LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
     WHERE t.relnamespace = current_schema()::regnamespace AND t.relname <> '_sqlx_migrations' \
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) \
     GROUP BY 1, 2, 3";
const PG_UNIQUE: &str = "SELECT t.relname::text, array_agg(a.attname::text ORDER BY k.n) \
     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
     CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) \
     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
     WHERE c.contype IN ('u', 'p') AND t.relnamespace = current_schema()::regnamespace AND t.relname <> '_sqlx_migrations' \
     GROUP BY c.oid, 1";

async fn schema(db: &Db) -> Schema {
    let mut schema = Schema::default();
    match db {
        Db::Sqlite(sqlite) => {
            let pool = sqlite.pool();
            schema.columns = sqlx::query_as(SQLITE_COLUMNS).fetch_all(pool).await.unwrap().into_iter().collect();
            let indexes: Vec<(String, String, bool, String)> = sqlx::query_as(SQLITE_INDEXES).fetch_all(pool).await.unwrap();
            for (table, index, unique, origin) in indexes {
                let columns: Vec<(Option<String>,)> = sqlx::query_as(SQLITE_INDEX_COLUMNS).bind(&index).fetch_all(pool).await.unwrap();
                let columns: Vec<Option<String>> = columns.into_iter().map(|(c,)| c).collect();
                match origin.as_str() {
                    "c" => drop(schema.indexes.insert((table, index, unique, columns))),
                    _ => drop(schema.unique.insert((table, columns.into_iter().flatten().collect()))),
                }
            }
            // A rowid table's INTEGER PRIMARY KEY has no index of its own.
            let keys: Vec<(String, String)> = sqlx::query_as(SQLITE_PRIMARY_KEY).fetch_all(pool).await.unwrap();
            let mut by_table: std::collections::BTreeMap<String, Vec<String>> = Default::default();
            for (table, column) in keys {
                by_table.entry(table).or_default().push(column);
            }
            schema.unique.extend(by_table);
        }
        Db::Postgres(pool) => {
            schema.columns = sqlx::query_as(PG_COLUMNS).fetch_all(pool).await.unwrap().into_iter().collect();
            schema.indexes = sqlx::query_as(PG_INDEXES).fetch_all(pool).await.unwrap().into_iter().collect();
            schema.unique = sqlx::query_as(PG_UNIQUE).fetch_all(pool).await.unwrap().into_iter().collect();
        }
    }
    schema
}

fn only_in<T: Ord + Clone + std::fmt::Debug>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> Vec<T> {
    a.difference(b).cloned().collect()
}

#[tokio::test]
async fn both_backends_migrate_to_the_same_tables_columns_and_indexes() {
    let sqlite = schema(&Fixture::new(Backend::Sqlite, &[]).await.d.db).await;
    assert!(sqlite.columns.len() > 50 && sqlite.indexes.len() > 5, "the schema was read: {sqlite:?}");
    if !postgres_enabled() {
        return;
    }
    let postgres = schema(&Fixture::new(Backend::Postgres, &[]).await.d.db).await;
    let differences = [
        ("columns only on SQLite", format!("{:?}", only_in(&sqlite.columns, &postgres.columns))),
        ("columns only on PostgreSQL", format!("{:?}", only_in(&postgres.columns, &sqlite.columns))),
        ("indexes only on SQLite", format!("{:?}", only_in(&sqlite.indexes, &postgres.indexes))),
        ("indexes only on PostgreSQL", format!("{:?}", only_in(&postgres.indexes, &sqlite.indexes))),
        ("unique keys only on SQLite", format!("{:?}", only_in(&sqlite.unique, &postgres.unique))),
        ("unique keys only on PostgreSQL", format!("{:?}", only_in(&postgres.unique, &sqlite.unique))),
    ];
    let differences: Vec<String> = differences.into_iter().filter(|(_, d)| d != "[]").map(|(what, d)| format!("{what}: {d}")).collect();
    assert!(differences.is_empty(), "the migrations differ:\n{}", differences.join("\n"));
}
