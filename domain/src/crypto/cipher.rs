//! AES-256-GCM with a fresh random 96-bit nonce per value.
//!
//! Stored form: `cg1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`. The key id says which
//! key of the ring decrypts it, so old values stay readable while a rotation runs.

use aes_gcm::{
    aead::{Aead, KeyInit, Payload},
    Aes256Gcm, Nonce,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use secrecy::SecretString;

use super::{KeyId, KeyRing, MasterKey, SecretBinding};

const PREFIX: &str = "cg1";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// Why a stored secret could not be read. None of these carries any secret material.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecryptError {
    #[error("the stored value is not a ConnectGain ciphertext")]
    Malformed,
    #[error("the stored value was encrypted with key {0}, which is not in the key ring")]
    UnknownKey(KeyId),
    #[error("the stored value failed authentication: it was altered, or belongs to another record or field")]
    Tampered,
}

impl KeyRing {
    /// Encrypts `plaintext` under the current key, bound to `binding`.
    pub fn encrypt(&self, plaintext: &str, binding: &SecretBinding) -> String {
        let key = self.current();
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = binding.associated_data();
        let sealed = cipher(key)
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plaintext.as_bytes(), aad: &aad })
            .expect("AES-GCM encryption cannot fail for inputs under 64 GiB");
        let mut blob = Vec::with_capacity(NONCE_LEN + sealed.len());
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&sealed);
        format!("{PREFIX}:{}:{}", key.id(), URL_SAFE_NO_PAD.encode(blob))
    }

    /// Decrypts a value written by [`KeyRing::encrypt`] with the same binding.
    pub fn decrypt(&self, stored: &str, binding: &SecretBinding) -> Result<SecretString, DecryptError> {
        let (key_id, blob) = split(stored)?;
        let key = self.find(key_id).ok_or(DecryptError::UnknownKey(key_id))?;
        let (nonce, sealed) = blob.split_at(NONCE_LEN);
        let aad = binding.associated_data();
        let plain = cipher(key).decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: &aad }).map_err(|_| DecryptError::Tampered)?;
        String::from_utf8(plain).map(SecretString::from).map_err(|_| DecryptError::Tampered)
    }

    /// Which key encrypted a stored value (without decrypting it).
    pub fn key_id_of(stored: &str) -> Result<KeyId, DecryptError> {
        split(stored).map(|(id, _)| id)
    }
}

fn split(stored: &str) -> Result<(KeyId, Vec<u8>), DecryptError> {
    let mut parts = stored.splitn(3, ':');
    let (Some(PREFIX), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(DecryptError::Malformed);
    };
    let id = KeyId::parse(id).ok_or(DecryptError::Malformed)?;
    let blob = URL_SAFE_NO_PAD.decode(body).map_err(|_| DecryptError::Malformed)?;
    if blob.len() < NONCE_LEN + TAG_LEN {
        return Err(DecryptError::Malformed);
    }
    Ok((id, blob))
}

fn cipher(key: &MasterKey) -> Aes256Gcm {
    Aes256Gcm::new_from_slice(key.bytes()).expect("a master key is 32 bytes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn ring() -> KeyRing {
        KeyRing::new(MasterKey::generate(), vec![])
    }

    fn binding() -> SecretBinding {
        SecretBinding::new("organizations.appgain_api_key", "org-1")
    }

    #[test]
    fn round_trips_and_hides_the_plaintext() {
        let ring = ring();
        let stored = ring.encrypt("sk_live_abcdef", &binding());
        assert!(!stored.contains("sk_live"));
        assert!(stored.starts_with(&format!("cg1:{}:", ring.current().id())));
        assert_eq!(ring.decrypt(&stored, &binding()).unwrap().expose_secret(), "sk_live_abcdef");
    }

    #[test]
    fn same_plaintext_encrypts_differently_each_time() {
        let ring = ring();
        assert_ne!(ring.encrypt("x", &binding()), ring.encrypt("x", &binding()));
    }

    #[test]
    fn every_single_byte_change_is_detected() {
        let ring = ring();
        let stored = ring.encrypt("secret value", &binding());
        let (id, blob) = split(&stored).unwrap();
        for i in 0..blob.len() {
            let mut altered = blob.clone();
            altered[i] ^= 0x01;
            let forged = format!("cg1:{id}:{}", URL_SAFE_NO_PAD.encode(&altered));
            assert_eq!(ring.decrypt(&forged, &binding()).unwrap_err(), DecryptError::Tampered, "byte {i}");
        }
    }

    #[test]
    fn a_value_moved_to_another_owner_or_field_does_not_decrypt() {
        let ring = ring();
        let stored = ring.encrypt("secret", &binding());
        let other_owner = SecretBinding::new("organizations.appgain_api_key", "org-2");
        let other_field = SecretBinding::new("organizations.other", "org-1");
        assert_eq!(ring.decrypt(&stored, &other_owner).unwrap_err(), DecryptError::Tampered);
        assert_eq!(ring.decrypt(&stored, &other_field).unwrap_err(), DecryptError::Tampered);
    }

    #[test]
    fn unknown_key_and_garbage_are_told_apart() {
        let stored = ring().encrypt("secret", &binding());
        assert!(matches!(ring().decrypt(&stored, &binding()), Err(DecryptError::UnknownKey(_))));
        for garbage in ["", "plain", "cg1:zz:abc", "cg1:00000000:", "cg2:00000000:AAAA"] {
            assert_eq!(ring().decrypt(garbage, &binding()).unwrap_err(), DecryptError::Malformed, "{garbage}");
        }
    }

    #[test]
    fn older_keys_in_the_ring_still_decrypt() {
        let old = MasterKey::generate();
        let stored = KeyRing::new(old.clone(), vec![]).encrypt("secret", &binding());
        let rotated = KeyRing::new(MasterKey::generate(), vec![old]);
        assert_eq!(rotated.decrypt(&stored, &binding()).unwrap().expose_secret(), "secret");
    }
}
