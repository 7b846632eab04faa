//! Everything a domain service needs, built once at start and cloned cheaply.

use std::{ops::Deref, sync::Arc, time::Duration};

use tokio::sync::Notify;

use crate::{
    accounts::{api_keys::KeyCache, login_limiter::LoginLimiter, tokens::TokenCache},
    appgain::AppgainClient,
    crypto::KeyRing,
    db::{GroupCommit, Invalidations},
    outbound::{Wakes, Written},
    Config, Db,
};

/// A handle on [`Services`]: cloning it (every request does, several times) is one atomic
/// increment.
#[derive(Clone)]
pub struct Domain(Arc<Services>);

impl Deref for Domain {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

pub struct Services {
    pub db: Db,
    pub keys: Arc<KeyRing>,
    pub config: Arc<Config>,
    /// The shared outbound HTTP client (keep-alive connections are reused).
    pub http: reqwest::Client,
    pub appgain: AppgainClient,
    /// Wakes the provisioning worker when a job becomes due sooner than it planned.
    pub provisioning_wake: Arc<Notify>,
    pub login_limiter: Arc<LoginLimiter>,
    /// Wakes the outbound webhook worker and the n8n trigger worker ([`Domain::wake`]).
    pub wakes: Wakes,
    /// Inbound webhooks: key cache, rate limiter, the group-commit writer, the worker's wake-up.
    pub inbound: Arc<crate::inbound::Runtime>,
    /// Signups, failed inbound key checks and test sends, counted in this process.
    pub quotas: Arc<crate::quotas::Quotas>,
    /// The shared commit of CRM changes: concurrent requests' changes commit together.
    pub changes: Arc<GroupCommit>,
    /// Makes cached reads stale on every instance when a write changes them.
    pub invalidations: Arc<Invalidations>,
    /// Who recently seen bearer tokens belong to.
    pub tokens: Arc<TokenCache>,
    /// Which organization and scope recently seen API keys stand for.
    pub api_keys: Arc<KeyCache>,
}

impl Domain {
    pub fn new(db: Db, keys: Arc<KeyRing>, config: Arc<Config>) -> Self {
        // One client for every outbound call: keep-alive connections are reused. Redirects
        // are not followed (a 3xx is the call's outcome): following one would carry the
        // request's credentials (bearer tokens, `X-N8N-API-KEY`, provider auth) to whatever
        // origin the answer names.
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("ConnectGain/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the TLS backend initializes");
        let appgain =
            AppgainClient::new(http.clone(), config.appgain.signup_url.clone(), config.appgain.signup_timeout, config.appgain.notify_base_url.clone());
        let login_limiter = Arc::new(LoginLimiter::new(config.accounts.login_max_failures));
        let inbound = Arc::new(crate::inbound::Runtime::new(&config.inbound));
        let quotas = Arc::new(crate::quotas::Quotas::new(&config.quotas));
        let wakes = Wakes::default();
        let changes = Arc::new(GroupCommit::new(db.clone(), wakes.clone()));
        let invalidations = Arc::new(Invalidations::new(&db));
        Self(Arc::new(Services {
            db,
            keys,
            config,
            http,
            appgain,
            provisioning_wake: Arc::new(Notify::new()),
            login_limiter,
            wakes,
            inbound,
            quotas,
            changes,
            invalidations,
            tokens: Default::default(),
            api_keys: Default::default(),
        }))
    }

    /// Tells this instance's outbound worker that deliveries were committed, so the first
    /// attempt starts at once; other instances notice within a second anyway. For a
    /// transaction that emitted events ([`crate::outbound::events::emit`]), commit it with
    /// [`Tx::commit_written`](crate::db::Tx::commit_written) and pass the answer to
    /// [`Domain::wake`] instead.
    pub fn outbound_wake(&self) {
        self.wakes.deliveries.notify_one();
    }

    /// Wakes the workers of what a commit wrote.
    pub fn wake(&self, written: Written) {
        self.wakes.after(written);
    }
}
