//! The WhatsApp Cloud API configuration of a tenant.

use chrono::{DateTime, Utc};

use super::{masked, replace_or_keep, text, validate};
use crate::{error::FieldErrors, ids::OrgId, on_db, text::rfc3339, Domain, Error};

pub const ACCESS_TOKEN: &str = "whatsapp_integrations.access_token";
pub const VERIFY_TOKEN: &str = "whatsapp_integrations.webhook_verify_token";
pub const APP_SECRET: &str = "whatsapp_integrations.app_secret";

pub use connectgain_types::integrations::{WhatsappInput, WhatsappView};

#[derive(sqlx::FromRow)]
pub(crate) struct Stored {
    pub enabled: bool,
    pub phone_number_id: Option<String>,
    pub business_account_id: Option<String>,
    pub access_token: Option<String>,
    pub webhook_verify_token: Option<String>,
    pub phone_number: Option<String>,
    pub app_secret: Option<String>,
    pub updated_at: DateTime<Utc>,
}

pub(crate) async fn stored(d: &Domain, org: OrgId) -> Result<Option<Stored>, Error> {
    Ok(on_db!(&d.db, pool => sqlx::query_as(
        "SELECT enabled, phone_number_id, business_account_id, access_token, webhook_verify_token, phone_number, \
         app_secret, updated_at FROM whatsapp_integrations WHERE organization_id = $1",
    )
    .bind(org)
    .fetch_optional(pool)
    .await)?)
}

pub async fn get(d: &Domain, org: OrgId) -> Result<Option<WhatsappView>, Error> {
    stored(d, org).await?.map(|s| view(d, org, s)).transpose()
}

fn view(d: &Domain, org: OrgId, s: Stored) -> Result<WhatsappView, Error> {
    Ok(WhatsappView {
        enabled: s.enabled,
        phone_number_id: s.phone_number_id,
        business_account_id: s.business_account_id,
        access_token: masked(d, org, ACCESS_TOKEN, &s.access_token)?,
        webhook_verify_token: masked(d, org, VERIFY_TOKEN, &s.webhook_verify_token)?,
        phone_number: s.phone_number,
        app_secret: masked(d, org, APP_SECRET, &s.app_secret)?,
        updated_at: rfc3339(s.updated_at),
    })
}

pub async fn put(d: &Domain, org: OrgId, input: &WhatsappInput) -> Result<WhatsappView, Error> {
    let previous = stored(d, org).await?;
    let mut errors = FieldErrors::new();
    let phone_number_id = text(&input.phone_number_id);
    let business_account_id = text(&input.business_account_id);
    let mut phone_number = text(&input.phone_number);
    if let Some(id) = &phone_number_id {
        validate::digits(id, "phone number ID").unwrap_or_else(|m| drop(errors.insert("phoneNumberId", m)));
    }
    if let Some(id) = &business_account_id {
        validate::digits(id, "business account ID").unwrap_or_else(|m| drop(errors.insert("businessAccountId", m)));
    }
    if let Some(phone) = &phone_number {
        match validate::e164(phone) {
            Ok(p) => phone_number = Some(p),
            Err(m) => drop(errors.insert("phoneNumber", m)),
        }
    }
    for (field, value) in [("accessToken", &input.access_token), ("webhookVerifyToken", &input.webhook_verify_token), ("appSecret", &input.app_secret)] {
        if let Some(v) = super::given(value) {
            validate::token(v, field, 1000).unwrap_or_else(|m| drop(errors.insert(field, m)));
        }
    }
    let (old_token, old_verify, old_secret) = match previous {
        Some(p) => (p.access_token, p.webhook_verify_token, p.app_secret),
        None => (None, None, None),
    };
    let access_token = replace_or_keep(d, org, ACCESS_TOKEN, &input.access_token, old_token);
    let verify_token = replace_or_keep(d, org, VERIFY_TOKEN, &input.webhook_verify_token, old_verify);
    let app_secret = replace_or_keep(d, org, APP_SECRET, &input.app_secret, old_secret);
    if input.enabled {
        if phone_number_id.is_none() {
            errors.entry("phoneNumberId").or_insert_with(|| "Enter the phone number ID to enable WhatsApp.".into());
        }
        if access_token.is_none() {
            errors.entry("accessToken").or_insert_with(|| "Enter the access token to enable WhatsApp.".into());
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let now = Utc::now();
    on_db!(&d.db, pool => sqlx::query(
        "INSERT INTO whatsapp_integrations (organization_id, enabled, phone_number_id, business_account_id, access_token, \
         webhook_verify_token, phone_number, app_secret, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (organization_id) DO UPDATE SET enabled = excluded.enabled, phone_number_id = excluded.phone_number_id, \
         business_account_id = excluded.business_account_id, access_token = excluded.access_token, \
         webhook_verify_token = excluded.webhook_verify_token, phone_number = excluded.phone_number, \
         app_secret = excluded.app_secret, updated_at = excluded.updated_at",
    )
    .bind(org)
    .bind(input.enabled)
    .bind(&phone_number_id)
    .bind(&business_account_id)
    .bind(&access_token)
    .bind(&verify_token)
    .bind(&phone_number)
    .bind(&app_secret)
    .bind(now)
    .execute(pool)
    .await
    .map(|_| ()))?;
    tracing::info!(%org, enabled = input.enabled, "WhatsApp configuration saved");
    get(d, org).await?.ok_or(Error::NotFound)
}
