//! Which address a request comes from, for per-address limits. Behind a reverse proxy every
//! request's TCP peer is the proxy, so one client's failures would count against everyone;
//! the proxy's `X-Forwarded-For` names the client, but only a proxy we trust may say so
//! (anyone else could write any address there and escape the limits).

use std::{
    fmt,
    net::{IpAddr, SocketAddr},
};

/// `CONNECTGAIN_TRUSTED_PROXIES`: the reverse proxies whose `X-Forwarded-For` is believed.
/// Empty (the default): no proxy is trusted and the TCP peer is the client.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Cidr>);

/// An address block: an address and how many leading bits of it must match.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Cidr {
    network: IpAddr,
    bits: u8,
}

impl TrustedProxies {
    /// Comma-separated IP addresses and CIDR blocks (`10.0.0.0/8, 192.168.1.7, fd00::/8`).
    pub fn parse(value: &str) -> Result<Self, String> {
        let blocks = value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(Cidr::parse);
        blocks.collect::<Result<Vec<_>, _>>().map(Self)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|block| block.contains(ip))
    }

    /// The client's address: the TCP `peer`, unless the peer is a trusted proxy; then the
    /// right-most address of `X-Forwarded-For` (all its header lines, in order) that is not
    /// a trusted proxy — each proxy appends the address it was reached from, so everything
    /// left of that one was written by the client and proves nothing. When every entry is
    /// a trusted proxy, or one cannot be read, the left-most trusted hop seen is the answer.
    pub fn client_ip<'a>(&self, peer: IpAddr, forwarded_for: impl IntoIterator<Item = &'a str>) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.contains(client) {
            return client;
        }
        let entries: Vec<&str> = forwarded_for.into_iter().flat_map(|line| line.split(',')).collect();
        for entry in entries.iter().rev() {
            let Some(hop) = parse_hop(entry) else { break };
            client = hop;
            if !self.contains(hop) {
                break;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:5`, `[::1]:5`).
fn parse_hop(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let ip = entry.parse::<IpAddr>().or_else(|_| entry.parse::<SocketAddr>().map(|a| a.ip())).ok()?;
    Some(ip.to_canonical())
}

impl Cidr {
    fn parse(value: &str) -> Result<Self, String> {
        let bad = || format!("`{value}` is not an IP address or a CIDR block such as 10.0.0.0/8");
        let (address, bits) = match value.split_once('/') {
            Some((address, bits)) => (address, Some(bits.parse::<u8>().map_err(|_| bad())?)),
            None => (value, None),
        };
        let network = address.parse::<IpAddr>().map_err(|_| bad())?.to_canonical();
        let max = if network.is_ipv4() { 32 } else { 128 };
        let bits = bits.unwrap_or(max);
        if bits > max {
            return Err(bad());
        }
        Ok(Self { network, bits })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => prefix_matches(net.to_bits().into(), ip.to_bits().into(), self.bits, 32),
            (IpAddr::V6(net), IpAddr::V6(ip)) => prefix_matches(net.to_bits(), ip.to_bits(), self.bits, 128),
            _ => false,
        }
    }
}

fn prefix_matches(network: u128, ip: u128, bits: u8, width: u32) -> bool {
    let shift = width - u32::from(bits);
    // `checked_shr` covers /0, where nothing needs to match.
    network.checked_shr(shift).unwrap_or(0) == ip.checked_shr(shift).unwrap_or(0)
}

impl fmt::Debug for TrustedProxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter().map(|c| format!("{}/{}", c.network, c.bits))).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn addresses_and_blocks_parse_and_bad_ones_are_named() {
        let trusted = TrustedProxies::parse(" 10.0.0.0/8, 192.168.1.7 ,fd00::/8, 0.0.0.0/0 ").unwrap();
        assert_eq!(format!("{trusted:?}"), r#"["10.0.0.0/8", "192.168.1.7/32", "fd00::/8", "0.0.0.0/0"]"#);
        for bad in ["10.0.0.0/33", "proxy.local", "10.0.0/8", "::/129", "1.2.3.4/x"] {
            let err = TrustedProxies::parse(bad).unwrap_err();
            assert!(err.contains(bad), "{err}");
        }
        assert!(TrustedProxies::parse("").unwrap().0.is_empty());
    }

    #[test]
    fn blocks_contain_what_they_cover() {
        let trusted = TrustedProxies::parse("10.0.0.0/8,192.168.1.7,fd00::/8").unwrap();
        for yes in ["10.1.2.3", "192.168.1.7", "fd12::1", "::ffff:10.9.9.9"] {
            assert!(trusted.contains(ip(yes)), "{yes}");
        }
        for no in ["11.0.0.1", "192.168.1.8", "fe80::1", "::ffff:11.0.0.1"] {
            assert!(!trusted.contains(ip(no)), "{no}");
        }
        assert!(TrustedProxies::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_peer() {
        let none = TrustedProxies::default();
        assert_eq!(none.client_ip(ip("10.0.0.2"), ["203.0.113.9"]), ip("10.0.0.2"));
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(trusted.client_ip(ip("198.51.100.4"), ["203.0.113.9"]), ip("198.51.100.4"), "an untrusted peer");
        assert_eq!(trusted.client_ip(ip("10.0.0.2"), ["203.0.113.9"]), ip("203.0.113.9"));
        assert_eq!(trusted.client_ip(ip("10.0.0.2"), []), ip("10.0.0.2"), "no header: the proxy itself");
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        // The client wrote 1.1.1.1 itself; the first proxy appended its real address.
        assert_eq!(trusted.client_ip(ip("10.0.0.2"), ["1.1.1.1, 203.0.113.9, 10.0.0.3"]), ip("203.0.113.9"));
        assert_eq!(trusted.client_ip(ip("10.0.0.2"), ["1.1.1.1", "203.0.113.9:4711", "10.0.0.3"]), ip("203.0.113.9"));
        assert_eq!(trusted.client_ip(ip("10.0.0.2"), ["garbage, 10.0.0.3"]), ip("10.0.0.3"), "unreadable: the last trusted hop");
        assert_eq!(trusted.client_ip(ip("10.0.0.2"), ["[2001:db8::1]:80"]), ip("2001:db8::1"));
        assert_eq!(trusted.client_ip(ip("::ffff:10.0.0.2"), ["::ffff:203.0.113.9"]), ip("203.0.113.9"));
    }
}
