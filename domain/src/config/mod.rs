//! Configuration from environment variables, validated once at start.
//!
//! Every setting has a documented default (see the README's table); a bad value stops the
//! program with a one-line message that names the setting.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use crate::crypto::MasterKey;

mod accounts;
mod appgain;
mod inbound;
mod mail;
mod outbound;
mod providers;
mod quotas;

pub use accounts::AccountsConfig;
pub use appgain::{AppgainConfig, DEFAULT_APPGAIN_NOTIFY_BASE_URL, DEFAULT_APPGAIN_SIGNUP_URL};
pub use inbound::InboundConfig;
pub use mail::MailConfig;
pub use outbound::OutboundConfig;
pub use providers::ProvidersConfig;
pub use quotas::{QuotaConfig, Rate};

/// Reads one setting (trimmed; empty counts as unset).
type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

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
    /// Appgain: provisioning at signup and campaigns.
    pub appgain: AppgainConfig,
    /// Logins, sessions, tokens and the admin ensured at start.
    pub accounts: AccountsConfig,
    /// The messaging providers' and n8n's APIs.
    pub providers: ProvidersConfig,
    /// The outbound event webhook delivery engine.
    pub outbound: OutboundConfig,
    /// Inbound webhooks and provider callbacks.
    pub inbound: InboundConfig,
    /// Limits on what costs us per client address or organization.
    pub quotas: QuotaConfig,
    /// SMTP for mail to owners; `None`: no mail.
    pub mail: Option<MailConfig>,
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
        let outbound = OutboundConfig::from_lookup(&get)?;
        let inbound = InboundConfig::from_lookup(&get)?;
        let quotas = QuotaConfig::from_lookup(&get)?;
        let appgain = AppgainConfig::from_lookup(&get)?;
        let accounts = AccountsConfig::from_lookup(&get, &lookup)?;
        let providers = ProvidersConfig::from_lookup(&get)?;
        let mail = MailConfig::from_lookup(&get)?;

        Ok(Self {
            mail,
            outbound,
            inbound,
            quotas,
            appgain,
            accounts,
            providers,
            public_url,
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

/// A URL setting, `default` when unset.
fn url_setting(get: Lookup<'_>, name: &'static str, default: &str) -> Result<String, ConfigError> {
    get(name).map_or(Ok(default.to_owned()), |v| parse_http_url(&v).map_err(|m| ConfigError::new(name, m)))
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
        assert!(!config(&[]).unwrap().accounts.trusted_proxies.contains(ip("127.0.0.1")));
        let c = config(&[("CONNECTGAIN_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")]).unwrap();
        assert!(c.accounts.trusted_proxies.contains(ip("127.0.0.1")) && c.accounts.trusted_proxies.contains(ip("10.20.30.40")));
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
