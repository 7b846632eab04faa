//! Who is calling: a bearer token (`Authorization: Bearer cgt_…`), or else the browser's
//! login session cookie.

use axum::{extract::FromRequestParts, http::request::Parts};
use connectgain_app::server::session;
use connectgain_domain::accounts::{tokens, User};
use tower_sessions::Session;

use crate::{api::error::ApiError, state::AppState};

/// The client's address, for per-address quotas (`None` when the server was not given the
/// connection's peer). Decided by [`connectgain_app::server::client_address_of`], which server
/// functions use too.
pub struct ClientAddress(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(connectgain_app::server::client_address_of(parts, &state.domain)))
    }
}

/// An authenticated caller, and the token they used (none with a session cookie).
pub struct Authenticated {
    pub user: User,
    pub token: Option<String>,
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        if let Some(header) = header {
            let token = header.strip_prefix("Bearer ").or_else(|| header.strip_prefix("bearer ")).map(str::trim).ok_or_else(ApiError::unauthorized)?;
            let user = tokens::authenticate(&state.domain, token).await?.ok_or_else(ApiError::unauthorized)?;
            return Ok(Self { user, token: Some(token.to_owned()) });
        }
        let session = Session::from_request_parts(parts, state).await.map_err(|_| ApiError::unauthorized())?;
        let user = session::current_user(&session, &state.domain).await?.ok_or_else(ApiError::unauthorized)?;
        Ok(Self { user, token: None })
    }
}

/// An owner of an organization (403 for anyone else who is logged in).
pub struct OwnerOf {
    pub user: User,
    pub org: connectgain_domain::ids::OrgId,
}

impl FromRequestParts<AppState> for OwnerOf {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Authenticated { user, .. } = Authenticated::from_request_parts(parts, state).await?;
        match (user.role, user.organization_id) {
            (connectgain_domain::accounts::Role::Owner, Some(org)) => Ok(Self { user, org }),
            _ => Err(ApiError::forbidden("Only the organization's owners can do this.")),
        }
    }
}

/// A platform admin (403 for anyone else who is logged in).
pub struct PlatformAdmin(pub User);

impl FromRequestParts<AppState> for PlatformAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Authenticated { user, .. } = Authenticated::from_request_parts(parts, state).await?;
        if user.role == connectgain_domain::accounts::Role::Admin {
            Ok(Self(user))
        } else {
            Err(ApiError::forbidden("Only platform admins can do this."))
        }
    }
}

/// Anyone in an organization, member or owner (403 for platform admins, who have none).
pub struct MemberOf {
    pub user: User,
    pub org: connectgain_domain::ids::OrgId,
}

impl FromRequestParts<AppState> for MemberOf {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Authenticated { user, .. } = Authenticated::from_request_parts(parts, state).await?;
        match user.organization_id {
            Some(org) => Ok(Self { user, org }),
            None => Err(ApiError::forbidden("This belongs to an organization; platform admins have none.")),
        }
    }
}
