//! Test support: a fresh database per test (SQLite always, PostgreSQL when
//! `CONNECTGAIN_TEST_POSTGRES_URL` is set), a Domain over it, a real HTTP receiver on
//! 127.0.0.1 and the outbound worker under the test's control.
#![allow(dead_code)]

use std::{
    collections::HashMap,
    net::SocketAddr,
    str::FromStr,
    sync::{Arc, Mutex, Once},
    time::{Duration, Instant},
};

use axum::{body::Bytes, http::HeaderMap, response::IntoResponse};
use connectgain_domain::{
    crypto::{KeyRing, MasterKey},
    ids::OrgId,
    organizations, outbound, Config, Db, Domain,
};
use sqlx::{postgres::PgConnectOptions, ConnectOptions};
use tokio::sync::oneshot;

pub const POSTGRES_ENV: &str = "CONNECTGAIN_TEST_POSTGRES_URL";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// One test per backend for each named `async fn(Backend)`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() { super::$name($crate::support::Backend::Sqlite).await }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if !$crate::support::postgres_enabled() { return; }
                    super::$name($crate::support::Backend::Postgres).await
                }
            )+
        }
    };
}

pub fn postgres_enabled() -> bool {
    static SAY: Once = Once::new();
    let enabled = std::env::var(POSTGRES_ENV).is_ok_and(|v| !v.is_empty());
    if !enabled {
        SAY.call_once(|| eprintln!("PostgreSQL tests skipped: {POSTGRES_ENV} is not set"));
    }
    enabled
}

/// A database of the test's own (a temp SQLite file or a fresh PostgreSQL database).
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    dir: std::path::PathBuf,
    pg_database: Option<String>,
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let dir = std::env::temp_dir().join(format!("cg-outbound-{id}"));
        std::fs::create_dir_all(&dir).unwrap();
        match backend {
            Backend::Sqlite => Self { backend, url: format!("sqlite://{}", dir.join("db.sqlite").display()), dir, pg_database: None },
            Backend::Postgres => {
                let admin = std::env::var(POSTGRES_ENV).unwrap();
                let name = format!("cg_outbound_{id}");
                let mut conn = PgConnectOptions::from_str(&admin).unwrap().connect().await.unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
                let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
                Self { backend, url: format!("{base}/{name}"), dir, pg_database: Some(name) }
            }
        }
    }

    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// A Domain on this database with test settings (`extra` overrides).
    pub async fn domain(&self, keys: &Arc<KeyRing>, extra: &[(&str, &str)]) -> Domain {
        let mut vars: HashMap<String, String> = [
            ("DATABASE_URL", self.url.as_str()),
            ("CONNECTGAIN_ALLOW_PRIVATE_TARGETS", "true"),
            ("CONNECTGAIN_WEBHOOK_TIMEOUT_MS", "2000"),
            ("CONNECTGAIN_WEBHOOK_RETRY_SCHEDULE", "100ms,200ms"),
            ("CONNECTGAIN_DB_MAX_CONNECTIONS", "5"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let config = Config::from_lookup(|n| vars.get(n).cloned()).expect("valid test config");
        let db = Db::connect(&config).await.unwrap();
        db.migrate().await.unwrap();
        Domain::new(db, keys.clone(), Arc::new(config))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        let Some(name) = self.pg_database.take() else { return };
        let admin = std::env::var(POSTGRES_ENV).unwrap_or_default();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                if let Ok(mut conn) = PgConnectOptions::from_str(&admin).unwrap().connect().await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
                }
            });
        })
        .join();
    }
}

/// A database, a Domain and one organization: what most tests start from.
pub struct Fixture {
    pub db: TestDb,
    pub keys: Arc<KeyRing>,
    pub d: Domain,
    pub org: OrgId,
}

impl Fixture {
    pub async fn new(backend: Backend, extra: &[(&str, &str)]) -> Self {
        let db = TestDb::new(backend).await;
        let keys = Arc::new(KeyRing::new(MasterKey::generate(), vec![]));
        let d = db.domain(&keys, extra).await;
        let org = organizations::create(&d.db, "Acme").await.unwrap().id;
        Self { db, keys, d, org }
    }

    pub async fn other_org(&self) -> OrgId {
        organizations::create(&self.d.db, "Other").await.unwrap().id
    }
}

/// A running outbound worker; stopped (gracefully) by [`Worker::stop`] or on drop.
pub struct Worker {
    stop: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl Worker {
    pub fn start(d: &Domain) -> Self {
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(outbound::worker::run(d.clone(), async move {
            let _ = stopped.await;
        }));
        Self { stop: Some(stop), handle: Some(handle) }
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(h) = self.handle.take() {
            h.await.unwrap();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(h) = &self.handle {
            h.abort();
        }
    }
}

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: HashMap<String, String>,
    pub body: Bytes,
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or_else(|| panic!("no {name} header"))
    }
    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }
}

/// How the receiver answers its n-th request (0-based).
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub delay: Duration,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Self { status, delay: Duration::ZERO, headers: vec![], body: String::new() }
    }
    pub fn ok() -> Self {
        Self::status(200)
    }
}

type Script = Arc<dyn Fn(usize) -> Reply + Send + Sync>;

/// A real HTTP server on 127.0.0.1 that records every request.
#[derive(Clone)]
pub struct Receiver {
    pub addr: SocketAddr,
    pub log: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub async fn start(script: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Self {
        let log: Arc<Mutex<Vec<Received>>> = Arc::default();
        let script: Script = Arc::new(script);
        let state = (log.clone(), script);
        let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
            let (log, script) = state.clone();
            async move {
                let n = {
                    let mut log = log.lock().unwrap();
                    let headers = headers.iter().map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned())).collect();
                    log.push(Received { headers, body, at: Instant::now() });
                    log.len() - 1
                };
                let reply = script(n);
                if !reply.delay.is_zero() {
                    tokio::time::sleep(reply.delay).await;
                }
                let mut response = (axum::http::StatusCode::from_u16(reply.status).unwrap(), reply.body).into_response();
                for (k, v) in reply.headers {
                    response.headers_mut().insert(k, v.parse().unwrap());
                }
                response
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { addr, log }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    pub fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.log.lock().unwrap().len()
    }

    /// Waits until at least `n` requests arrived (panics after `within`).
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(Instant::now() < deadline, "expected {n} requests, got {} within {within:?}", got.len());
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Polls `check` until it returns `Some` (panics after `within`).
pub async fn eventually<T, F, Fut>(within: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
