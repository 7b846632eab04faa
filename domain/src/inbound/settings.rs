//! The owner's inbound settings: the API key's status (see [`super::keys`]) and the callback
//! secrets that only the owner knows: Zoom's *secret token* and Vonage's *signature
//! secret*. Both are encrypted like every stored secret, shown masked, and a blank value
//! on save keeps the stored one. (WhatsApp's app secret and verify token, and Twilio's auth
//! token, are part of the platform integrations.)

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::keys::{self, KeyStatus};
use crate::{
    error::FieldErrors,
    ids::OrgId,
    integrations::{given, masked, replace_or_keep, reveal, validate},
    on_db, Domain, Error,
};

pub const ZOOM_SECRET_TOKEN: &str = "inbound_settings.zoom_secret_token";
pub const VONAGE_SIGNATURE_SECRET: &str = "inbound_settings.vonage_signature_secret";

/// The callback secrets to store; blank or absent keeps the stored one.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CallbackSecretsInput {
    /// Zoom's *secret token*: one word (no spaces) of at most 500 characters.
    pub zoom_secret_token: Option<String>,
    /// Vonage's *signature secret*: one word (no spaces) of at most 500 characters.
    pub vonage_signature_secret: Option<String>,
}

/// What the owner sees.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InboundSettingsView {
    pub api_key: KeyStatus,
    /// Masked.
    pub zoom_secret_token: Option<String>,
    /// Masked.
    pub vonage_signature_secret: Option<String>,
}

async fn stored(d: &Domain, org: OrgId) -> Result<(Option<String>, Option<String>), Error> {
    let row: Option<(Option<String>, Option<String>)> = on_db!(&d.db, pool => sqlx::query_as(
        "SELECT zoom_secret_token, vonage_signature_secret FROM inbound_settings WHERE organization_id = $1",
    )
    .bind(org)
    .fetch_optional(pool)
    .await)?;
    Ok(row.unwrap_or_default())
}

pub async fn get(d: &Domain, org: OrgId) -> Result<InboundSettingsView, Error> {
    let (zoom, vonage) = stored(d, org).await?;
    Ok(InboundSettingsView {
        api_key: keys::status(d, org).await?,
        zoom_secret_token: masked(d, org, ZOOM_SECRET_TOKEN, &zoom)?,
        vonage_signature_secret: masked(d, org, VONAGE_SIGNATURE_SECRET, &vonage)?,
    })
}

pub async fn put(d: &Domain, org: OrgId, input: &CallbackSecretsInput) -> Result<InboundSettingsView, Error> {
    let mut errors = FieldErrors::new();
    for (field, label, value) in [
        ("zoom_secret_token", "Zoom secret token", &input.zoom_secret_token),
        ("vonage_signature_secret", "Vonage signature secret", &input.vonage_signature_secret),
    ] {
        if let Some(v) = given(value) {
            validate::token(v, label, 500).unwrap_or_else(|m| drop(errors.insert(field, m)));
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let (zoom, vonage) = stored(d, org).await?;
    let zoom = replace_or_keep(d, org, ZOOM_SECRET_TOKEN, &input.zoom_secret_token, zoom);
    let vonage = replace_or_keep(d, org, VONAGE_SIGNATURE_SECRET, &input.vonage_signature_secret, vonage);
    on_db!(&d.db, pool => sqlx::query(
        "INSERT INTO inbound_settings (organization_id, zoom_secret_token, vonage_signature_secret, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (organization_id) DO UPDATE SET zoom_secret_token = excluded.zoom_secret_token, \
         vonage_signature_secret = excluded.vonage_signature_secret, updated_at = excluded.updated_at",
    )
    .bind(org)
    .bind(&zoom)
    .bind(&vonage)
    .bind(chrono::Utc::now())
    .execute(pool)
    .await
    .map(drop))?;
    tracing::info!(%org, "inbound callback secrets saved");
    get(d, org).await
}

/// A callback secret, decrypted for checking a signature.
pub(crate) async fn secret(d: &Domain, org: OrgId, field: &'static str) -> Result<Option<SecretString>, Error> {
    let (zoom, vonage) = stored(d, org).await?;
    match field {
        ZOOM_SECRET_TOKEN => reveal(d, org, field, &zoom),
        _ => reveal(d, org, VONAGE_SIGNATURE_SECRET, &vonage),
    }
}
