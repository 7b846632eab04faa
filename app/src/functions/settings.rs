//! The organization's settings (owners only): Appgain credentials.

use leptos::prelude::*;

use crate::{error::AppError, models::Viewer};

#[cfg(feature = "ssr")]
use crate::server::{form_failed, require_owner};

#[server(endpoint = "settings")]
pub async fn get_settings() -> Result<Viewer, AppError> {
    let (d, user, _) = require_owner().await?;
    Ok(crate::server::views::viewer(&d, &user, true).await?)
}

#[server(endpoint = "settings/appgain")]
pub async fn save_appgain_credentials(suit_id: String, #[server(default)] api_key: String) -> Result<(), AppError> {
    let (d, _, org) = require_owner().await.map_err(|e| form_failed("/settings", e))?;
    connectgain_domain::appgain::settings::update(&d, org, &suit_id, &api_key).await.map_err(|e| form_failed("/settings", e.into()))?;
    if crate::server::is_plain_form_post() {
        crate::server::redirect("/settings?saved=1");
    }
    Ok(())
}

#[server(endpoint = "settings/appgain/retry")]
pub async fn retry_provisioning() -> Result<(), AppError> {
    let (d, _, org) = require_owner().await.map_err(|e| form_failed("/settings", e))?;
    connectgain_domain::appgain::provisioning::retry_now(&d, org).await.map_err(|e| form_failed("/settings", e.into()))?;
    if crate::server::is_plain_form_post() {
        crate::server::redirect("/settings?retrying=1");
    }
    Ok(())
}
