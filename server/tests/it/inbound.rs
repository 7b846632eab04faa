//! Inbound webhooks over real HTTP, on both backends: the seed's answer, a lead that ends as
//! a contact and as a signed contact.created delivery, 401 sameness, idempotent repeats,
//! the rate limit, the size limit, malformed JSON, stored events, retries, and durability.

use std::time::{Duration, Instant};

use crate::helpers::{Backend, Receiver, TestApp, TestEnv, CEILING};
use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;

/// An owner with an inbound key: (tenant id, owner token, api key).
async fn tenant(app: &TestApp, email: &str) -> (String, String, String) {
    let (org, owner) = app.owner(email, "Acme").await;
    let key = app.call(Method::POST, "/api/v1/inbound/api-key", Some(&owner), None).await;
    assert_eq!(key.status, 201, "{}", key.body);
    (org, owner, key.body["api_key"].as_str().unwrap().to_owned())
}

async fn post_event(app: &TestApp, name: &str, tenant: &str, key: &str, body: &str, extra: &[(&str, &str)]) -> (u16, Value, HeaderMap) {
    let mut request = app
        .client
        .post(app.url(&format!("/api/webhooks/{name}")))
        .header("X-Tenant-ID", tenant)
        .header("X-API-Key", key)
        .header("Content-Type", "application/json")
        .body(body.to_owned());
    for (k, v) in extra {
        request = request.header(*k, *v);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null), headers)
}

/// Waits until the event is no longer `received`.
async fn settled(app: &TestApp, owner: &str, id: &str) -> Value {
    let start = Instant::now();
    loop {
        let event = app.call(Method::GET, &format!("/api/v1/inbound/events/{id}"), Some(owner), None).await;
        assert_eq!(event.status, 200, "{}", event.body);
        if event.body["status"] != "received" {
            return event.body;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "never processed: {}", event.body);
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

async fn events(app: &TestApp, owner: &str, query: &str) -> Vec<Value> {
    let list = app.call(Method::GET, &format!("/api/v1/inbound/events{query}"), Some(owner), None).await;
    assert_eq!(list.status, 200, "{}", list.body);
    list.body["data"].as_array().unwrap().clone()
}

async fn a_captured_lead_ends_as_a_contact_and_a_signed_delivery(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (org, owner, key) = tenant(&app, "owner@acme.io").await;
    assert!(key.starts_with("cgi_"));
    let receiver = Receiver::ok().await;
    let sub = app
        .call(
            Method::POST,
            "/api/v1/webhooks",
            Some(&owner),
            Some(&json!({"name": "CRM", "url": receiver.url(), "events": ["contact.created", "contact.updated"]})),
        )
        .await;
    assert_eq!(sub.status, 201, "{}", sub.body);
    let secret = sub.body["secret"].as_str().unwrap().to_owned();

    let lead = r#"{"email": "Lead@Example.com", "name": "Ada Lovelace King", "source": "website_form", "utm_campaign": "summer2025", "metadata": {"page_url": "https://x.io/a"}}"#;
    let (status, body, _) = post_event(&app, "lead.captured", &org, &key, lead, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tenant_id"], org.as_str());
    assert_eq!(body["event_name"], "lead.captured");
    assert_eq!(body["status"], "received");
    assert_eq!(body["payload"], serde_json::from_str::<Value>(lead).unwrap());
    assert!(body["received_at"].as_str().unwrap().ends_with('Z'));
    let id = body["id"].as_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok());

    let event = settled(&app, &owner, &id).await;
    assert_eq!(event["status"], "processed", "{event}");
    assert_eq!(event["result"]["created"], true);
    assert!(event["processed_at"].is_string());
    let contact_id = event["result"]["contact_id"].as_str().unwrap().to_owned();
    let contact = app.call(Method::GET, &format!("/api/contacts/{contact_id}"), Some(&owner), None).await;
    assert_eq!(contact.body["email"], "lead@example.com");
    assert_eq!(contact.body["first_name"], "Ada");
    assert_eq!(contact.body["last_name"], "Lovelace King");
    assert_eq!(contact.body["attributes"]["source"], "website_form");
    assert_eq!(contact.body["attributes"]["metadata"]["page_url"], "https://x.io/a");

    // The same person again: updated, attributes merged.
    let (_, again, _) = post_event(&app, "lead.captured", &org, &key, r#"{"email": "lead@example.com", "phone": "+15551234567"}"#, &[]).await;
    let again = settled(&app, &owner, again["id"].as_str().unwrap()).await;
    assert_eq!((again["status"].as_str(), again["result"]["created"].as_bool()), (Some("processed"), Some(false)), "{again}");
    let contact = app.call(Method::GET, &format!("/api/contacts/{contact_id}"), Some(&owner), None).await;
    assert_eq!((contact.body["phone"].as_str(), contact.body["attributes"]["utm_campaign"].as_str()), (Some("+15551234567"), Some("summer2025")));

    let got = receiver.wait_for(2, CEILING).await;
    let delivered_json = got[0].json();
    assert_eq!(delivered_json["event"], "contact.created");
    assert_eq!(delivered_json["data"]["id"], contact_id.as_str());
    assert_eq!(delivered_json["data"]["email"], "lead@example.com");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(&got[0].body);
    assert_eq!(got[0].header("x-webhook-signature"), hex::encode(mac.finalize().into_bytes()));
    assert_eq!(got[1].json()["event"], "contact.updated");
}

async fn every_credential_failure_is_the_same_401_and_stores_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (org, owner, key) = tenant(&app, "owner@acme.io").await;
    let (other_org, _, other_key) = tenant(&app, "boss@globex.io").await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let cases: Vec<(&str, &str)> =
        vec![(&org, "cgi_wrong"), (&org, ""), (&org, &other_key), (&other_org, &key), (&unknown, &key), ("not-a-uuid", &key), ("", "")];
    let mut answers = Vec::new();
    for (tenant_id, api_key) in cases {
        let (status, body, headers) = post_event(&app, "lead.captured", tenant_id, api_key, r#"{"email":"x@y.io"}"#, &[]).await;
        assert_eq!(status, 401, "{tenant_id} {api_key}: {body}");
        assert!(headers.get("retry-after").is_none());
        answers.push(body);
    }
    let response = app.client.post(app.url("/api/webhooks/lead.captured")).body("{}").send().await.unwrap();
    assert_eq!(response.status(), 401);
    answers.push(response.json().await.unwrap());
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    assert_eq!(answers[0]["error"]["code"], "unauthorized");
    assert!(events(&app, &owner, "").await.is_empty());

    // Rotation: the old key stops working at once, the new one works.
    let rotated = app.call(Method::POST, "/api/v1/inbound/api-key", Some(&owner), None).await;
    let new_key = rotated.body["api_key"].as_str().unwrap();
    assert_ne!(new_key, key);
    assert_eq!(post_event(&app, "test.event", &org, &key, "{}", &[]).await.0, 401);
    assert_eq!(post_event(&app, "test.event", &org, new_key, "{}", &[]).await.0, 200);
    // Only owners manage the key; the settings never show it.
    let (_, member) = app.member(&owner, "mia@acme.io").await;
    assert_eq!(app.call(Method::POST, "/api/v1/inbound/api-key", Some(&member), None).await.status, 403);
    let settings = app.call(Method::GET, "/api/v1/inbound/settings", Some(&owner), None).await;
    assert_eq!(settings.body["api_key"]["configured"], true);
    assert!(!settings.body.to_string().contains(new_key));
    assert!(settings.body["endpoint"].as_str().unwrap().ends_with("/api/webhooks/{event_name}"));
}

async fn an_idempotency_key_repeat_answers_the_first_result_and_stores_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (org, owner, key) = tenant(&app, "owner@acme.io").await;
    let body = r#"{"amount": 4200, "customer_email": "a@b.io", "invoice_id": "in_1"}"#;
    let (s1, first, h1) = post_event(&app, "payment.received", &org, &key, body, &[("Idempotency-Key", "pay-1")]).await;
    let (s2, second, h2) = post_event(&app, "payment.received", &org, &key, body, &[("Idempotency-Key", "pay-1")]).await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(first, second);
    assert!(h1.get("idempotent-replayed").is_none());
    assert_eq!(h2["idempotent-replayed"], "true");
    // Concurrent repeats: the unique index decides, one event is stored.
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let (app_url, org, key) = (app.url("/api/webhooks/payment.received"), org.clone(), key.clone());
            tokio::spawn(async move {
                let r = reqwest::Client::new()
                    .post(app_url)
                    .header("X-Tenant-ID", org)
                    .header("X-API-Key", key)
                    .header("Idempotency-Key", "pay-2")
                    .header("Content-Type", "application/json")
                    .body(r#"{"amount": 1}"#)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
            })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    // The same key for something else is refused; another tenant's same key is its own.
    let (status, conflict, _) = post_event(&app, "payment.received", &org, &key, r#"{"amount": 2}"#, &[("Idempotency-Key", "pay-1")]).await;
    assert_eq!(status, 409, "{conflict}");
    // The provider callbacks' keys are theirs: a client cannot take one in advance.
    let (status, taken, _) = post_event(&app, "payment.received", &org, &key, body, &[("Idempotency-Key", "zoom:9f86d081884c7d65")]).await;
    assert_eq!(status, 422, "{taken}");
    let (status, _, _) = post_event(&app, "payment.received", &org, &key, body, &[("Idempotency-Key", "zoomer:1")]).await;
    assert_eq!(status, 200);
    let (other_org, _, other_key) = tenant(&app, "boss@globex.io").await;
    let (status, other, _) = post_event(&app, "payment.received", &other_org, &other_key, body, &[("Idempotency-Key", "pay-1")]).await;
    assert_eq!(status, 200);
    assert_ne!(other["id"], first["id"]);
    assert_eq!(events(&app, &owner, "").await.len(), 3, "pay-1, pay-2 and zoomer:1");
}

async fn the_rate_limit_answers_429_with_retry_after_per_tenant(backend: Backend) {
    let env = TestEnv::new(backend).await;
    let app = TestApp::spawn_with(env, &[("CONNECTGAIN_INBOUND_RATE_LIMIT", "60/m"), ("CONNECTGAIN_INBOUND_RATE_BURST", "3")]).await;
    let (org, owner, key) = tenant(&app, "owner@acme.io").await;
    let (other_org, _, other_key) = tenant(&app, "boss@globex.io").await;
    for _ in 0..3 {
        assert_eq!(post_event(&app, "test.event", &org, &key, "{}", &[]).await.0, 200);
    }
    let (status, body, headers) = post_event(&app, "test.event", &org, &key, "{}", &[]).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["code"], "rate_limited");
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(post_event(&app, "test.event", &other_org, &other_key, "{}", &[]).await.0, 200, "another tenant has its own budget");
    // Wrong keys do not spend the tenant's budget: they are refused before it.
    assert_eq!(post_event(&app, "test.event", &org, "cgi_wrong", "{}", &[]).await.0, 401);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(post_event(&app, "test.event", &org, &key, "{}", &[]).await.0, 200);
    assert_eq!(events(&app, &owner, "").await.len(), 4, "refused requests are not stored");
}

async fn failed_key_checks_are_limited_per_client_address(backend: Backend) {
    let env = TestEnv::new(backend).await;
    let app = TestApp::spawn_with(env, &[("CONNECTGAIN_INBOUND_KEY_FAILURE_LIMIT", "3/m")]).await;
    let (org, owner, key) = tenant(&app, "owner@acme.io").await;
    for _ in 0..5 {
        assert_eq!(post_event(&app, "test.event", &org, &key, "{}", &[]).await.0, 200, "right keys cost nothing");
    }
    for guess in ["cgi_guess1", "cgi_guess2", "cgi_guess3"] {
        assert_eq!(post_event(&app, "test.event", &org, guess, "{}", &[]).await.0, 401);
    }
    let (status, body, headers) = post_event(&app, "test.event", &org, "cgi_guess4", "{}", &[]).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["code"], "rate_limited");
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&wait), "3 a minute refill one each 20 s: {wait}");
    // Refused before the check: a right guess now would not be confirmed.
    assert_eq!(post_event(&app, "test.event", &org, &key, "{}", &[]).await.0, 429);
    assert_eq!(events(&app, &owner, "").await.len(), 5);
    app.stop().await;
}

async fn size_json_name_and_media_type_are_checked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (org, owner, key) = tenant(&app, "owner@acme.io").await;
    let big = format!(r#"{{"blob": "{}"}}"#, "x".repeat(1 << 20));
    let (status, body, _) = post_event(&app, "test.event", &org, &key, &big, &[]).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["error"]["code"], "payload_too_large");
    let just_fits = format!(r#"{{"b":"{}"}}"#, "x".repeat((1 << 20) - 8));
    assert_eq!(post_event(&app, "test.event", &org, &key, &just_fits, &[]).await.0, 200);

    let (status, body, _) = post_event(&app, "lead.captured", &org, &key, "{\n  \"email\": \"a@b.io\",\n  oops\n}", &[]).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "malformed_json");
    assert_eq!((body["error"]["line"].as_u64(), body["error"]["column"].as_u64()), (Some(3), Some(3)));
    assert!(body["error"]["message"].as_str().unwrap().contains("line 3 column 3"));

    assert_eq!(post_event(&app, "nodot", &org, &key, "{}", &[]).await.0, 404);
    let wrong_type = app
        .client
        .post(app.url("/api/webhooks/test.event"))
        .header("X-Tenant-ID", &org)
        .header("X-API-Key", &key)
        .header("Content-Type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 415);
    // The subscriptions route is still itself.
    let subs = app.call(Method::GET, "/api/webhooks/subscriptions", Some(&owner), None).await;
    assert_eq!(subs.status, 200);
    assert_eq!(events(&app, &owner, "").await.len(), 1);
}

/// What serde_json (every reader of a stored payload) cannot parse back is refused at the
/// door, not stored to show as `null` and fail its processor.
async fn json_that_could_not_be_read_back_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (org, owner, key) = tenant(&app, "owner@acme.io").await;
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    for (what, body) in [("100,000 deep", nested(100_000)), ("128 deep", nested(128)), ("a number out of range", "[1e400]".into())] {
        let (status, answer, _) = post_event(&app, "test.event", &org, &key, &body, &[]).await;
        assert_eq!(status, 400, "{what}: {answer}");
        assert_eq!(answer["error"]["code"], "malformed_json", "{what}");
    }
    assert!(events(&app, &owner, "").await.is_empty(), "nothing was stored");

    // Nesting serde_json reads is accepted and reads back as sent; the deepest it reads (127)
    // is processed too (its answer, one level deeper, is not parsed here).
    let deep = nested(100);
    let (status, answer, _) = post_event(&app, "test.event", &org, &key, &deep, &[]).await;
    assert_eq!(status, 200, "{answer}");
    let event = settled(&app, &owner, answer["id"].as_str().unwrap()).await;
    assert_eq!(event["status"], "processed", "{event}");
    assert_eq!(event["payload"].to_string(), deep);
    assert_eq!(post_event(&app, "test.event", &org, &key, &nested(127), &[]).await.0, 200);
    let start = Instant::now();
    while !events(&app, &owner, "?status=received").await.is_empty() {
        assert!(start.elapsed() < Duration::from_secs(10), "never processed");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    assert!(events(&app, &owner, "?status=failed").await.is_empty(), "its processor read it");
    app.stop().await;
}

async fn stored_events_are_listed_filtered_and_failed_ones_retried(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (org, owner, key) = tenant(&app, "owner@acme.io").await;
    let (_, pay, _) = post_event(&app, "payment.received", &org, &key, r#"{"amount": 4200, "invoice_id": "in_1"}"#, &[]).await;
    let (_, odd, _) = post_event(&app, "custom.thing_happened", &org, &key, r#"[1, 2]"#, &[]).await;
    let (_, bad, _) = post_event(&app, "lead.captured", &org, &key, r#"{"name": "No Contact"}"#, &[]).await;
    let pay = settled(&app, &owner, pay["id"].as_str().unwrap()).await;
    assert_eq!((pay["status"].as_str(), pay["result"]["stored"].as_bool()), (Some("processed"), Some(true)));
    assert_eq!(settled(&app, &owner, odd["id"].as_str().unwrap()).await["status"], "processed");
    let bad_id = bad["id"].as_str().unwrap().to_owned();
    let failed = settled(&app, &owner, &bad_id).await;
    assert_eq!(failed["status"], "failed");
    assert!(failed["error_message"].as_str().unwrap().contains("email"), "{failed}");
    assert_eq!(failed["attempts"], 1);

    assert_eq!(events(&app, &owner, "?status=failed").await.len(), 1);
    assert_eq!(events(&app, &owner, "?event_name=payment.received").await.len(), 1);
    assert_eq!(events(&app, &owner, "?status=processed&event_name=lead.captured").await.len(), 0);
    let page = app.call(Method::GET, "/api/v1/inbound/events?limit=2", Some(&owner), None).await;
    assert_eq!(page.body["data"].as_array().unwrap().len(), 2);
    let rest =
        app.call(Method::GET, &format!("/api/v1/inbound/events?limit=2&cursor={}", page.body["next_cursor"].as_str().unwrap()), Some(&owner), None).await;
    assert_eq!(rest.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(app.call(Method::GET, "/api/v1/inbound/events?status=odd", Some(&owner), None).await.status, 422);

    let retried = app.call(Method::POST, &format!("/api/v1/inbound/events/{bad_id}/retry"), Some(&owner), None).await;
    assert_eq!(retried.status, 200, "{}", retried.body);
    let again = settled(&app, &owner, &bad_id).await;
    assert_eq!((again["status"].as_str(), again["attempts"].as_i64()), (Some("failed"), Some(2)));
    let not_failed = app.call(Method::POST, &format!("/api/v1/inbound/events/{}/retry", pay["id"].as_str().unwrap()), Some(&owner), None).await;
    assert_eq!(not_failed.status, 409);
    // Another tenant sees none of it.
    let (_, other_owner, _) = tenant(&app, "boss@globex.io").await;
    assert!(events(&app, &other_owner, "").await.is_empty());
    assert_eq!(app.call(Method::GET, &format!("/api/v1/inbound/events/{bad_id}"), Some(&other_owner), None).await.status, 404);
    assert_eq!(app.call(Method::POST, &format!("/api/v1/inbound/events/{bad_id}/retry"), Some(&other_owner), None).await.status, 404);
}

async fn events_left_received_are_processed_after_a_restart(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (org, owner, _) = tenant(&app, "owner@acme.io").await;
    let env = app.stop().await;
    // As if the server died between the commit and processing.
    let (db, _) = env.open().await;
    let id = uuid::Uuid::new_v4();
    let org_id = uuid::Uuid::parse_str(&org).unwrap();
    let payload = r#"{"email": "late@example.com", "name": "Late Lead"}"#;
    connectgain_domain::on_db!(&db, pool => sqlx::query(
        "INSERT INTO integration_events (id, organization_id, source, event_name, payload, status, attempts, locked_until, received_at) \
         VALUES ($1, $2, 'api', 'lead.captured', $3, 'received', 1, $4, $4)",
    )
    .bind(id)
    .bind(org_id)
    .bind(payload)
    .bind(chrono::Utc::now() - chrono::Duration::minutes(5))
    .execute(pool)
    .await
    .map(drop)
    .unwrap());
    db.close().await;
    let app = TestApp::spawn_with(env, &[]).await;
    let owner = {
        let _ = owner;
        app.token("owner@acme.io").await
    };
    let event = settled(&app, &owner, &id.to_string()).await;
    assert_eq!(event["status"], "processed", "{event}");
    let found = app.call(Method::GET, "/api/contacts?email=late@example.com", Some(&owner), None).await;
    assert_eq!(found.body["data"][0]["first_name"], "Late");
}

/// One HTTP/1.1 exchange on an open connection, the way a client that sends its whole body
/// before it looks for an answer does it (Python requests): (status, connection header).
async fn exchange(stream: &mut tokio::net::TcpStream, head: &str, body: &[u8]) -> std::io::Result<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(format!("{head}Content-Length: {}\r\n\r\n", body.len()).as_bytes()).await?;
    stream.write_all(body).await?;
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    let (status, connection) = loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        got.extend_from_slice(&buf[..n]);
        let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") else { continue };
        let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
        let status = head[9..12].parse::<u16>().unwrap();
        let length: usize = head.lines().find_map(|l| l.strip_prefix("content-length:")).map_or(0, |v| v.trim().parse().unwrap());
        let connection = head.lines().find_map(|l| l.strip_prefix("connection:")).unwrap_or("").trim().to_owned();
        while got.len() < end + 4 + length {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            got.extend_from_slice(&buf[..n]);
        }
        break (status, connection);
    };
    Ok((status, connection))
}

async fn answers_before_the_body_is_read_reach_the_client_and_keep_the_connection(backend: Backend) {
    let env = TestEnv::new(backend).await;
    // A burst of 2: the 413 and the request after it; the rest of the minute is refused.
    let app = TestApp::spawn_with(env, &[("CONNECTGAIN_INBOUND_RATE_LIMIT", "60/m"), ("CONNECTGAIN_INBOUND_RATE_BURST", "2")]).await;
    let (org, _, key) = tenant(&app, "owner@acme.io").await;
    let head = |key: &str| {
        format!("POST /api/webhooks/test.event HTTP/1.1\r\nHost: {}\r\nX-Tenant-ID: {org}\r\nX-API-Key: {key}\r\nContent-Type: application/json\r\n", app.addr)
    };
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();

    // Far over the limit (1 MiB): answered 413 after the body is taken in, and the
    // connection still serves the next request.
    let huge = format!(r#"{{"blob": "{}"}}"#, "x".repeat(6 << 20));
    let (status, connection) = exchange(&mut stream, &head(&key), huge.as_bytes()).await.expect("the 413 is readable");
    assert_eq!((status, connection.as_str()), (413, ""));
    assert_eq!(exchange(&mut stream, &head(&key), b"{}").await.unwrap().0, 200, "the connection is reused");

    // Refused before the body is read (429: the burst is spent; 401: a wrong key), on
    // one kept-alive connection: every request gets its answer.
    let body = format!(r#"{{"pad": "{}"}}"#, "y".repeat(256 << 10));
    for round in 0..40 {
        let key = if round % 4 == 0 { "cgi_wrong" } else { key.as_str() };
        let (status, connection) = exchange(&mut stream, &head(key), body.as_bytes()).await.unwrap_or_else(|e| panic!("request {round}: {e}"));
        assert!(status == 429 || status == 401 || status == 200, "request {round}: {status}");
        assert_ne!(connection, "close", "request {round}: the body was read, so the connection stays");
    }
}

backend_tests!(
    answers_before_the_body_is_read_reach_the_client_and_keep_the_connection,
    failed_key_checks_are_limited_per_client_address,
    a_captured_lead_ends_as_a_contact_and_a_signed_delivery,
    every_credential_failure_is_the_same_401_and_stores_nothing,
    an_idempotency_key_repeat_answers_the_first_result_and_stores_nothing,
    the_rate_limit_answers_429_with_retry_after_per_tenant,
    size_json_name_and_media_type_are_checked,
    json_that_could_not_be_read_back_is_refused,
    stored_events_are_listed_filtered_and_failed_ones_retried,
    events_left_received_are_processed_after_a_restart,
);
