//! Twilio webhooks (incoming SMS, status callbacks) signed with `X-Twilio-Signature`: the
//! base64 HMAC-SHA1, keyed with the account's auth token, of the full URL Twilio requested
//! followed by every POST parameter's name and value, sorted by name. The URL is
//! `CONNECTGAIN_PUBLIC_URL` + the path (+ query), which must be what Twilio was given.

use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha1::Sha1;

use super::{denied, same, tenant};
use crate::{
    ids::OrgId,
    integrations::{reveal, sms},
    Domain, Error,
};

pub async fn verify(d: &Domain, tenant_id: &str, url: &str, params: &[(String, String)], signature: Option<&str>) -> Result<OrgId, Error> {
    let org = tenant(tenant_id)?;
    let signature = signature.ok_or_else(denied)?;
    let stored = sms::stored(d, org).await?.ok_or_else(denied)?;
    let token = reveal(d, org, sms::TWILIO_AUTH_TOKEN, &stored.twilio_auth_token)?.ok_or_else(denied)?;
    if same(signature, &sign(token.expose_secret(), url, params)) {
        Ok(org)
    } else {
        Err(denied())
    }
}

/// Twilio's signature of a POST to `url` with `params`.
pub fn sign(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let mut mac = Hmac::<Sha1>::new_from_slice(auth_token.as_bytes()).expect("HMAC takes any key");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_twilios_documented_example() {
        // The example of Twilio's "Webhooks security" page.
        let params: Vec<(String, String)> =
            [("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"), ("From", "+12349013030"), ("To", "+18005551212")]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
        assert_eq!(super::sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", &params), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    }
}
