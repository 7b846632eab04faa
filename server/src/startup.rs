//! Building the application from its configuration, and running it until told to stop.

use std::{future::Future, net::SocketAddr, sync::Arc};

use axum::{
    body::Body,
    http::Request,
    routing::get,
    Router,
};
use connectgain_app::{shell, App};
use connectgain_domain::{
    crypto::{KeyRing, KeyRingError, KeySource},
    db::{ConnectError, MigrateError},
    Config, ConfigError, Db,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::{DefaultOnResponse, TraceLayer},
    LatencyUnit,
};
use tracing::Level;

use crate::{health, state::AppState};

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
        let db = Db::connect(&config)
            .await
            .map_err(|source| StartupError::Database { url: url.clone(), source })?;
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
    db: Db,
}

impl Application {
    /// Opens everything and binds the listening socket (port 0 picks a free port).
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        let addr = config.site_addr;
        let resources = Resources::open(config).await?;
        let listener = TcpListener::bind(addr).await.map_err(|source| StartupError::Bind { addr, source })?;
        let db = resources.db.clone();
        let router = router(resources);
        Ok(Self { listener, router, db })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight and closes
    /// the database pool.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        tracing::info!(addr = %self.local_addr(), database = self.db.backend(), "ConnectGain is listening");
        axum::serve(self.listener, self.router).with_graceful_shutdown(shutdown).await?;
        self.db.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

fn router(resources: Resources) -> Router {
    let Resources { config, db, keys, .. } = resources;
    let leptos_options = LeptosOptions::builder()
        .output_name("connectgain")
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.site_addr)
        .env(Env::PROD)
        .build();
    let state = AppState { leptos_options, config, db, keys: Arc::new(keys) };
    let routes = generate_route_list(App);
    let context_state = state.clone();

    Router::new()
        .route("/healthz", get(health::healthz))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // One span per request with its method, path (never the query: it may carry tokens)
        // and an `x-request-id`, which is also returned to the client. The last layer added
        // runs first, so the id exists before the span is made.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<Body>| {
                    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(LatencyUnit::Millis)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
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
