use std::{path::PathBuf, str::FromStr};

use sqlx::{postgres::PgConnectOptions, ConnectOptions, Connection};

use crate::{Backend, POSTGRES_ENV};

/// A place for one test's data: a temporary directory (holding the SQLite file), and on
/// PostgreSQL a database of its own. Both are removed when this is dropped.
pub struct TestDatabase {
    pub backend: Backend,
    /// The `DATABASE_URL` to give the application.
    pub url: String,
    /// A directory of the test's own (the data directory of a server under test).
    pub dir: PathBuf,
    pg_database: Option<String>,
}

impl TestDatabase {
    pub async fn new(backend: Backend) -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let dir = std::env::temp_dir().join(format!("connectgain-test-{id}"));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        match backend {
            Backend::Sqlite => Self { backend, url: format!("sqlite://{}", dir.join("connectgain.db").display()), dir, pg_database: None },
            Backend::Postgres => {
                let server = std::env::var(POSTGRES_ENV).expect("PostgreSQL tests need CONNECTGAIN_TEST_POSTGRES_URL");
                let name = format!("cg_test_{id}");
                let mut admin = PgConnectOptions::from_str(&server).expect("a PostgreSQL URL").connect().await.expect("PostgreSQL answers");
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("a test database");
                let _ = admin.close().await;
                Self { backend, url: with_database(&server, &name), dir, pg_database: Some(name) }
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        let Some(name) = self.pg_database.take() else { return };
        let server = std::env::var(POSTGRES_ENV).unwrap_or_default();
        // Drop runs inside the test's runtime, which cannot block on itself: use a thread.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            runtime.block_on(async {
                let Ok(options) = PgConnectOptions::from_str(&server) else { return };
                if let Ok(mut admin) = options.connect().await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await;
                }
            });
        })
        .join();
    }
}

/// The server URL with its database replaced, keeping its parameters (`?sslmode=…`).
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let (server, _) = base.rsplit_once('/').filter(|(s, _)| s.contains("://") && !s.ends_with('/')).unwrap_or((base, ""));
    match query {
        Some(q) => format!("{server}/{database}?{q}"),
        None => format!("{server}/{database}"),
    }
}

#[test]
fn with_database_replaces_only_the_database_name() {
    assert_eq!(with_database("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
    assert_eq!(with_database("postgres://u@h/postgres?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
    assert_eq!(with_database("postgres://u@h:5432", "x"), "postgres://u@h:5432/x");
}
