//! The domain's test support on top of `connectgain_testkit`: a Domain over a fresh
//! database with test settings, one organization, and the outbound worker under the
//! test's control.

use std::{collections::HashMap, sync::Arc};

use connectgain_domain::{
    accounts::Role,
    crypto::{KeyRing, MasterKey},
    ids::{OrgId, UserId},
    on_db, organizations, outbound, Config, Db, Domain,
};
use connectgain_testkit::TestDatabase;
pub use connectgain_testkit::{eventually, postgres_enabled, Backend, Receiver, Reply};
use tokio::sync::oneshot;

/// A Domain on `db` with test settings (`extra` overrides).
pub async fn domain(db: &TestDatabase, keys: &Arc<KeyRing>, extra: &[(&str, &str)]) -> Domain {
    let mut vars: HashMap<String, String> = [
        ("DATABASE_URL", db.url.as_str()),
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

/// A database, a Domain and one organization: what most tests start from.
pub struct Fixture {
    pub db: TestDatabase,
    pub keys: Arc<KeyRing>,
    pub d: Domain,
    pub org: OrgId,
}

impl Fixture {
    pub async fn new(backend: Backend, extra: &[(&str, &str)]) -> Self {
        let db = TestDatabase::new(backend).await;
        let keys = Arc::new(KeyRing::new(MasterKey::generate(), vec![]));
        let d = domain(&db, &keys, extra).await;
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

/// A user of `org` with `role`, inserted directly (signup needs Appgain).
pub async fn user(d: &Domain, org: OrgId, email: &str, role: Role) -> UserId {
    let id = UserId::new();
    let now = chrono::Utc::now();
    on_db!(&d.db, pool => sqlx::query(
        "INSERT INTO users (id, organization_id, email, password_hash, role, created_at, updated_at) VALUES ($1, $2, $3, 'x', $4, $5, $5)",
    )
    .bind(id)
    .bind(org)
    .bind(email)
    .bind(role.as_str())
    .bind(now)
    .execute(pool)
    .await
    .map(drop))
    .unwrap();
    id
}
