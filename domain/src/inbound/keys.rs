//! The tenant's inbound API key: 32 random bytes (`cgi_…`) shown once, stored as a SHA-256
//! hash, compared in constant time.
//!
//! The hot path never waits on the database for a known tenant: the stored hash (or the
//! fact that there is none) is cached for [`CACHE_TTL`]. A rotation takes effect at once on
//! the instance that made it and within `CACHE_TTL` on other instances. Unknown tenants,
//! tenants without a key and wrong keys all take the same path (one cached lookup and one
//! constant-time comparison against a hash), so the answer and its timing do not tell them
//! apart.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::RwLock,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{accounts::tokens::random_secret, ids::OrgId, on_db, Domain, Error};

pub const PREFIX: &str = "cgi_";
/// How long a looked-up key hash is trusted before the database is asked again.
pub const CACHE_TTL: Duration = Duration::from_secs(5);
/// Bounds the cache (unknown tenant ids are cached too): cleared when it grows past this.
const CACHE_MAX: usize = 100_000;

/// A freshly generated key: the only time its value exists outside the caller.
pub struct IssuedKey {
    pub api_key: String,
    pub status: KeyStatus,
}

impl std::fmt::Debug for IssuedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedKey").field("status", &self.status).finish_non_exhaustive()
    }
}

/// What may be shown about the key: whether there is one, its first characters, its age.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KeyStatus {
    pub configured: bool,
    /// The first 8 characters, to recognize the key (`cgi_AbCd…`).
    pub hint: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

type Hash = [u8; 32];

fn digest(secret: &str) -> Hash {
    Sha256::digest(secret.as_bytes()).into()
}

/// Recently looked-up key hashes per tenant (`None`: no key, or no such tenant).
#[derive(Default)]
pub struct KeyCache {
    entries: RwLock<HashMap<OrgId, (Option<Hash>, Instant)>>,
}

impl KeyCache {
    fn get(&self, org: OrgId) -> Option<Option<Hash>> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        entries.get(&org).filter(|(_, at)| at.elapsed() < CACHE_TTL).map(|(hash, _)| *hash)
    }

    fn put(&self, org: OrgId, hash: Option<Hash>) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CACHE_MAX {
            entries.clear();
        }
        entries.insert(org, (hash, Instant::now()));
    }

    fn forget(&self, org: OrgId) {
        self.entries.write().unwrap_or_else(|e| e.into_inner()).remove(&org);
    }
}

/// Generates (or rotates: the old key stops working at once) the tenant's key.
pub async fn generate(d: &Domain, org: OrgId) -> Result<IssuedKey, Error> {
    let api_key = random_secret(PREFIX);
    let now = Utc::now();
    let hint = format!("{}…", &api_key[..8]);
    on_db!(&d.db, pool => sqlx::query(
        "INSERT INTO inbound_settings (organization_id, api_key_hash, api_key_hint, api_key_created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (organization_id) DO UPDATE SET api_key_hash = excluded.api_key_hash, \
         api_key_hint = excluded.api_key_hint, api_key_created_at = excluded.api_key_created_at, updated_at = excluded.updated_at",
    )
    .bind(org)
    .bind(hex::encode(digest(&api_key)))
    .bind(&hint)
    .bind(now)
    .execute(pool)
    .await
    .map(|_| ()))?;
    d.inbound.keys.forget(org);
    tracing::info!(%org, "inbound API key generated");
    Ok(IssuedKey { api_key, status: KeyStatus { configured: true, hint: Some(hint), created_at: Some(now) } })
}

pub async fn status(d: &Domain, org: OrgId) -> Result<KeyStatus, Error> {
    let row: Option<(Option<String>, Option<DateTime<Utc>>)> = on_db!(&d.db, pool => sqlx::query_as(
        "SELECT api_key_hint, api_key_created_at FROM inbound_settings WHERE organization_id = $1 AND api_key_hash IS NOT NULL",
    )
    .bind(org)
    .fetch_optional(pool)
    .await)?;
    Ok(match row {
        Some((hint, created_at)) => KeyStatus { configured: true, hint, created_at },
        None => KeyStatus::default(),
    })
}

async fn stored_hash(d: &Domain, org: OrgId) -> Result<Option<Hash>, Error> {
    if let Some(hit) = d.inbound.keys.get(org) {
        return Ok(hit);
    }
    let hex_hash: Option<Option<String>> = on_db!(&d.db, pool => sqlx::query_scalar(
        "SELECT api_key_hash FROM inbound_settings WHERE organization_id = $1",
    )
    .bind(org)
    .fetch_optional(pool)
    .await)?;
    let hash = hex_hash.flatten().and_then(|h| hex::decode(h).ok()).and_then(|b| Hash::try_from(b).ok());
    d.inbound.keys.put(org, hash);
    Ok(hash)
}

/// The tenant whose `X-Tenant-ID` and `X-API-Key` these are. Every failure (no headers, a
/// malformed or unknown tenant, no key yet, a wrong key) is the same `Unauthorized`, and
/// counts against `client`'s quota of failures; past it, `RateLimited` before any check.
pub async fn authenticate(d: &Domain, tenant: Option<&str>, api_key: Option<&str>, client: Option<IpAddr>) -> Result<OrgId, Error> {
    d.quotas.inbound_key_check(client)?;
    let denied = || {
        d.quotas.inbound_key_failed(client);
        Error::Unauthorized("Send a valid X-Tenant-ID and X-API-Key.".into())
    };
    let given = digest(api_key.unwrap_or_default());
    let org = tenant.and_then(|t| t.trim().parse::<OrgId>().ok());
    let stored = match org {
        Some(org) => stored_hash(d, org).await?,
        None => None,
    };
    // Compare against something in every case, so a miss costs what a wrong key costs.
    let (expected, present) = match stored {
        Some(hash) => (hash, true),
        None => ([0u8; 32], false),
    };
    let matches: bool = expected.ct_eq(&given).into();
    match org {
        Some(org) if matches && present && api_key.is_some_and(|k| k.starts_with(PREFIX)) => Ok(org),
        _ => Err(denied()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_expires_and_forgets() {
        let cache = KeyCache::default();
        let org = OrgId::new();
        assert_eq!(cache.get(org), None);
        cache.put(org, Some(digest("k")));
        assert_eq!(cache.get(org), Some(Some(digest("k"))));
        cache.forget(org);
        assert_eq!(cache.get(org), None);
        cache.put(org, None);
        assert_eq!(cache.get(org), Some(None), "a tenant without a key is cached too");
    }
}
