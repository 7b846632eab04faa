//! Configuration from environment variables, validated once at start.
//!
//! Every setting has a documented default (see the README's table); a bad value stops the
//! program with a one-line message that names the setting.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use secrecy::SecretString;

use crate::{crypto::MasterKey, trusted_proxies::TrustedProxies};

/// The seed's Appgain signup webhook.
pub const DEFAULT_APPGAIN_SIGNUP_URL: &str = "https://n8n.instabackend.io/webhook/connectGain-onSignup";
pub const DEFAULT_APPGAIN_NOTIFY_BASE_URL: &str = "https://notify.appgain.io";

/// Where the data lives: the embedded SQLite file or a shared PostgreSQL server.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl std::fmt::Debug for DatabaseUrl {
    // A PostgreSQL URL may hold a password: show only what identifies the backend.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Self::Postgres(_) => f.write_str("postgres://…"),
        }
    }
}

impl DatabaseUrl {
    /// Accepts `sqlite://PATH` (with or without `?mode=rwc`) and `postgres://…`
    /// (or `postgresql://…`).
    pub fn parse(value: &str) -> Result<Self, String> {
        if let Some(rest) = value.strip_prefix("sqlite://").or_else(|| value.strip_prefix("sqlite:")) {
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err("a sqlite URL needs a file path, as in sqlite://data/connectgain.db".into());
            }
            if path == ":memory:" {
                return Err("an in-memory database would lose everything; give a file path".into());
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            return Ok(Self::Postgres(value.to_owned()));
        }
        Err("must start with sqlite:// or postgres://".into())
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// How the logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Human,
    Json,
}

/// SQLite's `synchronous` setting: NORMAL survives a process crash, FULL also a power loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqliteSync {
    Normal,
    Full,
}

/// A setting that could not be used, named as the operator typed it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid {setting}: {message}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub message: String,
}

impl ConfigError {
    pub fn new(setting: &'static str, message: impl Into<String>) -> Self {
        Self { setting, message: message.into() }
    }
}

/// The whole configuration. `Debug` never shows key material.
#[derive(Clone, Debug)]
pub struct Config {
    /// `LEPTOS_SITE_ADDR`: the address the server listens on.
    pub site_addr: SocketAddr,
    /// `LEPTOS_SITE_ROOT`: the built site (WASM, JS, CSS) that the server serves.
    pub site_root: PathBuf,
    /// `CONNECTGAIN_DATA_DIR`: the SQLite file and the master key file live here.
    pub data_dir: PathBuf,
    /// `DATABASE_URL`: defaults to `sqlite://<data dir>/connectgain.db`.
    pub database_url: DatabaseUrl,
    /// `CONNECTGAIN_MASTER_KEY`: when unset, `master.key` in the data directory.
    pub master_key: Option<MasterKey>,
    /// `CONNECTGAIN_OLD_MASTER_KEYS`: comma-separated keys still readable during a rotation.
    pub old_master_keys: Vec<MasterKey>,
    /// `CONNECTGAIN_ALLOW_PRIVATE_TARGETS`: let tenants' webhook URLs reach private addresses.
    pub allow_private_targets: bool,
    /// `CONNECTGAIN_LOG_FORMAT`: `human` (default) or `json`.
    pub log_format: LogFormat,
    /// `CONNECTGAIN_SQLITE_SYNCHRONOUS`: `normal` (default) or `full`.
    pub sqlite_synchronous: SqliteSync,
    /// `CONNECTGAIN_DB_MAX_CONNECTIONS`: the size of the database pool.
    pub db_max_connections: u32,
    /// `CONNECTGAIN_PUBLIC_URL`: how browsers reach this server; `https://` makes cookies Secure.
    pub public_url: String,
    /// `APPGAIN_SIGNUP_WEBHOOK_URL`: called at signup to provision Appgain credentials.
    pub appgain_signup_url: String,
    /// `APPGAIN_SIGNUP_TIMEOUT_MS`: how long signup waits for that webhook.
    pub appgain_signup_timeout: Duration,
    /// `APPGAIN_NOTIFY_BASE_URL`: campaigns are sent to `{base}/{suitId}/send`.
    pub appgain_notify_base_url: String,
    /// `APPGAIN_DEFAULT_SUIT_ID` + `APPGAIN_DEFAULT_API_KEY`: given to organizations that
    /// existed before provisioning.
    pub appgain_default_credentials: Option<(String, SecretString)>,
    /// `CONNECTGAIN_PROVISIONING_RETRY_BASE_MS`: the first provisioning retry; each next one
    /// waits twice as long, up to `CONNECTGAIN_PROVISIONING_RETRY_MAX_MS`.
    pub provisioning_retry_base: Duration,
    pub provisioning_retry_max: Duration,
    /// `CONNECTGAIN_ADMIN_EMAIL` + `CONNECTGAIN_ADMIN_PASSWORD`: a platform admin ensured at start.
    pub admin_bootstrap: Option<(String, SecretString)>,
    /// `CONNECTGAIN_SESSION_TTL_SECS`: how long a login lasts without activity.
    pub session_ttl: Duration,
    /// `CONNECTGAIN_TOKEN_TTL_SECS`: how long an API bearer token lasts.
    pub token_ttl: Duration,
    /// `CONNECTGAIN_LOGIN_MAX_FAILURES`: failed logins per account from one client address
    /// (and 4× that per address across accounts) within 15 minutes before that address's
    /// logins are refused for a while; past it, an account's logins from anywhere are slowed.
    pub login_max_failures: u32,
    /// `CONNECTGAIN_TRUSTED_PROXIES`: reverse proxies (IPs or CIDR blocks, comma-separated)
    /// whose `X-Forwarded-For` names the client for per-address limits; unset, none is.
    pub trusted_proxies: TrustedProxies,
    /// `WHATSAPP_GRAPH_BASE_URL`: the WhatsApp Cloud API (Graph API) base, with its version.
    pub whatsapp_graph_base_url: String,
    /// `TWILIO_BASE_URL`, `VONAGE_BASE_URL`: the SMS providers' API bases.
    pub twilio_base_url: String,
    pub vonage_base_url: String,
    /// `AWS_SNS_ENDPOINT`: unset means `https://sns.<region>.amazonaws.com`.
    pub aws_sns_endpoint: Option<String>,
    /// `N8N_TIMEOUT_MS`: the time limit of one n8n webhook attempt.
    pub n8n_timeout: Duration,
    /// `N8N_RETRY_DELAYS_MS`: the waits before each retry of an n8n webhook call.
    pub n8n_retry_delays: Vec<Duration>,
    /// The outbound event webhook delivery engine.
    pub outbound: OutboundConfig,
    /// Inbound webhooks and provider callbacks.
    pub inbound: InboundConfig,
    /// Limits on what costs us per client address or organization.
    pub quotas: QuotaConfig,
}

/// A number of actions per period: up to `count` at once, then one each `period / count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub count: u32,
    pub period: Duration,
}

impl Rate {
    /// `N/s`, `N/m` or `N/h` (a unit is required: `10` alone could mean any of them).
    fn parse(value: &str) -> Option<Self> {
        let (number, unit) = value.split_once('/')?;
        let count = number.trim().parse::<u32>().ok().filter(|n| *n > 0)?;
        let secs = match unit.trim() {
            "s" | "sec" | "second" => 1,
            "m" | "min" | "minute" => 60,
            "h" | "hour" => 3600,
            _ => return None,
        };
        Some(Self { count, period: Duration::from_secs(secs) })
    }

    /// The refill rate in actions per second.
    pub fn per_second(&self) -> f64 {
        f64::from(self.count) / self.period.as_secs_f64()
    }
}

/// Limits on requests that cost an argon2 hash, an outbound call, a tenant or a guess at a
/// key. The rates are token buckets kept by each server instance; the subscription cap is
/// counted in the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotaConfig {
    /// `CONNECTGAIN_SIGNUP_LIMIT` (`10/h`): signups and invitation accepts per client address.
    pub signups: Rate,
    /// `CONNECTGAIN_INBOUND_KEY_FAILURE_LIMIT` (`20/m`): failed inbound API key checks per
    /// client address; past it, the address is answered 429 before its key is checked.
    pub inbound_key_failures: Rate,
    /// `CONNECTGAIN_WEBHOOK_TEST_LIMIT` (`60/m`): webhook test sends per organization.
    pub test_sends: Rate,
    /// `CONNECTGAIN_MAX_SUBSCRIPTIONS` (50): event subscriptions per organization.
    pub max_subscriptions: u32,
}

impl QuotaConfig {
    fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let rate = |name: &'static str, default: Rate| match get(name) {
            None => Ok(default),
            Some(v) => Rate::parse(&v).ok_or_else(|| ConfigError::new(name, format!("`{v}` is not a rate such as 10/h, 20/m or 5/s"))),
        };
        let minute = Duration::from_secs(60);
        let signups = rate("CONNECTGAIN_SIGNUP_LIMIT", Rate { count: 10, period: Duration::from_secs(3600) })?;
        let inbound_key_failures = rate("CONNECTGAIN_INBOUND_KEY_FAILURE_LIMIT", Rate { count: 20, period: minute })?;
        let test_sends = rate("CONNECTGAIN_WEBHOOK_TEST_LIMIT", Rate { count: 60, period: minute })?;
        const MAX: &str = "CONNECTGAIN_MAX_SUBSCRIPTIONS";
        let max_subscriptions = match get(MAX) {
            None => 50,
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=100_000).contains(n))
                .ok_or_else(|| ConfigError::new(MAX, format!("`{v}` is not a whole number from 1 to 100000")))?,
        };
        Ok(Self { signups, inbound_key_failures, test_sends, max_subscriptions })
    }
}

/// Settings of inbound webhooks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundConfig {
    /// `CONNECTGAIN_INBOUND_RATE_LIMIT` (`100/s`): accepted requests per tenant and server
    /// instance, per second (`N` or `N/s`) or per minute (`N/m`).
    pub rate_per_minute: u32,
    /// `CONNECTGAIN_INBOUND_RATE_BURST` (twice the per-second rate, at least 10): how many
    /// requests a quiet tenant may send at once.
    pub burst: u32,
    /// `CONNECTGAIN_INBOUND_MAX_BODY_BYTES` (1048576): larger bodies answer 413.
    pub max_body_bytes: usize,
}

impl InboundConfig {
    fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        const RATE: &str = "CONNECTGAIN_INBOUND_RATE_LIMIT";
        let rate_per_minute = match get(RATE) {
            None => 6000,
            Some(v) => parse_rate(&v).ok_or_else(|| ConfigError::new(RATE, format!("`{v}` is not a rate such as 100/s or 600/m")))?,
        };
        let default_burst = (rate_per_minute / 60 * 2).max(10);
        let whole = |name: &'static str, default: u64, max: u64| -> Result<u64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| ConfigError::new(name, format!("`{v}` is not a whole number from 1 to {max}"))),
            }
        };
        let burst = whole("CONNECTGAIN_INBOUND_RATE_BURST", u64::from(default_burst), 100_000_000)? as u32;
        let max_body_bytes = whole("CONNECTGAIN_INBOUND_MAX_BODY_BYTES", 1 << 20, 64 << 20)? as usize;
        Ok(Self { rate_per_minute, burst, max_body_bytes })
    }

    /// The refill rate in tokens per second.
    pub fn per_second(&self) -> f64 {
        f64::from(self.rate_per_minute) / 60.0
    }
}

/// `N`, `N/s` or `N/m` as requests per minute.
fn parse_rate(value: &str) -> Option<u32> {
    let (number, per) = match value.split_once('/') {
        Some((n, unit)) => (n.trim(), unit.trim()),
        None => (value, "s"),
    };
    let n = number.parse::<u32>().ok().filter(|n| *n > 0)?;
    match per {
        "s" | "sec" | "second" => n.checked_mul(60),
        "m" | "min" | "minute" => Some(n),
        _ => None,
    }
}

/// Settings of the outbound event webhook worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboundConfig {
    /// `CONNECTGAIN_WEBHOOK_TIMEOUT_MS` (15000): the time limit of one delivery attempt.
    pub timeout: Duration,
    /// `CONNECTGAIN_WEBHOOK_RETRY_SCHEDULE` (`5s,30s,2m,10m,30m,1h,3h,6h,12h,24h`): the waits
    /// before each retry (±20 % jitter); a delivery is dead after the last.
    pub retry_schedule: Vec<Duration>,
    /// `CONNECTGAIN_WEBHOOK_CONCURRENCY` (256): deliveries in flight per server instance.
    pub concurrency: usize,
    /// `CONNECTGAIN_WEBHOOK_ENDPOINT_CONCURRENCY` (16): requests in flight to one subscription.
    pub endpoint_concurrency: usize,
    /// `CONNECTGAIN_WEBHOOKS_HTTPS_ONLY` (false): refuse `http://` subscription URLs.
    pub https_only: bool,
    /// `CONNECTGAIN_WEBHOOK_LEASE_MS` (timeout + 60000): how long a claimed delivery is left
    /// alone by other instances; a crashed instance's deliveries fall due again after it.
    pub lease: Duration,
}

impl OutboundConfig {
    fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let timeout = duration(get("CONNECTGAIN_WEBHOOK_TIMEOUT_MS"), "CONNECTGAIN_WEBHOOK_TIMEOUT_MS", 15_000, Duration::from_millis)?;
        let retry_schedule = match get("CONNECTGAIN_WEBHOOK_RETRY_SCHEDULE") {
            None => crate::outbound::schedule::DEFAULT_SCHEDULE.to_vec(),
            Some(v) => crate::outbound::schedule::parse_schedule(&v).map_err(|m| ConfigError::new("CONNECTGAIN_WEBHOOK_RETRY_SCHEDULE", m))?,
        };
        let count = |name: &'static str, default: usize| -> Result<usize, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) => v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=10_000).contains(n))
                    .ok_or_else(|| ConfigError::new(name, format!("`{v}` is not a whole number from 1 to 10000"))),
            }
        };
        let concurrency = count("CONNECTGAIN_WEBHOOK_CONCURRENCY", 256)?;
        let endpoint_concurrency = count("CONNECTGAIN_WEBHOOK_ENDPOINT_CONCURRENCY", 16)?;
        let https_only = parse_bool(get("CONNECTGAIN_WEBHOOKS_HTTPS_ONLY"), "CONNECTGAIN_WEBHOOKS_HTTPS_ONLY", false)?;
        let lease_default = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX / 2) + 60_000;
        let lease = duration(get("CONNECTGAIN_WEBHOOK_LEASE_MS"), "CONNECTGAIN_WEBHOOK_LEASE_MS", lease_default, Duration::from_millis)?;
        if lease <= timeout {
            return Err(ConfigError::new("CONNECTGAIN_WEBHOOK_LEASE_MS", "must be longer than CONNECTGAIN_WEBHOOK_TIMEOUT_MS"));
        }
        Ok(Self { timeout, retry_schedule, concurrency, endpoint_concurrency, https_only, lease })
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests can configure without touching the
    /// process environment. Empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());

        let site_addr = match get("LEPTOS_SITE_ADDR") {
            Some(v) => v.parse().map_err(|_| ConfigError::new("LEPTOS_SITE_ADDR", format!("`{v}` is not an address such as 127.0.0.1:3000")))?,
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        };
        let site_root = PathBuf::from(get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()));
        let data_dir = PathBuf::from(get("CONNECTGAIN_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = match get("DATABASE_URL") {
            Some(v) => DatabaseUrl::parse(&v).map_err(|m| ConfigError::new("DATABASE_URL", m))?,
            None => DatabaseUrl::Sqlite(data_dir.join("connectgain.db")),
        };
        let master_key = get("CONNECTGAIN_MASTER_KEY").map(|v| MasterKey::parse(&v).map_err(|m| ConfigError::new("CONNECTGAIN_MASTER_KEY", m))).transpose()?;
        let old_master_keys = get("CONNECTGAIN_OLD_MASTER_KEYS")
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .enumerate()
                    .map(|(i, k)| MasterKey::parse(k).map_err(|m| ConfigError::new("CONNECTGAIN_OLD_MASTER_KEYS", format!("key {}: {m}", i + 1))))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();
        let allow_private_targets = parse_bool(get("CONNECTGAIN_ALLOW_PRIVATE_TARGETS"), "CONNECTGAIN_ALLOW_PRIVATE_TARGETS", false)?;
        let log_format = match get("CONNECTGAIN_LOG_FORMAT").as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("human") => LogFormat::Human,
            Some("json") => LogFormat::Json,
            Some(other) => return Err(ConfigError::new("CONNECTGAIN_LOG_FORMAT", format!("`{other}` is neither human nor json"))),
        };
        let sqlite_synchronous = match get("CONNECTGAIN_SQLITE_SYNCHRONOUS").as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("normal") => SqliteSync::Normal,
            Some("full") => SqliteSync::Full,
            Some(other) => return Err(ConfigError::new("CONNECTGAIN_SQLITE_SYNCHRONOUS", format!("`{other}` is neither normal nor full"))),
        };
        let db_max_connections = match get("CONNECTGAIN_DB_MAX_CONNECTIONS") {
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or_else(|| ConfigError::new("CONNECTGAIN_DB_MAX_CONNECTIONS", format!("`{v}` is not a whole number from 1 to 1000")))?,
            None => 10,
        };

        let public_url = match get("CONNECTGAIN_PUBLIC_URL") {
            Some(v) => parse_http_url(&v).map_err(|m| ConfigError::new("CONNECTGAIN_PUBLIC_URL", m))?,
            None => format!("http://{site_addr}"),
        };
        let url_setting = |name: &'static str, default: &str| -> Result<String, ConfigError> {
            get(name).map_or(Ok(default.to_owned()), |v| parse_http_url(&v).map_err(|m| ConfigError::new(name, m)))
        };
        let appgain_signup_url = url_setting("APPGAIN_SIGNUP_WEBHOOK_URL", DEFAULT_APPGAIN_SIGNUP_URL)?;
        let appgain_notify_base_url = url_setting("APPGAIN_NOTIFY_BASE_URL", DEFAULT_APPGAIN_NOTIFY_BASE_URL)?;
        let appgain_default_credentials = match (get("APPGAIN_DEFAULT_SUIT_ID"), get("APPGAIN_DEFAULT_API_KEY")) {
            (Some(suit), Some(key)) => Some((suit, SecretString::from(key))),
            (None, None) => None,
            (Some(_), None) => return Err(ConfigError::new("APPGAIN_DEFAULT_SUIT_ID", "needs APPGAIN_DEFAULT_API_KEY too")),
            (None, Some(_)) => return Err(ConfigError::new("APPGAIN_DEFAULT_API_KEY", "needs APPGAIN_DEFAULT_SUIT_ID too")),
        };
        let admin_bootstrap = match (get("CONNECTGAIN_ADMIN_EMAIL"), lookup("CONNECTGAIN_ADMIN_PASSWORD").filter(|p| !p.is_empty())) {
            (Some(email), Some(password)) => Some((email, SecretString::from(password))),
            (None, None) => None,
            (Some(_), None) => return Err(ConfigError::new("CONNECTGAIN_ADMIN_EMAIL", "needs CONNECTGAIN_ADMIN_PASSWORD too")),
            (None, Some(_)) => return Err(ConfigError::new("CONNECTGAIN_ADMIN_PASSWORD", "needs CONNECTGAIN_ADMIN_EMAIL too")),
        };
        let millis = |name: &'static str, default: u64| duration(get(name), name, default, Duration::from_millis);
        let secs = |name: &'static str, default: u64| duration(get(name), name, default, Duration::from_secs);
        let appgain_signup_timeout = millis("APPGAIN_SIGNUP_TIMEOUT_MS", 5_000)?;
        let provisioning_retry_base = millis("CONNECTGAIN_PROVISIONING_RETRY_BASE_MS", 10_000)?;
        let provisioning_retry_max = millis("CONNECTGAIN_PROVISIONING_RETRY_MAX_MS", 3_600_000)?;
        let session_ttl = secs("CONNECTGAIN_SESSION_TTL_SECS", 7 * 24 * 3600)?;
        let token_ttl = secs("CONNECTGAIN_TOKEN_TTL_SECS", 7 * 24 * 3600)?;
        let login_max_failures = match get("CONNECTGAIN_LOGIN_MAX_FAILURES") {
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| ConfigError::new("CONNECTGAIN_LOGIN_MAX_FAILURES", format!("`{v}` is not a whole number of at least 1")))?,
            None => 5,
        };
        let trusted_proxies = get("CONNECTGAIN_TRUSTED_PROXIES")
            .map(|v| TrustedProxies::parse(&v).map_err(|m| ConfigError::new("CONNECTGAIN_TRUSTED_PROXIES", m)))
            .transpose()?
            .unwrap_or_default();

        let n8n_timeout = millis("N8N_TIMEOUT_MS", 30_000)?;
        let n8n_retry_delays = match get("N8N_RETRY_DELAYS_MS") {
            None => vec![Duration::from_secs(1), Duration::from_secs(2), Duration::from_secs(4)],
            Some(v) => v
                .split(',')
                .map(|d| d.trim().parse::<u64>().map(Duration::from_millis))
                .collect::<Result<Vec<_>, _>>()
                .ok()
                .filter(|d| d.len() <= 10)
                .ok_or_else(|| ConfigError::new("N8N_RETRY_DELAYS_MS", format!("`{v}` is not a comma-separated list of milliseconds")))?,
        };

        let whatsapp_graph_base_url = url_setting("WHATSAPP_GRAPH_BASE_URL", "https://graph.facebook.com/v21.0")?;
        let twilio_base_url = url_setting("TWILIO_BASE_URL", "https://api.twilio.com")?;
        let vonage_base_url = url_setting("VONAGE_BASE_URL", "https://rest.nexmo.com")?;
        let aws_sns_endpoint = get("AWS_SNS_ENDPOINT").map(|v| parse_http_url(&v).map_err(|m| ConfigError::new("AWS_SNS_ENDPOINT", m))).transpose()?;

        let outbound = OutboundConfig::from_lookup(&get)?;
        let inbound = InboundConfig::from_lookup(&get)?;
        let quotas = QuotaConfig::from_lookup(&get)?;

        Ok(Self {
            outbound,
            inbound,
            quotas,
            whatsapp_graph_base_url,
            twilio_base_url,
            vonage_base_url,
            aws_sns_endpoint,
            n8n_timeout,
            n8n_retry_delays,
            public_url,
            appgain_signup_url,
            appgain_signup_timeout,
            appgain_notify_base_url,
            appgain_default_credentials,
            provisioning_retry_base,
            provisioning_retry_max,
            admin_bootstrap,
            session_ttl,
            token_ttl,
            login_max_failures,
            trusted_proxies,
            site_addr,
            site_root,
            data_dir,
            database_url,
            master_key,
            old_master_keys,
            allow_private_targets,
            log_format,
            sqlite_synchronous,
            db_max_connections,
        })
    }
}

/// A positive whole number of `unit`s.
fn duration(value: Option<String>, setting: &'static str, default: u64, unit: fn(u64) -> Duration) -> Result<Duration, ConfigError> {
    match value {
        None => Ok(unit(default)),
        Some(v) => v.parse::<u64>().ok().filter(|n| *n > 0).map(unit).ok_or_else(|| ConfigError::new(setting, format!("`{v}` is not a positive whole number"))),
    }
}

/// An absolute `http://` or `https://` URL, without a trailing slash.
fn parse_http_url(value: &str) -> Result<String, String> {
    let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') && !value.contains(char::is_whitespace) => Ok(value.trim_end_matches('/').to_owned()),
        _ => Err(format!("`{value}` is not an http:// or https:// URL")),
    }
}

/// Booleans accept `true/false/1/0` (any case).
fn parse_bool(value: Option<String>, setting: &'static str, default: bool) -> Result<bool, ConfigError> {
    match value.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("true" | "1") => Ok(true),
        Some("false" | "0") => Ok(false),
        Some(other) => Err(ConfigError::new(setting, format!("`{other}` is not one of true, false, 1, 0"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_need_no_settings() {
        let c = config(&[]).unwrap();
        assert_eq!(c.site_addr, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(c.data_dir, PathBuf::from("./data"));
        assert_eq!(c.database_url, DatabaseUrl::Sqlite(PathBuf::from("./data/connectgain.db")));
        assert!(c.master_key.is_none());
        assert!(!c.allow_private_targets);
        assert_eq!(c.log_format, LogFormat::Human);
        assert_eq!(c.sqlite_synchronous, SqliteSync::Normal);
    }

    #[test]
    fn sqlite_url_with_or_without_mode() {
        for url in ["sqlite://x/y.db", "sqlite://x/y.db?mode=rwc", "sqlite:x/y.db"] {
            let c = config(&[("DATABASE_URL", url)]).unwrap();
            assert_eq!(c.database_url, DatabaseUrl::Sqlite(PathBuf::from("x/y.db")), "{url}");
        }
    }

    #[test]
    fn postgres_url_is_kept_whole_but_not_printed() {
        let c = config(&[("DATABASE_URL", "postgres://u:pw@127.0.0.1/db")]).unwrap();
        assert_eq!(c.database_url, DatabaseUrl::Postgres("postgres://u:pw@127.0.0.1/db".into()));
        assert!(!format!("{c:?}").contains("pw"));
    }

    #[test]
    fn bad_values_name_their_setting() {
        let cases = [
            ("DATABASE_URL", "mysql://localhost/x"),
            ("CONNECTGAIN_MASTER_KEY", "not-a-key"),
            ("CONNECTGAIN_OLD_MASTER_KEYS", "abcd"),
            ("LEPTOS_SITE_ADDR", "localhost"),
            ("CONNECTGAIN_ALLOW_PRIVATE_TARGETS", "yes"),
            ("CONNECTGAIN_LOG_FORMAT", "xml"),
            ("CONNECTGAIN_SQLITE_SYNCHRONOUS", "off"),
            ("CONNECTGAIN_DB_MAX_CONNECTIONS", "0"),
            ("CONNECTGAIN_PUBLIC_URL", "example.com"),
            ("APPGAIN_SIGNUP_WEBHOOK_URL", "ftp://x"),
            ("APPGAIN_SIGNUP_TIMEOUT_MS", "soon"),
            ("APPGAIN_DEFAULT_API_KEY", "key-without-suit"),
            ("CONNECTGAIN_ADMIN_EMAIL", "admin@example.com"),
            ("CONNECTGAIN_LOGIN_MAX_FAILURES", "0"),
            ("CONNECTGAIN_TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal"),
            ("N8N_RETRY_DELAYS_MS", "1s,2s"),
            ("N8N_TIMEOUT_MS", "0"),
        ];
        for (setting, value) in cases {
            let err = config(&[(setting, value)]).unwrap_err();
            assert_eq!(err.setting, setting);
            assert!(err.to_string().starts_with(&format!("invalid {setting}: ")), "{err}");
        }
    }

    #[test]
    fn outbound_defaults_are_the_documented_ones() {
        let o = config(&[]).unwrap().outbound;
        assert_eq!(o.timeout, Duration::from_secs(15));
        let minutes: Vec<u64> = o.retry_schedule.iter().map(|d| d.as_secs()).collect();
        assert_eq!(minutes, [5, 30, 120, 600, 1800, 3600, 10_800, 21_600, 43_200, 86_400]);
        assert_eq!((o.concurrency, o.endpoint_concurrency, o.https_only), (256, 16, false));
        assert_eq!(o.lease, Duration::from_secs(75));
    }

    #[test]
    fn outbound_settings_parse_and_bad_ones_name_themselves() {
        let o = config(&[
            ("CONNECTGAIN_WEBHOOK_TIMEOUT_MS", "500"),
            ("CONNECTGAIN_WEBHOOK_RETRY_SCHEDULE", "100ms, 2s,1m"),
            ("CONNECTGAIN_WEBHOOK_CONCURRENCY", "8"),
            ("CONNECTGAIN_WEBHOOK_ENDPOINT_CONCURRENCY", "2"),
            ("CONNECTGAIN_WEBHOOKS_HTTPS_ONLY", "1"),
            ("CONNECTGAIN_WEBHOOK_LEASE_MS", "1000"),
        ])
        .unwrap()
        .outbound;
        assert_eq!(o.timeout, Duration::from_millis(500));
        assert_eq!(o.retry_schedule, [Duration::from_millis(100), Duration::from_secs(2), Duration::from_secs(60)]);
        assert_eq!((o.concurrency, o.endpoint_concurrency, o.https_only, o.lease), (8, 2, true, Duration::from_secs(1)));
        for (setting, value) in [
            ("CONNECTGAIN_WEBHOOK_TIMEOUT_MS", "fast"),
            ("CONNECTGAIN_WEBHOOK_RETRY_SCHEDULE", "5s,soon"),
            ("CONNECTGAIN_WEBHOOK_CONCURRENCY", "0"),
            ("CONNECTGAIN_WEBHOOK_ENDPOINT_CONCURRENCY", "-1"),
            ("CONNECTGAIN_WEBHOOKS_HTTPS_ONLY", "maybe"),
            ("CONNECTGAIN_WEBHOOK_LEASE_MS", "10"),
        ] {
            assert_eq!(config(&[(setting, value)]).unwrap_err().setting, setting);
        }
    }

    #[test]
    fn inbound_defaults_and_rates() {
        let i = config(&[]).unwrap().inbound;
        assert_eq!((i.rate_per_minute, i.burst, i.max_body_bytes), (6000, 200, 1_048_576));
        let i = config(&[("CONNECTGAIN_INBOUND_RATE_LIMIT", "30/m"), ("CONNECTGAIN_INBOUND_RATE_BURST", "3")]).unwrap().inbound;
        assert_eq!((i.rate_per_minute, i.burst), (30, 3));
        assert_eq!(config(&[("CONNECTGAIN_INBOUND_RATE_LIMIT", "5")]).unwrap().inbound.rate_per_minute, 300);
        for (setting, value) in [
            ("CONNECTGAIN_INBOUND_RATE_LIMIT", "fast"),
            ("CONNECTGAIN_INBOUND_RATE_LIMIT", "0/s"),
            ("CONNECTGAIN_INBOUND_RATE_LIMIT", "5/h"),
            ("CONNECTGAIN_INBOUND_RATE_BURST", "0"),
            ("CONNECTGAIN_INBOUND_MAX_BODY_BYTES", "big"),
        ] {
            assert_eq!(config(&[(setting, value)]).unwrap_err().setting, setting);
        }
    }

    #[test]
    fn quotas_have_working_defaults_and_parse_rates() {
        let q = config(&[]).unwrap().quotas;
        assert_eq!(q.signups, Rate { count: 10, period: Duration::from_secs(3600) });
        assert_eq!(q.inbound_key_failures, Rate { count: 20, period: Duration::from_secs(60) });
        assert_eq!(q.test_sends, Rate { count: 60, period: Duration::from_secs(60) });
        assert_eq!(q.max_subscriptions, 50);
        let q = config(&[("CONNECTGAIN_SIGNUP_LIMIT", "3/m"), ("CONNECTGAIN_WEBHOOK_TEST_LIMIT", "2 / s")]).unwrap().quotas;
        assert_eq!((q.signups.count, q.signups.period.as_secs()), (3, 60));
        assert_eq!((q.test_sends.count, q.test_sends.period.as_secs()), (2, 1));
        for (setting, value) in [
            ("CONNECTGAIN_SIGNUP_LIMIT", "10"),
            ("CONNECTGAIN_SIGNUP_LIMIT", "0/h"),
            ("CONNECTGAIN_INBOUND_KEY_FAILURE_LIMIT", "5/d"),
            ("CONNECTGAIN_WEBHOOK_TEST_LIMIT", "many/m"),
            ("CONNECTGAIN_MAX_SUBSCRIPTIONS", "0"),
        ] {
            assert_eq!(config(&[(setting, value)]).unwrap_err().setting, setting);
        }
    }

    #[test]
    fn trusted_proxies_are_none_unless_named() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        assert!(!config(&[]).unwrap().trusted_proxies.contains(ip("127.0.0.1")));
        let c = config(&[("CONNECTGAIN_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")]).unwrap();
        assert!(c.trusted_proxies.contains(ip("127.0.0.1")) && c.trusted_proxies.contains(ip("10.20.30.40")));
        let err = config(&[("CONNECTGAIN_TRUSTED_PROXIES", "10.0.0.0/40")]).unwrap_err();
        assert_eq!(err.to_string(), "invalid CONNECTGAIN_TRUSTED_PROXIES: `10.0.0.0/40` is not an IP address or a CIDR block such as 10.0.0.0/8");
    }

    #[test]
    fn booleans_accept_words_and_digits() {
        for (v, want) in [("true", true), ("1", true), ("TRUE", true), ("false", false), ("0", false)] {
            let c = config(&[("CONNECTGAIN_ALLOW_PRIVATE_TARGETS", v)]).unwrap();
            assert_eq!(c.allow_private_targets, want, "{v}");
        }
    }

    #[test]
    fn master_key_from_env_is_hidden_in_debug() {
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let c = config(&[("CONNECTGAIN_MASTER_KEY", hex)]).unwrap();
        assert!(c.master_key.is_some());
        assert!(!format!("{c:?}").contains("00112233"));
    }
}
