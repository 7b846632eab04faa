//! The organization's settings (owners only): Appgain credentials.

use leptos::prelude::*;

use crate::{error::AppError, models::Viewer};

#[cfg(feature = "ssr")]
use crate::{
    error::ErrorKind,
    server::{domain, form_failed, session},
};

/// The owner's view of the settings, with the API key masked.
#[cfg(feature = "ssr")]
async fn require_owner() -> Result<(connectgain_domain::Domain, connectgain_domain::accounts::User, connectgain_domain::ids::OrgId), AppError> {
    let d = domain()?;
    let session = leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|_| AppError::new(ErrorKind::Internal, "Sessions are not available."))?;
    let user = session::current_user(&session, &d)
        .await?
        .ok_or_else(|| AppError::new(ErrorKind::Unauthorized, "Log in to see this page."))?;
    match (user.role, user.organization_id) {
        (connectgain_domain::accounts::Role::Owner, Some(org)) => Ok((d, user, org)),
        _ => Err(AppError::new(ErrorKind::Forbidden, "Only the organization's owners can open its settings.")),
    }
}

#[server(endpoint = "settings")]
pub async fn get_settings() -> Result<Viewer, AppError> {
    let (d, user, _) = require_owner().await?;
    Ok(crate::server::views::viewer(&d, &user, true).await?)
}

#[server(endpoint = "settings/appgain")]
pub async fn save_appgain_credentials(suit_id: String, #[server(default)] api_key: String) -> Result<(), AppError> {
    let (d, _, org) = require_owner().await.map_err(|e| form_failed("/settings", e))?;
    connectgain_domain::appgain::settings::update(&d, org, &suit_id, &api_key)
        .await
        .map_err(|e| form_failed("/settings", e.into()))?;
    if crate::server::is_plain_form_post() {
        leptos_axum::redirect("/settings?saved=1");
    }
    Ok(())
}

#[server(endpoint = "settings/appgain/retry")]
pub async fn retry_provisioning() -> Result<(), AppError> {
    let (d, _, org) = require_owner().await.map_err(|e| form_failed("/settings", e))?;
    connectgain_domain::appgain::provisioning::retry_now(&d, org)
        .await
        .map_err(|e| form_failed("/settings", e.into()))?;
    if crate::server::is_plain_form_post() {
        leptos_axum::redirect("/settings?retrying=1");
    }
    Ok(())
}
