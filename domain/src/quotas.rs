//! Limits on requests that cost us: a signup or an invitation accept (an argon2 hash, a call
//! to Appgain, a tenant) per client address, failed inbound key checks (guesses) per client
//! address, webhook test sends (outbound requests) per organization. Token buckets kept in
//! this process (see [`RateLimiter`]); the cap on subscriptions is a count in the database
//! (`outbound::subscriptions::create`).

use std::net::{IpAddr, Ipv6Addr};

use crate::{config::QuotaConfig, config::Rate, ids::OrgId, inbound::rate_limit::RateLimiter, Error};

pub struct Quotas {
    signups: RateLimiter<IpAddr>,
    inbound_key_failures: RateLimiter<IpAddr>,
    test_sends: RateLimiter<OrgId>,
}

fn limiter<K: std::hash::Hash + Eq + Copy>(rate: Rate) -> RateLimiter<K> {
    RateLimiter::new(rate.per_second(), rate.count)
}

fn limited(retry_after_secs: u64) -> Error {
    Error::RateLimited { retry_after_secs }
}

impl Quotas {
    pub fn new(config: &QuotaConfig) -> Self {
        Self { signups: limiter(config.signups), inbound_key_failures: limiter(config.inbound_key_failures), test_sends: limiter(config.test_sends) }
    }

    /// Takes one signup or invitation accept from `client`'s budget. Without an address (a
    /// caller inside the process) nothing is limited.
    pub fn signup(&self, client: Option<IpAddr>) -> Result<(), Error> {
        client.map_or(Ok(()), |ip| self.signups.check(address_key(ip)).map_err(limited))
    }

    /// Whether `client` may have its inbound key checked: refused once it failed too often,
    /// so a guess that happens to be right is not confirmed either.
    pub fn inbound_key_check(&self, client: Option<IpAddr>) -> Result<(), Error> {
        client.map_or(Ok(()), |ip| self.inbound_key_failures.peek(address_key(ip)).map_err(limited))
    }

    pub fn inbound_key_failed(&self, client: Option<IpAddr>) {
        if let Some(ip) = client {
            // An empty bucket stays empty: the refusal is already decided by the check.
            let _ = self.inbound_key_failures.check(address_key(ip));
        }
    }

    /// Takes one test send from the organization's budget.
    pub fn test_send(&self, org: OrgId) -> Result<(), Error> {
        self.test_sends.check(org).map_err(limited)
    }
}

/// What a client address is counted under: an IPv6 client usually holds a whole /64 (and
/// can pick any address in it), so the /64 counts as one; an IPv4-mapped address is its
/// IPv4 address.
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn quotas(count: u32) -> Quotas {
        let rate = Rate { count, period: Duration::from_secs(3600) };
        Quotas::new(&QuotaConfig { signups: rate, inbound_key_failures: rate, test_sends: rate, max_subscriptions: 1 })
    }

    #[test]
    fn signups_are_counted_per_address_and_ipv6_per_64() {
        let q = quotas(2);
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let same_64: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        assert!(q.signup(Some(a)).is_ok());
        assert!(q.signup(Some(same_64)).is_ok());
        let Err(Error::RateLimited { retry_after_secs }) = q.signup(Some(a)) else { panic!("the third is refused") };
        assert!((1..=1800).contains(&retry_after_secs), "{retry_after_secs}");
        assert!(q.signup(Some("2001:db8:1:3::1".parse().unwrap())).is_ok(), "another /64");
        assert!(q.signup(None).is_ok());
    }

    #[test]
    fn only_failed_key_checks_count() {
        let q = quotas(2);
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        for _ in 0..5 {
            assert!(q.inbound_key_check(Some(ip)).is_ok(), "checks that succeed cost nothing");
        }
        q.inbound_key_failed(Some(ip));
        assert!(q.inbound_key_check(Some(ip)).is_ok());
        q.inbound_key_failed(Some(ip));
        assert!(q.inbound_key_check(Some(ip)).is_err());
        assert!(q.inbound_key_check(Some("::ffff:203.0.113.8".parse().unwrap())).is_ok());
    }
}
