//! Organizations (tenants) and the Appgain credentials stored in their settings.

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

use crate::{
    crypto::{DecryptError, KeyRing, SecretBinding},
    ids::OrgId,
    on_db, Db,
};

/// The column, and AES-GCM binding, of an organization's Appgain API key.
pub const APPGAIN_API_KEY_FIELD: &str = "organizations.appgain_api_key";

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Organization {
    pub id: OrgId,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// An organization's Appgain credentials. The API key never leaves the server.
#[derive(Debug)]
pub struct AppgainCredentials {
    pub suit_id: String,
    pub api_key: SecretString,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("stored secret {field} of {owner} cannot be read: {source}")]
    Secret { field: &'static str, owner: String, source: DecryptError },
}

pub async fn create(db: &Db, name: &str) -> Result<Organization, sqlx::Error> {
    let now = Utc::now();
    let org = Organization { id: OrgId::new(), name: name.to_owned(), created_at: now };
    on_db!(db, pool => sqlx::query(
        "INSERT INTO organizations (id, name, created_at, updated_at) VALUES ($1, $2, $3, $3)",
    )
    .bind(org.id)
    .bind(&org.name)
    .bind(now)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(org)
}

pub async fn find(db: &Db, id: OrgId) -> Result<Option<Organization>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as("SELECT id, name, created_at FROM organizations WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// Stores the credentials, the API key encrypted and bound to this organization.
pub async fn set_appgain_credentials(
    db: &Db,
    ring: &KeyRing,
    id: OrgId,
    suit_id: &str,
    api_key: &SecretString,
) -> Result<bool, sqlx::Error> {
    let sealed = ring.encrypt(api_key.expose_secret(), &SecretBinding::new(APPGAIN_API_KEY_FIELD, id));
    let done = on_db!(db, pool => sqlx::query(
        "UPDATE organizations SET appgain_suit_id = $1, appgain_api_key = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(suit_id)
    .bind(sealed)
    .bind(Utc::now())
    .bind(id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

pub async fn appgain_credentials(db: &Db, ring: &KeyRing, id: OrgId) -> Result<Option<AppgainCredentials>, StoreError> {
    let row: Option<(Option<String>, Option<String>)> = on_db!(db, pool => sqlx::query_as(
        "SELECT appgain_suit_id, appgain_api_key FROM organizations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await)?;
    let Some((Some(suit_id), Some(sealed))) = row else { return Ok(None) };
    let api_key = ring
        .decrypt(&sealed, &SecretBinding::new(APPGAIN_API_KEY_FIELD, id))
        .map_err(|source| StoreError::Secret { field: APPGAIN_API_KEY_FIELD, owner: id.to_string(), source })?;
    Ok(Some(AppgainCredentials { suit_id, api_key }))
}
