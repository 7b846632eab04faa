//! The server's test harness: the real application on port 0 with a fresh database of its
//! own (see `connectgain_testkit` for the parts every crate's tests share), and the ways a
//! test talks to it: the JSON API, a browser's forms and cookies, a fake Appgain.

pub mod api;
pub mod appgain;
pub mod browser;

use std::{collections::HashMap, net::SocketAddr, path::PathBuf};

use connectgain::Application;
use connectgain_domain::{crypto::KeyRing, Config, Db};
use connectgain_testkit::TestDatabase;
pub use connectgain_testkit::{captured_logs, Backend, Receiver, Reply, CEILING};
use tokio::sync::oneshot;

/// A fresh place for one server's data: its data directory and database, and the settings
/// it runs with. It outlives the server, so a test can start another on the same data.
pub struct TestEnv {
    pub data_dir: PathBuf,
    pub database_url: String,
    _database: TestDatabase,
}

impl TestEnv {
    pub async fn new(backend: Backend) -> Self {
        let database = TestDatabase::new(backend).await;
        Self { data_dir: database.dir.clone(), database_url: database.url.clone(), _database: database }
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
        // A request the server never answers fails its test (named) instead of hanging the
        // suite; twice the ceiling, so that a slow answer on a busy machine is not one.
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(2 * CEILING).build().unwrap();
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
