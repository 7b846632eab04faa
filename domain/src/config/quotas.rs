//! Limits on what costs us per client address or organization.

use std::time::Duration;

use super::ConfigError;

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
    pub(super) fn from_lookup(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
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
