//! Password hashing with argon2id, off the async runtime (it takes tens of milliseconds).

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use secrecy::{ExposeSecret, SecretString};

use crate::Error;

pub async fn hash(password: &SecretString) -> Result<String, Error> {
    let password = password.clone();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::internal(anyhow::anyhow!("argon2: {e}")))
    })
    .await
    .map_err(Error::internal)?
}

/// Whether `password` matches `stored`. Without a stored hash (unknown account) a hash is
/// still computed, so the answer takes as long either way.
pub async fn verify(password: &SecretString, stored: Option<String>) -> Result<bool, Error> {
    let password = password.clone();
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let parsed = PasswordHash::new(&stored).map_err(|e| Error::internal(anyhow::anyhow!("stored hash: {e}")))?;
        let ok = Argon2::default().verify_password(password.expose_secret().as_bytes(), &parsed).is_ok();
        Ok(ok && stored != DUMMY_HASH)
    })
    .await
    .map_err(Error::internal)?
}

/// A valid argon2id hash of a random string nobody knows, for unknown accounts.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$T1Jx9cWqP0d8oQv2rN3zH0u6l2w8o1X3bC4dE5fG6hI";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hashed = hash(&SecretString::from("correct horse")).await.unwrap();
        assert!(hashed.starts_with("$argon2id$"));
        assert!(verify(&SecretString::from("correct horse"), Some(hashed.clone())).await.unwrap());
        assert!(!verify(&SecretString::from("wrong horse"), Some(hashed)).await.unwrap());
        assert!(!verify(&SecretString::from("anything"), None).await.unwrap());
    }
}
