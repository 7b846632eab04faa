//! WhatsApp Cloud API (Meta) webhooks: the GET verification handshake
//! (`hub.mode=subscribe`, `hub.verify_token` equal to the tenant's webhook verify token,
//! answer `hub.challenge`), and POSTs signed with `X-Hub-Signature-256: sha256=<hex>`, the
//! HMAC-SHA256 of the raw body keyed with the Meta app secret.

use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;

use super::{denied, same, tenant};
use crate::{
    ids::OrgId,
    integrations::{reveal, whatsapp},
    Domain, Error,
};

/// The challenge to echo when the handshake is right.
pub async fn handshake(d: &Domain, tenant_id: &str, mode: Option<&str>, token: Option<&str>, challenge: Option<&str>) -> Result<String, Error> {
    let org = tenant(tenant_id)?;
    let (Some("subscribe"), Some(token), Some(challenge)) = (mode, token, challenge) else { return Err(denied()) };
    let stored = whatsapp::stored(d, org).await?.ok_or_else(denied)?;
    let expected = reveal(d, org, whatsapp::VERIFY_TOKEN, &stored.webhook_verify_token)?.ok_or_else(denied)?;
    if same(expected.expose_secret(), token) {
        Ok(challenge.to_owned())
    } else {
        Err(denied())
    }
}

/// The tenant of a correctly signed notification.
pub async fn verify(d: &Domain, tenant_id: &str, body: &[u8], signature: Option<&str>) -> Result<OrgId, Error> {
    let org = tenant(tenant_id)?;
    let signature = signature.ok_or_else(denied)?;
    let stored = whatsapp::stored(d, org).await?.ok_or_else(denied)?;
    let secret = reveal(d, org, whatsapp::APP_SECRET, &stored.app_secret)?.ok_or_else(denied)?;
    if same(&signature.to_ascii_lowercase(), &sign(secret.expose_secret(), body)) {
        Ok(org)
    } else {
        Err(denied())
    }
}

/// `sha256=` + hex HMAC-SHA256 of `body` with `app_secret`.
pub fn sign(app_secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()).expect("HMAC takes any key");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn signature_is_hex_hmac_sha256_of_the_body() {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), a published vector.
        assert_eq!(
            super::sign("key", b"The quick brown fox jumps over the lazy dog"),
            "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }
}
