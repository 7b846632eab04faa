//! Server-side helpers of the Platform Administration page: the admin check, ids from the
//! page, and the analytics dashboard assembled from the domain's queries.

use chrono::Utc;
use connectgain_domain::{
    accounts::Role,
    ids::OrgId,
    integrations::{analytics, tenants, webhooks},
    Domain,
};
use uuid::Uuid;

use super::require_user;
use crate::{
    error::{AppError, ErrorKind},
    models::admin::{Analytics, ChartPoint},
};

/// A platform admin (403 for everyone else), with the domain.
pub async fn require_admin() -> Result<Domain, AppError> {
    let (d, user) = require_user().await?;
    if user.role == Role::Admin {
        Ok(d)
    } else {
        Err(AppError::new(ErrorKind::Forbidden, "Only platform admins can open Platform Administration."))
    }
}

/// The tenant the page names; malformed and unknown ids are both "not found".
pub async fn tenant_of(d: &Domain, raw: &str) -> Result<OrgId, AppError> {
    let not_found = || AppError::new(ErrorKind::NotFound, "This tenant does not exist.");
    let id: OrgId = raw.parse().map_err(|_| not_found())?;
    if tenants::exists(d, id).await? {
        Ok(id)
    } else {
        Err(not_found())
    }
}

pub fn webhook_of(raw: &str) -> Result<Uuid, AppError> {
    raw.parse().map_err(|_| AppError::new(ErrorKind::NotFound, "This webhook does not exist."))
}

/// The payload editor's text as JSON, or a message that says where it is wrong.
pub fn payload(text: &str) -> Result<serde_json::Value, AppError> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    serde_json::from_str(text).map_err(|e| {
        let mut error = AppError::new(ErrorKind::Invalid, "The payload is not valid JSON.");
        error.fields.insert("payload".into(), format!("Not valid JSON: {e}"));
        error
    })
}

pub async fn analytics(d: &Domain, org: OrgId, webhook: Option<Uuid>, range: &str) -> Result<Analytics, AppError> {
    let range = analytics::Range::parse(range).unwrap_or_default();
    let summary = analytics::summary(d, org, webhook, range).await?;
    let calls = analytics::calls(d, org, webhook, Some(range), None, 50).await?;
    let hours = analytics::series(d, org, webhook, range).await?;
    let mut hooks = webhooks::list(d, org).await?;
    if let Some(id) = webhook.map(|id| id.to_string()) {
        hooks.retain(|w| w.id == id);
    }
    let now = Utc::now();
    let chart = analytics::buckets(&hours, range, now)
        .into_iter()
        .map(|b| ChartPoint { label: b.start.format("%Y-%m-%d %H:00").to_string(), calls: b.calls, failures: b.failures, avg_ms: b.avg_ms })
        .collect();
    Ok(Analytics { summary, webhooks: hooks, calls: calls.into_iter().map(Into::into).collect(), chart, refreshed_at: now.format("%H:%M:%S").to_string() })
}
