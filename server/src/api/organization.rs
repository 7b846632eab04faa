//! Organization settings for owners: Appgain credentials and members; joining by invitation;
//! sending a campaign.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use chrono::{DateTime, Utc};
use connectgain_domain::{
    accounts::{invitations, members, Role, User},
    appgain::{campaigns, provisioning, settings},
    ids::{OrgId, UserId},
    organizations::{self, ProvisioningStatus},
    Error,
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use utoipa::ToSchema;

use super::{error::ApiError, json::Json};
use crate::{
    auth::{Authenticated, ClientAddress, MemberOf, OrgCaller, OwnerOf},
    state::AppState,
};

/// The organization's Appgain credentials, the API key masked.
#[derive(Serialize, ToSchema)]
pub struct AppgainSettings {
    pub status: ProvisioningStatus,
    /// Both the suit id and the API key are stored.
    pub provisioned: bool,
    pub suit_id: Option<String>,
    /// The first 10 and last 6 characters of the key.
    pub api_key_masked: Option<String>,
    /// The last provisioning failure.
    pub last_error: Option<String>,
}

async fn appgain_view(state: &AppState, org: OrgId) -> Result<AppgainSettings, ApiError> {
    let d = &state.domain;
    let s = organizations::appgain_state(&d.db, &d.keys, org).await.map_err(Error::from)?.ok_or(Error::NotFound)?;
    Ok(AppgainSettings { status: s.status, provisioned: s.provisioned(), suit_id: s.suit_id, api_key_masked: s.api_key_masked, last_error: s.last_error })
}

/// The organization's Appgain credentials (owners).
#[utoipa::path(get, path = "/api/v1/organization/appgain", tag = "Organization", responses((status = OK, body = AppgainSettings)))]
pub async fn get_appgain(State(state): State<AppState>, owner: OwnerOf) -> Result<Json<AppgainSettings>, ApiError> {
    Ok(Json(appgain_view(&state, owner.org).await?))
}

/// `{"suit_id", "api_key"}`.
#[derive(Deserialize, ToSchema)]
pub struct AppgainForm {
    #[serde(default)]
    suit_id: String,
    /// Blank or absent keeps the stored key.
    #[serde(default)]
    api_key: String,
}

/// Enters the Appgain credentials by hand (owners); stops the provisioning retries.
#[utoipa::path(put, path = "/api/v1/organization/appgain", tag = "Organization", responses((status = OK, body = AppgainSettings)))]
pub async fn put_appgain(State(state): State<AppState>, owner: OwnerOf, Json(form): Json<AppgainForm>) -> Result<Json<AppgainSettings>, ApiError> {
    settings::update(&state.domain, owner.org, &form.suit_id, &form.api_key).await?;
    Ok(Json(appgain_view(&state, owner.org).await?))
}

/// `{"status": "retrying"}`.
#[derive(Serialize, ToSchema)]
pub struct Retrying {
    /// Always `retrying`.
    pub status: String,
}

/// Retries provisioning the Appgain credentials now (owners).
#[utoipa::path(post, path = "/api/v1/organization/appgain/retry", tag = "Organization", responses((status = ACCEPTED, description = "The retry is under way.", body = Retrying)))]
pub async fn retry_appgain(State(state): State<AppState>, owner: OwnerOf) -> Result<(StatusCode, Json<Retrying>), ApiError> {
    provisioning::retry_now(&state.domain, owner.org).await?;
    Ok((StatusCode::ACCEPTED, Json(Retrying { status: "retrying".into() })))
}

/// A person of the organization.
#[derive(Serialize, ToSchema)]
pub struct Member {
    pub id: UserId,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

impl From<&User> for Member {
    fn from(user: &User) -> Self {
        Self {
            id: user.id,
            email: user.email.clone(),
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            role: user.role,
            created_at: user.created_at,
        }
    }
}

/// The organization's people (owners).
#[utoipa::path(get, path = "/api/v1/organization/members", tag = "Organization", responses((status = OK, body = Vec<Member>)))]
pub async fn list_members(State(state): State<AppState>, owner: OwnerOf) -> Result<Json<Vec<Member>>, ApiError> {
    let people = members::list(&state.domain, owner.org).await?;
    Ok(Json(people.iter().map(Member::from).collect()))
}

/// Removes a member (owners); their sessions and tokens stop working.
#[utoipa::path(delete, path = "/api/v1/organization/members/{id}", tag = "Organization", responses((status = NO_CONTENT, description = "Removed.")))]
pub async fn remove_member(State(state): State<AppState>, owner: OwnerOf, Path(member): Path<String>) -> Result<StatusCode, ApiError> {
    let member: UserId = member.parse().map_err(|_| ApiError::not_found())?;
    members::remove(&state.domain, owner.org, member).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A one-use invitation link.
#[derive(Serialize, ToSchema)]
pub struct InvitationLink {
    /// The page where the invited person joins.
    pub url: String,
    /// The token for `POST /api/v1/invitations/{token}/accept`.
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Creates an invitation link for a new member (owners); it works once, for 7 days.
#[utoipa::path(post, path = "/api/v1/organization/invitations", tag = "Organization", responses((status = CREATED, body = InvitationLink)))]
pub async fn create_invitation(State(state): State<AppState>, owner: OwnerOf) -> Result<(StatusCode, Json<InvitationLink>), ApiError> {
    let invitation = invitations::create(&state.domain, owner.org, owner.user.id).await?;
    let url = format!("{}/invite/{}", state.domain.config.public_url, invitation.token);
    Ok((StatusCode::CREATED, Json(InvitationLink { url, token: invitation.token, expires_at: invitation.expires_at })))
}

/// The member who just joined.
#[derive(Serialize, ToSchema)]
pub struct Joined {
    pub user_id: UserId,
    pub organization_id: Option<OrgId>,
    pub role: Role,
}

/// Joins the organization with an invitation: creates the member's login.
#[utoipa::path(post, path = "/api/v1/invitations/{token}/accept", tag = "Organization", security(()), responses((status = CREATED, description = "The new member; log in next.", body = Joined)))]
pub async fn accept_invitation(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path(token): Path<String>,
    Json(form): Json<invitations::AcceptForm>,
) -> Result<(StatusCode, Json<Joined>), ApiError> {
    let user = invitations::accept(&state.domain, &token, &form, client).await.map_err(|e| match e {
        Error::NotFound => ApiError::new(StatusCode::NOT_FOUND, "not_found", invitations::INVALID_LINK),
        other => other.into(),
    })?;
    Ok((StatusCode::CREATED, Json(Joined { user_id: user.id, organization_id: user.organization_id, role: user.role })))
}

/// Sends with the session's credentials, or, for a bearer token or an API key, the
/// organization's.
#[utoipa::path(post, path = "/api/v1/campaigns/send", tag = "Organization", responses((status = OK, description = "What Appgain answered.", body = campaigns::CampaignResult)))]
pub async fn send_campaign(
    State(state): State<AppState>,
    session: Session,
    MemberOf { org, caller }: MemberOf,
    Json(form): Json<campaigns::CampaignForm>,
) -> Result<Json<campaigns::CampaignResult>, ApiError> {
    let d = &state.domain;
    let credentials = match caller {
        OrgCaller::Person(Authenticated { user, token: None }) => connectgain_app::server::session::credentials(&session, d, &user).await?,
        OrgCaller::Person(_) | OrgCaller::Key(_) => organizations::appgain_credentials(&d.db, &d.keys, org)
            .await
            .map_err(Error::from)?
            .map(|c| connectgain_domain::appgain::Credentials { suit_id: c.suit_id, api_key: c.api_key }),
    };
    Ok(Json(campaigns::send(d, org, credentials, &form).await?))
}
