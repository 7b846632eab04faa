//! The n8n base configuration of a tenant: a base URL that workflow webhook URLs may be
//! relative to, and an optional API key sent as `X-N8N-API-KEY`.

use chrono::{DateTime, Utc};

use super::{masked, replace_or_keep, validate};
use crate::{error::FieldErrors, ids::OrgId, on_db, text::rfc3339, Domain, Error};

pub const API_KEY: &str = "n8n_integrations.api_key";

pub use connectgain_types::integrations::{N8nInput, N8nView};

#[derive(sqlx::FromRow)]
pub(crate) struct Stored {
    pub base_url: String,
    pub api_key: Option<String>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) async fn stored(d: &Domain, org: OrgId) -> Result<Option<Stored>, Error> {
    Ok(on_db!(&d.db, pool => sqlx::query_as("SELECT base_url, api_key, updated_at FROM n8n_integrations WHERE organization_id = $1")
        .bind(org)
        .fetch_optional(pool)
        .await)?)
}

pub async fn get(d: &Domain, org: OrgId) -> Result<Option<N8nView>, Error> {
    stored(d, org)
        .await?
        .map(|s| Ok(N8nView { api_key: masked(d, org, API_KEY, &s.api_key)?, base_url: s.base_url, updated_at: rfc3339(s.updated_at) }))
        .transpose()
}

pub async fn put(d: &Domain, org: OrgId, input: &N8nInput) -> Result<N8nView, Error> {
    let mut errors = FieldErrors::new();
    let base_url = match input.base_url.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(url) => validate::http_url(url).map_err(|m| errors.insert("baseUrl", m)).ok(),
        None => {
            errors.insert("baseUrl", "Enter the n8n base URL.".into());
            None
        }
    };
    if let Some(key) = super::given(&input.api_key) {
        validate::token(key, "API key", 1000).unwrap_or_else(|m| drop(errors.insert("apiKey", m)));
    }
    let Some(base_url) = base_url.filter(|_| errors.is_empty()) else { return Err(Error::Invalid(errors)) };
    let old_key = stored(d, org).await?.and_then(|s| s.api_key);
    let api_key = replace_or_keep(d, org, API_KEY, &input.api_key, old_key);
    on_db!(&d.db, pool => sqlx::query(
        "INSERT INTO n8n_integrations (organization_id, base_url, api_key, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (organization_id) DO UPDATE SET base_url = excluded.base_url, api_key = excluded.api_key, \
         updated_at = excluded.updated_at",
    )
    .bind(org)
    .bind(&base_url)
    .bind(&api_key)
    .bind(Utc::now())
    .execute(pool)
    .await
    .map(|_| ()))?;
    get(d, org).await?.ok_or(Error::NotFound)
}
