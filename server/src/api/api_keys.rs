//! The organization's API keys (owners, by login: a key cannot make keys). The key's value
//! is in the creation's answer only.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use connectgain_domain::accounts::api_keys::{self, ApiKeyInput};
use secrecy::ExposeSecret;
use serde_json::{json, Value};

use super::{error::ApiError, json::ApiJson};
use crate::{auth::OwnerOf, state::AppState};

/// `{name, scope, expires_at?}` → 201 with the key, this once.
pub async fn create(State(s): State<AppState>, o: OwnerOf, ApiJson(input): ApiJson<ApiKeyInput>) -> Result<(StatusCode, Json<Value>), ApiError> {
    let issued = api_keys::create(&s.domain, o.org, o.user.id, &input).await?;
    let mut body = json!(issued.view);
    body["key"] = json!(issued.key.expose_secret());
    Ok((StatusCode::CREATED, Json(body)))
}

pub async fn list(State(s): State<AppState>, o: OwnerOf) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!({ "data": api_keys::list(&s.domain, o.org).await? })))
}

pub async fn revoke(State(s): State<AppState>, o: OwnerOf, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    api_keys::revoke(&s.domain, o.org, api_keys::parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
