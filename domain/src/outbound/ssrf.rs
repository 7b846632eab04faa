//! The SSRF guard for tenant-supplied subscription URLs (PRODUCT.md's "SSRF scope"): no
//! delivery to loopback, private, link-local (incl. the cloud metadata address), multicast,
//! unspecified, broadcast or CGNAT addresses, nor their IPv4-mapped forms, unless
//! `CONNECTGAIN_ALLOW_PRIVATE_TARGETS` is set. Checked when a URL is saved, and again at
//! connect time on the addresses actually used ([`GuardedResolver`]; IP-literal URLs, which
//! skip DNS, are checked by the worker before sending).

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// The message recorded when a delivery is refused by the guard.
pub const REFUSED: &str = "target resolves to a private address";

/// Whether `ip` is an address tenants may not reach.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => forbidden_v4(v4),
            None => forbidden_v6(v6),
        },
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16, the metadata address 169.254.169.254 included
        || ip.is_multicast()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local fc00::/7 (AWS metadata fd00:ec2::254 too)
        || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
        // IPv4-compatible ::a.b.c.d (deprecated, but some stacks still route it)
        || (ip.segments()[..6].iter().all(|s| *s == 0) && forbidden_v4(Ipv4Addr::from(ip.to_bits() as u32)))
}

/// The IP of a URL host written as a literal (`127.0.0.1`, `[::1]`), if it is one.
pub fn ip_literal(url: &reqwest::Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    }
}

/// Resolves like the system resolver, then drops forbidden addresses; fails when none is left,
/// so the connection is only ever made to an allowed address.
#[derive(Debug, Default)]
pub struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = addrs.into_iter().filter(|a| !is_forbidden(a.ip())).collect();
            if allowed.is_empty() {
                return Err(REFUSED.into());
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

impl GuardedResolver {
    pub fn shared() -> Arc<Self> {
        Arc::new(Self)
    }
}

/// Checks a URL's host when it is saved: an IP literal or any address it resolves to must be
/// allowed. A host that does not resolve (yet) is accepted; the connect-time check guards it.
pub async fn check_host(url: &reqwest::Url) -> Result<(), String> {
    if let Some(ip) = ip_literal(url) {
        return if is_forbidden(ip) { Err(REFUSED.into()) } else { Ok(()) };
    }
    let Some(host) = url.host_str() else { return Err("the URL has no host".into()) };
    let port = url.port_or_known_default().unwrap_or(443);
    if let Ok(addrs) = tokio::net::lookup_host((host, port)).await {
        if addrs.into_iter().any(|a| is_forbidden(a.ip())) {
            return Err(REFUSED.into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn private_and_special_addresses_are_forbidden() {
        for s in [
            "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "224.0.0.1", "0.0.0.0",
            "255.255.255.255", "100.64.0.1", "100.127.255.255", "0.1.2.3", "::1", "::", "fc00::1", "fd00:ec2::254",
            "fe80::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1",
        ] {
            assert!(is_forbidden(ip(s)), "{s} should be forbidden");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for s in ["8.8.8.8", "100.128.0.1", "100.63.255.255", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8"] {
            assert!(!is_forbidden(ip(s)), "{s} should be allowed");
        }
    }

    #[tokio::test]
    async fn literal_and_localhost_hosts_are_refused_when_saved() {
        for u in ["http://127.0.0.1:8080/x", "http://[::1]/", "http://localhost:9/", "http://169.254.169.254/latest"] {
            assert_eq!(check_host(&reqwest::Url::parse(u).unwrap()).await, Err(REFUSED.to_owned()), "{u}");
        }
        assert!(check_host(&reqwest::Url::parse("https://93.184.215.14/").unwrap()).await.is_ok());
    }

    #[tokio::test]
    async fn the_resolver_drops_forbidden_addresses() {
        let err = GuardedResolver.resolve("localhost".parse().unwrap()).await.err().unwrap();
        assert_eq!(err.to_string(), REFUSED);
    }
}
