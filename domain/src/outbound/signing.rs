//! Signatures (PRODUCT.md's "Signing keys" decision):
//! - `X-Webhook-Signature`: HMAC-SHA256 of the exact body, keyed by the secret string's UTF-8
//!   bytes, as bare hex or `sha256=<hex>` per subscription.
//! - `webhook-signature` (Standard Webhooks): `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`
//!   keyed by the base64-decoded part of a `whsec_` secret, or else the secret's UTF-8 bytes.

use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The prefix of generated secrets (Standard Webhooks' convention).
pub const SECRET_PREFIX: &str = "whsec_";

/// How `X-Webhook-Signature` is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureStyle {
    /// `<hex>` (the ConnectGain documents' form; the default).
    Hex,
    /// `sha256=<hex>` (webhooks-quick-start.md's form).
    Sha256,
}

impl SignatureStyle {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "hex" => Some(Self::Hex),
            "sha256" => Some(Self::Sha256),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hex => "hex",
            Self::Sha256 => "sha256",
        }
    }
}

/// A fresh `whsec_` + base64 of 32 random bytes.
pub fn generate_secret() -> SecretString {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    SecretString::from(format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes)))
}

/// Whether a `whsec_` secret's tail is valid base64 (other secrets are taken as they are).
pub fn whsec_is_valid(secret: &str) -> bool {
    secret.strip_prefix(SECRET_PREFIX).is_none_or(|tail| STANDARD.decode(tail).is_ok_and(|k| !k.is_empty()))
}

/// The keys of one secret, derived once and kept (a subscription's keys are cached by the
/// worker, so the secret is not decrypted per delivery).
pub struct SigningKey {
    /// The secret's UTF-8 bytes (for `X-Webhook-Signature`).
    raw: Vec<u8>,
    /// The Standard Webhooks key.
    standard: Vec<u8>,
}

impl SigningKey {
    pub fn new(secret: &SecretString) -> Self {
        let s = secret.expose_secret();
        let raw = s.as_bytes().to_vec();
        let standard = s.strip_prefix(SECRET_PREFIX).and_then(|tail| STANDARD.decode(tail).ok()).filter(|k| !k.is_empty()).unwrap_or_else(|| raw.clone());
        Self { raw, standard }
    }

    /// `X-Webhook-Signature` for `body`.
    pub fn body_signature(&self, body: &[u8], style: SignatureStyle) -> String {
        let hex = hex::encode(hmac(&self.raw, &[body]));
        match style {
            SignatureStyle::Hex => hex,
            SignatureStyle::Sha256 => format!("sha256={hex}"),
        }
    }

    /// One `v1,<base64>` entry of `webhook-signature`.
    pub fn standard_signature(&self, msg_id: &str, timestamp: i64, body: &[u8]) -> String {
        let ts = timestamp.to_string();
        let mac = hmac(&self.standard, &[msg_id.as_bytes(), b".", ts.as_bytes(), b".", body]);
        format!("v1,{}", STANDARD.encode(mac))
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(…)")
    }
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_signature_is_hmac_hex_of_the_secret_bytes() {
        // RFC 4231 test case 2.
        let key = SigningKey::new(&SecretString::from("Jefe"));
        let sig = key.body_signature(b"what do ya want for nothing?", SignatureStyle::Hex);
        assert_eq!(sig, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        let prefixed = key.body_signature(b"what do ya want for nothing?", SignatureStyle::Sha256);
        assert_eq!(prefixed, format!("sha256={sig}"));
    }

    #[test]
    fn standard_key_is_the_decoded_whsec_tail_or_else_the_bytes() {
        let whsec = SigningKey::new(&SecretString::from("whsec_SmVmZQ=="));
        let plain = SigningKey::new(&SecretString::from("Jefe"));
        assert_eq!(whsec.standard_signature("msg_1", 5, b"{}"), plain.standard_signature("msg_1", 5, b"{}"));
        assert!(whsec_is_valid("whsec_SmVmZQ==") && !whsec_is_valid("whsec_!!") && whsec_is_valid("anything"));
    }

    #[test]
    fn generated_secrets_hold_32_random_bytes() {
        let s = generate_secret();
        let tail = s.expose_secret().strip_prefix(SECRET_PREFIX).unwrap();
        assert_eq!(STANDARD.decode(tail).unwrap().len(), 32);
        assert_ne!(s.expose_secret(), generate_secret().expose_secret());
    }
}
