//! Sending a campaign through Appgain with the session's credentials.

use leptos::prelude::*;

use crate::{error::AppError, models::CampaignResultView};

#[server(endpoint = "campaigns/send")]
pub async fn send_campaign(name: String, channel: String, message: String) -> Result<CampaignResultView, AppError> {
    use crate::server::{form_failed, require_user, session, session_handle};
    use connectgain_domain::appgain::campaigns::{self, CampaignForm};
    let (d, user) = require_user().await.map_err(|e| form_failed("/campaigns", e))?;
    let org = user
        .organization_id
        .ok_or_else(|| form_failed("/campaigns", AppError::new(crate::error::ErrorKind::Forbidden, "Campaigns belong to an organization.")))?;
    let credentials = session::credentials(&session_handle().await?, &d, &user).await?;
    let form = CampaignForm { name, channel, message, extra: None };
    let result = campaigns::send(&d, org, credentials, &form).await.map_err(|e| form_failed("/campaigns", e.into()))?;
    if crate::server::is_plain_form_post() {
        crate::server::redirect(&format!("/campaigns?sent={}", result.status));
    }
    Ok(CampaignResultView { status: result.status, accepted: result.accepted, response: result.response })
}
