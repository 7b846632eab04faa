//! Logins, sessions and tokens, and the platform admin ensured at start.

use std::time::Duration;

use secrecy::SecretString;

use super::{duration, ConfigError, Lookup};
use crate::trusted_proxies::TrustedProxies;

#[derive(Clone, Debug)]
pub struct AccountsConfig {
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
}

impl AccountsConfig {
    /// `raw` reads a setting untrimmed (a password may end in a space).
    pub(super) fn from_lookup(get: Lookup<'_>, raw: Lookup<'_>) -> Result<Self, ConfigError> {
        let admin_bootstrap = match (get("CONNECTGAIN_ADMIN_EMAIL"), raw("CONNECTGAIN_ADMIN_PASSWORD").filter(|p| !p.is_empty())) {
            (Some(email), Some(password)) => Some((email, SecretString::from(password))),
            (None, None) => None,
            (Some(_), None) => return Err(ConfigError::new("CONNECTGAIN_ADMIN_EMAIL", "needs CONNECTGAIN_ADMIN_PASSWORD too")),
            (None, Some(_)) => return Err(ConfigError::new("CONNECTGAIN_ADMIN_PASSWORD", "needs CONNECTGAIN_ADMIN_EMAIL too")),
        };
        let secs = |name: &'static str, default: u64| duration(get(name), name, default, Duration::from_secs);
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
        Ok(Self {
            admin_bootstrap,
            session_ttl: secs("CONNECTGAIN_SESSION_TTL_SECS", 7 * 24 * 3600)?,
            token_ttl: secs("CONNECTGAIN_TOKEN_TTL_SECS", 7 * 24 * 3600)?,
            login_max_failures,
            trusted_proxies,
        })
    }
}
