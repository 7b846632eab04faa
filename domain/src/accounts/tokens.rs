//! Opaque bearer tokens for the API: 32 random bytes shown once, stored as a SHA-256 hash,
//! expiring and revocable.
//!
//! Who a live token belongs to is cached ([`TokenCache`]), so an API request does not wait
//! on the database to know its caller. Whatever ends a token early (a revocation, the
//! removal of its user) commits through [`crate::db::Invalidations::commit`], which empties
//! the cache of every instance; expiry is checked on every use.

use std::{collections::HashMap, sync::RwLock, time::Instant};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{
    users::{UserRow, USER_COLUMNS},
    User,
};
use crate::{
    db::{invalidation, Stamp, Topic},
    ids::UserId,
    on_db, on_tx, Domain, Error,
};

const PREFIX: &str = "cgt_";
/// Bounds the cache: cleared when it grows past this many tokens.
const CACHE_MAX: usize = 100_000;

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

/// Live secrets recently seen (login tokens, and API keys: [`super::api_keys`]), by the
/// SHA-256 of the secret, with whom they stand for. Unknown secrets are not cached: one
/// issued a moment ago must work at once.
pub struct TokenCache<T = User> {
    entries: RwLock<HashMap<[u8; 32], Cached<T>>>,
}

impl<T> Default for TokenCache<T> {
    fn default() -> Self {
        Self { entries: Default::default() }
    }
}

pub(crate) struct Cached<T> {
    pub(crate) value: T,
    pub(crate) expires_at: DateTime<Utc>,
    pub(crate) stamp: Stamp,
    pub(crate) read_at: Instant,
}

impl<T: Clone> TokenCache<T> {
    pub(crate) fn get(&self, d: &Domain, key: &[u8; 32]) -> Option<T> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        let hit = entries.get(key)?;
        let fresh = hit.expires_at > Utc::now() && hit.read_at.elapsed() < invalidation::MAX_AGE && d.invalidations.is_current(Topic::Tokens, hit.stamp);
        fresh.then(|| hit.value.clone())
    }

    pub(crate) fn put(&self, key: [u8; 32], cached: Cached<T>) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CACHE_MAX {
            entries.clear();
        }
        entries.insert(key, cached);
    }
}

/// The user a live (unexpired, unrevoked) token belongs to.
pub async fn authenticate(d: &Domain, token: &str) -> Result<Option<User>, Error> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    if let Some(user) = d.tokens.get(d, &key) {
        return Ok(Some(user));
    }
    let stamp = d.invalidations.stamp(Topic::Tokens);
    let columns = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT {columns}, t.expires_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2"
    );
    let read_at = Instant::now();
    let row: Option<TokenRow> = on_db!(&d.db, pool => sqlx::query_as(&sql).bind(hex::encode(key)).bind(Utc::now()).fetch_optional(pool).await)?;
    let Some(TokenRow { user, expires_at }) = row else { return Ok(None) };
    let user = User::try_from(user)?;
    if let Some(stamp) = stamp {
        d.tokens.put(key, Cached { value: user.clone(), expires_at, stamp, read_at });
    }
    Ok(Some(user))
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    #[sqlx(flatten)]
    user: UserRow,
    expires_at: DateTime<Utc>,
}

/// Revokes a token, on every instance at once; revoking an unknown or revoked one is not an
/// error.
pub async fn revoke(d: &Domain, token: &str) -> Result<(), Error> {
    let mut tx = d.db.begin().await?;
    on_tx!(&mut tx, conn => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL")
        .bind(Utc::now())
        .bind(hash_secret(token))
        .execute(conn)
        .await
        .map(drop))?;
    d.invalidations.commit(tx, Topic::Tokens).await?;
    Ok(())
}
