//! Building the application from its configuration, and running it until told to stop.

use std::{future::Future, net::SocketAddr, sync::Arc};

use axum::{
    body::Body,
    extract::MatchedPath,
    http::Request,
    middleware,
    routing::{any, get},
    serve::ListenerExt,
    Router,
};
use connectgain_app::{shell, App};
use connectgain_domain::{
    accounts::admins,
    appgain::{provisioning, Credentials},
    crypto::{KeyRing, KeyRingError, KeySource},
    db::{ConnectError, MigrateError},
    organizations, Config, ConfigError, Db, Domain,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tokio_util::{sync::CancellationToken, task::TaskTracker};
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::{DefaultOnResponse, TraceLayer},
    LatencyUnit,
};
use tracing::Level;

use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

use crate::{
    api,
    api::error::ApiError,
    csrf::{self, SameOrigin, SESSION_COOKIE},
    health,
    security_headers::{self, SecurityHeaders},
    session_store::DbSessionStore,
    state::AppState,
};

/// Why the server could not start. Each message is one line naming the setting at fault.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("invalid DATABASE_URL ({url}): cannot open the database: {source}")]
    Database { url: String, source: ConnectError },
    #[error("invalid DATABASE_URL ({url}): cannot apply migrations: {source}")]
    Migrate { url: String, source: MigrateError },
    #[error("invalid CONNECTGAIN_MASTER_KEY or key file: {0}")]
    Keys(#[from] KeyRingError),
    #[error("invalid LEPTOS_SITE_ADDR ({addr}): cannot listen: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("{0:#}")]
    Prepare(anyhow::Error),
}

/// The database, the keys and the configuration, ready; shared by `serve` and the commands.
pub struct Resources {
    pub config: Arc<Config>,
    pub db: Db,
    pub keys: KeyRing,
    pub key_source: KeySource,
}

impl Resources {
    /// Loads the key ring, opens the database and applies its migrations.
    pub async fn open(config: Config) -> Result<Self, StartupError> {
        // The database first: an unreachable one should not leave a new key file behind.
        let url = format!("{:?}", config.database_url);
        let db = Db::connect(&config).await.map_err(|source| StartupError::Database { url: url.clone(), source })?;
        db.migrate().await.map_err(|source| StartupError::Migrate { url, source })?;
        let (keys, key_source) = KeyRing::load(&config)?;
        if let KeySource::File { path, created: true } = &key_source {
            tracing::warn!(
                path = %path.display(),
                "created a new master key (mode 0600); back it up: without it the stored secrets cannot be read"
            );
        }
        Ok(Self { config: Arc::new(config), db, keys, key_source })
    }
}

/// A bound, not yet serving, server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    domain: Domain,
}

impl Application {
    /// Opens everything and binds the listening socket (port 0 picks a free port).
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let addr = config.site_addr;
        let mut resources = Resources::open(config).await?;
        let listener = TcpListener::bind(addr).await.map_err(|source| StartupError::Bind { addr, source })?;
        // The default public URL names the listening address; with port 0 that is no address
        // a browser can use (nor an origin it sends), so it becomes the port actually bound.
        let bound = listener.local_addr().map_err(|source| StartupError::Bind { addr, source })?;
        if let Some(config) = Arc::get_mut(&mut resources.config) {
            if addr.port() == 0 && config.public_url == format!("http://{addr}") {
                config.public_url = format!("http://{bound}");
            }
        }
        let domain = Domain::new(resources.db, Arc::new(resources.keys), resources.config);
        prepare(&domain).await.map_err(StartupError::Prepare)?;
        let router = router(domain.clone());
        Ok(Self { listener, router, domain })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// How browsers reach this server (`CONNECTGAIN_PUBLIC_URL`, by default the bound address).
    pub fn public_url(&self) -> &str {
        &self.domain.config.public_url
    }

    /// The domain services this server runs with (tests look at its counters).
    pub fn domain(&self) -> &Domain {
        &self.domain
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight and closes
    /// the database pool.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        tracing::info!(addr = %self.local_addr(), database = self.domain.db.backend(), "ConnectGain is listening");
        let d = &self.domain;
        // The workers stop on `stop` and the tracker waits for them; the inbound writer has a
        // token of its own because it must outlive the last request.
        let (stop, workers) = (CancellationToken::new(), TaskTracker::new());
        workers.spawn(provisioning::run_worker(d.clone(), stop.clone().cancelled_owned()));
        // Event deliveries: on shutdown it stops claiming and finishes those in flight.
        workers.spawn(connectgain_domain::outbound::worker::run(d.clone(), stop.clone().cancelled_owned()));
        workers.spawn(connectgain_domain::inbound::worker::run(d.clone(), stop.clone().cancelled_owned()));
        workers.spawn(connectgain_domain::mail::run(d.clone(), stop.clone().cancelled_owned()));
        workers.spawn(connectgain_domain::integrations::n8n_triggers::run(d.clone(), stop.clone().cancelled_owned()));
        workers.spawn(delete_expired_sessions(DbSessionStore::new(d.db.clone()), stop.clone()));
        workers.close();
        // Inbound events: the group-commit writer answers requests once their batch has
        // committed; it stops after the last request (below), storing what is queued.
        let stop_ingest = CancellationToken::new();
        let ingest = tokio::spawn(connectgain_domain::inbound::ingest::run(d.clone(), stop_ingest.clone().cancelled_owned()));
        let app = self.router.into_make_service_with_connect_info::<SocketAddr>();
        // Responses leave at once. With Nagle's algorithm on, a response written in more than
        // one piece waited on a kept-alive connection for the client's delayed ACK: ~40 ms
        // for every page after the first.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "could not turn Nagle's algorithm off for a connection");
            }
        });
        let served = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
        stop_ingest.cancel();
        let _ = ingest.await;
        stop.cancel();
        workers.wait().await;
        self.domain.db.close().await;
        tracing::info!("stopped");
        served
    }
}

/// Deletes expired login sessions hourly until `stop`.
async fn delete_expired_sessions(store: DbSessionStore, stop: CancellationToken) {
    loop {
        if let Err(error) = store.delete_expired().await {
            tracing::warn!(%error, "could not delete expired sessions");
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(std::time::Duration::from_secs(3600)) => {}
        }
    }
}

/// Start-up chores: the bootstrap admin and the default credentials for organizations that
/// predate provisioning.
async fn prepare(domain: &Domain) -> anyhow::Result<()> {
    let config = &domain.config;
    if let Some((email, password)) = &config.accounts.admin_bootstrap {
        admins::ensure_admin(domain, email, password).await.map_err(|e| anyhow::anyhow!("CONNECTGAIN_ADMIN_EMAIL: {e}"))?;
    }
    if let Some((suit_id, api_key)) = &config.appgain.default_credentials {
        let defaults = Credentials { suit_id: suit_id.clone(), api_key: api_key.clone() };
        let given = organizations::apply_default_credentials(&domain.db, &domain.keys, &defaults).await?;
        if given > 0 {
            tracing::info!(organizations = given, "gave the default Appgain credentials to organizations that had none");
        }
    }
    Ok(())
}

fn router(domain: Domain) -> Router {
    let config = domain.config.clone();
    // scripts/build.sh names the bundle's files by their hashes and lists them in the site
    // root's hash.txt (Leptos looks beside the binary unless the path is absolute).
    let hash_file = std::path::absolute(config.site_root.join("hash.txt")).ok().filter(|path| path.exists());
    let leptos_options = LeptosOptions::builder()
        .output_name("connectgain")
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.site_addr)
        .env(Env::PROD)
        .hash_files(hash_file.is_some())
        .hash_file(hash_file.map_or_else(|| "hash.txt".into(), |path| path.to_string_lossy().into_owned().into()))
        .build();
    let sessions = session_layer(&domain);
    let state = AppState::new(leptos_options, domain);
    let routes = generate_route_list(App);
    let context_domain = state.domain.clone();
    // Server functions and server-rendered pages reach the domain through context, and
    // render scripts with the nonce the Content-Security-Policy header names.
    let provide_domain = move || {
        provide_context(context_domain.clone());
        security_headers::provide_request_nonce();
    };
    let same_origin = SameOrigin::new(&config.public_url).expect("the public URL was validated as an http(s) URL");
    let headers = SecurityHeaders { hsts: config.public_url.starts_with("https://") };

    Router::new()
        .route("/healthz", get(health::healthz))
        .merge(api::router())
        .route("/docs/api", get(api::doc::reference_page))
        .leptos_routes_with_context(&state, routes, provide_domain.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .route("/api/{*rest}", any(api_not_found))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(provide_domain, shell))
        .layer(sessions)
        // Forged requests are refused before they reach a session or a handler.
        .layer(middleware::from_fn_with_state(same_origin, csrf::require_same_origin))
        // Outside the CSRF check, so that its early 403 is drained like any other.
        .layer(middleware::from_fn(crate::unread_body::drain_unread_body))
        // One span per request with its method, route and an `x-request-id`, which is also
        // returned to the client. The route is the matched pattern (`/api/v1/invitations/
        // {token}/accept`), never the raw path or query: they may carry tokens. The last
        // layer added runs first, so the id exists before the span is made.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<Body>| {
                    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                    // `Router::layer` wraps each route, so routing has run; the fallback
                    // (files, unknown pages) has no pattern.
                    let route = request.extensions().get::<MatchedPath>().map_or("(unmatched)", MatchedPath::as_str);
                    tracing::info_span!("request", method = %request.method(), route = %route, request_id = %id)
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(LatencyUnit::Millis)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        // Outermost, so that every answer has them, refusals and errors included.
        .layer(middleware::from_fn_with_state(headers, security_headers::add_security_headers))
        .with_state(state)
}

/// Login sessions in the database; the cookie is HttpOnly, SameSite=Lax, and Secure when
/// the public URL is https.
fn session_layer(domain: &Domain) -> SessionManagerLayer<DbSessionStore> {
    let ttl = time::Duration::seconds(i64::try_from(domain.config.accounts.session_ttl.as_secs()).unwrap_or(i64::MAX));
    SessionManagerLayer::new(DbSessionStore::new(domain.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(domain.config.public_url.starts_with("https://"))
        .with_expiry(Expiry::OnInactivity(ttl))
}

/// Unknown API addresses answer JSON, not a page.
async fn api_not_found() -> ApiError {
    ApiError::not_found()
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
