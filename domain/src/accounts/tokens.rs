//! Opaque bearer tokens for the API: 32 random bytes shown once, stored as a SHA-256 hash,
//! expiring and revocable.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{
    users::{UserRow, USER_COLUMNS},
    User,
};
use crate::{ids::UserId, on_db, Domain, Error};

const PREFIX: &str = "cgt_";

/// A freshly issued token: the only time its value exists outside the caller.
pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken").field("expires_at", &self.expires_at).finish_non_exhaustive()
    }
}

/// SHA-256 as hex: how high-entropy secrets (tokens, keys) are stored.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A random secret with a recognizable prefix (`cgt_…`, `cgi_…`, `cgv_…`).
pub fn random_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

pub async fn issue(d: &Domain, user: UserId) -> Result<IssuedToken, Error> {
    let token = random_secret(PREFIX);
    let now = Utc::now();
    let expires_at = now + chrono::Duration::from_std(d.config.accounts.token_ttl).map_err(Error::internal)?;
    on_db!(&d.db, pool => sqlx::query(
        "INSERT INTO api_tokens (id, user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(uuid::Uuid::new_v4())
    .bind(user)
    .bind(hash_secret(&token))
    .bind(now)
    .bind(expires_at)
    .execute(pool)
    .await
    .map(|_| ()))?;
    Ok(IssuedToken { token, expires_at })
}

/// The user a live (unexpired, unrevoked) token belongs to.
pub async fn authenticate(d: &Domain, token: &str) -> Result<Option<User>, Error> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let columns = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT {columns} FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2"
    );
    let row: Option<UserRow> = on_db!(&d.db, pool => sqlx::query_as(&sql).bind(hash_secret(token)).bind(Utc::now()).fetch_optional(pool).await)?;
    row.map(User::try_from).transpose()
}

/// Revokes a token; revoking an unknown or revoked one is not an error.
pub async fn revoke(d: &Domain, token: &str) -> Result<(), Error> {
    on_db!(&d.db, pool => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL")
        .bind(Utc::now())
        .bind(hash_secret(token))
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}
