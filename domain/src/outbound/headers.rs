//! A subscription's custom headers (an API key the receiver wants, a routing header): sent
//! with every attempt, their values secrets — sealed at rest as one ciphertext bound to the
//! column and the organization, masked in every read and in the attempt records.

use std::collections::BTreeMap;

use secrecy::{ExposeSecret, SecretString};

pub use connectgain_types::outbound::MASKED_HEADER_VALUE;

use crate::{crypto::SecretBinding, ids::OrgId, Domain};

/// The column holding the sealed name→value object.
pub const HEADERS_FIELD: &str = "outbound_subscriptions.headers_enc";

const MAX_HEADERS: usize = 20;
const MAX_NAME: usize = 100;
const MAX_VALUE: usize = 2000;

/// Headers a subscription may not set: ours (the body's type, the signature and its
/// parts, our agent) and those that frame or route the request.
fn reserved(lower: &str) -> bool {
    matches!(
        lower,
        "content-type"
            | "content-length"
            | "content-encoding"
            | "transfer-encoding"
            | "host"
            | "connection"
            | "keep-alive"
            | "proxy-connection"
            | "proxy-authorization"
            | "te"
            | "trailer"
            | "upgrade"
            | "expect"
            | "user-agent"
    ) || lower.starts_with("x-webhook-")
        || lower.starts_with("webhook-")
}

/// A header value as given: a new value, or the mask, which keeps the stored one.
enum Given {
    New(SecretString),
    Keep,
}

/// Headers parsed from an input, names checked; values still to be resolved against the
/// stored ones where the mask was given back.
pub(crate) struct Parsed(Vec<(String, Given)>);

impl Parsed {
    /// Whether some value keeps the stored one (the stored headers must be read).
    pub(crate) fn keeps_any(&self) -> bool {
        self.0.iter().any(|(_, v)| matches!(v, Given::Keep))
    }
}

/// Checks names and values (`Err` is the message for the field `headers`).
pub(crate) fn parse(given: &BTreeMap<String, String>) -> Result<Parsed, String> {
    if given.len() > MAX_HEADERS {
        return Err(format!("At most {MAX_HEADERS} headers."));
    }
    let mut out: Vec<(String, Given)> = Vec::with_capacity(given.len());
    for (raw_name, value) in given {
        let name = raw_name.trim();
        if name.is_empty() || name.len() > MAX_NAME || !name.bytes().all(is_token_char) {
            return Err(format!("\"{}\" is not a header name (letters, digits and - only, at most {MAX_NAME}).", printable(name)));
        }
        let lower = name.to_ascii_lowercase();
        if reserved(&lower) {
            return Err(format!("{name} is set by ConnectGain or by HTTP itself and cannot be set here."));
        }
        if out.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return Err(format!("{name} is given twice."));
        }
        let value = if value == MASKED_HEADER_VALUE {
            Given::Keep
        } else {
            let value = value.trim();
            if value.is_empty() || value.len() > MAX_VALUE || !value.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b)) {
                return Err(format!("Give {name} a value of 1 to {MAX_VALUE} printable characters."));
            }
            Given::New(SecretString::from(value.to_owned()))
        };
        out.push((name.to_owned(), value));
    }
    Ok(Parsed(out))
}

/// An RFC 9110 token character.
fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A name shown back in a message without control characters.
fn printable(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(MAX_NAME).collect()
}

/// What is stored: the sealed object and the names in clear (`None`, `None`: no headers).
pub(crate) struct Sealed {
    pub(crate) enc: Option<String>,
    pub(crate) names: Option<String>,
}

/// Seals `parsed`, taking kept values from `stored` (the subscription's current sealed
/// headers). `Err` is the field message when a kept header has no stored value.
pub(crate) fn seal(d: &Domain, org: OrgId, parsed: Parsed, stored: Option<&str>) -> Result<Sealed, crate::Error> {
    let current = match stored {
        Some(sealed) if parsed.keeps_any() => open(d, org, sealed)?,
        _ => Vec::new(),
    };
    let mut values = serde_json::Map::new();
    let mut names = Vec::new();
    for (name, given) in parsed.0 {
        let value = match given {
            Given::New(v) => v,
            Given::Keep => match current.iter().find(|(n, _)| n.eq_ignore_ascii_case(&name)) {
                Some((_, v)) => v.clone(),
                None => return Err(crate::Error::invalid("headers", format!("Give a value for {name}: none is stored."))),
            },
        };
        values.insert(name.clone(), serde_json::Value::String(value.expose_secret().to_owned()));
        names.push(name);
    }
    if names.is_empty() {
        return Ok(Sealed { enc: None, names: None });
    }
    let plain = serde_json::Value::Object(values).to_string();
    Ok(Sealed {
        enc: Some(d.keys.encrypt(&plain, &SecretBinding::new(HEADERS_FIELD, org))),
        names: Some(serde_json::to_string(&names).expect("strings serialize")),
    })
}

/// The stored headers, values still secret.
pub(crate) fn open(d: &Domain, org: OrgId, sealed: &str) -> Result<Vec<(String, SecretString)>, crate::Error> {
    let plain = d.keys.decrypt(sealed, &SecretBinding::new(HEADERS_FIELD, org)).map_err(crate::Error::internal)?;
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(plain.expose_secret()).map_err(crate::Error::internal)?;
    Ok(map.into_iter().filter_map(|(n, v)| v.as_str().map(|v| (n, SecretString::from(v.to_owned())))).collect())
}

/// How reads show them: every name with the masked value.
pub(crate) fn shown(names: Option<&str>) -> BTreeMap<String, String> {
    let names: Vec<String> = names.and_then(|n| serde_json::from_str(n).ok()).unwrap_or_default();
    names.into_iter().map(|n| (n, MASKED_HEADER_VALUE.to_owned())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn ours_and_framing_headers_are_refused() {
        for name in ["Content-Type", "content-length", "Host", "Transfer-Encoding", "Connection", "X-Webhook-Signature", "webhook-id", "User-Agent"] {
            let err = parse(&map(&[(name, "x")])).err().unwrap_or_else(|| panic!("{name} accepted"));
            assert!(err.contains(name), "{err}");
        }
    }

    #[test]
    fn names_and_values_are_checked() {
        assert!(parse(&map(&[("X-Api-Key", "abc"), ("X-Route", "eu-1")])).is_ok());
        assert!(parse(&map(&[("Bad Name", "x")])).is_err());
        assert!(parse(&map(&[("X-Ok", "line\r\nInjected: 1")])).is_err());
        assert!(parse(&map(&[("X-Ok", "  ")])).is_err());
        assert!(parse(&map(&[("X-A", "1"), ("x-a", "2")])).err().unwrap().contains("twice"));
        let many: BTreeMap<String, String> = (0..21).map(|i| (format!("X-H{i}"), "v".to_owned())).collect();
        assert!(parse(&many).is_err());
        assert!(parse(&map(&[("X-Api-Key", MASKED_HEADER_VALUE)])).unwrap().keeps_any());
    }
}
