//! n8n workflow webhooks of a tenant: named (the name is unique per tenant and never
//! changes), a URL (absolute, or relative to the tenant's n8n base URL), an optional bearer
//! token stored encrypted, and whether it is active.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{masked, replace_or_keep};
use crate::{
    error::is_unique_violation,
    error::FieldErrors,
    ids::OrgId,
    on_db,
    outbound::{events::EventType, filter},
    text::rfc3339,
    Domain, Error,
};

pub const AUTH_TOKEN: &str = "n8n_webhooks.auth_token";
/// Tokens shorter than this are accepted with a warning.
const STRONG_TOKEN_CHARS: usize = 32;

pub use connectgain_types::integrations::{WebhookInput, WebhookView};

#[derive(Clone, sqlx::FromRow)]
pub(crate) struct Stored {
    pub id: Uuid,
    pub organization_id: OrgId,
    pub workflow_name: String,
    pub webhook_url: String,
    pub description: Option<String>,
    pub auth_token: Option<String>,
    pub is_active: bool,
    pub total_calls: i64,
    pub successful_calls: i64,
    pub failed_calls: i64,
    pub total_duration_ms: i64,
    pub last_called_at: Option<DateTime<Utc>>,
    pub trigger_on: Option<String>,
    pub trigger_filter: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, organization_id, workflow_name, webhook_url, description, auth_token, is_active, \
     total_calls, successful_calls, failed_calls, total_duration_ms, last_called_at, trigger_on, trigger_filter, created_at, updated_at";

fn view(d: &Domain, s: Stored, warnings: Vec<String>) -> Result<WebhookView, Error> {
    Ok(WebhookView {
        auth_token: masked(d, s.organization_id, AUTH_TOKEN, &s.auth_token)?,
        id: s.id.to_string(),
        workflow_name: s.workflow_name,
        webhook_url: s.webhook_url,
        description: s.description,
        is_active: s.is_active,
        total_calls: s.total_calls,
        successful_calls: s.successful_calls,
        failed_calls: s.failed_calls,
        avg_response_time_ms: (s.total_calls > 0).then(|| s.total_duration_ms / s.total_calls),
        last_called_at: s.last_called_at.map(rfc3339),
        trigger_on: s.trigger_on.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default(),
        trigger_filter: filter::shown(s.trigger_filter.as_deref()),
        created_at: rfc3339(s.created_at),
        updated_at: rfc3339(s.updated_at),
        warnings,
    })
}

pub(crate) async fn find(d: &Domain, org: OrgId, id: Uuid) -> Result<Stored, Error> {
    let sql = format!("SELECT {COLUMNS} FROM n8n_webhooks WHERE id = $1 AND organization_id = $2");
    let row: Option<Stored> = on_db!(&d.db, pool => sqlx::query_as(&sql).bind(id).bind(org).fetch_optional(pool).await)?;
    row.ok_or(Error::NotFound)
}

pub(crate) async fn find_by_name(d: &Domain, org: OrgId, name: &str) -> Result<Stored, Error> {
    let sql = format!("SELECT {COLUMNS} FROM n8n_webhooks WHERE workflow_name = $1 AND organization_id = $2");
    let row: Option<Stored> = on_db!(&d.db, pool => sqlx::query_as(&sql).bind(name).bind(org).fetch_optional(pool).await)?;
    row.ok_or(Error::NotFound)
}

pub(crate) async fn all(d: &Domain, org: OrgId) -> Result<Vec<Stored>, Error> {
    let sql = format!("SELECT {COLUMNS} FROM n8n_webhooks WHERE organization_id = $1 ORDER BY workflow_name");
    Ok(on_db!(&d.db, pool => sqlx::query_as(&sql).bind(org).fetch_all(pool).await)?)
}

pub async fn list(d: &Domain, org: OrgId) -> Result<Vec<WebhookView>, Error> {
    all(d, org).await?.into_iter().map(|s| view(d, s, Vec::new())).collect()
}

pub async fn get(d: &Domain, org: OrgId, id: Uuid) -> Result<WebhookView, Error> {
    view(d, find(d, org, id).await?, Vec::new())
}

fn parse_name(raw: Option<&str>, errors: &mut FieldErrors) -> Option<String> {
    let name = raw.map(str::trim).unwrap_or_default();
    let ok = !name.is_empty() && name.len() <= 100 && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if !ok {
        errors.insert("workflowName", "Use 1 to 100 letters, digits, _ - or . (such as contact_form).".into());
    }
    ok.then(|| name.to_owned())
}

/// An absolute http(s) URL, or a path relative to the tenant's n8n base URL.
fn parse_url(raw: Option<&str>, errors: &mut FieldErrors) -> Option<String> {
    let url = raw.map(str::trim).unwrap_or_default();
    let absolute = url.starts_with("https://") || url.starts_with("http://");
    let ok = !url.is_empty() && url.len() <= 2000 && !url.contains(char::is_whitespace) && (!absolute || super::validate::http_url(url).is_ok());
    if !ok {
        errors.insert("webhookUrl", "Enter the webhook's full URL, or a path relative to the n8n base URL.".into());
    }
    ok.then(|| url.to_owned())
}

fn parse_description(raw: Option<&str>, errors: &mut FieldErrors) -> Option<String> {
    let text = raw.map(str::trim).filter(|d| !d.is_empty())?;
    if text.chars().count() > 500 {
        errors.insert("description", "Keep the description under 500 characters.".into());
    }
    Some(text.to_owned())
}

/// The CRM events that call the workflow, stored as a JSON list (`None`: none).
fn parse_trigger_on(names: &[String]) -> Result<Option<String>, String> {
    let mut out: Vec<&str> = Vec::new();
    for name in names.iter().map(|n| n.trim()) {
        match EventType::parse(name) {
            Some(e) if !e.is_operational() => {
                if !out.contains(&name) {
                    out.push(name);
                }
            }
            _ => return Err(format!("{name} is not a CRM event of the catalogue.")),
        }
    }
    Ok((!out.is_empty()).then(|| serde_json::to_string(&out).expect("strings serialize")))
}

/// The trigger settings given (`None`: kept), checked.
struct Triggers {
    on: Option<Option<String>>,
    filter: Option<Option<String>>,
}

fn parse_triggers(input: &WebhookInput, errors: &mut FieldErrors) -> Triggers {
    let on = input.trigger_on.as_deref().and_then(|names| parse_trigger_on(names).map_err(|m| errors.insert("triggerOn", m)).ok());
    let filter = input
        .trigger_filter
        .as_ref()
        .and_then(|raw| filter::stored(raw).map_err(|m| errors.insert("triggerFilter", m.replacen("filter", "triggerFilter", 1))).ok());
    Triggers { on, filter }
}

fn token_warnings(token: Option<&str>) -> Vec<String> {
    match token {
        Some(t) if t.chars().count() < STRONG_TOKEN_CHARS => {
            vec![format!("The auth token is shorter than {STRONG_TOKEN_CHARS} characters; a longer random token is safer.")]
        }
        _ => Vec::new(),
    }
}

pub async fn create(d: &Domain, org: OrgId, input: &WebhookInput) -> Result<WebhookView, Error> {
    let mut errors = FieldErrors::new();
    let name = parse_name(input.workflow_name.as_deref(), &mut errors);
    let url = parse_url(input.webhook_url.as_deref(), &mut errors);
    let description = parse_description(input.description.as_deref(), &mut errors);
    let token = super::given(&input.auth_token);
    if let Some(t) = token {
        super::validate::token(t, "auth token", 1000).unwrap_or_else(|m| drop(errors.insert("authToken", m)));
    }
    let triggers = parse_triggers(input, &mut errors);
    let (Some(name), Some(url)) = (name, url) else { return Err(Error::Invalid(errors)) };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let id = Uuid::new_v4();
    let sealed = replace_or_keep(d, org, AUTH_TOKEN, &input.auth_token, None);
    let now = Utc::now();
    let inserted = on_db!(&d.db, pool => sqlx::query(
        "INSERT INTO n8n_webhooks (id, organization_id, workflow_name, webhook_url, description, auth_token, is_active, \
         trigger_on, trigger_filter, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $9, $10, $8, $8)",
    )
    .bind(id)
    .bind(org)
    .bind(&name)
    .bind(&url)
    .bind(&description)
    .bind(&sealed)
    .bind(input.is_active.unwrap_or(true))
    .bind(now)
    .bind(triggers.on.flatten())
    .bind(triggers.filter.flatten())
    .execute(pool)
    .await
    .map(|_| ()));
    match inserted {
        Err(e) if is_unique_violation(&e) => {
            return Err(Error::Conflict(format!("A webhook named {name} already exists for this tenant.")));
        }
        other => other?,
    }
    view(d, find(d, org, id).await?, token_warnings(token))
}

/// Changes everything but the workflow name (which a caller may repeat, unchanged).
pub async fn update(d: &Domain, org: OrgId, id: Uuid, input: &WebhookInput) -> Result<WebhookView, Error> {
    let current = find(d, org, id).await?;
    let mut errors = FieldErrors::new();
    if let Some(name) = input.workflow_name.as_deref().map(str::trim) {
        if name != current.workflow_name {
            errors.insert("workflowName", "The workflow name cannot change; delete the webhook and create a new one.".into());
        }
    }
    let url = match &input.webhook_url {
        Some(u) => parse_url(Some(u), &mut errors),
        None => Some(current.webhook_url.clone()),
    };
    let description = match &input.description {
        Some(text) => parse_description(Some(text), &mut errors),
        None => current.description.clone(),
    };
    let token = super::given(&input.auth_token);
    if let Some(t) = token {
        super::validate::token(t, "auth token", 1000).unwrap_or_else(|m| drop(errors.insert("authToken", m)));
    }
    let triggers = parse_triggers(input, &mut errors);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let sealed = replace_or_keep(d, org, AUTH_TOKEN, &input.auth_token, current.auth_token.clone());
    on_db!(&d.db, pool => sqlx::query(
        "UPDATE n8n_webhooks SET webhook_url = $1, description = $2, auth_token = $3, is_active = $4, updated_at = $5, \
         trigger_on = $8, trigger_filter = $9 WHERE id = $6 AND organization_id = $7",
    )
    .bind(url)
    .bind(description)
    .bind(sealed)
    .bind(input.is_active.unwrap_or(current.is_active))
    .bind(Utc::now())
    .bind(id)
    .bind(org)
    .bind(triggers.on.unwrap_or(current.trigger_on))
    .bind(triggers.filter.unwrap_or(current.trigger_filter))
    .execute(pool)
    .await
    .map(|_| ()))?;
    view(d, find(d, org, id).await?, token_warnings(token))
}

/// Deletes the webhook with every call recorded for it.
pub async fn delete(d: &Domain, org: OrgId, id: Uuid) -> Result<(), Error> {
    let mut tx = d.db.begin().await?;
    // Explicit, not only ON DELETE CASCADE: SQLite enforces it only with foreign keys on.
    for sql in [
        "DELETE FROM webhook_calls WHERE webhook_id = $1 AND organization_id = $2",
        "DELETE FROM webhook_call_hours WHERE webhook_id = $1 AND organization_id = $2",
    ] {
        crate::on_tx!(&mut tx, conn => sqlx::query(sql).bind(id).bind(org).execute(conn).await.map(|_| ()))?;
    }
    let deleted = crate::on_tx!(&mut tx, conn => sqlx::query("DELETE FROM n8n_webhooks WHERE id = $1 AND organization_id = $2")
        .bind(id)
        .bind(org)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if deleted == 0 {
        return Err(Error::NotFound);
    }
    tx.commit().await?;
    Ok(())
}
