//! Signup, login, logout and "who am I" for API clients.

use axum::{extract::State, http::StatusCode, Json};
use connectgain_domain::{
    accounts::{
        login,
        signup::{self, Provisioning, Signup, SignupForm},
        tokens,
    },
    organizations,
};
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::{json, Value};
use tower_sessions::Session;

use super::{error::ApiError, json::ApiJson};
use crate::{
    auth::{Authenticated, ClientAddress},
    state::AppState,
};

pub async fn signup(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    ApiJson(form): ApiJson<SignupForm>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let parsed = Signup::parse(&form)?;
    let outcome = signup::signup(&state.domain, parsed, client).await?;
    let mut body = json!({
        "user_id": outcome.user.id,
        "organization_id": outcome.organization_id,
        "email": outcome.user.email,
        "role": outcome.user.role,
    });
    match outcome.provisioning {
        Provisioning::Provisioned => body["provisioning"] = json!("provisioned"),
        Provisioning::Pending { warning } => {
            body["provisioning"] = json!("pending");
            body["warning"] = json!(warning);
        }
    }
    Ok((StatusCode::CREATED, Json(body)))
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn login(State(state): State<AppState>, ClientAddress(client): ClientAddress, ApiJson(form): ApiJson<LoginForm>) -> Result<Json<Value>, ApiError> {
    let password = SecretString::from(form.password);
    let client = client.map(|ip| ip.to_string());
    let user = login::check_password(&state.domain, &form.email, &password, client.as_deref()).await?;
    let issued = tokens::issue(&state.domain, user.id).await?;
    Ok(Json(json!({
        "access_token": issued.token,
        "token_type": "Bearer",
        "expires_in": state.domain.config.accounts.token_ttl.as_secs(),
    })))
}

/// Revokes the bearer token, or ends the login session.
pub async fn logout(State(state): State<AppState>, session: Session, caller: Authenticated) -> Result<StatusCode, ApiError> {
    match &caller.token {
        Some(token) => tokens::revoke(&state.domain, token).await?,
        None => connectgain_app::server::session::log_out(&session).await?,
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The caller and their organization's current provisioning state (never the API key).
pub async fn me(State(state): State<AppState>, caller: Authenticated) -> Result<Json<Value>, ApiError> {
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
    let appgain = appgain.map(|a| {
        json!({
            "provisioned": a.provisioned(),
            "status": a.status,
            "suit_id": a.suit_id,
            "last_error": a.last_error,
        })
    });
    Ok(Json(json!({
        "user_id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "tenant_id": user.organization_id,
        "organization_name": organization_name,
        "appgain": appgain.unwrap_or_else(|| json!({ "provisioned": false, "status": null, "suit_id": null })),
    })))
}
