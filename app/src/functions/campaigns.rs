//! Sending a campaign through Appgain with the session's credentials, and the campaigns
//! sent before.

use leptos::prelude::*;

use crate::{
    error::AppError,
    models::{CampaignPage, CampaignResultView},
};

/// Campaigns newest first, 50 a page from `cursor` (the previous page's `next_cursor`).
#[server(endpoint = "campaigns/list")]
pub async fn list_campaigns(cursor: Option<String>) -> Result<CampaignPage, AppError> {
    use crate::models::CampaignRow;
    let (d, org) = crate::server::webhooks::member_org().await?;
    let page = connectgain_domain::crm::campaigns::list(&d, org, cursor.as_deref(), Some(50)).await?;
    let data = page
        .data
        .into_iter()
        .map(|c| CampaignRow {
            id: c.id.to_string(),
            name: c.name,
            channel: c.channel,
            status: c.status,
            provider_status: c.provider_status,
            sent_at: crate::server::views::minute(c.created_at),
        })
        .collect();
    Ok(CampaignPage { data, next_cursor: page.next_cursor })
}

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
