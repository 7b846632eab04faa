//! An organization's API keys (`cgk_…`): the credential of automation (an n8n flow, a
//! script) that should hold neither a person's password nor a login token that expires in
//! a week. Owners create them, named, with a [`Scope`] and an optional expiry; the value is
//! shown once and stored as a SHA-256 hash. A key belongs to the organization, not to the
//! person who made it.
//!
//! Who a key stands for is cached as login tokens are ([`TokenCache`]): a revocation commits
//! through [`crate::db::Invalidations::commit`], which empties the caches of every instance;
//! expiry is checked on every use. `last_used_at` is written when the database is asked
//! (at most every [`crate::db::invalidation::MAX_AGE`] per key and instance) and then only when it is
//! a minute old, so a busy key costs no write per request.

use chrono::{DateTime, NaiveDate, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::tokens::{hash_secret, random_secret, Cached, TokenCache};
use crate::{
    crm::optional_text,
    db::Topic,
    error::FieldErrors,
    ids::{OrgId, UserId},
    on_db, on_tx, Domain, Error,
};

pub use connectgain_types::accounts::ApiKeyInput;

pub const PREFIX: &str = "cgk_";
/// Live keys an organization may have at once.
pub const MAX_KEYS: i64 = 100;
/// How stale `last_used_at` may be before a use writes it again.
const LAST_USED_EVERY: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

crate::typed_id!(
    /// An API key of an organization.
    ApiKeyId
);

/// What a key may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Reads only: a request that would change something is refused (403).
    Read,
    /// Reads and changes the CRM objects and the webhook subscriptions.
    ReadWrite,
}

impl Scope {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        match raw.trim() {
            "read" => Ok(Scope::Read),
            "read_write" => Ok(Scope::ReadWrite),
            _ => Err(Error::invalid("scope", "Choose `read` or `read_write`.")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::ReadWrite => "read_write",
        }
    }

    pub fn may_write(self) -> bool {
        self == Scope::ReadWrite
    }
}

/// A key as its organization's owners see it (never its value).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub name: String,
    pub scope: Scope,
    /// `cgk_…` and the last four characters.
    pub hint: String,
    pub created_by: Option<UserId>,
    /// The creator's e-mail address, while they are a member.
    pub created_by_email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// A key just created: the only time its value exists outside the caller.
pub struct IssuedApiKey {
    pub key: SecretString,
    pub view: ApiKey,
}

impl std::fmt::Debug for IssuedApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedApiKey").field("view", &self.view).finish_non_exhaustive()
    }
}

/// Who calls with a live key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyCaller {
    pub id: ApiKeyId,
    pub org: OrgId,
    pub scope: Scope,
}

/// A new key's input, checked.
struct NewKey {
    name: String,
    scope: Scope,
    expires_at: Option<DateTime<Utc>>,
}

fn parse(input: &ApiKeyInput, now: DateTime<Utc>) -> Result<NewKey, Error> {
    let mut errors = FieldErrors::new();
    let name = optional_text(input.name.as_deref(), "name", 100, &mut errors);
    if name.is_none() {
        errors.insert("name", "Name the key after what will use it, e.g. \"n8n production\".".into());
    }
    let scope = match Scope::parse(input.scope.as_deref().unwrap_or_default()) {
        Ok(scope) => Some(scope),
        Err(_) => {
            errors.insert("scope", "Choose `read` or `read_write`.".into());
            None
        }
    };
    let expires_at = match input.expires_at.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(text) => match expiry(text) {
            Some(at) if at > now => Some(at),
            Some(_) => {
                errors.insert("expires_at", "Choose a time in the future.".into());
                None
            }
            None => {
                errors.insert("expires_at", "Give a date (2027-01-31) or an RFC 3339 time (2027-01-31T12:00:00Z).".into());
                None
            }
        },
    };
    match (name, scope) {
        (Some(name), Some(scope)) if errors.is_empty() => Ok(NewKey { name, scope, expires_at }),
        _ => Err(Error::Invalid(errors)),
    }
}

/// An RFC 3339 time, or a date: the key stops working when that day begins (UTC).
fn expiry(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc())
}

const VIEW_COLUMNS: &str = "k.id, k.name, k.scope, k.hint, k.created_by, u.email AS created_by_email, k.created_at, k.expires_at, k.last_used_at";

#[derive(sqlx::FromRow)]
struct Row {
    id: ApiKeyId,
    name: String,
    scope: String,
    hint: String,
    created_by: Option<UserId>,
    created_by_email: Option<String>,
    created_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
}

impl TryFrom<Row> for ApiKey {
    type Error = Error;

    fn try_from(r: Row) -> Result<Self, Error> {
        let scope = Scope::parse(&r.scope).map_err(|_| Error::internal(anyhow::anyhow!("unknown API key scope `{}` in the database", r.scope)))?;
        Ok(Self {
            id: r.id,
            name: r.name,
            scope,
            hint: r.hint,
            created_by: r.created_by,
            created_by_email: r.created_by_email,
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
        })
    }
}

/// Creates a key for `org`, made by `creator` (an owner: the caller checks).
pub async fn create(d: &Domain, org: OrgId, creator: UserId, input: &ApiKeyInput) -> Result<IssuedApiKey, Error> {
    let now = Utc::now();
    let new = parse(input, now)?;
    let key = random_secret(PREFIX);
    let hint = format!("{PREFIX}…{}", &key[key.len() - 4..]);
    let id = ApiKeyId::new();
    let mut tx = d.db.begin().await?;
    let live: i64 = on_tx!(&mut tx, conn => sqlx::query_scalar(
        "SELECT COUNT(*) FROM api_keys WHERE organization_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
    )
    .bind(org)
    .bind(now)
    .fetch_one(conn)
    .await)?;
    if live >= MAX_KEYS {
        return Err(Error::LimitReached(format!("An organization can have {MAX_KEYS} API keys at once; revoke one first.")));
    }
    on_tx!(&mut tx, conn => sqlx::query(
        "INSERT INTO api_keys (id, organization_id, name, scope, key_hash, hint, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(org)
    .bind(&new.name)
    .bind(new.scope.as_str())
    .bind(hash_secret(&key))
    .bind(&hint)
    .bind(creator)
    .bind(now)
    .bind(new.expires_at)
    .execute(conn)
    .await
    .map(drop))?;
    tx.commit().await?;
    let view = get(d, org, id).await?;
    Ok(IssuedApiKey { key: SecretString::from(key), view })
}

async fn get(d: &Domain, org: OrgId, id: ApiKeyId) -> Result<ApiKey, Error> {
    let sql = format!(
        "SELECT {VIEW_COLUMNS} FROM api_keys k LEFT JOIN users u ON u.id = k.created_by AND u.organization_id = k.organization_id \
         WHERE k.id = $1 AND k.organization_id = $2 AND k.revoked_at IS NULL"
    );
    let row: Option<Row> = on_db!(&d.db, pool => sqlx::query_as(&sql).bind(id).bind(org).fetch_optional(pool).await)?;
    row.ok_or(Error::NotFound)?.try_into()
}

/// The organization's keys that are not revoked (expired ones too, so that an owner sees
/// why a client stopped working), newest first.
pub async fn list(d: &Domain, org: OrgId) -> Result<Vec<ApiKey>, Error> {
    let sql = format!(
        "SELECT {VIEW_COLUMNS} FROM api_keys k LEFT JOIN users u ON u.id = k.created_by AND u.organization_id = k.organization_id \
         WHERE k.organization_id = $1 AND k.revoked_at IS NULL ORDER BY k.created_at DESC, k.id"
    );
    let rows: Vec<Row> = on_db!(&d.db, pool => sqlx::query_as(&sql).bind(org).fetch_all(pool).await)?;
    rows.into_iter().map(ApiKey::try_from).collect()
}

/// Revokes a key on every instance at once; 404 for an unknown or already revoked one.
pub async fn revoke(d: &Domain, org: OrgId, id: ApiKeyId) -> Result<(), Error> {
    let mut tx = d.db.begin().await?;
    let revoked = on_tx!(&mut tx, conn => sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND organization_id = $3 AND revoked_at IS NULL")
        .bind(Utc::now())
        .bind(id)
        .bind(org)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if revoked == 0 {
        return Err(Error::NotFound);
    }
    d.invalidations.commit(tx, Topic::Tokens).await?;
    Ok(())
}

/// A key id from a path; malformed ids are simply not found.
pub fn parse_id(raw: &str) -> Result<ApiKeyId, Error> {
    raw.parse::<uuid::Uuid>().map(ApiKeyId).map_err(|_| Error::NotFound)
}

/// Whether a bearer credential is an API key (rather than a login token).
pub fn is_api_key(credential: &str) -> bool {
    credential.starts_with(PREFIX)
}

#[derive(sqlx::FromRow)]
struct LiveRow {
    id: ApiKeyId,
    organization_id: OrgId,
    scope: String,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
}

/// Who a live (unexpired, unrevoked) key stands for.
pub async fn authenticate(d: &Domain, key: &SecretString) -> Result<Option<KeyCaller>, Error> {
    let key = key.expose_secret();
    if !is_api_key(key) {
        return Ok(None);
    }
    let digest: [u8; 32] = Sha256::digest(key.as_bytes()).into();
    if let Some(caller) = d.api_keys.get(d, &digest) {
        return Ok(Some(caller));
    }
    let stamp = d.invalidations.stamp(Topic::Tokens);
    let read_at = std::time::Instant::now();
    let now = Utc::now();
    let row: Option<LiveRow> = on_db!(&d.db, pool => sqlx::query_as(
        "SELECT id, organization_id, scope, expires_at, last_used_at FROM api_keys \
         WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
    )
    .bind(hex::encode(digest))
    .bind(now)
    .fetch_optional(pool)
    .await)?;
    let Some(row) = row else { return Ok(None) };
    let caller = KeyCaller { id: row.id, org: row.organization_id, scope: Scope::parse(&row.scope)? };
    if row.last_used_at.is_none_or(|at| now - at >= LAST_USED_EVERY) {
        let d = d.clone();
        // Not on the request's path: the request does not wait for a write turn.
        tokio::spawn(async move {
            if let Err(error) = record_use(&d, caller.id, now).await {
                tracing::warn!(%error, "recording an API key's use failed");
            }
        });
    }
    if let Some(stamp) = stamp {
        let expires_at = row.expires_at.unwrap_or(DateTime::<Utc>::MAX_UTC);
        d.api_keys.put(digest, Cached { value: caller, expires_at, stamp, read_at });
    }
    Ok(Some(caller))
}

async fn record_use(d: &Domain, id: ApiKeyId, at: DateTime<Utc>) -> Result<(), Error> {
    let mut tx = d.db.begin().await?;
    on_tx!(&mut tx, conn => sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)")
        .bind(at)
        .bind(id)
        .execute(conn)
        .await
        .map(drop))?;
    tx.commit().await?;
    Ok(())
}

/// The cache of live keys, one per instance.
pub type KeyCache = TokenCache<KeyCaller>;

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, scope: &str, expires_at: Option<&str>) -> ApiKeyInput {
        ApiKeyInput { name: Some(name.into()), scope: Some(scope.into()), expires_at: expires_at.map(Into::into) }
    }

    #[test]
    fn a_key_needs_a_name_and_a_known_scope() {
        let now = Utc::now();
        let Err(Error::Invalid(errors)) = parse(&input(" ", "admin", None), now) else { panic!("accepted") };
        assert!(errors.contains_key("name") && errors.contains_key("scope"), "{errors:?}");
        assert_eq!(parse(&input("n8n", "read", None), now).unwrap().scope, Scope::Read);
        assert_eq!(parse(&input("n8n", "read_write", Some("")), now).unwrap().expires_at, None);
    }

    #[test]
    fn an_expiry_is_a_future_date_or_time() {
        let now = DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z").unwrap().with_timezone(&Utc);
        let day = parse(&input("n8n", "read", Some("2027-01-31")), now).unwrap().expires_at.unwrap();
        assert_eq!(day.to_rfc3339(), "2027-01-31T00:00:00+00:00");
        let time = parse(&input("n8n", "read", Some("2026-12-07T12:00:00+01:00")), now).unwrap().expires_at.unwrap();
        assert_eq!(time.to_rfc3339(), "2026-12-07T11:00:00+00:00");
        for past_or_bad in ["2026-12-07T12:00:00+02:00", "2026-12-07", "next week"] {
            let Err(Error::Invalid(errors)) = parse(&input("n8n", "read", Some(past_or_bad)), now) else { panic!("{past_or_bad} accepted") };
            assert!(errors.contains_key("expires_at"));
        }
    }
}
