//! Who is calling: a bearer token (`Authorization: Bearer cgt_…`) on the API.

use axum::{extract::FromRequestParts, http::request::Parts};
use connectgain_domain::accounts::{tokens, User};

use crate::{api::error::ApiError, state::AppState};

/// An authenticated caller, and the token they used.
pub struct Authenticated {
    pub user: User,
    pub token: String,
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or_else(ApiError::unauthorized)?;
        let user = tokens::authenticate(&state.domain, token).await?.ok_or_else(ApiError::unauthorized)?;
        Ok(Self { user, token: token.to_owned() })
    }
}
