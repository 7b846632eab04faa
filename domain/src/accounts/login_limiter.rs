//! Throttles password guessing: failed logins are counted per account and per client
//! address over a sliding window; past the limit, logins are refused until it clears.
//! Counts live in this process (each instance limits on its own).

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

const WINDOW: Duration = Duration::from_secs(15 * 60);
/// A client address may fail this many times more than one account, since several people
/// may share it.
const PER_ADDRESS_FACTOR: u32 = 4;

pub struct LoginLimiter {
    max_per_account: u32,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    pub fn new(max_per_account: u32) -> Self {
        Self { max_per_account, failures: Mutex::new(HashMap::new()) }
    }

    /// `Err(seconds)` to wait when this account or address has failed too often lately.
    pub fn check(&self, account: &str, address: Option<&str>) -> Result<(), u64> {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("limiter lock");
        let mut wait = None;
        for (key, max) in keys(account, address, self.max_per_account) {
            if let Some(times) = failures.get_mut(&key) {
                times.retain(|t| now.duration_since(*t) < WINDOW);
                if times.len() >= max as usize {
                    let until = times[times.len() - max as usize] + WINDOW;
                    let secs = until.saturating_duration_since(now).as_secs().max(1);
                    wait = Some(wait.map_or(secs, |w: u64| w.max(secs)));
                }
            }
        }
        wait.map_or(Ok(()), Err)
    }

    pub fn record_failure(&self, account: &str, address: Option<&str>) {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("limiter lock");
        if failures.len() > 100_000 {
            // Bound memory under a flood of distinct names: forget the stale entries.
            failures.retain(|_, times| times.last().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        for (key, _) in keys(account, address, self.max_per_account) {
            failures.entry(key).or_default().push(now);
        }
    }

    /// A successful login clears the account's count (not the address's).
    pub fn record_success(&self, account: &str) {
        self.failures.lock().expect("limiter lock").remove(&format!("account:{account}"));
    }
}

fn keys(account: &str, address: Option<&str>, max: u32) -> Vec<(String, u32)> {
    let mut keys = vec![(format!("account:{account}"), max)];
    if let Some(address) = address {
        keys.push((format!("address:{address}"), max * PER_ADDRESS_FACTOR));
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_locked_after_its_limit_and_others_are_not() {
        let limiter = LoginLimiter::new(3);
        for _ in 0..3 {
            assert!(limiter.check("a@x.io", Some("1.1.1.1")).is_ok());
            limiter.record_failure("a@x.io", Some("1.1.1.1"));
        }
        let wait = limiter.check("a@x.io", Some("2.2.2.2")).unwrap_err();
        assert!(wait > 800 && wait <= 900, "{wait}");
        assert!(limiter.check("b@x.io", Some("1.1.1.1")).is_ok());
    }

    #[test]
    fn an_address_is_locked_after_four_times_the_limit_across_accounts() {
        let limiter = LoginLimiter::new(2);
        for i in 0..8 {
            limiter.record_failure(&format!("user{i}@x.io"), Some("9.9.9.9"));
        }
        assert!(limiter.check("fresh@x.io", Some("9.9.9.9")).is_err());
        assert!(limiter.check("fresh@x.io", Some("8.8.8.8")).is_ok());
    }

    #[test]
    fn success_clears_the_account() {
        let limiter = LoginLimiter::new(1);
        limiter.record_failure("a@x.io", None);
        assert!(limiter.check("a@x.io", None).is_err());
        limiter.record_success("a@x.io");
        assert!(limiter.check("a@x.io", None).is_ok());
    }
}
