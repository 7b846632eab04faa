//! API keys over real HTTP, on both backends: made by owners only and shown once; usable on
//! the CRM and webhook APIs within their scope; refused on account settings, key management
//! and the platform API; dead at once when revoked, and when expired.

use std::time::Instant;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{api::PASSWORD, Backend, TestApp, TestEnv, CEILING};

async fn create_key(app: &TestApp, owner: &str, body: Value) -> Value {
    let reply = app.call(Method::POST, "/api/v1/api-keys", Some(owner), Some(&body)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body
}

async fn status(app: &TestApp, method: Method, path: &str, key: &str, body: Option<Value>) -> u16 {
    app.call(method, path, Some(key), body.as_ref()).await.status
}

async fn keys_work_within_their_scope_and_die_when_revoked(backend: Backend) {
    let app =
        TestApp::spawn_with(TestEnv::new(backend).await, &[("CONNECTGAIN_ADMIN_EMAIL", "root@example.com"), ("CONNECTGAIN_ADMIN_PASSWORD", PASSWORD)]).await;
    let (org, owner) = app.owner("owner@acme.io", "Acme").await;
    let (_, member) = app.member(&owner, "mia@acme.io").await;

    // Made by owners, checked, shown once.
    let refused = app.call(Method::POST, "/api/v1/api-keys", Some(&member), Some(&json!({"name": "x", "scope": "read"}))).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let invalid = app.call(Method::POST, "/api/v1/api-keys", Some(&owner), Some(&json!({"name": "", "scope": "admin", "expires_at": "2001-01-01"}))).await;
    assert_eq!(invalid.status, 422, "{}", invalid.body);
    for field in ["name", "scope", "expires_at"] {
        assert!(invalid.body["error"]["fields"][field].is_string(), "{field}: {}", invalid.body);
    }
    let read = create_key(&app, &owner, json!({"name": "n8n reports", "scope": "read"})).await;
    let writer = create_key(&app, &owner, json!({"name": "n8n sync", "scope": "read_write", "expires_at": "2099-01-31"})).await;
    let read_key = read["key"].as_str().unwrap().to_owned();
    let write_key = writer["key"].as_str().unwrap().to_owned();
    assert!(read_key.starts_with("cgk_") && read_key.len() > 40, "{read}");
    assert_eq!(read["hint"].as_str().unwrap(), format!("cgk_…{}", &read_key[read_key.len() - 4..]));
    assert_eq!((read["scope"].as_str(), read["expires_at"].is_null()), (Some("read"), true));
    assert_eq!(writer["expires_at"], "2099-01-31T00:00:00Z");
    assert_eq!(read["created_by_email"], "owner@acme.io");
    let listed = app.call(Method::GET, "/api/v1/api-keys", Some(&owner), None).await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 2);
    assert!(!listed.body.to_string().contains(&read_key[4..]), "the list never shows a key");

    // The CRM: a read key reads, a read_write key also writes; both in their organization.
    assert_eq!(status(&app, Method::GET, "/api/contacts", &read_key, None).await, 200);
    let contact = json!({"first_name": "Ada", "email": "ada@example.com"});
    let denied = app.call(Method::POST, "/api/contacts", Some(&read_key), Some(&contact)).await;
    assert_eq!((denied.status, denied.body["error"]["code"].as_str()), (403, Some("forbidden")), "{}", denied.body);
    let created = app.call(Method::POST, "/api/contacts", Some(&write_key), Some(&contact)).await;
    assert_eq!((created.status, created.body["organization_id"].as_str()), (201, Some(org.as_str())), "{}", created.body);
    let id = created.body["id"].as_str().unwrap();
    assert_eq!(status(&app, Method::GET, &format!("/api/contacts/{id}"), &read_key, None).await, 200);
    assert_eq!(status(&app, Method::DELETE, &format!("/api/contacts/{id}"), &read_key, None).await, 403);
    let (_, globex) = app.owner("boss@globex.io", "Globex").await;
    let theirs = app.call(Method::POST, "/api/contacts", Some(&globex), Some(&json!({"email": "x@globex.io"}))).await;
    let theirs = theirs.body["id"].as_str().unwrap();
    assert_eq!(status(&app, Method::GET, &format!("/api/contacts/{theirs}"), &write_key, None).await, 404, "another organization's contact");

    // Webhook subscriptions too; account settings, key management and the platform API not.
    assert_eq!(status(&app, Method::GET, "/api/v1/webhooks", &read_key, None).await, 200);
    let hook = json!({"name": "sync", "url": "https://hooks.example.com/in", "events": ["contact.created"]});
    assert_eq!(status(&app, Method::POST, "/api/v1/webhooks", &read_key, Some(hook.clone())).await, 403);
    let hook = app.call(Method::POST, "/api/v1/webhooks", Some(&write_key), Some(&hook)).await;
    assert_eq!(hook.status, 201, "{}", hook.body);
    let secret = format!("/api/v1/webhooks/{}/secret", hook.body["id"].as_str().unwrap());
    assert_eq!(status(&app, Method::GET, &secret, &read_key, None).await, 403, "a read key cannot reveal a signing secret");
    assert_eq!(status(&app, Method::GET, &secret, &write_key, None).await, 200);
    for (method, path) in [
        (Method::GET, "/api/v1/organization/members"),
        (Method::GET, "/api/v1/organization/appgain"),
        (Method::GET, "/api/v1/inbound/settings"),
        (Method::GET, "/api/v1/api-keys"),
        (Method::POST, "/api/v1/api-keys"),
        (Method::GET, "/api/platform/tenants"),
        (Method::GET, "/api/v1/auth/me"),
    ] {
        let body = (method == Method::POST).then(|| json!({"name": "k", "scope": "read"}));
        assert_eq!(status(&app, method.clone(), path, &write_key, body).await, 403, "{method} {path}");
    }

    // Used: last_used_at is recorded (off the request's path).
    let started = Instant::now();
    loop {
        let listed = app.call(Method::GET, "/api/v1/api-keys", Some(&owner), None).await;
        let read = listed.body["data"].as_array().unwrap().iter().find(|k| k["name"] == "n8n reports").cloned().unwrap();
        if read["last_used_at"].is_string() {
            break;
        }
        assert!(started.elapsed() < CEILING, "last_used_at never recorded: {read}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    // Revoked: 401 at once (it was cached as live a moment ago), and gone from the list.
    let revoked = app.call(Method::DELETE, &format!("/api/v1/api-keys/{}", read["id"].as_str().unwrap()), Some(&owner), None).await;
    assert_eq!(revoked.status, 204);
    let dead = app.call(Method::GET, "/api/contacts", Some(&read_key), None).await;
    assert_eq!((dead.status, dead.body["error"]["code"].as_str()), (401, Some("unauthorized")));
    assert_eq!(app.call(Method::DELETE, &format!("/api/v1/api-keys/{}", read["id"].as_str().unwrap()), Some(&owner), None).await.status, 404);
    let listed = app.call(Method::GET, "/api/v1/api-keys", Some(&owner), None).await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 1);
    let other_org = app.call(Method::DELETE, &format!("/api/v1/api-keys/{}", writer["id"].as_str().unwrap()), Some(&globex), None).await;
    assert_eq!(other_org.status, 404, "another organization's key");
    assert_eq!(status(&app, Method::GET, "/api/contacts", "cgk_not-a-key", None).await, 401);
    app.stop().await;
}

async fn an_expired_key_answers_401(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, owner) = app.owner("owner@acme.io", "Acme").await;
    let expiry = chrono::Utc::now() + chrono::Duration::seconds(2);
    let key = create_key(&app, &owner, json!({"name": "short-lived", "scope": "read", "expires_at": expiry.to_rfc3339()})).await;
    let key = key["key"].as_str().unwrap().to_owned();
    let first = status(&app, Method::GET, "/api/contacts", &key, None).await;
    assert!(first == 200 || chrono::Utc::now() >= expiry, "a key works until it expires: {first}");
    // Waits for the expiry to pass (not a fixed time): cached or not, it is checked on use.
    let started = Instant::now();
    while status(&app, Method::GET, "/api/contacts", &key, None).await != 401 {
        assert!(started.elapsed() < CEILING, "the expired key still works");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let listed = app.call(Method::GET, "/api/v1/api-keys", Some(&owner), None).await;
    assert_eq!(listed.body["data"][0]["name"], "short-lived", "an expired key is still listed, to be seen and revoked");
    app.stop().await;
}

backend_tests!(keys_work_within_their_scope_and_die_when_revoked, an_expired_key_answers_401);
