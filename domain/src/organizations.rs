//! Organizations (tenants) and the Appgain credentials stored in their settings.

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

use crate::{
    appgain::Credentials,
    crypto::{DecryptError, KeyRing, SecretBinding},
    db::Tx,
    ids::OrgId,
    on_db, on_tx,
    secret::mask,
    Db,
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

/// How an organization got (or is getting) its Appgain credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProvisioningStatus {
    /// Created before provisioning existed, and no default credentials configured.
    Legacy,
    /// The signup webhook failed; a background job is retrying it.
    Pending,
    /// The signup webhook (or a retry of it) delivered them.
    Provisioned,
    /// An owner entered them by hand.
    Manual,
    /// The configured default credentials, given to an organization that predates provisioning.
    Default,
    /// Retries gave up (after 7 days); an owner must enter them by hand.
    Failed,
}

impl ProvisioningStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Legacy => "legacy",
            Self::Pending => "pending",
            Self::Provisioned => "provisioned",
            Self::Manual => "manual",
            Self::Default => "default",
            Self::Failed => "failed",
        }
    }

    fn from_db(text: &str) -> Self {
        match text {
            "pending" => Self::Pending,
            "provisioned" => Self::Provisioned,
            "manual" => Self::Manual,
            "default" => Self::Default,
            "failed" => Self::Failed,
            _ => Self::Legacy,
        }
    }
}

/// What the settings page and `/api/auth/me` may know of the credentials: never the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppgainState {
    pub status: ProvisioningStatus,
    pub suit_id: Option<String>,
    /// The API key masked (first 10 + last 6 characters), when one is stored.
    pub api_key_masked: Option<String>,
    pub last_error: Option<String>,
    /// Changes whenever the credentials do.
    pub version: i64,
}

impl AppgainState {
    pub fn provisioned(&self) -> bool {
        self.suit_id.is_some() && self.api_key_masked.is_some()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("stored secret {field} of {owner} cannot be read: {source}")]
    Secret { field: &'static str, owner: String, source: DecryptError },
}

impl From<StoreError> for crate::Error {
    fn from(error: StoreError) -> Self {
        crate::Error::internal(error)
    }
}

pub async fn create(db: &Db, name: &str) -> Result<Organization, sqlx::Error> {
    let mut tx = db.begin().await?;
    let org = create_in(&mut tx, name, ProvisioningStatus::Legacy).await?;
    tx.commit().await?;
    Ok(org)
}

pub(crate) async fn create_in(tx: &mut Tx, name: &str, status: ProvisioningStatus) -> Result<Organization, sqlx::Error> {
    let now = Utc::now();
    let org = Organization { id: OrgId::new(), name: name.to_owned(), created_at: now };
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO organizations (id, name, provisioning_status, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(org.id)
    .bind(&org.name)
    .bind(status.as_str())
    .bind(now)
    .execute(conn)
    .await
    .map(|_| ()))?;
    Ok(org)
}

pub async fn find(db: &Db, id: OrgId) -> Result<Option<Organization>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as("SELECT id, name, created_at FROM organizations WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// Stores credentials an owner entered by hand; any pending provisioning stops.
pub async fn set_appgain_credentials(db: &Db, ring: &KeyRing, id: OrgId, suit_id: &str, api_key: &SecretString) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let credentials = Credentials { suit_id: suit_id.to_owned(), api_key: api_key.clone() };
    let found = store_credentials_in(&mut tx, ring, id, &credentials, ProvisioningStatus::Manual).await?;
    on_tx!(&mut tx, conn => sqlx::query("DELETE FROM provisioning_jobs WHERE organization_id = $1")
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ()))?;
    tx.commit().await?;
    Ok(found)
}

/// Writes the credentials (the key encrypted and bound to this organization) and the status.
pub(crate) async fn store_credentials_in(
    tx: &mut Tx,
    ring: &KeyRing,
    id: OrgId,
    credentials: &Credentials,
    status: ProvisioningStatus,
) -> Result<bool, sqlx::Error> {
    let sealed = ring.encrypt(credentials.api_key.expose_secret(), &SecretBinding::new(APPGAIN_API_KEY_FIELD, id));
    let updated = on_tx!(tx, conn => sqlx::query(
        "UPDATE organizations SET appgain_suit_id = $1, appgain_api_key = $2, provisioning_status = $3, \
         provisioning_error = NULL, appgain_version = appgain_version + 1, updated_at = $4 WHERE id = $5",
    )
    .bind(&credentials.suit_id)
    .bind(sealed)
    .bind(status.as_str())
    .bind(Utc::now())
    .bind(id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(updated == 1)
}

pub(crate) async fn set_provisioning_status(db: &Db, id: OrgId, status: ProvisioningStatus, error: Option<&str>) -> Result<(), sqlx::Error> {
    on_db!(db, pool => sqlx::query(
        "UPDATE organizations SET provisioning_status = $1, provisioning_error = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(status.as_str())
    .bind(error)
    .bind(Utc::now())
    .bind(id)
    .execute(pool)
    .await
    .map(|_| ()))
}

pub async fn appgain_credentials(db: &Db, ring: &KeyRing, id: OrgId) -> Result<Option<AppgainCredentials>, StoreError> {
    let row: Option<(Option<String>, Option<String>)> = on_db!(db, pool => sqlx::query_as(
        "SELECT appgain_suit_id, appgain_api_key FROM organizations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await)?;
    let Some((Some(suit_id), Some(sealed))) = row else { return Ok(None) };
    let api_key = ring.decrypt(&sealed, &SecretBinding::new(APPGAIN_API_KEY_FIELD, id)).map_err(|source| StoreError::Secret {
        field: APPGAIN_API_KEY_FIELD,
        owner: id.to_string(),
        source,
    })?;
    Ok(Some(AppgainCredentials { suit_id, api_key }))
}

/// The provisioning state of an organization, with the key masked.
pub async fn appgain_state(db: &Db, ring: &KeyRing, id: OrgId) -> Result<Option<AppgainState>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        status: String,
        suit_id: Option<String>,
        sealed: Option<String>,
        last_error: Option<String>,
        version: i64,
    }
    let row: Option<Row> = on_db!(db, pool => sqlx::query_as(
        "SELECT provisioning_status AS status, appgain_suit_id AS suit_id, appgain_api_key AS sealed, \
         provisioning_error AS last_error, CAST(appgain_version AS BIGINT) AS version FROM organizations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await)?;
    let Some(Row { status, suit_id, sealed, last_error, version }) = row else { return Ok(None) };
    let api_key_masked = match sealed {
        Some(sealed) => Some(mask(
            ring.decrypt(&sealed, &SecretBinding::new(APPGAIN_API_KEY_FIELD, id))
                .map_err(|source| StoreError::Secret { field: APPGAIN_API_KEY_FIELD, owner: id.to_string(), source })?
                .expose_secret(),
        )),
        None => None,
    };
    Ok(Some(AppgainState { status: ProvisioningStatus::from_db(&status), suit_id, api_key_masked, last_error, version }))
}

/// Gives the configured default credentials to every organization that predates
/// provisioning and has none. Returns how many received them.
pub async fn apply_default_credentials(db: &Db, ring: &KeyRing, defaults: &Credentials) -> Result<u64, sqlx::Error> {
    let ids: Vec<OrgId> = on_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM organizations WHERE provisioning_status = 'legacy' AND appgain_api_key IS NULL",
    )
    .fetch_all(pool)
    .await)?;
    let mut given = 0;
    for id in ids {
        let mut tx = db.begin().await?;
        if store_credentials_in(&mut tx, ring, id, defaults, ProvisioningStatus::Default).await? {
            given += 1;
        }
        tx.commit().await?;
    }
    Ok(given)
}

/// The version of an organization's credentials (0 when there are none and never were).
pub async fn appgain_version(db: &Db, id: OrgId) -> Result<i64, sqlx::Error> {
    let version: Option<i64> = on_db!(db, pool => sqlx::query_scalar(
        "SELECT CAST(appgain_version AS BIGINT) FROM organizations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await)?;
    Ok(version.unwrap_or(0))
}
