//! Organization settings for owners: Appgain credentials and members; joining by invitation;
//! sending a campaign.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use connectgain_domain::{
    accounts::{invitations, members, User},
    appgain::{campaigns, provisioning, settings},
    ids::UserId,
    organizations, Error,
};
use serde::Deserialize;
use serde_json::{json, Value};
use tower_sessions::Session;

use super::{error::ApiError, json::ApiJson};
use crate::{
    auth::{Authenticated, ClientAddress, MemberOf, OrgCaller, OwnerOf},
    state::AppState,
};

async fn appgain_json(state: &AppState, org: connectgain_domain::ids::OrgId) -> Result<Value, ApiError> {
    let d = &state.domain;
    let s = organizations::appgain_state(&d.db, &d.keys, org).await.map_err(Error::from)?.ok_or(Error::NotFound)?;
    Ok(json!({
        "status": s.status,
        "provisioned": s.provisioned(),
        "suit_id": s.suit_id,
        "api_key_masked": s.api_key_masked,
        "last_error": s.last_error,
    }))
}

pub async fn get_appgain(State(state): State<AppState>, owner: OwnerOf) -> Result<Json<Value>, ApiError> {
    Ok(Json(appgain_json(&state, owner.org).await?))
}

#[derive(Deserialize)]
pub struct AppgainForm {
    #[serde(default)]
    suit_id: String,
    /// Blank or absent keeps the stored key.
    #[serde(default)]
    api_key: String,
}

pub async fn put_appgain(State(state): State<AppState>, owner: OwnerOf, ApiJson(form): ApiJson<AppgainForm>) -> Result<Json<Value>, ApiError> {
    settings::update(&state.domain, owner.org, &form.suit_id, &form.api_key).await?;
    Ok(Json(appgain_json(&state, owner.org).await?))
}

pub async fn retry_appgain(State(state): State<AppState>, owner: OwnerOf) -> Result<(StatusCode, Json<Value>), ApiError> {
    provisioning::retry_now(&state.domain, owner.org).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "status": "retrying" }))))
}

fn member_json(user: &User) -> Value {
    json!({
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "created_at": user.created_at,
    })
}

pub async fn list_members(State(state): State<AppState>, owner: OwnerOf) -> Result<Json<Value>, ApiError> {
    let people = members::list(&state.domain, owner.org).await?;
    Ok(Json(Value::Array(people.iter().map(member_json).collect())))
}

pub async fn remove_member(State(state): State<AppState>, owner: OwnerOf, Path(member): Path<String>) -> Result<StatusCode, ApiError> {
    let member: UserId = member.parse().map_err(|_| ApiError::not_found())?;
    members::remove(&state.domain, owner.org, member).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn create_invitation(State(state): State<AppState>, owner: OwnerOf) -> Result<(StatusCode, Json<Value>), ApiError> {
    let invitation = invitations::create(&state.domain, owner.org, owner.user.id).await?;
    let url = format!("{}/invite/{}", state.domain.config.public_url, invitation.token);
    Ok((StatusCode::CREATED, Json(json!({ "url": url, "token": invitation.token, "expires_at": invitation.expires_at }))))
}

pub async fn accept_invitation(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path(token): Path<String>,
    ApiJson(form): ApiJson<invitations::AcceptForm>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let user = invitations::accept(&state.domain, &token, &form, client).await.map_err(|e| match e {
        Error::NotFound => ApiError::new(StatusCode::NOT_FOUND, "not_found", invitations::INVALID_LINK),
        other => other.into(),
    })?;
    Ok((StatusCode::CREATED, Json(json!({ "user_id": user.id, "organization_id": user.organization_id, "role": user.role }))))
}

/// Sends with the session's credentials, or, for a bearer token or an API key, the
/// organization's.
pub async fn send_campaign(
    State(state): State<AppState>,
    session: Session,
    MemberOf { org, caller }: MemberOf,
    ApiJson(form): ApiJson<campaigns::CampaignForm>,
) -> Result<Json<Value>, ApiError> {
    let d = &state.domain;
    let credentials = match caller {
        OrgCaller::Person(Authenticated { user, token: None }) => connectgain_app::server::session::credentials(&session, d, &user).await?,
        OrgCaller::Person(_) | OrgCaller::Key(_) => organizations::appgain_credentials(&d.db, &d.keys, org)
            .await
            .map_err(Error::from)?
            .map(|c| connectgain_domain::appgain::Credentials { suit_id: c.suit_id, api_key: c.api_key }),
    };
    let result = campaigns::send(d, org, credentials, &form).await?;
    Ok(Json(json!(result)))
}
