//! Signup, login, logout and "who am I" for API clients.

use axum::{extract::State, http::StatusCode};
use connectgain_domain::{
    accounts::{
        login,
        signup::{self, Provisioning, Signup, SignupForm},
        tokens, Role,
    },
    ids::{OrgId, UserId},
    organizations::{self, ProvisioningStatus},
};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use utoipa::ToSchema;

use super::{error::ApiError, json::Json};
use crate::{
    auth::{Authenticated, ClientAddress},
    state::AppState,
};

/// How the Appgain credentials went at signup.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignupProvisioning {
    /// The credentials are set up.
    Provisioned,
    /// Not yet: retries run in the background (see `warning`).
    Pending,
}

/// The account just created.
#[derive(Serialize, ToSchema)]
pub struct SignedUp {
    pub user_id: UserId,
    pub organization_id: OrgId,
    pub email: String,
    pub role: Role,
    pub provisioning: SignupProvisioning,
    /// For the user, when `provisioning` is `pending`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

/// Creates a user, who owns the new organization, and sets up its Appgain credentials.
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "Accounts", security(()), responses((status = CREATED, description = "The user and their organization; log in next.", body = SignedUp)))]
pub async fn signup(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Json(form): Json<SignupForm>,
) -> Result<(StatusCode, Json<SignedUp>), ApiError> {
    let parsed = Signup::parse(&form)?;
    let outcome = signup::signup(&state.domain, parsed, client).await?;
    let (provisioning, warning) = match outcome.provisioning {
        Provisioning::Provisioned => (SignupProvisioning::Provisioned, None),
        Provisioning::Pending { warning } => (SignupProvisioning::Pending, Some(warning)),
    };
    let body = SignedUp {
        user_id: outcome.user.id,
        organization_id: outcome.organization_id,
        email: outcome.user.email,
        role: outcome.user.role,
        provisioning,
        warning,
    };
    Ok((StatusCode::CREATED, Json(body)))
}

/// `{"email", "password"}`.
#[derive(Deserialize, ToSchema)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// A bearer token for `Authorization: Bearer …`.
#[derive(Serialize, ToSchema)]
pub struct LoginToken {
    /// `cgt_…`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: u64,
}

/// Checks the password and issues a login token (429 after too many wrong passwords).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "Accounts", security(()), responses((status = OK, body = LoginToken)))]
pub async fn login(State(state): State<AppState>, ClientAddress(client): ClientAddress, Json(form): Json<LoginForm>) -> Result<Json<LoginToken>, ApiError> {
    let password = SecretString::from(form.password);
    let client = client.map(|ip| ip.to_string());
    let user = login::check_password(&state.domain, &form.email, &password, client.as_deref()).await?;
    let issued = tokens::issue(&state.domain, user.id).await?;
    Ok(Json(LoginToken { access_token: issued.token, token_type: "Bearer".into(), expires_in: state.domain.config.accounts.token_ttl.as_secs() }))
}

/// Revokes the bearer token, or ends the login session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "Accounts", responses((status = NO_CONTENT, description = "Logged out.")))]
pub async fn logout(State(state): State<AppState>, session: Session, caller: Authenticated) -> Result<StatusCode, ApiError> {
    match &caller.token {
        Some(token) => tokens::revoke(&state.domain, token).await?,
        None => connectgain_app::server::session::log_out(&session).await?,
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The organization's Appgain credentials as the caller may know them (never the key).
#[derive(Serialize, ToSchema)]
pub struct MeAppgain {
    /// Both the suit id and the API key are stored.
    pub provisioned: bool,
    /// Null when the caller has no organization.
    pub status: Option<ProvisioningStatus>,
    pub suit_id: Option<String>,
    /// The last provisioning failure; absent when the caller has no organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub last_error: Option<Option<String>>,
}

/// Who calls.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub user_id: UserId,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Role,
    /// The organization's id; null for a platform administrator.
    pub tenant_id: Option<OrgId>,
    pub organization_name: Option<String>,
    pub appgain: MeAppgain,
}

/// The caller and their organization's current provisioning state (never the API key).
#[utoipa::path(get, path = "/api/auth/me", tag = "Accounts", responses((status = OK, body = Me)))]
pub async fn me(State(state): State<AppState>, caller: Authenticated) -> Result<Json<Me>, ApiError> {
    let user = caller.user;
    let d = &state.domain;
    let (organization_name, appgain) = match user.organization_id {
        Some(org) => {
            let name = organizations::find(&d.db, org).await.map_err(connectgain_domain::Error::from)?.map(|o| o.name);
            let appgain = organizations::appgain_state(&d.db, &d.keys, org).await.map_err(connectgain_domain::Error::from)?;
            (name, appgain)
        }
        None => (None, None),
    };
    let appgain = match appgain {
        Some(a) => MeAppgain { provisioned: a.provisioned(), status: Some(a.status), suit_id: a.suit_id, last_error: Some(a.last_error) },
        None => MeAppgain { provisioned: false, status: None, suit_id: None, last_error: None },
    };
    Ok(Json(Me {
        user_id: user.id,
        email: user.email,
        first_name: user.first_name,
        last_name: user.last_name,
        role: user.role,
        tenant_id: user.organization_id,
        organization_name,
        appgain,
    }))
}

/// The caller and their organization's current provisioning state (never the API key).
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "Accounts", responses((status = OK, body = Me)))]
pub async fn me_v1(state: State<AppState>, caller: Authenticated) -> Result<Json<Me>, ApiError> {
    me(state, caller).await
}
