//! Calling n8n workflow webhooks: by id, by workflow name, or all active ones of a tenant.
//!
//! Up to `1 + n8n_retry_delays.len()` attempts (by default 4: after 1 s, 2 s, 4 s), each
//! limited to `n8n_timeout`. 2xx succeeds; 4xx fails at once, except 408 and 429; 5xx,
//! timeouts and network errors are retried. Every attempt is recorded as a call, with the
//! webhook's counters and the hourly rollup, in one transaction.

use std::time::{Duration, Instant};

use chrono::{DateTime, DurationRound, Utc};
use secrecy::ExposeSecret;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::{n8n, reveal, webhooks};
use crate::{ids::OrgId, on_tx, Domain, Error};

/// The outcome of a call, after its last attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CallOutcome {
    pub webhook_id: Uuid,
    pub workflow_name: String,
    pub success: bool,
    /// The last attempt's HTTP status, if it got one.
    pub status: Option<u16>,
    pub attempts: u32,
    /// From the first attempt's start to the last one's end, waits included.
    pub duration_ms: u64,
    pub error: Option<String>,
}

struct Attempt {
    status: Option<u16>,
    success: bool,
    retryable: bool,
    duration_ms: u64,
    error: Option<String>,
}

pub async fn call_by_id(d: &Domain, org: OrgId, id: Uuid, payload: &Value) -> Result<CallOutcome, Error> {
    let hook = webhooks::find(d, org, id).await?;
    call(d, hook, &payload.to_string()).await
}

pub async fn call_by_name(d: &Domain, org: OrgId, name: &str, payload: &Value) -> Result<CallOutcome, Error> {
    let hook = webhooks::find_by_name(d, org, name).await?;
    call(d, hook, &payload.to_string()).await
}

/// Calls every active webhook of the tenant at once.
pub async fn broadcast(d: &Domain, org: OrgId, payload: &Value) -> Result<Vec<CallOutcome>, Error> {
    let hooks = webhooks::all(d, org).await?.into_iter().filter(|h| h.is_active);
    let tasks: Vec<_> = hooks
        .map(|hook| {
            let (d, body) = (d.clone(), payload.to_string());
            tokio::spawn(async move { call(&d, hook, &body).await })
        })
        .collect();
    let mut outcomes = Vec::with_capacity(tasks.len());
    for task in tasks {
        outcomes.push(task.await.map_err(Error::internal)??);
    }
    Ok(outcomes)
}

/// Calls `hook` with the JSON `body` (sent byte for byte), retrying on the n8n schedule.
pub(crate) async fn call(d: &Domain, hook: webhooks::Stored, body: &str) -> Result<CallOutcome, Error> {
    if !hook.is_active {
        return Err(Error::Conflict(format!("The webhook {} is disabled; enable it to call it.", hook.workflow_name)));
    }
    let org = hook.organization_id;
    let url = resolve_url(d, org, &hook.webhook_url).await?;
    let api_key = match n8n::stored(d, org).await? {
        Some(settings) => reveal(d, org, n8n::API_KEY, &settings.api_key)?,
        None => None,
    };
    let started = Instant::now();
    let mut attempts = 0;
    let mut delays = d.config.providers.n8n_retry_delays.iter();
    loop {
        attempts += 1;
        // Decrypted only now, for this request.
        let token = reveal(d, org, webhooks::AUTH_TOKEN, &hook.auth_token)?;
        let mut request =
            d.http.post(&url).timeout(d.config.providers.n8n_timeout).header(reqwest::header::CONTENT_TYPE, "application/json").body(body.to_owned());
        if let Some(token) = &token {
            request = request.bearer_auth(token.expose_secret());
        }
        if let Some(key) = &api_key {
            request = request.header("X-N8N-API-KEY", key.expose_secret());
        }
        let attempt = send(request).await;
        record(d, &hook, attempts, &attempt).await?;
        let retry_after = if attempt.retryable { delays.next() } else { None };
        match retry_after {
            Some(delay) => tokio::time::sleep(*delay).await,
            None => {
                return Ok(CallOutcome {
                    webhook_id: hook.id,
                    workflow_name: hook.workflow_name.clone(),
                    success: attempt.success,
                    status: attempt.status,
                    attempts,
                    duration_ms: millis(started.elapsed()),
                    error: attempt.error,
                });
            }
        }
    }
}

async fn send(request: reqwest::RequestBuilder) -> Attempt {
    let started = Instant::now();
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            // Read the body so the connection can be reused; its content is not kept.
            let _ = response.bytes().await;
            let success = (200..300).contains(&status);
            Attempt {
                status: Some(status),
                success,
                retryable: !success && (status >= 500 || status == 408 || status == 429),
                duration_ms: millis(started.elapsed()),
                error: (!success).then(|| describe_status(status)),
            }
        }
        Err(error) => Attempt {
            status: None,
            success: false,
            retryable: true,
            duration_ms: millis(started.elapsed()),
            error: Some(if error.is_timeout() {
                "Timeout Error: the workflow did not answer in time".to_owned()
            } else {
                format!("Network error: {}", error.without_url())
            }),
        },
    }
}

/// The seed's troubleshooting names for common answers.
fn describe_status(status: u16) -> String {
    match status {
        401 | 403 => format!("Unauthorized ({status}): check the auth token"),
        404 => "Webhook Not Found (404): check the URL and that the workflow is active".to_owned(),
        408 => "Request Timeout (408)".to_owned(),
        429 => "Too Many Requests (429)".to_owned(),
        500 => "Internal Server Error (500): check the n8n logs".to_owned(),
        s => format!("HTTP {s}"),
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A relative webhook URL is joined to the tenant's n8n base URL.
async fn resolve_url(d: &Domain, org: OrgId, url: &str) -> Result<String, Error> {
    if url.starts_with("https://") || url.starts_with("http://") {
        return Ok(url.to_owned());
    }
    let base = n8n::stored(d, org)
        .await?
        .map(|s| s.base_url)
        .ok_or_else(|| Error::Conflict("This webhook's URL is relative, but the tenant has no n8n base URL.".into()))?;
    Ok(format!("{}/{}", base.trim_end_matches('/'), url.trim_start_matches('/')))
}

/// Records one attempt: the call row, the webhook's counters and the hourly rollup.
async fn record(d: &Domain, hook: &webhooks::Stored, attempt_no: u32, attempt: &Attempt) -> Result<(), Error> {
    let now = Utc::now();
    let hour: DateTime<Utc> = now.duration_trunc(chrono::Duration::hours(1)).unwrap_or(now);
    let (ok, failed) = if attempt.success { (1i64, 0i64) } else { (0, 1) };
    let duration = i64::try_from(attempt.duration_ms).unwrap_or(i64::MAX);
    let mut tx = d.db.begin().await?;
    on_tx!(&mut tx, conn => sqlx::query(
        "INSERT INTO webhook_calls (webhook_id, organization_id, called_at, attempt, status_code, success, duration_ms, error) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(hook.id)
    .bind(hook.organization_id)
    .bind(now)
    .bind(attempt_no as i32)
    .bind(attempt.status.map(i32::from))
    .bind(attempt.success)
    .bind(duration)
    .bind(&attempt.error)
    .execute(conn)
    .await
    .map(|_| ()))?;
    on_tx!(&mut tx, conn => sqlx::query(
        "UPDATE n8n_webhooks SET total_calls = total_calls + 1, successful_calls = successful_calls + $1, \
         failed_calls = failed_calls + $2, total_duration_ms = total_duration_ms + $3, last_called_at = $4 WHERE id = $5",
    )
    .bind(ok)
    .bind(failed)
    .bind(duration)
    .bind(now)
    .bind(hook.id)
    .execute(conn)
    .await
    .map(|_| ()))?;
    on_tx!(&mut tx, conn => sqlx::query(
        "INSERT INTO webhook_call_hours (webhook_id, organization_id, hour, calls, successes, failures, duration_ms) \
         VALUES ($1, $2, $3, 1, $4, $5, $6) \
         ON CONFLICT (webhook_id, hour) DO UPDATE SET calls = webhook_call_hours.calls + 1, \
         successes = webhook_call_hours.successes + excluded.successes, failures = webhook_call_hours.failures + excluded.failures, \
         duration_ms = webhook_call_hours.duration_ms + excluded.duration_ms",
    )
    .bind(hook.id)
    .bind(hook.organization_id)
    .bind(hour)
    .bind(ok)
    .bind(failed)
    .bind(duration)
    .execute(conn)
    .await
    .map(|_| ()))?;
    tx.commit().await?;
    Ok(())
}
