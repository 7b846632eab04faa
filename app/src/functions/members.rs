//! Members of the organization (owners), and joining by invitation.

use leptos::prelude::*;

use crate::{
    error::AppError,
    models::{InvitationView, MemberView},
};

#[cfg(feature = "ssr")]
use crate::server::{client_address, domain, form_failed, redirect, require_owner, session, session_handle};

#[server(endpoint = "members")]
pub async fn list_members() -> Result<Vec<MemberView>, AppError> {
    let (d, _, org) = require_owner().await?;
    let people = connectgain_domain::accounts::members::list(&d, org).await?;
    Ok(people.into_iter().map(|u| MemberView { id: u.id.to_string(), name: u.display_name(), email: u.email, role: u.role.as_str().to_owned() }).collect())
}

#[server(endpoint = "members/invite")]
pub async fn create_invitation() -> Result<InvitationView, AppError> {
    let (d, user, org) = require_owner().await?;
    let invitation = connectgain_domain::accounts::invitations::create(&d, org, user.id).await?;
    Ok(InvitationView { url: format!("{}/invite/{}", d.config.public_url, invitation.token), expires_at: crate::server::views::minute(invitation.expires_at) })
}

/// Removes a member; answers the removed member's id, for the page to drop the row.
#[server(endpoint = "members/remove")]
pub async fn remove_member(member_id: String) -> Result<String, AppError> {
    let (d, _, org) = require_owner().await.map_err(|e| form_failed("/settings", e))?;
    let id = member_id.parse().map_err(|_| AppError::from(connectgain_domain::Error::NotFound))?;
    connectgain_domain::accounts::members::remove(&d, org, id).await.map_err(|e| form_failed("/settings", e.into()))?;
    if crate::server::is_plain_form_post() {
        redirect("/settings");
    }
    Ok(member_id)
}

/// The organization a live invitation is for.
#[server(endpoint = "invitation")]
pub async fn invitation_preview(token: String) -> Result<String, AppError> {
    let d = domain()?;
    connectgain_domain::accounts::invitations::preview(&d, &token).await.map_err(|e| match e {
        connectgain_domain::Error::NotFound => AppError::new(crate::error::ErrorKind::NotFound, connectgain_domain::accounts::invitations::INVALID_LINK),
        other => other.into(),
    })
}

#[server(endpoint = "invitation/accept")]
pub async fn accept_invitation(
    token: String,
    email: String,
    password: String,
    #[server(default)] first_name: Option<String>,
    #[server(default)] last_name: Option<String>,
) -> Result<(), AppError> {
    use connectgain_domain::accounts::invitations::{self, AcceptForm};
    let d = domain()?;
    // The token is whatever was posted: encoded, so the way back to its page is a valid URL.
    let page = format!("/invite/{}", connectgain_domain::text::percent_encode(&token));
    let form = AcceptForm { email, password, first_name, last_name };
    let user = invitations::accept(&d, &token, &form, client_address(&d)).await.map_err(|e| {
        let error = match e {
            connectgain_domain::Error::NotFound => AppError::new(crate::error::ErrorKind::NotFound, invitations::INVALID_LINK),
            other => other.into(),
        };
        form_failed(&page, error)
    })?;
    let session = session_handle().await?;
    session::log_in(&session, &d, &user).await?;
    redirect("/dashboard");
    Ok(())
}
