//! Throttles password guessing without letting a stranger lock an owner out.
//!
//! Failed logins are counted over a sliding window, three ways:
//! - per account *and* client address: past `max`, that address's logins to that account
//!   are refused (429) until the oldest failure ages out;
//! - per client address across accounts: likewise past `4 × max` (one address trying many
//!   accounts). IPv6 addresses count per /64, which one subscriber usually holds whole;
//! - per account from anywhere: never refused, since anyone can fail on purpose against
//!   anyone's account. Past `max`, each attempt first waits, twice as long per further
//!   failure up to [`MAX_DELAY`]: guessing from many addresses slows down while the owner,
//!   from an address of their own, still gets in.
//!
//! An attempt is reserved before its password is verified (the slow part) and counts
//! against the limits from that moment, in the same locked step as the check; so concurrent
//! guesses cannot all pass the check before the first failure is recorded. A success does
//! not wipe earlier failures (they age out), so interleaving a known password buys no extra
//! guesses. Counts live in this process (each instance limits on its own).

use std::{
    collections::HashMap,
    net::{IpAddr, Ipv6Addr},
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
    time::{Duration, Instant},
};

const WINDOW: Duration = Duration::from_secs(15 * 60);
/// A client address may fail this many times more than one account, since several people
/// may share it.
const PER_ADDRESS_FACTOR: u32 = 4;
/// The first wait once an account is past its limit, and the longest.
const FIRST_DELAY: Duration = Duration::from_millis(500);
pub const MAX_DELAY: Duration = Duration::from_secs(8);
/// Past this many keys, stale ones are forgotten (bounds memory under a flood of names).
const MAX_KEYS: usize = 100_000;

pub struct LoginLimiter {
    max_per_account: u32,
    counts: Mutex<HashMap<String, Count>>,
    verifications: AtomicU64,
}

/// One key's recent failures (oldest first) and its attempts still being verified.
#[derive(Default)]
struct Count {
    failures: Vec<Instant>,
    pending: u32,
}

impl Count {
    /// Failures in the window plus attempts in flight (each may yet fail).
    fn used(&mut self, now: Instant) -> usize {
        self.failures.retain(|t| now.duration_since(*t) < WINDOW);
        self.failures.len() + self.pending as usize
    }

    /// Whole seconds until one more attempt fits under `max` (at least 1).
    fn wait(&self, now: Instant, max: usize) -> u64 {
        let to_expire = self.failures.len() + self.pending as usize + 1 - max;
        let until = self.failures.get(to_expire - 1).map(|t| *t + WINDOW);
        until.map_or(1, |u| u.saturating_duration_since(now).as_secs().max(1))
    }
}

/// A reserved login attempt: it counts as a failure unless [`Attempt::succeeded`] is
/// called, also when it is dropped half-way (the request went away while its hash was
/// being checked), so that hanging up cannot buy unlimited verifications.
pub struct Attempt<'a> {
    limiter: &'a LoginLimiter,
    keys: [String; 3],
    delay: Duration,
    settled: bool,
}

impl LoginLimiter {
    pub fn new(max_per_account: u32) -> Self {
        Self { max_per_account, counts: Mutex::new(HashMap::new()), verifications: AtomicU64::new(0) }
    }

    /// Reserves an attempt at `account` from `address`, or `Err(seconds)` to wait when that
    /// address has failed too often lately. The attempt should wait [`Attempt::delay`]
    /// before verifying the password.
    pub fn reserve(&self, account: &str, address: Option<&str>) -> Result<Attempt<'_>, u64> {
        let now = Instant::now();
        let address = address_key(address);
        let keys = [format!("pair:{account}|{address}"), format!("address:{address}"), format!("account:{account}")];
        let max = self.max_per_account as usize;
        let limits = [max, max.saturating_mul(PER_ADDRESS_FACTOR as usize)];
        let mut counts = self.counts.lock().expect("limiter lock");
        if counts.len() > MAX_KEYS {
            counts.retain(|_, c| c.pending > 0 || c.failures.last().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        let mut wait = None;
        for (key, limit) in keys.iter().zip(limits) {
            if let Some(count) = counts.get_mut(key) {
                if count.used(now) >= limit {
                    wait = Some(wait.unwrap_or(0).max(count.wait(now, limit)));
                }
            }
        }
        if let Some(secs) = wait {
            return Err(secs);
        }
        let account_used = counts.get_mut(&keys[2]).map_or(0, |c| c.used(now));
        for key in &keys {
            counts.entry(key.clone()).or_default().pending += 1;
        }
        Ok(Attempt { limiter: self, keys, delay: delay_after(account_used, max), settled: false })
    }

    /// Counts a password verification (how many were made is what the limits bound).
    pub fn note_verification(&self) {
        self.verifications.fetch_add(1, Ordering::Relaxed);
    }

    /// Password verifications made so far by this process.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    fn settle(&self, keys: &[String], failed: bool) {
        let now = Instant::now();
        let mut counts = self.counts.lock().expect("limiter lock");
        for key in keys {
            let count = counts.entry(key.clone()).or_default();
            count.pending = count.pending.saturating_sub(1);
            if failed {
                count.failures.push(now);
            }
        }
    }
}

impl Attempt<'_> {
    /// How long to wait before verifying: zero unless the account is past its limit.
    pub fn delay(&self) -> Duration {
        self.delay
    }

    /// The password was right: this attempt is not a failure.
    pub fn succeeded(mut self) {
        self.settled = true;
        self.limiter.settle(&self.keys, false);
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.limiter.settle(&self.keys, true);
        }
    }
}

/// The wait of an attempt at an account that `used` attempts have already failed (or are
/// in flight): none up to `max`, then 0.5 s, 1 s, 2 s… up to [`MAX_DELAY`].
fn delay_after(used: usize, max: usize) -> Duration {
    let Some(excess) = used.checked_sub(max) else { return Duration::ZERO };
    FIRST_DELAY.saturating_mul(1u32 << excess.min(16)).min(MAX_DELAY)
}

/// The per-address key: IPv6 addresses by their /64 (one subscriber's usual share, whose
/// addresses they can change at will), others as given; no address is a key of its own.
fn address_key(address: Option<&str>) -> String {
    let Some(address) = address else { return "unknown".into() };
    match address.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V6(v6)) => format!("{}/64", Ipv6Addr::from(v6.to_bits() & (u128::MAX << 64))),
        Ok(ip) => ip.to_string(),
        Err(_) => address.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail(limiter: &LoginLimiter, account: &str, address: &str) {
        drop(limiter.reserve(account, Some(address)).expect("not limited yet"));
    }

    #[test]
    fn an_address_is_refused_for_an_account_after_its_limit_and_others_are_not() {
        let limiter = LoginLimiter::new(3);
        for _ in 0..3 {
            fail(&limiter, "a@x.io", "1.1.1.1");
        }
        let wait = limiter.reserve("a@x.io", Some("1.1.1.1")).err().unwrap();
        assert!(wait > 800 && wait <= 900, "{wait}");
        assert!(limiter.reserve("a@x.io", Some("2.2.2.2")).is_ok(), "the owner elsewhere is not refused");
        assert!(limiter.reserve("b@x.io", Some("1.1.1.1")).is_ok());
    }

    #[test]
    fn attempts_in_flight_count_before_they_fail() {
        let limiter = LoginLimiter::new(2);
        let first = limiter.reserve("a@x.io", Some("1.1.1.1")).unwrap();
        let second = limiter.reserve("a@x.io", Some("1.1.1.1")).unwrap();
        assert_eq!(limiter.reserve("a@x.io", Some("1.1.1.1")).err(), Some(1), "both slots are taken");
        first.succeeded();
        let third = limiter.reserve("a@x.io", Some("1.1.1.1")).expect("a success frees its slot");
        drop((second, third));
        assert!(limiter.reserve("a@x.io", Some("1.1.1.1")).is_err(), "dropped attempts count as failures");
    }

    #[test]
    fn an_address_is_refused_after_four_times_the_limit_across_accounts() {
        let limiter = LoginLimiter::new(2);
        for i in 0..8 {
            fail(&limiter, &format!("user{i}@x.io"), "9.9.9.9");
        }
        assert!(limiter.reserve("fresh@x.io", Some("9.9.9.9")).is_err());
        assert!(limiter.reserve("fresh@x.io", Some("8.8.8.8")).is_ok());
    }

    #[test]
    fn ipv6_addresses_count_per_64() {
        let limiter = LoginLimiter::new(2);
        fail(&limiter, "a@x.io", "2001:db8:1:2::1");
        fail(&limiter, "a@x.io", "2001:db8:1:2:ffff::9");
        assert!(limiter.reserve("a@x.io", Some("2001:db8:1:2::77")).is_err());
        assert!(limiter.reserve("a@x.io", Some("2001:db8:1:3::1")).is_ok());
    }

    #[test]
    fn an_account_failing_from_many_addresses_is_slowed_never_refused() {
        let limiter = LoginLimiter::new(2);
        let mut delays = Vec::new();
        for i in 0..10 {
            let attempt = limiter.reserve("a@x.io", Some(&format!("10.0.0.{i}"))).expect("never refused");
            delays.push(attempt.delay().as_millis());
        }
        assert_eq!(delays, [0, 0, 500, 1000, 2000, 4000, 8000, 8000, 8000, 8000]);
    }
}
