//! A 256-bit master key and its public identifier.

use base64::{engine::general_purpose::STANDARD, Engine};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A 256-bit AES key. `Debug` shows only its id; the bytes never leave this module except
/// to the cipher and to the key file.
#[derive(Clone, PartialEq, Eq)]
pub struct MasterKey([u8; 32]);

/// Names a master key inside every ciphertext: the first 4 bytes of a SHA-256 of the key,
/// as 8 hex characters. It tells which key of the ring to use without revealing the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyId([u8; 4]);

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl KeyId {
    pub fn parse(s: &str) -> Option<Self> {
        let bytes = hex::decode(s).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({})", self.id())
    }
}

impl MasterKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// 32 bytes written as 64 hex characters or as base64 (standard or URL-safe, padded or not).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).map_err(|e| e.to_string())?
        } else {
            decode_base64(text).ok_or("must be 32 bytes written as 64 hex characters or as base64")?
        };
        let bytes: [u8; 32] =
            bytes.try_into().map_err(|b: Vec<u8>| format!("must be 32 bytes, got {} (write them as 64 hex characters or base64)", b.len()))?;
        Ok(Self(bytes))
    }

    pub fn id(&self) -> KeyId {
        let digest = Sha256::new().chain_update(b"connectgain master key id\0").chain_update(self.0).finalize();
        KeyId(digest[..4].try_into().expect("a SHA-256 digest has at least 4 bytes"))
    }

    /// The key as 64 hex characters, the form written to the key file.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub(super) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD].into_iter().find_map(|engine| engine.decode(text).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hex_and_base64_to_the_same_key() {
        let key = MasterKey::generate();
        assert_eq!(MasterKey::parse(&key.to_hex()).unwrap(), key);
        assert_eq!(MasterKey::parse(&STANDARD.encode(key.bytes())).unwrap(), key);
    }

    #[test]
    fn rejects_wrong_lengths_and_garbage() {
        assert!(MasterKey::parse("abcd").is_err());
        assert!(MasterKey::parse(&"0".repeat(63)).is_err());
        assert!(MasterKey::parse(&STANDARD.encode([0u8; 16])).unwrap_err().contains("got 16"));
        assert!(MasterKey::parse("!!!!").is_err());
    }

    #[test]
    fn debug_shows_the_id_not_the_key() {
        let key = MasterKey::generate();
        let printed = format!("{key:?}");
        assert!(printed.contains(&key.id().to_string()));
        assert!(!printed.contains(&key.to_hex()[..16]));
    }

    #[test]
    fn different_keys_have_different_ids() {
        assert_ne!(MasterKey::generate().id(), MasterKey::generate().id());
    }
}
