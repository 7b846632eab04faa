//! Tenants' event subscriptions: validated on the way in, secrets encrypted at rest and
//! shown only in the create and rotate answers.

use std::{collections::BTreeMap, time::Duration};

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

use super::{
    events::{EventType, ALL_EVENTS},
    filter, headers,
    signing::{self, SignatureStyle},
    ssrf, SubscriptionId,
};
use crate::{crypto::SecretBinding, error::FieldErrors, ids::OrgId, on_db, on_tx, Domain, Error};

/// The column holding a subscription's current secret (bound to its organization).
pub const SECRET_FIELD: &str = "outbound_subscriptions.secret_enc";
/// The column holding the previous secret during a rotation's grace period.
pub const PREVIOUS_SECRET_FIELD: &str = "outbound_subscriptions.previous_secret_enc";

const MAX_NAME: usize = 200;
const MAX_URL: usize = 2000;
const MAX_SECRET: usize = 256;
const MAX_DESCRIPTION: usize = 1000;
const MAX_RATE_LIMIT: u32 = 10_000;

pub use connectgain_types::outbound::{SubscriptionInput, SubscriptionPatch};

/// A subscription as tenants see it. Never carries the secret.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SubscriptionView {
    pub id: SubscriptionId,
    pub organization_id: OrgId,
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
    pub description: Option<String>,
    pub is_active: bool,
    /// Why the platform turned the subscription off (e.g. the receiver answered 410).
    pub disabled_reason: Option<String>,
    pub signature_style: String,
    /// While set and in the future, the previous secret still signs (see rotation).
    pub previous_secret_until: Option<DateTime<Utc>>,
    /// When the latest attempt was made.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// Set while every attempt since this time has failed; a success clears it.
    pub failing_since: Option<DateTime<Utc>>,
    /// The payload filter (see [`super::filter`]); `None`: every event subscribed to.
    pub filter: Option<serde_json::Value>,
    /// The custom headers' names, each with the masked value (the values never leave).
    pub headers: BTreeMap<String, String>,
    /// At most this many attempts in any one second; `None`: no limit.
    pub rate_limit_per_sec: Option<u32>,
    /// The latest attempt's error while the endpoint is failing.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The stored form (events as JSON text on both backends).
#[derive(sqlx::FromRow)]
struct Row {
    id: SubscriptionId,
    organization_id: OrgId,
    name: String,
    url: String,
    events: String,
    description: Option<String>,
    is_active: bool,
    disabled_reason: Option<String>,
    signature_style: String,
    previous_secret_until: Option<DateTime<Utc>>,
    last_attempt_at: Option<DateTime<Utc>>,
    failing_since: Option<DateTime<Utc>>,
    filter: Option<String>,
    header_names: Option<String>,
    rate_limit_per_sec: Option<i64>,
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<Row> for SubscriptionView {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            organization_id: r.organization_id,
            name: r.name,
            url: r.url,
            events: serde_json::from_str(&r.events).unwrap_or_default(),
            description: r.description,
            is_active: r.is_active,
            disabled_reason: r.disabled_reason,
            signature_style: r.signature_style,
            previous_secret_until: r.previous_secret_until,
            last_attempt_at: r.last_attempt_at,
            failing_since: r.failing_since,
            filter: filter::shown(r.filter.as_deref()),
            headers: headers::shown(r.header_names.as_deref()),
            rate_limit_per_sec: r.rate_limit_per_sec.and_then(|n| u32::try_from(n).ok()),
            last_error: r.last_error,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The answer to a create: the subscription and its secret, shown this once.
#[derive(Debug)] // the secret prints as [REDACTED]
pub struct Created {
    pub view: SubscriptionView,
    pub secret: SecretString,
}

/// Input parsed into domain values.
struct Valid {
    name: String,
    url: String,
    events: Vec<String>,
    secret: Option<SecretString>,
    is_active: Option<bool>,
    style: Option<SignatureStyle>,
    /// `Some(None)`: cleared.
    description: Option<Option<String>>,
    /// `Some(None)`: removed.
    filter: Option<Option<String>>,
    /// Given (an empty set removes them).
    headers: Option<headers::Parsed>,
    /// `Some(None)`: removed.
    rate_limit: Option<Option<u32>>,
}

const COLUMNS: &str = "id, organization_id, name, url, events, description, is_active, disabled_reason, signature_style, \
                       previous_secret_until, last_attempt_at, failing_since, filter, header_names, rate_limit_per_sec, last_error, \
                       created_at, updated_at";

/// Keeps `parsed`'s value, or notes its message under `field`.
fn field<T>(errors: &mut FieldErrors, field: &'static str, parsed: Result<T, String>) -> Option<T> {
    match parsed {
        Ok(value) => Some(value),
        Err(message) => {
            errors.insert(field, message);
            None
        }
    }
}

async fn validate(d: &Domain, input: &SubscriptionInput) -> Result<Valid, Error> {
    let mut errors = FieldErrors::new();
    let name = field(&mut errors, "name", parse_name(&input.name)).unwrap_or_default();
    let url = field(&mut errors, "url", parse_url(d, input.url.trim()).await).unwrap_or_default();
    let events = field(&mut errors, "events", parse_events(&input.events)).unwrap_or_default();
    let description = input.description.as_deref().and_then(|raw| field(&mut errors, "description", parse_description(raw)));
    let secret = match input.secret.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) if s.chars().count() > MAX_SECRET => {
            errors.insert("secret", format!("A secret has at most {MAX_SECRET} characters."));
            None
        }
        Some(s) if !signing::whsec_is_valid(s) => {
            errors.insert("secret", "A secret starting with whsec_ must continue in base64.".into());
            None
        }
        Some(s) => Some(SecretString::from(s.to_owned())),
    };
    let style = input.signature_style.as_deref().and_then(|raw| field(&mut errors, "signature_style", parse_style(raw))).flatten();
    let filter = input.filter.as_ref().and_then(|raw| field(&mut errors, "filter", filter::stored(raw)));
    let headers = input.headers.as_ref().and_then(|raw| field(&mut errors, "headers", headers::parse(raw)));
    let rate_limit = input.rate_limit_per_sec.and_then(|n| field(&mut errors, "rate_limit_per_sec", parse_rate_limit(n)));
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    Ok(Valid { name, url, events, secret, is_active: input.is_active, style, description, filter, headers, rate_limit })
}

/// `None` for 0 (no limit).
fn parse_rate_limit(n: u32) -> Result<Option<u32>, String> {
    match n {
        0 => Ok(None),
        n if n <= MAX_RATE_LIMIT => Ok(Some(n)),
        _ => Err(format!("Give a limit of 1 to {MAX_RATE_LIMIT} attempts per second, or 0 for none.")),
    }
}

/// The given headers sealed, values given back masked taken from the subscription's stored
/// ones (`None`: none given, the stored ones stay).
async fn seal_headers(d: &Domain, org: OrgId, id: Option<SubscriptionId>, given: Option<headers::Parsed>) -> Result<Option<headers::Sealed>, Error> {
    let Some(parsed) = given else { return Ok(None) };
    let stored: Option<String> = match id {
        Some(id) if parsed.keeps_any() => on_db!(&d.db, pool => sqlx::query_scalar(
            "SELECT headers_enc FROM outbound_subscriptions WHERE id = $1 AND organization_id = $2",
        )
        .bind(id)
        .bind(org)
        .fetch_optional(pool)
        .await)?
        .flatten(),
        _ => None,
    };
    headers::seal(d, org, parsed, stored.as_deref()).map(Some)
}

fn parse_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(format!("Give a name of 1 to {MAX_NAME} characters."));
    }
    Ok(name.to_owned())
}

/// `None` for an empty description (no description).
fn parse_description(raw: &str) -> Result<Option<String>, String> {
    let description = raw.trim();
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(format!("A description has at most {MAX_DESCRIPTION} characters."));
    }
    Ok(Some(description.to_owned()).filter(|d| !d.is_empty()))
}

/// `None` when left empty (the current or default style).
fn parse_style(raw: &str) -> Result<Option<SignatureStyle>, String> {
    match raw.trim() {
        "" => Ok(None),
        style => SignatureStyle::parse(style).map(Some).ok_or_else(|| "Choose hex or sha256.".to_owned()),
    }
}

/// An absolute http(s) URL (https only when so configured) whose host passes the SSRF guard.
async fn parse_url(d: &Domain, raw: &str) -> Result<String, String> {
    if raw.is_empty() || raw.len() > MAX_URL {
        return Err("Give the URL that will receive the events.".into());
    }
    let url = reqwest::Url::parse(raw).map_err(|_| "This is not a valid URL.".to_owned())?;
    match url.scheme() {
        "https" => {}
        "http" if d.config.outbound.https_only => return Err("Only https:// URLs are allowed.".into()),
        "http" => {}
        _ => return Err("The URL must start with http:// or https://.".into()),
    }
    if url.host_str().is_none_or(str::is_empty) || !url.username().is_empty() || url.password().is_some() {
        return Err("The URL needs a host and no user name or password.".into());
    }
    if !d.config.allow_private_targets {
        ssrf::check_host(&url).await.map_err(|m| format!("Refused: the {m}."))?;
    }
    Ok(url.to_string())
}

fn parse_events(names: &[String]) -> Result<Vec<String>, String> {
    if names.is_empty() {
        return Err("Choose at least one event, or \"*\" for all.".into());
    }
    let mut out: Vec<String> = Vec::new();
    let mut unknown = Vec::new();
    for name in names.iter().map(|n| n.trim()) {
        if name != ALL_EVENTS && EventType::parse(name).is_none() {
            unknown.push(name.to_owned());
        } else if !out.iter().any(|o| o == name) {
            out.push(name.to_owned());
        }
    }
    if !unknown.is_empty() {
        return Err(format!("Unknown events: {}.", unknown.join(", ")));
    }
    Ok(out)
}

fn seal(d: &Domain, field: &'static str, org: OrgId, secret: &SecretString) -> String {
    d.keys.encrypt(secret.expose_secret(), &SecretBinding::new(field, org))
}

/// Creates a subscription; its secret (given or generated) is in the answer, and only there.
/// An organization has at most `CONNECTGAIN_MAX_SUBSCRIPTIONS` (`LimitReached` past it).
// A refused change is the caller's mistake, answered as such: logged at debug, not as an
// error (an internal one is logged where it is answered).
#[tracing::instrument(skip_all, fields(org_id = %org), err(level = "debug"))]
pub async fn create(d: &Domain, org: OrgId, input: &SubscriptionInput) -> Result<Created, Error> {
    let v = validate(d, input).await?;
    let sealed_headers = seal_headers(d, org, None, v.headers).await?;
    let (headers_enc, header_names) = sealed_headers.map(|h| (h.enc, h.names)).unwrap_or_default();
    let secret = v.secret.unwrap_or_else(signing::generate_secret);
    let now = Utc::now();
    let mut tx = d.db.begin().await?;
    // The count and the insert in one transaction, creates of one organization one at a
    // time: SQLite's write lock does it; on PostgreSQL, a lock on the organization's row
    // (NO KEY: inserts that merely reference the organization are not held up).
    let lock = if tx.is_postgres() { " FOR NO KEY UPDATE" } else { "" };
    on_tx!(&mut tx, conn => sqlx::query(&format!("SELECT id FROM organizations WHERE id = $1{lock}"))
        .bind(org)
        .fetch_optional(&mut *conn)
        .await
        .map(|_| ()))?;
    let count: i64 = on_tx!(&mut tx, conn => sqlx::query_scalar("SELECT COUNT(*) FROM outbound_subscriptions WHERE organization_id = $1")
        .bind(org)
        .fetch_one(&mut *conn)
        .await)?;
    let max = d.config.quotas.max_subscriptions;
    if count >= i64::from(max) {
        return Err(Error::LimitReached(format!("An organization can have at most {max} webhooks; delete one to add another.")));
    }
    let sql = format!(
        "INSERT INTO outbound_subscriptions (id, organization_id, name, url, events, secret_enc, signature_style, \
         is_active, description, filter, headers_enc, header_names, rate_limit_per_sec, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $11, $12, $13, $14, $10, $10) RETURNING {COLUMNS}"
    );
    let row: Row = on_tx!(&mut tx, conn => sqlx::query_as(&sql)
        .bind(SubscriptionId::new())
        .bind(org)
        .bind(&v.name)
        .bind(&v.url)
        .bind(serde_json::to_string(&v.events).expect("strings serialize"))
        .bind(seal(d, SECRET_FIELD, org, &secret))
        .bind(v.style.unwrap_or(SignatureStyle::Hex).as_str())
        .bind(v.is_active.unwrap_or(true))
        .bind(v.description.flatten())
        .bind(now)
        .bind(v.filter.flatten())
        .bind(&headers_enc)
        .bind(&header_names)
        .bind(v.rate_limit.flatten().map(i64::from))
        .fetch_one(&mut *conn)
        .await)?;
    tx.commit().await?;
    Ok(Created { view: row.into(), secret })
}

/// The organization's subscriptions, oldest first.
pub async fn list(d: &Domain, org: OrgId) -> Result<Vec<SubscriptionView>, Error> {
    let sql = format!("SELECT {COLUMNS} FROM outbound_subscriptions WHERE organization_id = $1 ORDER BY created_at, id");
    let rows: Vec<Row> = on_db!(&d.db, pool => sqlx::query_as(&sql).bind(org).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// One subscription of the organization (`NotFound` for another tenant's).
pub async fn get(d: &Domain, org: OrgId, id: SubscriptionId) -> Result<SubscriptionView, Error> {
    let sql = format!("SELECT {COLUMNS} FROM outbound_subscriptions WHERE id = $1 AND organization_id = $2");
    let row: Option<Row> = on_db!(&d.db, pool => sqlx::query_as(&sql).bind(id).bind(org).fetch_optional(pool).await)?;
    row.map(Into::into).ok_or(Error::NotFound)
}

/// Replaces name, URL and events; a given secret replaces the current one at once (use
/// [`rotate_secret`] for a grace period); `is_active`/`signature_style`/`description` when
/// given. Turning a subscription on clears the reason it was turned off.
#[tracing::instrument(skip_all, fields(org_id = %org, subscription_id = %id), err(level = "debug"))]
pub async fn update(d: &Domain, org: OrgId, id: SubscriptionId, input: &SubscriptionInput) -> Result<SubscriptionView, Error> {
    let v = validate(d, input).await?;
    let sealed = v.secret.as_ref().map(|s| seal(d, SECRET_FIELD, org, s));
    let sealed_headers = seal_headers(d, org, Some(id), v.headers).await?;
    let sql = format!(
        "UPDATE outbound_subscriptions SET name = $1, url = $2, events = $3, \
           secret_enc = COALESCE($4, secret_enc), \
           previous_secret_enc = CASE WHEN $4 IS NULL THEN previous_secret_enc ELSE NULL END, \
           previous_secret_until = CASE WHEN $4 IS NULL THEN previous_secret_until ELSE NULL END, \
           {TURN_ON} \
           is_active = COALESCE($5, is_active), \
           signature_style = COALESCE($6, signature_style), updated_at = $7, \
           description = CASE WHEN $10 THEN $11 ELSE description END, \
           filter = CASE WHEN $12 THEN $13 ELSE filter END, \
           headers_enc = CASE WHEN $14 THEN $15 ELSE headers_enc END, \
           header_names = CASE WHEN $14 THEN $16 ELSE header_names END, \
           rate_limit_per_sec = CASE WHEN $17 THEN $18 ELSE rate_limit_per_sec END \
         WHERE id = $8 AND organization_id = $9 RETURNING {COLUMNS}",
        TURN_ON = turn_on("$5")
    );
    let row: Option<Row> = on_db!(&d.db, pool => sqlx::query_as(&sql)
        .bind(&v.name)
        .bind(&v.url)
        .bind(serde_json::to_string(&v.events).expect("strings serialize"))
        .bind(sealed)
        .bind(v.is_active)
        .bind(v.style.map(SignatureStyle::as_str))
        .bind(Utc::now())
        .bind(id)
        .bind(org)
        .bind(v.description.is_some())
        .bind(v.description.flatten())
        .bind(v.filter.is_some())
        .bind(v.filter.flatten())
        .bind(sealed_headers.is_some())
        .bind(sealed_headers.as_ref().and_then(|h| h.enc.as_deref()))
        .bind(sealed_headers.as_ref().and_then(|h| h.names.as_deref()))
        .bind(v.rate_limit.is_some())
        .bind(v.rate_limit.flatten().map(i64::from))
        .fetch_optional(pool)
        .await)?;
    row.map(Into::into).ok_or(Error::NotFound)
}

/// The assignments that turning a subscription on (`active`, a bound boolean parameter,
/// true while it was off) makes: why and since when it failed are forgotten, and its
/// owners will be told afresh when it fails again.
fn turn_on(active: &str) -> String {
    format!(
        "disabled_reason = CASE WHEN {active} AND NOT is_active THEN NULL ELSE disabled_reason END, \
         failing_since = CASE WHEN {active} AND NOT is_active THEN NULL ELSE failing_since END, \
         last_error = CASE WHEN {active} AND NOT is_active THEN NULL ELSE last_error END, \
         health = CASE WHEN {active} AND NOT is_active THEN 'ok' ELSE health END,"
    )
}

/// Changes only the fields given, each validated as on create (a new URL passes the SSRF
/// guard again). The secret and the delivery logs are never touched. Turning a subscription
/// on clears the reason it was turned off.
#[tracing::instrument(skip_all, fields(org_id = %org, subscription_id = %id), err(level = "debug"))]
pub async fn patch(d: &Domain, org: OrgId, id: SubscriptionId, p: &SubscriptionPatch) -> Result<SubscriptionView, Error> {
    let mut errors = FieldErrors::new();
    let name = p.name.as_deref().and_then(|raw| field(&mut errors, "name", parse_name(raw)));
    let url = match p.url.as_deref() {
        Some(raw) => field(&mut errors, "url", parse_url(d, raw.trim()).await),
        None => None,
    };
    let events = p.events.as_deref().and_then(|names| field(&mut errors, "events", parse_events(names)));
    let description = p.description.as_deref().and_then(|raw| field(&mut errors, "description", parse_description(raw)));
    let style = p.signature_style.as_deref().and_then(|raw| field(&mut errors, "signature_style", parse_style(raw))).flatten();
    let filter = p.filter.as_ref().and_then(|raw| field(&mut errors, "filter", filter::stored(raw)));
    let parsed_headers = p.headers.as_ref().and_then(|raw| field(&mut errors, "headers", headers::parse(raw)));
    let rate_limit = p.rate_limit_per_sec.and_then(|n| field(&mut errors, "rate_limit_per_sec", parse_rate_limit(n)));
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let sealed_headers = seal_headers(d, org, Some(id), parsed_headers).await?;
    let sql = format!(
        "UPDATE outbound_subscriptions SET name = COALESCE($1, name), url = COALESCE($2, url), events = COALESCE($3, events), \
           description = CASE WHEN $4 THEN $5 ELSE description END, \
           {TURN_ON} \
           is_active = COALESCE($6, is_active), \
           signature_style = COALESCE($7, signature_style), updated_at = $8, \
           filter = CASE WHEN $11 THEN $12 ELSE filter END, \
           headers_enc = CASE WHEN $13 THEN $14 ELSE headers_enc END, \
           header_names = CASE WHEN $13 THEN $15 ELSE header_names END, \
           rate_limit_per_sec = CASE WHEN $16 THEN $17 ELSE rate_limit_per_sec END \
         WHERE id = $9 AND organization_id = $10 RETURNING {COLUMNS}",
        TURN_ON = turn_on("$6")
    );
    let row: Option<Row> = on_db!(&d.db, pool => sqlx::query_as(&sql)
        .bind(name)
        .bind(url)
        .bind(events.map(|e| serde_json::to_string(&e).expect("strings serialize")))
        .bind(description.is_some())
        .bind(description.flatten())
        .bind(p.is_active)
        .bind(style.map(SignatureStyle::as_str))
        .bind(Utc::now())
        .bind(id)
        .bind(org)
        .bind(filter.is_some())
        .bind(filter.flatten())
        .bind(sealed_headers.is_some())
        .bind(sealed_headers.as_ref().and_then(|h| h.enc.as_deref()))
        .bind(sealed_headers.as_ref().and_then(|h| h.names.as_deref()))
        .bind(rate_limit.is_some())
        .bind(rate_limit.flatten().map(i64::from))
        .fetch_optional(pool)
        .await)?;
    row.map(Into::into).ok_or(Error::NotFound)
}

/// A subscription's signing secrets, shown again to an owner who asks.
#[derive(Debug)] // the secrets print as [REDACTED]
pub struct Secrets {
    pub secret: SecretString,
    /// The previous secret while it still signs (a rotation's grace period), and until when.
    pub previous: Option<(SecretString, DateTime<Utc>)>,
}

/// The current signing secret (and the previous one during a rotation's grace period).
#[tracing::instrument(skip_all, fields(org_id = %org, subscription_id = %id), err(level = "debug"))]
pub async fn reveal_secret(d: &Domain, org: OrgId, id: SubscriptionId) -> Result<Secrets, Error> {
    let row: Option<(String, Option<String>, Option<DateTime<Utc>>)> = on_db!(&d.db, pool => sqlx::query_as(
        "SELECT secret_enc, previous_secret_enc, previous_secret_until FROM outbound_subscriptions WHERE id = $1 AND organization_id = $2",
    )
    .bind(id)
    .bind(org)
    .fetch_optional(pool)
    .await)?;
    let (current, previous, until) = row.ok_or(Error::NotFound)?;
    let open = |sealed: &str, column| d.keys.decrypt(sealed, &SecretBinding::new(column, org)).map_err(Error::internal);
    let previous = match (previous, until) {
        (Some(sealed), Some(until)) if until > Utc::now() => Some((open(&sealed, PREVIOUS_SECRET_FIELD)?, until)),
        _ => None,
    };
    Ok(Secrets { secret: open(&current, SECRET_FIELD)?, previous })
}

/// Turns a subscription on or off; turning it on clears why the platform had turned it off.
/// Nothing else changes, and its URL is not resolved again.
#[tracing::instrument(skip_all, fields(org_id = %org, subscription_id = %id), err(level = "debug"))]
pub async fn set_active(d: &Domain, org: OrgId, id: SubscriptionId, active: bool) -> Result<SubscriptionView, Error> {
    let sql = format!(
        "UPDATE outbound_subscriptions SET {TURN_ON} is_active = $1, updated_at = $2 \
         WHERE id = $3 AND organization_id = $4 RETURNING {COLUMNS}",
        TURN_ON = turn_on("$1")
    );
    let row: Option<Row> = on_db!(&d.db, pool => sqlx::query_as(&sql)
        .bind(active)
        .bind(Utc::now())
        .bind(id)
        .bind(org)
        .fetch_optional(pool)
        .await)?;
    row.map(Into::into).ok_or(Error::NotFound)
}

/// Deletes a subscription with its deliveries and their attempt records.
#[tracing::instrument(skip_all, fields(org_id = %org, subscription_id = %id), err(level = "debug"))]
pub async fn delete(d: &Domain, org: OrgId, id: SubscriptionId) -> Result<(), Error> {
    let deleted = on_db!(&d.db, pool => sqlx::query("DELETE FROM outbound_subscriptions WHERE id = $1 AND organization_id = $2")
        .bind(id)
        .bind(org)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    if deleted == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// Replaces the secret with a generated one. For `grace`, the previous secret keeps signing:
/// `webhook-signature` carries both signatures and `X-Webhook-Signature` stays on the old one,
/// so receivers can switch over. Returns the new secret (shown this once).
#[tracing::instrument(skip_all, fields(org_id = %org, subscription_id = %id), err(level = "debug"))]
pub async fn rotate_secret(d: &Domain, org: OrgId, id: SubscriptionId, grace: Duration) -> Result<SecretString, Error> {
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(grace).map_err(|_| Error::invalid("grace", "The grace period is too long."))?;
    if grace > Duration::from_secs(30 * 86_400) {
        return Err(Error::invalid("grace", "The grace period is at most 30 days."));
    }
    let secret = signing::generate_secret();
    let mut tx = d.db.begin().await?;
    let current: Option<String> = crate::on_tx!(&mut tx, conn => sqlx::query_scalar(
        "SELECT secret_enc FROM outbound_subscriptions WHERE id = $1 AND organization_id = $2",
    )
    .bind(id)
    .bind(org)
    .fetch_optional(conn)
    .await)?;
    let current = current.ok_or(Error::NotFound)?;
    // The previous secret is re-sealed under its own column's binding.
    let old = d.keys.decrypt(&current, &SecretBinding::new(SECRET_FIELD, org)).map_err(Error::internal)?;
    let (previous, previous_until) = if grace.is_zero() { (None, None) } else { (Some(seal(d, PREVIOUS_SECRET_FIELD, org, &old)), Some(until)) };
    crate::on_tx!(&mut tx, conn => sqlx::query(
        "UPDATE outbound_subscriptions SET secret_enc = $1, previous_secret_enc = $2, previous_secret_until = $3, updated_at = $4 \
         WHERE id = $5 AND organization_id = $6",
    )
    .bind(seal(d, SECRET_FIELD, org, &secret))
    .bind(previous)
    .bind(previous_until)
    .bind(now)
    .bind(id)
    .bind(org)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_checked_and_deduplicated() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_events(&names(&["deal.updated", "*", "deal.updated"])).unwrap(), names(&["deal.updated", "*"]));
        assert!(parse_events(&[]).is_err());
        assert!(parse_events(&names(&["deal.exploded"])).unwrap_err().contains("deal.exploded"));
    }
}
