//! Who is calling: a person, by a login token (`Authorization: Bearer cgt_…`) or else the
//! browser's login session cookie; or an organization's API key (`Bearer cgk_…`), which
//! works on the CRM and webhook APIs only ([`MemberOf`], [`ManagerOf`]) and, with the `read`
//! scope, only for requests that change nothing. Everything else wants a person
//! ([`Authenticated`]): a live key gets 403 there, a dead one 401.

use axum::{
    extract::FromRequestParts,
    http::{request::Parts, Method},
};
use connectgain_app::server::session;
use connectgain_domain::{
    accounts::{
        api_keys::{self, KeyCaller},
        tokens, Role, User,
    },
    ids::OrgId,
};
use secrecy::SecretString;
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
        if let Some(token) = bearer(parts)? {
            if api_keys::is_api_key(token) {
                key_of(parts, state).await?;
                return Err(ApiError::forbidden("API keys work on the CRM and webhook APIs only; this needs a person's login."));
            }
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
    pub org: OrgId,
}

impl FromRequestParts<AppState> for OwnerOf {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Authenticated { user, .. } = Authenticated::from_request_parts(parts, state).await?;
        match (user.role, user.organization_id) {
            (Role::Owner, Some(org)) => Ok(Self { user, org }),
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
        if user.role == Role::Admin {
            Ok(Self(user))
        } else {
            Err(ApiError::forbidden("Only platform admins can do this."))
        }
    }
}

/// The bearer credential, if the request has an `Authorization` header (401 for one that is
/// not a bearer credential).
fn bearer(parts: &Parts) -> Result<Option<&str>, ApiError> {
    let Some(header) = parts.headers.get(axum::http::header::AUTHORIZATION) else { return Ok(None) };
    let header = header.to_str().map_err(|_| ApiError::unauthorized())?;
    let token = header.strip_prefix("Bearer ").or_else(|| header.strip_prefix("bearer ")).map(str::trim).ok_or_else(ApiError::unauthorized)?;
    Ok(Some(token))
}

/// The live API key the request carries, if it carries one: 401 for a revoked, expired or
/// unknown key, 403 for a `read` key on a request that changes something.
async fn key_of(parts: &Parts, state: &AppState) -> Result<Option<KeyCaller>, ApiError> {
    let Some(token) = bearer(parts)?.filter(|t| api_keys::is_api_key(t)) else { return Ok(None) };
    let key = SecretString::from(token.to_owned());
    let caller = api_keys::authenticate(&state.domain, &key).await?.ok_or_else(ApiError::unauthorized)?;
    let reads_only = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !reads_only && !caller.scope.may_write() {
        return Err(ApiError::forbidden("This API key can only read; create a `read_write` key to make changes."));
    }
    Ok(Some(caller))
}

/// Who acts for an organization: one of its people, or one of its API keys.
pub enum OrgCaller {
    Person(Authenticated),
    Key(KeyCaller),
}

/// Anyone in an organization, member or owner, or one of its API keys (403 for platform
/// admins, who have none).
pub struct MemberOf {
    pub org: OrgId,
    pub caller: OrgCaller,
}

impl FromRequestParts<AppState> for MemberOf {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(key) = key_of(parts, state).await? {
            return Ok(Self { org: key.org, caller: OrgCaller::Key(key) });
        }
        let person = Authenticated::from_request_parts(parts, state).await?;
        match person.user.organization_id {
            Some(org) => Ok(Self { org, caller: OrgCaller::Person(person) }),
            None => Err(ApiError::forbidden("This belongs to an organization; platform admins have none.")),
        }
    }
}

/// Who may manage an organization's webhook subscriptions: an owner, or one of its API keys
/// (which only owners create).
pub struct ManagerOf {
    pub org: OrgId,
    /// The key it called with, if not a person.
    pub key: Option<KeyCaller>,
}

impl FromRequestParts<AppState> for ManagerOf {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(key) = key_of(parts, state).await? {
            return Ok(Self { org: key.org, key: Some(key) });
        }
        let OwnerOf { org, .. } = OwnerOf::from_request_parts(parts, state).await?;
        Ok(Self { org, key: None })
    }
}
