//! Zoom webhooks: every request carries `x-zm-request-timestamp` and
//! `x-zm-signature: v0=<hex HMAC-SHA256 of "v0:{timestamp}:{raw body}">` keyed with the
//! app's *secret token*. The `endpoint.url_validation` challenge is answered with
//! `{plainToken, encryptedToken: hex HMAC-SHA256(plainToken)}` under the same key.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use sha2::Sha256;

use super::{denied, same, tenant, MAX_SKEW_SECS};
use crate::{ids::OrgId, inbound::settings, Domain, Error};

/// The tenant and its secret token, for a correctly signed, fresh request.
pub async fn verify(
    d: &Domain,
    tenant_id: &str,
    timestamp: Option<&str>,
    body: &[u8],
    signature: Option<&str>,
    now: i64,
) -> Result<(OrgId, SecretString), Error> {
    let org = tenant(tenant_id)?;
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else { return Err(denied()) };
    let secret = settings::secret(d, org, settings::ZOOM_SECRET_TOKEN).await?.ok_or_else(denied)?;
    let fresh = timestamp.parse::<i64>().is_ok_and(|t| (now - t).abs() <= MAX_SKEW_SECS);
    if fresh && same(signature, &sign(secret.expose_secret(), timestamp, body)) {
        Ok((org, secret))
    } else {
        Err(denied())
    }
}

pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// The answer to `endpoint.url_validation`: `{plainToken, encryptedToken}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UrlValidation {
    /// The `payload.plainToken` of the challenge.
    #[serde(rename = "plainToken")]
    pub plain_token: String,
    /// Hex HMAC-SHA256 of `plainToken`, keyed with the secret token.
    #[serde(rename = "encryptedToken")]
    pub encrypted_token: String,
}

/// The answer to `endpoint.url_validation`.
pub fn url_validation(secret: &SecretString, plain_token: &str) -> UrlValidation {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes()).expect("HMAC takes any key");
    mac.update(plain_token.as_bytes());
    UrlValidation { plain_token: plain_token.to_owned(), encrypted_token: hex::encode(mac.finalize().into_bytes()) }
}
