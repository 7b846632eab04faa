//! Vonage SMS API signed webhooks (inbound SMS and delivery receipts). With "signed
//! webhooks" enabled and the *signature method* set to **SHA-256 HMAC**, Vonage adds
//! `timestamp` and `sig` to the parameters: `sig` is the hex HMAC-SHA256, keyed with the
//! account's signature secret, of `&name=value` for every other parameter sorted by name
//! (`&` and `=` inside values replaced by `_`). The hex is compared without regard to case,
//! and a `timestamp` more than five minutes away is refused (replays). Parameters arrive
//! as a query (GET), a form or a JSON object (POST); all three are checked the same way.
//! (The Messages API's JWT-signed webhooks are not supported.)

use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;

use super::{denied, same, tenant, MAX_SKEW_SECS};
use crate::{ids::OrgId, inbound::settings, Domain, Error};

pub async fn verify(d: &Domain, tenant_id: &str, params: &[(String, String)], now: i64) -> Result<OrgId, Error> {
    let org = tenant(tenant_id)?;
    let find = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let signature = find("sig").ok_or_else(denied)?;
    let timestamp: i64 = find("timestamp").and_then(|t| t.parse().ok()).ok_or_else(denied)?;
    let secret = settings::secret(d, org, settings::VONAGE_SIGNATURE_SECRET).await?.ok_or_else(denied)?;
    let valid = same(&signature.to_ascii_uppercase(), &sign(secret.expose_secret(), params));
    if valid && (now - timestamp).abs() <= MAX_SKEW_SECS {
        Ok(org)
    } else {
        Err(denied())
    }
}

/// The `sig` of `params` (any `sig` among them is left out), as uppercase hex.
pub fn sign(secret: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().filter(|(k, _)| k != "sig").collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut text = String::new();
    for (name, value) in sorted {
        text.push('&');
        text.push_str(name);
        text.push('=');
        text.push_str(&value.replace(['&', '='], "_"));
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(text.as_bytes());
    hex::encode_upper(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    #[test]
    fn sig_ignores_itself_and_order_and_escapes_values() {
        let p = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        let a = super::sign("s", &p(&[("b", "x&y=z"), ("a", "1"), ("sig", "ignored")]));
        let b = super::sign("s", &p(&[("a", "1"), ("b", "x_y_z")]));
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(a, a.to_ascii_uppercase());
    }
}
