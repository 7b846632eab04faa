//! A per-tenant token bucket, in process: each server instance limits on its own, so with
//! several instances behind a balancer a tenant may reach the limit on each of them.

use std::{collections::HashMap, sync::Mutex, time::Instant};

use crate::ids::OrgId;

pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<OrgId, (f64, Instant)>>,
}

impl RateLimiter {
    /// `per_second` tokens are added each second, up to `burst`.
    pub fn new(per_second: f64, burst: u32) -> Self {
        Self { per_second: per_second.max(0.001), burst: f64::from(burst.max(1)), buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes a token for `org`, or answers how many whole seconds until one is available.
    pub fn check(&self, org: OrgId) -> Result<(), u64> {
        self.check_at(org, Instant::now())
    }

    fn check_at(&self, org: OrgId, now: Instant) -> Result<(), u64> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > 100_000 {
            // Full buckets are the same as no bucket: drop them.
            let (rate, burst) = (self.per_second, self.burst);
            buckets.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * rate < burst);
        }
        let (tokens, at) = buckets.entry(org).or_insert((self.burst, now));
        *tokens = (*tokens + now.saturating_duration_since(*at).as_secs_f64() * self.per_second).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
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
            assert_eq!(limiter.check_at(a, t0), Ok(()));
        }
        assert_eq!(limiter.check_at(a, t0), Err(1));
        assert_eq!(limiter.check_at(b, t0), Ok(()), "another tenant has its own bucket");
        assert_eq!(limiter.check_at(a, t0 + Duration::from_millis(500)), Ok(()), "2/s refills one token in 0.5 s");
        assert!(limiter.check_at(a, t0 + Duration::from_millis(500)).is_err());
    }
}
