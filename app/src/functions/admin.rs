//! The Platform Administration page's server functions (platform admins only). Each is a
//! thin wrapper over the same domain services as the `/api/platform` REST API.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use connectgain_types::integrations::{N8nInput, SmsInput, WebhookInput, WhatsappInput};

use crate::{
    error::AppError,
    models::admin::{Analytics, CallOutcome, Integrations, N8nView, SendOutcome, SmsView, TenantOption, WebhookView, WhatsappView},
};

#[cfg(feature = "ssr")]
use crate::server::admin::{require_admin, tenant_of, webhook_of};

#[server(endpoint = "admin/tenants")]
pub async fn admin_tenants() -> Result<Vec<TenantOption>, AppError> {
    let d = require_admin().await?;
    Ok(connectgain_domain::integrations::tenants::list(&d).await?.into_iter().map(Into::into).collect())
}

#[server(endpoint = "admin/integrations")]
pub async fn admin_integrations(tenant: String) -> Result<Integrations, AppError> {
    use connectgain_domain::integrations::{n8n, sms, whatsapp};
    let d = require_admin().await?;
    let org = tenant_of(&d, &tenant).await?;
    Ok(Integrations { whatsapp: whatsapp::get(&d, org).await?, sms: sms::get(&d, org).await?, n8n: n8n::get(&d, org).await? })
}

/// Saves the tenant's WhatsApp settings; answers them as stored (secrets masked).
#[server(endpoint = "admin/integrations/whatsapp", input = Json)]
pub async fn admin_save_whatsapp(tenant: String, input: WhatsappInput) -> Result<WhatsappView, AppError> {
    let d = require_admin().await?;
    let org = tenant_of(&d, &tenant).await?;
    Ok(connectgain_domain::integrations::whatsapp::put(&d, org, &input).await?)
}

/// Saves the tenant's SMS provider and its settings; answers them as stored.
#[server(endpoint = "admin/integrations/sms", input = Json)]
pub async fn admin_save_sms(tenant: String, input: SmsInput) -> Result<SmsView, AppError> {
    let d = require_admin().await?;
    let org = tenant_of(&d, &tenant).await?;
    Ok(connectgain_domain::integrations::sms::put(&d, org, &input).await?)
}

/// Saves the tenant's n8n instance; answers it as stored.
#[server(endpoint = "admin/integrations/n8n", input = Json)]
pub async fn admin_save_n8n(tenant: String, input: N8nInput) -> Result<N8nView, AppError> {
    let d = require_admin().await?;
    let org = tenant_of(&d, &tenant).await?;
    Ok(connectgain_domain::integrations::n8n::put(&d, org, &input).await?)
}

/// Sends a test message through the tenant's `whatsapp` or `sms` settings and returns the
/// provider's answer, including its error text.
#[server(endpoint = "admin/integrations/test")]
pub async fn admin_test_message(tenant: String, channel: String, to: String, message: String) -> Result<SendOutcome, AppError> {
    use connectgain_domain::providers;
    let d = require_admin().await?;
    let org = tenant_of(&d, &tenant).await?;
    let result = match channel.as_str() {
        "whatsapp" => providers::test_whatsapp(&d, org, &to, &message).await?,
        "sms" => providers::test_sms(&d, org, &to, &message).await?,
        _ => return Err(connectgain_domain::Error::NotFound.into()),
    };
    Ok(result.into())
}

#[server(endpoint = "admin/webhooks")]
pub async fn admin_webhooks(tenant: String) -> Result<Vec<WebhookView>, AppError> {
    let d = require_admin().await?;
    let org = tenant_of(&d, &tenant).await?;
    Ok(connectgain_domain::integrations::webhooks::list(&d, org).await?)
}

/// Creates a workflow webhook (`id` absent) or updates one. The answer carries warnings
/// (a short auth token) for the page to show.
#[server(endpoint = "admin/webhooks/save", input = Json)]
pub async fn admin_save_webhook(tenant: String, id: Option<String>, input: WebhookInput) -> Result<WebhookView, AppError> {
    use connectgain_domain::integrations::webhooks;
    let d = require_admin().await?;
    let org = tenant_of(&d, &tenant).await?;
    Ok(match id {
        Some(id) => webhooks::update(&d, org, webhook_of(&id)?, &input).await?,
        None => webhooks::create(&d, org, &input).await?,
    })
}

/// Deletes a workflow webhook and its analytics.
#[server(endpoint = "admin/webhooks/delete")]
pub async fn admin_delete_webhook(tenant: String, id: String) -> Result<(), AppError> {
    let d = require_admin().await?;
    let org = tenant_of(&d, &tenant).await?;
    Ok(connectgain_domain::integrations::webhooks::delete(&d, org, webhook_of(&id)?).await?)
}

/// Calls a workflow webhook with `payload` (JSON text), retrying as the service does, and
/// answers after the last attempt.
#[server(endpoint = "admin/webhooks/call")]
pub async fn admin_call_webhook(tenant: String, id: String, payload: String) -> Result<CallOutcome, AppError> {
    let d = require_admin().await?;
    let org = tenant_of(&d, &tenant).await?;
    let payload = crate::server::admin::payload(&payload)?;
    Ok(connectgain_domain::integrations::webhook_calls::call_by_id(&d, org, webhook_of(&id)?, &payload).await?.into())
}

/// The analytics dashboard for one filter: `range` is `1h`, `24h`, `7d` or `30d`; an empty
/// `webhook` means all of the tenant's webhooks.
#[server(endpoint = "admin/analytics")]
pub async fn admin_analytics(tenant: String, webhook: String, range: String) -> Result<Analytics, AppError> {
    let d = require_admin().await?;
    let org = tenant_of(&d, &tenant).await?;
    let webhook = (!webhook.is_empty()).then(|| webhook_of(&webhook)).transpose()?;
    crate::server::admin::analytics(&d, org, webhook, &range).await
}
