//! One delivery attempt over HTTP: the refusals the DNS guard cannot make, the signed
//! headers, the exchange with its timeout and a bounded response body, and what happens
//! next (delivered, retried on the schedule, dead, or gone).

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::{endpoints::Endpoint, Shared};
use crate::{
    outbound::{
        headers::MASKED_HEADER_VALUE,
        message_id, schedule, ssrf,
        store::Claimed,
        writer::{Attempt, Next},
        USER_AGENT,
    },
    Domain,
};

/// Response bodies are kept up to this many bytes.
const MAX_RESPONSE_BODY: usize = 4096;

/// The HTTP client of deliveries: no redirects, no proxy, pooled connections, and (unless
/// private targets are allowed) the SSRF guard in its DNS resolution.
pub fn delivery_client(d: &Domain) -> reqwest::Client {
    let o = &d.config.outbound;
    let mut builder = reqwest::Client::builder()
        .timeout(o.timeout)
        .connect_timeout(o.timeout.min(Duration::from_secs(10)))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .pool_max_idle_per_host(o.concurrency)
        .pool_idle_timeout(Duration::from_secs(60))
        .tcp_nodelay(true)
        .user_agent(USER_AGENT);
    if !d.config.allow_private_targets {
        builder = builder.dns_resolver(ssrf::GuardedResolver::shared());
    }
    builder.build().expect("the TLS backend initializes")
}

/// What came back from one request.
struct Response {
    status: u16,
    retry_after: Option<Duration>,
    body: String,
}

/// Sends one delivery and decides what happens next.
pub(super) async fn attempt(shared: &Shared, job: Claimed, endpoint: &Endpoint, body: &str) -> Attempt {
    let attempted_at = Utc::now();
    let msg_id = message_id(job.id);
    let (headers, headers_json) = sign(endpoint, &job.event_type, &msg_id, attempted_at, body);
    let started = Instant::now();
    let result = match refuse_before_sending(shared, endpoint) {
        Some(reason) => Err(reason),
        None => send(shared, endpoint, headers, body).await,
    };
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let schedule = &shared.d.config.outbound.retry_schedule;
    let pos = usize::try_from(job.schedule_pos).unwrap_or(0);
    let retry = |after: Option<Duration>| match schedule::next_wait(schedule, pos, after) {
        Some(wait) => {
            Next::Retry { at: Utc::now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(24)), schedule_pos: job.schedule_pos + 1 }
        }
        None => Next::Dead,
    };
    let (status_code, response_body, error, next) = match result {
        Ok(r) if (200..300).contains(&r.status) => (Some(r.status), Some(r.body), None, Next::Delivered),
        Ok(r) if r.status == 410 => (Some(r.status), Some(r.body), Some("410 Gone: subscription turned off".to_owned()), Next::Gone),
        Ok(r) => (Some(r.status), Some(r.body), Some(format!("HTTP {}", r.status)), retry(r.retry_after)),
        Err(e) => (None, None, Some(e), retry(None)),
    };
    Attempt {
        delivery: job.id,
        subscription: job.subscription_id,
        organization: job.organization_id,
        event_type: job.event_type,
        attempt: job.attempts + 1,
        attempted_at,
        status_code: status_code.map(i32::from),
        duration_ms,
        request_headers: headers_json,
        response_body: response_body.filter(|b| !b.is_empty()),
        error,
        next,
    }
}

/// The guard for what DNS resolution does not see: IP-literal hosts (and the https-only rule).
fn refuse_before_sending(shared: &Shared, endpoint: &Endpoint) -> Option<String> {
    let config = &shared.d.config;
    if endpoint.key.is_none() {
        return Some("the subscription's secret cannot be read".into());
    }
    if config.outbound.https_only && endpoint.url.scheme() != "https" {
        return Some("only https:// targets are allowed".into());
    }
    if !config.allow_private_targets && ssrf::ip_literal(&endpoint.url).is_some_and(ssrf::is_forbidden) {
        return Some(ssrf::REFUSED.into());
    }
    None
}

/// The request headers, and their JSON for the attempt record (signatures included; never
/// the secret, and the subscription's own header values masked).
///
/// `X-Webhook-Timestamp` is the attempt's send time in ISO 8601 / RFC 3339 UTC with
/// milliseconds (`2026-11-22T10:30:00.123Z`, the seed's "ISO timestamp"); the Standard
/// Webhooks `webhook-timestamp` is the same instant in integer Unix seconds. (The body's
/// `timestamp` is the event's time, the same on every attempt.)
fn sign(endpoint: &Endpoint, event: &str, msg_id: &str, sent_at: DateTime<Utc>, body: &str) -> (reqwest::header::HeaderMap, String) {
    let timestamp = sent_at.timestamp();
    let now = Utc::now();
    let previous = endpoint.previous.as_ref().filter(|(_, until)| *until > now).map(|(k, _)| k);
    let (body_sig, standard) = match &endpoint.key {
        Some(key) => {
            // During a rotation's grace period X-Webhook-Signature stays on the old secret,
            // and webhook-signature carries both.
            let body_sig = previous.unwrap_or(key).body_signature(body.as_bytes(), endpoint.style);
            let mut standard = key.standard_signature(msg_id, timestamp, body.as_bytes());
            if let Some(old) = previous {
                standard.push(' ');
                standard.push_str(&old.standard_signature(msg_id, timestamp, body.as_bytes()));
            }
            (body_sig, standard)
        }
        None => (String::new(), String::new()),
    };
    let ts = timestamp.to_string();
    let iso = sent_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let pairs: [(&str, &str); 8] = [
        ("content-type", "application/json"),
        ("user-agent", USER_AGENT),
        ("x-webhook-event", event),
        ("x-webhook-timestamp", &iso),
        ("x-webhook-signature", &body_sig),
        ("webhook-id", msg_id),
        ("webhook-timestamp", &ts),
        ("webhook-signature", &standard),
    ];
    let mut headers = reqwest::header::HeaderMap::with_capacity(pairs.len() + endpoint.headers.len());
    let mut json = serde_json::Map::new();
    // The subscription's own headers first: ours are set after them and always win (their
    // names cannot be saved, but a stored value is never trusted to be unlike them).
    for (name, value) in &endpoint.headers {
        headers.insert(name.clone(), value.clone());
        json.insert(name.as_str().to_owned(), serde_json::Value::String(MASKED_HEADER_VALUE.to_owned()));
    }
    for (name, value) in pairs {
        if let Ok(v) = reqwest::header::HeaderValue::from_str(value) {
            headers.insert(reqwest::header::HeaderName::from_static(name), v);
        }
        json.insert(name.to_owned(), serde_json::Value::String(value.to_owned()));
    }
    (headers, serde_json::Value::Object(json).to_string())
}

async fn send(shared: &Shared, endpoint: &Endpoint, headers: reqwest::header::HeaderMap, body: &str) -> Result<Response, String> {
    let timeout = shared.d.config.outbound.timeout;
    let request = shared.client.post(endpoint.url.clone()).headers(headers).body(body.to_owned());
    let exchange = async {
        let mut response = request.send().await.map_err(|e| error_chain(&e))?;
        let status = response.status().as_u16();
        let retry_after =
            response.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| schedule::parse_retry_after(v, Utc::now()));
        let mut bytes = Vec::new();
        while bytes.len() < MAX_RESPONSE_BODY {
            match response.chunk().await {
                Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(e) => return Err(error_chain(&e)),
            }
        }
        Ok(Response { status, retry_after, body: truncate_utf8(&bytes, MAX_RESPONSE_BODY) })
    };
    match tokio::time::timeout(timeout, exchange).await {
        Ok(result) => result,
        Err(_) => Err(format!("timed out after {} ms", timeout.as_millis())),
    }
}

/// At most `max` bytes of valid UTF-8 (invalid sequences replaced).
fn truncate_utf8(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(max)]);
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// An error with its causes ("error sending request: … : connection refused").
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let timed_out = error.downcast_ref::<reqwest::Error>().is_some_and(reqwest::Error::is_timeout);
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let s = e.to_string();
        if !text.contains(&s) {
            text.push_str(": ");
            text.push_str(&s);
        }
        source = e.source();
    }
    if timed_out && !text.contains("timed out") {
        text.push_str(" (timed out)");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_bodies_are_cut_on_a_character_boundary() {
        let s = "é".repeat(3000); // 6000 bytes
        let cut = truncate_utf8(s.as_bytes(), MAX_RESPONSE_BODY);
        assert!(cut.len() <= MAX_RESPONSE_BODY && cut.len() >= MAX_RESPONSE_BODY - 3);
        assert!(cut.chars().all(|c| c == 'é'));
    }
}
