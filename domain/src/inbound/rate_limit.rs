//! A token bucket per key (a tenant, a client address), in process: each server instance
//! limits on its own, so with several instances behind a balancer a key may reach the limit
//! on each of them.

use std::{collections::HashMap, hash::Hash, sync::Mutex, time::Instant};

use crate::ids::OrgId;

pub struct RateLimiter<K = OrgId> {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<K, (f64, Instant)>>,
}

impl<K: Hash + Eq + Copy> RateLimiter<K> {
    /// `per_second` tokens are added each second, up to `burst`.
    pub fn new(per_second: f64, burst: u32) -> Self {
        Self { per_second: per_second.max(0.000_001), burst: f64::from(burst.max(1)), buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes a token for `key`, or answers how many whole seconds until one is available.
    pub fn check(&self, key: K) -> Result<(), u64> {
        self.check_at(key, Instant::now(), true)
    }

    /// Whether `key` has a token, without taking it: for limits that count failures, which
    /// are known only afterwards.
    pub fn peek(&self, key: K) -> Result<(), u64> {
        self.check_at(key, Instant::now(), false)
    }

    fn check_at(&self, key: K, now: Instant, take: bool) -> Result<(), u64> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if !take && !buckets.contains_key(&key) {
            return Ok(());
        }
        if buckets.len() > 100_000 {
            // Full buckets are the same as no bucket: drop them.
            let (rate, burst) = (self.per_second, self.burst);
            buckets.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * rate < burst);
        }
        let (tokens, at) = buckets.entry(key).or_insert((self.burst, now));
        *tokens = (*tokens + now.saturating_duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            if take {
                *tokens -= 1.0;
            }
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.per_second).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_burst_then_the_rate_per_tenant() {
        let limiter = RateLimiter::new(2.0, 3);
        let (a, b) = (OrgId::new(), OrgId::new());
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check_at(a, t0, true), Ok(()));
        }
        assert_eq!(limiter.check_at(a, t0, true), Err(1));
        assert_eq!(limiter.check_at(b, t0, true), Ok(()), "another tenant has its own bucket");
        assert_eq!(limiter.check_at(a, t0 + Duration::from_millis(500), true), Ok(()), "2/s refills one token in 0.5 s");
        assert!(limiter.check_at(a, t0 + Duration::from_millis(500), true).is_err());
    }

    #[test]
    fn peeking_takes_nothing() {
        let limiter = RateLimiter::new(1.0, 1);
        let (a, t0) = (OrgId::new(), Instant::now());
        assert_eq!(limiter.check_at(a, t0, false), Ok(()));
        assert_eq!(limiter.check_at(a, t0, false), Ok(()));
        assert_eq!(limiter.check_at(a, t0, true), Ok(()));
        assert_eq!(limiter.check_at(a, t0, false), Err(1));
    }
}
