//! The outbound event webhook delivery engine.

use std::time::Duration;

use super::{duration, parse_bool, ConfigError};

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
    /// `CONNECTGAIN_WEBHOOK_DISABLE_AFTER` (`5d`): a subscription whose attempts have all
    /// failed for this long is turned off (checked at each failed attempt).
    pub disable_after: Duration,
}

impl OutboundConfig {
    pub(super) fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
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
        let disable_after = match get("CONNECTGAIN_WEBHOOK_DISABLE_AFTER") {
            None => Duration::from_secs(5 * 86_400),
            Some(v) => crate::outbound::schedule::parse_span(v.trim())
                .ok()
                .filter(|d| !d.is_zero())
                .ok_or_else(|| ConfigError::new("CONNECTGAIN_WEBHOOK_DISABLE_AFTER", format!("`{v}` is not a duration such as 5d, 12h, 3s or 3000ms")))?,
        };
        Ok(Self { timeout, retry_schedule, concurrency, endpoint_concurrency, https_only, lease, disable_after })
    }
}
