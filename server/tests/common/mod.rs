//! Test harness: the real application on port 0 with a fresh database of its own, on SQLite
//! (always) or PostgreSQL (when `CONNECTGAIN_TEST_POSTGRES_URL` names a server).
#![allow(dead_code)] // each test file uses its own part of the harness

pub mod api;
pub mod appgain;
pub mod browser;
pub mod logs;
pub mod receiver;

use std::{
    collections::HashMap,
    net::SocketAddr,
    path::PathBuf,
    str::FromStr,
    sync::Once,
};

use connectgain::Application;
use connectgain_domain::{crypto::KeyRing, Config, Db};
use sqlx::{postgres::PgConnectOptions, ConnectOptions, Connection};
use tokio::sync::oneshot;

pub const POSTGRES_ENV: &str = "CONNECTGAIN_TEST_POSTGRES_URL";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates, for each named `async fn(Backend)`, one test per backend:
/// `sqlite::<name>` and `postgres::<name>` (which says it is skipped when no server is given).
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if !$crate::common::postgres_enabled() {
                        return;
                    }
                    super::$name($crate::common::Backend::Postgres).await
                }
            )+
        }
    };
}

/// Whether PostgreSQL tests run; says once per test binary when they are skipped.
pub fn postgres_enabled() -> bool {
    static SAY: Once = Once::new();
    let enabled = std::env::var(POSTGRES_ENV).map(|v| !v.is_empty()).unwrap_or(false);
    if !enabled {
        SAY.call_once(|| eprintln!("PostgreSQL tests skipped: {POSTGRES_ENV} is not set"));
    }
    enabled
}

/// A fresh place for one test's data: a temporary data directory, and on PostgreSQL a
/// database of its own, dropped when the test ends.
pub struct TestEnv {
    pub backend: Backend,
    pub data_dir: PathBuf,
    pub database_url: String,
    pg_database: Option<String>,
}

impl TestEnv {
    pub async fn new(backend: Backend) -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let data_dir = std::env::temp_dir().join(format!("connectgain-test-{id}"));
        std::fs::create_dir_all(&data_dir).unwrap();
        match backend {
            Backend::Sqlite => Self {
                backend,
                database_url: format!("sqlite://{}", data_dir.join("connectgain.db").display()),
                data_dir,
                pg_database: None,
            },
            Backend::Postgres => {
                let admin_url = std::env::var(POSTGRES_ENV).expect("postgres tests need CONNECTGAIN_TEST_POSTGRES_URL");
                let name = format!("cg_test_{id}");
                let mut admin = PgConnectOptions::from_str(&admin_url).unwrap().connect().await.unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
                admin.close().await.unwrap();
                Self { backend, database_url: with_database(&admin_url, &name), data_dir, pg_database: Some(name) }
            }
        }
    }

    /// The settings a test server runs with; `extra` adds or overrides.
    pub fn vars(&self, extra: &[(&str, &str)]) -> HashMap<String, String> {
        let mut vars: HashMap<String, String> = [
            ("LEPTOS_SITE_ADDR", "127.0.0.1:0".to_owned()),
            ("CONNECTGAIN_DATA_DIR", self.data_dir.display().to_string()),
            ("DATABASE_URL", self.database_url.clone()),
            ("CONNECTGAIN_ALLOW_PRIVATE_TARGETS", "true".to_owned()),
            ("CONNECTGAIN_DB_MAX_CONNECTIONS", "5".to_owned()),
            // Never the real Appgain from a test: port 9 refuses connections.
            ("APPGAIN_SIGNUP_WEBHOOK_URL", "http://127.0.0.1:9/webhook".to_owned()),
            ("APPGAIN_NOTIFY_BASE_URL", "http://127.0.0.1:9".to_owned()),
            ("APPGAIN_SIGNUP_TIMEOUT_MS", "500".to_owned()),
            ("CONNECTGAIN_PROVISIONING_RETRY_BASE_MS", "100".to_owned()),
            ("CONNECTGAIN_PROVISIONING_RETRY_MAX_MS", "400".to_owned()),
            // Every test's requests come from 127.0.0.1: quotas are tested where they are set small.
            ("CONNECTGAIN_SIGNUP_LIMIT", "10000/h".to_owned()),
            ("CONNECTGAIN_INBOUND_KEY_FAILURE_LIMIT", "10000/m".to_owned()),
            ("CONNECTGAIN_WEBHOOK_TEST_LIMIT", "10000/m".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        vars
    }

    pub fn config(&self, extra: &[(&str, &str)]) -> Config {
        let vars = self.vars(extra);
        Config::from_lookup(|name| vars.get(name).cloned()).expect("test configuration is valid")
    }

    /// Opens the same database and key ring the server uses, for looking behind its back.
    pub async fn open(&self) -> (Db, KeyRing) {
        let config = self.config(&[]);
        let (keys, _) = KeyRing::load(&config).unwrap();
        let db = Db::connect(&config).await.unwrap();
        db.migrate().await.unwrap();
        (db, keys)
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
        let Some(name) = self.pg_database.take() else { return };
        let admin_url = std::env::var(POSTGRES_ENV).unwrap_or_default();
        // Drop runs inside the test's runtime, which cannot block on itself: use a thread.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                if let Ok(mut admin) = PgConnectOptions::from_str(&admin_url).unwrap().connect().await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await;
                }
            });
        })
        .join();
    }
}

fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let (server, _) = base.rsplit_once('/').filter(|(s, _)| s.contains("://") && !s.ends_with('/')).unwrap_or((base, ""));
    match query {
        Some(q) => format!("{server}/{database}?{q}"),
        None => format!("{server}/{database}"),
    }
}

/// The application running in this process on a free port.
pub struct TestApp {
    pub env: TestEnv,
    pub addr: SocketAddr,
    /// The origin of the public URL: what a browser on our pages sends as `Origin`.
    pub origin: String,
    pub client: reqwest::Client,
    /// The running server's domain services, for what the API does not show.
    pub domain: connectgain_domain::Domain,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(TestEnv::new(backend).await, &[]).await
    }

    pub async fn spawn_with(env: TestEnv, extra: &[(&str, &str)]) -> Self {
        if std::env::var("TEST_LOG").is_ok() {
            connectgain::telemetry::init(connectgain_domain::config::LogFormat::Human);
        }
        let app = Application::build(env.config(extra)).await.expect("the test app starts");
        let addr = app.local_addr();
        let origin = url::Url::parse(app.public_url()).unwrap().origin().ascii_serialization();
        let domain = app.domain().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { env, addr, origin, client, domain, stop: Some(stop), server: Some(server) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Stops the server gracefully, waits for it, and hands back its data for a restart.
    pub async fn stop(mut self) -> TestEnv {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
        self.env
    }
}

#[test]
fn with_database_replaces_only_the_database_name() {
    assert_eq!(with_database("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
    assert_eq!(with_database("postgres://u@h/postgres?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
    assert_eq!(with_database("postgres://u@h:5432", "x"), "postgres://u@h:5432/x");
}
