//! The organization's API keys (owners, by login: a key cannot make keys). The key's value
//! is in the creation's answer only.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use connectgain_domain::accounts::api_keys::{self, ApiKey, ApiKeyInput};
use secrecy::ExposeSecret;
use serde::Serialize;
use utoipa::ToSchema;

use super::{error::ApiError, json::Json};
use crate::{auth::OwnerOf, state::AppState};

/// A key just created, with its value.
#[derive(Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub view: ApiKey,
    /// The key (`cgk_…`): shown this once, never again.
    pub key: String,
}

/// The organization's keys.
#[derive(Serialize, ToSchema)]
pub struct ApiKeys {
    pub data: Vec<ApiKey>,
}

/// `{name, scope, expires_at?}` → 201 with the key, this once.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "Accounts", responses((status = CREATED, description = "The key, with its value this once.", body = CreatedApiKey)))]
pub async fn create(State(s): State<AppState>, o: OwnerOf, Json(input): Json<ApiKeyInput>) -> Result<(StatusCode, Json<CreatedApiKey>), ApiError> {
    let issued = api_keys::create(&s.domain, o.org, o.user.id, &input).await?;
    let body = CreatedApiKey { key: issued.key.expose_secret().to_owned(), view: issued.view };
    Ok((StatusCode::CREATED, Json(body)))
}

/// The organization's keys, without their values.
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "Accounts", responses((status = OK, body = ApiKeys)))]
pub async fn list(State(s): State<AppState>, o: OwnerOf) -> Result<Json<ApiKeys>, ApiError> {
    Ok(Json(ApiKeys { data: api_keys::list(&s.domain, o.org).await? }))
}

/// Revokes a key: it stops working at once.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "Accounts", responses((status = NO_CONTENT, description = "Revoked.")))]
pub async fn revoke(State(s): State<AppState>, o: OwnerOf, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    api_keys::revoke(&s.domain, o.org, api_keys::parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
