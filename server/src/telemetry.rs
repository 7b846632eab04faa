//! Structured logs: human-readable by default, JSON lines with `CONNECTGAIN_LOG_FORMAT=json`;
//! levels from `RUST_LOG` (default `info`). Logs go to stderr, so a command's result on
//! stdout stays clean.

use connectgain_domain::config::LogFormat;
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter};

const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_http=warn";

/// Installs the global subscriber; later calls (as in tests) are ignored.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        LogFormat::Human => registry.with(fmt::layer().with_writer(std::io::stderr).with_target(false)).try_init(),
        LogFormat::Json => registry.with(fmt::layer().with_writer(std::io::stderr).json().flatten_event(true).with_current_span(true)).try_init(),
    };
}
