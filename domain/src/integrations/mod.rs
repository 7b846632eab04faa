//! Per-tenant integrations that platform admins manage: WhatsApp Cloud API, an SMS provider
//! (Twilio, Vonage or AWS SNS) and n8n. Secret fields are stored as `cg1:` ciphertexts bound
//! to the organization and the field, shown only masked, and a blank value on save keeps
//! the stored one.

pub mod analytics;
pub mod n8n;
pub mod n8n_triggers;
pub mod sms;
pub mod validate;
pub mod webhook_calls;
pub mod webhooks;
pub mod whatsapp;

use secrecy::{ExposeSecret, SecretString};

use crate::{crypto::SecretBinding, ids::OrgId, secret::mask, Domain, Error};

/// A plain field of a save, trimmed; blank means absent.
pub(crate) fn text(value: &Option<String>) -> Option<String> {
    given(value).map(str::to_owned)
}

/// A secret field of a save: a new value, or (blank or absent) keep the stored one.
pub(crate) fn given(input: &Option<String>) -> Option<&str> {
    input.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

pub(crate) fn seal(d: &Domain, org: OrgId, field: &'static str, value: &str) -> String {
    d.keys.encrypt(value, &SecretBinding::new(field, org))
}

/// The stored secret, decrypted (for calling the provider).
pub(crate) fn reveal(d: &Domain, org: OrgId, field: &'static str, stored: &Option<String>) -> Result<Option<SecretString>, Error> {
    stored
        .as_deref()
        .map(|sealed| {
            d.keys
                .decrypt(sealed, &SecretBinding::new(field, org))
                .map_err(|e| Error::internal(anyhow::anyhow!("stored secret {field} of {org} cannot be read: {e}")))
        })
        .transpose()
}

/// The stored secret, masked (for display).
pub(crate) fn masked(d: &Domain, org: OrgId, field: &'static str, stored: &Option<String>) -> Result<Option<String>, Error> {
    Ok(reveal(d, org, field, stored)?.map(|s| mask(s.expose_secret())))
}

/// The ciphertext to store: the new value sealed, or the stored one kept.
pub(crate) fn replace_or_keep(d: &Domain, org: OrgId, field: &'static str, input: &Option<String>, stored: Option<String>) -> Option<String> {
    match given(input) {
        Some(value) => Some(seal(d, org, field, value)),
        None => stored,
    }
}

/// The tenants a platform admin can pick from.
pub mod tenants {
    use chrono::{DateTime, Utc};
    use serde::Serialize;

    use crate::{ids::OrgId, on_db, Domain, Error};

    #[derive(Debug, Serialize, sqlx::FromRow, utoipa::ToSchema)]
    pub struct Tenant {
        pub id: OrgId,
        pub name: String,
        pub created_at: DateTime<Utc>,
    }

    pub async fn list(d: &Domain) -> Result<Vec<Tenant>, Error> {
        Ok(on_db!(&d.db, pool => sqlx::query_as("SELECT id, name, created_at FROM organizations ORDER BY name, created_at")
            .fetch_all(pool)
            .await)?)
    }

    pub async fn exists(d: &Domain, id: OrgId) -> Result<bool, Error> {
        let found: Option<i32> = on_db!(&d.db, pool => sqlx::query_scalar("SELECT 1 FROM organizations WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await)?;
        Ok(found.is_some())
    }
}
