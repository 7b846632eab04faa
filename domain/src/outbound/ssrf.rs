//! The SSRF guard for tenant-supplied subscription URLs (PRODUCT.md's "SSRF scope"): no
//! delivery to loopback, private, link-local (incl. the cloud metadata address), multicast,
//! unspecified, broadcast, CGNAT, reserved, benchmarking or documentation addresses, nor to
//! the IPv6 forms that carry such an IPv4 address (IPv4-mapped, NAT64, 6to4), unless
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
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => forbidden_v4(v4),
            None => forbidden_v6(v6),
        },
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16, the metadata address 169.254.169.254 included
        || ip.is_multicast()
        || ip.is_unspecified()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || (a, b, c) == (192, 0, 0) // IETF protocol assignments 192.0.0/24 (DS-Lite, NAT64 discovery)
        || (a == 198 && (b == 18 || b == 19)) // benchmarking 198.18/15
        || a >= 240 // reserved 240/4, the broadcast address included
        || matches!((a, b, c), (192, 0, 2) | (198, 51, 100) | (203, 0, 113)) // documentation
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7 (AWS metadata fd00:ec2::254 too)
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated, still routed by some stacks)
        || s[..4] == [0x100, 0, 0, 0] // discard-only 100::/64
        || s[..2] == [0x2001, 0xdb8] // documentation 2001:db8::/32
        || (s[0] == 0x3fff && s[1] & 0xf000 == 0) // documentation 3fff::/20
        || s[..2] == [0x2001, 0] // Teredo 2001::/32: tunnels to an (obfuscated) IPv4 address
        || s[..2] == [0x64, 0xff9b] // NAT64 addresses other than the forms `embedded_v4` judges
}

/// The IPv4 address that an address of a translation or tunnelling prefix reaches: a
/// connection to it ends (through the local stack, a NAT64 gateway or a 6to4 relay) at that
/// IPv4 address, so that is the one judged.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let low = Ipv4Addr::from(ip.to_bits() as u32);
    match s {
        // IPv4-mapped ::ffff:0:0/96, IPv4-translated ::ffff:0:0:0/96 (SIIT), and the
        // deprecated IPv4-compatible ::/96 that some stacks still route (`::` and `::1`
        // become 0.0.0.0 and 0.0.0.1, refused as "this network").
        [0, 0, 0, 0, 0, 0xffff, ..] | [0, 0, 0, 0, 0xffff, 0, ..] | [0, 0, 0, 0, 0, 0, ..] => Some(low),
        // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052).
        [0x64, 0xff9b, 0, 0, 0, 0, ..] => Some(low),
        // NAT64 local-use 64:ff9b:1::/48 (RFC 8215): where the IPv4 sits depends on the
        // operator's prefix length, so only `64:ff9b:1::a.b.c.d` is judged by its IPv4
        // (under any prefix length it reaches a.b.c.d or an unroutable 0.x.x.x); every
        // other address of the /48 is refused in `forbidden_v6`.
        [0x64, 0xff9b, 1, 0, 0, 0, ..] => Some(low),
        // 6to4 2002::/16: packets are tunnelled to the IPv4 address in the next 32 bits.
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo))),
        _ => None,
    }
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
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "224.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "100.64.0.1",
            "100.127.255.255",
            "0.1.2.3",
            "::1",
            "::",
            "fc00::1",
            "fd00:ec2::254",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
        ] {
            assert!(is_forbidden(ip(s)), "{s} should be forbidden");
        }
    }

    /// Every special-purpose range the guard covers, each with an address inside it.
    const FORBIDDEN_RANGES: &[(&str, &str)] = &[
        ("192.0.0.0/24", "192.0.0.170"),
        ("198.18.0.0/15", "198.18.0.1"),
        ("198.18.0.0/15", "198.19.255.254"),
        ("240.0.0.0/4", "240.0.0.1"),
        ("240.0.0.0/4", "250.1.2.3"),
        ("192.0.2.0/24", "192.0.2.1"),
        ("198.51.100.0/24", "198.51.100.1"),
        ("203.0.113.0/24", "203.0.113.1"),
        ("100::/64", "100::1"),
        ("100::/64", "100::ffff:ffff:ffff:ffff"),
        ("2001:db8::/32", "2001:db8::1"),
        ("2001:db8::/32", "2001:db8:ffff::8"),
        ("3fff::/20", "3fff:fff::1"),
        ("fec0::/10", "fec0::1"),
        ("2001::/32 (Teredo)", "2001:0:4136:e378:8000:63bf:3fff:fdd2"),
        // IPv4-mapped and IPv4-translated addresses of forbidden IPv4 addresses.
        ("::ffff:0:0/96", "::ffff:127.0.0.1"),
        ("::ffff:0:0/96", "::ffff:10.0.0.1"),
        ("::ffff:0:0/96", "::ffff:169.254.169.254"),
        ("::ffff:0:0/96", "::ffff:192.0.0.8"),
        ("::ffff:0:0/96", "::ffff:198.18.0.1"),
        ("::ffff:0:0/96", "::ffff:240.0.0.1"),
        ("::ffff:0:0:0/96", "::ffff:0:127.0.0.1"),
        ("::ffff:0:0:0/96", "::ffff:0:10.1.2.3"),
        // NAT64 with a forbidden embedded IPv4, and local-use forms that cannot be judged.
        ("64:ff9b::/96", "64:ff9b::127.0.0.1"),
        ("64:ff9b::/96", "64:ff9b::10.0.0.1"),
        ("64:ff9b::/96", "64:ff9b::a9fe:a9fe"),
        ("64:ff9b::/96", "64:ff9b::192.168.1.1"),
        ("64:ff9b::/96", "64:ff9b::100.64.0.1"),
        ("64:ff9b:1::/48", "64:ff9b:1::127.0.0.1"),
        ("64:ff9b:1::/48", "64:ff9b:1::172.16.0.1"),
        ("64:ff9b:1::/48", "64:ff9b:1:7f00:0:100::"),
        ("64:ff9b:1::/48", "64:ff9b:1:ffff::8.8.8.8"),
        ("64:ff9b::/32 outside the /96", "64:ff9b:0:1::8.8.8.8"),
        // 6to4 tunnelling to a forbidden IPv4 address.
        ("2002::/16", "2002:7f00:1::1"),
        ("2002::/16", "2002:a00:1::"),
        ("2002::/16", "2002:a9fe:a9fe::1"),
        ("2002::/16", "2002:c0a8:101:1::1"),
        ("2002::/16", "2002:c612:1::1"),
    ];

    #[test]
    fn special_purpose_ranges_are_forbidden() {
        for (range, s) in FORBIDDEN_RANGES {
            assert!(is_forbidden(ip(s)), "{s} in {range} should be forbidden");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for s in [
            "8.8.8.8",
            "100.128.0.1",
            "100.63.255.255",
            "172.32.0.1",
            "192.0.1.1",
            "198.17.255.255",
            "198.20.0.1",
            "223.255.255.255",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "::ffff:0:8.8.8.8",
            // NAT64 and 6to4 addresses whose embedded IPv4 is public.
            "64:ff9b::8.8.8.8",
            "64:ff9b:1::8.8.8.8",
            "2002:808:808::1",
            "2001:db9::1",
        ] {
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
    async fn every_special_range_is_refused_when_saved_and_when_resolved() {
        for (range, s) in FORBIDDEN_RANGES {
            let host = if s.contains(':') { format!("[{s}]") } else { s.to_string() };
            let url = reqwest::Url::parse(&format!("https://{host}/hook")).unwrap();
            assert_eq!(check_host(&url).await, Err(REFUSED.to_owned()), "{s} in {range} at save time");
            // At connect time: the resolver behind the delivery client (an address given as
            // a name resolves to itself, as a DNS answer holding it would).
            let err = GuardedResolver.resolve(s.parse().unwrap()).await.err().unwrap_or_else(|| panic!("{s} in {range} resolved"));
            assert_eq!(err.to_string(), REFUSED, "{s} in {range} at connect time");
        }
        assert!(GuardedResolver.resolve("64:ff9b::8.8.8.8".parse().unwrap()).await.is_ok());
    }

    #[tokio::test]
    async fn the_resolver_drops_forbidden_addresses() {
        let err = GuardedResolver.resolve("localhost".parse().unwrap()).await.err().unwrap();
        assert_eq!(err.to_string(), REFUSED);
    }
}
