//! The Platform Administration page and its server functions: who reaches it, what it
//! shows, and that no integration secret reaches a page, a response or the log.

use crate::helpers::{
    api::PASSWORD,
    appgain::{FakeAppgain, Mode},
    browser::{browser_login, get_with_cookie, post_form_with_cookie, post_with_cookie},
    captured_logs, Backend, TestApp, TestEnv,
};
use axum::{routing::post, Json, Router};
use serde_json::{json, Value};

const ACCESS_TOKEN: &str = "EAATestAccessToken0123456789";
const VERIFY_TOKEN: &str = "verify-token-for-the-admin-page";
const APP_SECRET: &str = "meta-app-secret-0f1e2d3c4b5a";
const TWILIO_TOKEN: &str = "twilio-auth-token-9b8c7d6e5f4a3b2c";
const N8N_KEY: &str = "n8n-api-key-5e6f7a8b9c0d1e2f";
const HOOK_TOKEN: &str = "workflow-bearer-token-0123456789abcdef0123";
const SECRETS: [&str; 6] = [ACCESS_TOKEN, VERIFY_TOKEN, APP_SECRET, TWILIO_TOKEN, N8N_KEY, HOOK_TOKEN];

async fn spawn(backend: Backend) -> TestApp {
    let fake = FakeAppgain::start(Mode::Credentials { suit_id: "s".into(), api_key: "k".into() }).await;
    let url = fake.signup_url();
    let env = TestEnv::new(backend).await;
    TestApp::spawn_with(env, &[("APPGAIN_SIGNUP_WEBHOOK_URL", &url), ("CONNECTGAIN_ADMIN_EMAIL", "root@example.com"), ("CONNECTGAIN_ADMIN_PASSWORD", PASSWORD)])
        .await
}

/// A local n8n workflow webhook that answers 200.
async fn workflow() -> String {
    let app = Router::new().route("/webhook/contact", post(|| async { Json(json!({"ok": true})) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/webhook/contact")
}

async fn json_fn(app: &TestApp, cookie: &str, path: &str, body: Value) -> (u16, Value) {
    let (status, _, text) = post_with_cookie(app, path, cookie, Some(body)).await;
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path} answered {text}")))
}

async fn form_fn(app: &TestApp, cookie: &str, path: &str, fields: &[(&str, &str)]) -> (u16, Value) {
    let (status, text) = post_form_with_cookie(app, path, cookie, fields).await;
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path} answered {text}")))
}

async fn only_platform_admins_open_the_page(backend: Backend) {
    let app = spawn(backend).await;
    let (status, _) = get_with_cookie(&app, "/admin", "cg_session=none").await;
    assert_eq!(status, 401);
    app.owner("owner@a.io", "Acme").await;
    let (_, owner) = browser_login(&app, "owner@a.io", None).await;
    let (status, page) = get_with_cookie(&app, "/admin", &owner).await;
    assert_eq!(status, 403);
    assert!(page.contains("Only platform admins"));
    let (_, body) = form_fn(&app, &owner, "/api/admin/tenants", &[]).await;
    assert_eq!(body["kind"], "Forbidden");

    let (_, admin) = browser_login(&app, "root@example.com", None).await;
    let (status, page) = get_with_cookie(&app, "/admin", &admin).await;
    assert_eq!(status, 200);
    assert!(page.contains("Acme") && page.contains("N8N Webhooks"), "the tenant dropdown and tabs render");
    let (_, page) = get_with_cookie(&app, "/admin?tenant=00000000-0000-0000-0000-000000000000", &admin).await;
    assert!(page.contains("This tenant does not exist."));
    app.stop().await;
}

async fn the_page_saves_calls_and_reports_without_revealing_a_secret(backend: Backend) {
    let logs = captured_logs();
    let app = spawn(backend).await;
    app.owner("owner@a.io", "Acme").await;
    let (_, admin) = browser_login(&app, "root@example.com", None).await;
    let (_, tenants) = form_fn(&app, &admin, "/api/admin/tenants", &[]).await;
    let tenant = tenants[0]["id"].as_str().unwrap().to_owned();
    let mut seen: Vec<(String, String)> = Vec::new();

    // Field errors come back per field, in the API's names.
    let bad = json!({"tenant": tenant, "input": {"enabled": true, "phoneNumberId": "abc", "phoneNumber": "12"}});
    let (_, error) = json_fn(&app, &admin, "/api/admin/integrations/whatsapp", bad).await;
    assert_eq!(error["kind"], "Invalid", "{error}");
    assert!(error["fields"]["phoneNumberId"].is_string() && error["fields"]["phoneNumber"].is_string(), "{error}");

    let saves = [
        (
            "whatsapp",
            json!({"enabled": true, "phoneNumberId": "123456789", "businessAccountId": "987654321",
            "accessToken": ACCESS_TOKEN, "webhookVerifyToken": VERIFY_TOKEN, "phoneNumber": "+15551230000", "appSecret": APP_SECRET}),
        ),
        (
            "sms",
            json!({"enabled": true, "provider": "twilio", "accountSid": "AC0123456789abcdef0123456789abcdef",
            "authToken": TWILIO_TOKEN, "phoneNumber": "+15557654321"}),
        ),
        ("n8n", json!({"baseUrl": "http://127.0.0.1:9/n8n", "apiKey": N8N_KEY})),
    ];
    for (channel, input) in saves {
        let (status, body) = json_fn(&app, &admin, &format!("/api/admin/integrations/{channel}"), json!({"tenant": tenant, "input": input})).await;
        assert_eq!(status, 200, "{channel}: {body}");
        // The answer is what was stored, as the page shows it: secrets masked.
        assert!(body["enabled"] == true || channel == "n8n", "{channel}: {body}");
        for secret in [ACCESS_TOKEN, VERIFY_TOKEN, APP_SECRET, TWILIO_TOKEN, N8N_KEY] {
            assert!(!body.to_string().contains(secret), "{channel} answered a secret: {body}");
        }
    }
    let url = workflow().await;
    let hook = json!({"tenant": tenant, "id": null, "input": {"workflowName": "contact_form", "webhookUrl": url, "authToken": HOOK_TOKEN, "isActive": true}});
    let (status, created) = json_fn(&app, &admin, "/api/admin/webhooks/save", hook).await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();

    let (_, invalid) = form_fn(&app, &admin, "/api/admin/webhooks/call", &[("tenant", &tenant), ("id", &id), ("payload", "{\"a\":}")]).await;
    assert!(invalid["fields"]["payload"].as_str().unwrap().starts_with("Not valid JSON"), "{invalid}");
    let (status, outcome) = form_fn(&app, &admin, "/api/admin/webhooks/call", &[("tenant", &tenant), ("id", &id), ("payload", "{\"name\":\"Ada\"}")]).await;
    assert_eq!(status, 200);
    assert_eq!((outcome["success"].clone(), outcome["attempts"].clone()), (json!(true), json!(1)), "{outcome}");

    // The dashboard reflects the call at once: cards, chart, table and the recent calls.
    let (_, analytics) = form_fn(&app, &admin, "/api/admin/analytics", &[("tenant", &tenant), ("webhook", ""), ("range", "1h")]).await;
    assert_eq!(analytics["summary"]["totalCalls"], 1, "{analytics}");
    assert_eq!(analytics["calls"].as_array().unwrap().len(), 1);
    assert_eq!(analytics["chart"].as_array().unwrap().iter().map(|p| p["calls"].as_i64().unwrap()).sum::<i64>(), 1);
    assert_eq!(analytics["webhooks"][0]["successfulCalls"], 1);
    seen.push(("analytics".into(), analytics.to_string()));

    for tab in ["whatsapp", "sms", "n8n"] {
        let path = format!("/admin?tenant={tenant}&tab={tab}");
        let (status, page) = get_with_cookie(&app, &path, &admin).await;
        assert_eq!(status, 200);
        seen.push((path, page));
    }
    let whatsapp_page = &seen.iter().find(|(p, _)| p.ends_with("whatsapp")).unwrap().1;
    assert!(whatsapp_page.contains("EAATestAcc***456789"), "the page shows the masked token");
    let n8n_page = &seen.iter().find(|(p, _)| p.ends_with("n8n")).unwrap().1;
    assert!(n8n_page.contains("contact_form") && n8n_page.contains("Webhook Analytics"));
    let (_, integrations) = form_fn(&app, &admin, "/api/admin/integrations", &[("tenant", &tenant)]).await;
    let (_, hooks) = form_fn(&app, &admin, "/api/admin/webhooks", &[("tenant", &tenant)]).await;
    seen.push(("integrations".into(), integrations.to_string()));
    seen.push(("webhooks".into(), hooks.to_string()));
    seen.push(("created".into(), created.to_string()));

    let (status, _) = form_fn(&app, &admin, "/api/admin/webhooks/delete", &[("tenant", &tenant), ("id", &id)]).await;
    assert_eq!(status, 200);
    let (_, after) = form_fn(&app, &admin, "/api/admin/analytics", &[("tenant", &tenant), ("webhook", ""), ("range", "1h")]).await;
    assert_eq!(after["summary"]["totalCalls"], 0, "deleting a webhook deletes its analytics");

    app.stop().await;
    let log = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(log.contains("/api/admin/webhooks/call"), "the log was captured");
    seen.push(("log".into(), log));
    for (place, text) in &seen {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{secret} leaked in {place}");
        }
    }
}

backend_tests!(only_platform_admins_open_the_page, the_page_saves_calls_and_reports_without_revealing_a_secret);
