//! Inbound webhooks and provider callbacks.

use super::ConfigError;

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
    pub(super) fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
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
