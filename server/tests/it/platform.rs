//! The platform admin's integration settings per tenant, through the JSON API.

use crate::helpers::{
    api::PASSWORD,
    appgain::{FakeAppgain, Mode},
    Backend, TestApp, TestEnv,
};
use connectgain_domain::on_db;
use reqwest::Method;
use serde_json::{json, Value};

const ACCESS_TOKEN: &str = "EAATestAccessToken0123456789";
const TWILIO_TOKEN: &str = "twilio-auth-token-9b8c7d6e5f4a3b2c";
const SNS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

async fn spawn(backend: Backend) -> (TestApp, String) {
    let fake = FakeAppgain::start(Mode::Credentials { suit_id: "s".into(), api_key: "k".into() }).await;
    let env = TestEnv::new(backend).await;
    let url = fake.signup_url();
    let app = TestApp::spawn_with(
        env,
        &[("APPGAIN_SIGNUP_WEBHOOK_URL", &url), ("CONNECTGAIN_ADMIN_EMAIL", "root@example.com"), ("CONNECTGAIN_ADMIN_PASSWORD", PASSWORD)],
    )
    .await;
    let admin = app.token("root@example.com").await;
    (app, admin)
}

fn whatsapp() -> Value {
    json!({
        "enabled": true,
        "phoneNumberId": "123456789",
        "businessAccountId": "987654321",
        "accessToken": ACCESS_TOKEN,
        "webhookVerifyToken": "my_verify_token",
        "phoneNumber": "+1234567890",
    })
}

async fn only_platform_admins_reach_the_platform_api(backend: Backend) {
    let (app, admin) = spawn(backend).await;
    let (org, owner) = app.owner("owner@a.io", "A").await;
    let paths = [
        (Method::GET, "/api/platform/tenants".to_owned()),
        (Method::GET, format!("/api/platform/tenants/{org}/integrations")),
        (Method::PUT, format!("/api/platform/tenants/{org}/integrations/whatsapp")),
    ];
    for (method, path) in &paths {
        let reply = app.call(method.clone(), path, Some(&owner), Some(&whatsapp())).await;
        assert_eq!(reply.status, 403, "{method} {path}");
        assert_eq!(app.call(method.clone(), path, None, Some(&whatsapp())).await.status, 401, "{method} {path}");
    }
    let tenants = app.call(Method::GET, "/api/platform/tenants", Some(&admin), None).await;
    assert_eq!(tenants.status, 200);
    assert_eq!(tenants.body[0]["id"], org.as_str());
    assert_eq!(tenants.body[0]["name"], "A");
    assert!(tenants.body[0]["created_at"].is_string());
    for path in ["/api/platform/tenants/not-a-uuid/integrations", "/api/platform/tenants/00000000-0000-0000-0000-000000000000/integrations"] {
        assert_eq!(app.call(Method::GET, path, Some(&admin), None).await.status, 404, "{path}");
    }
    app.stop().await;
}

async fn whatsapp_settings_are_stored_encrypted_and_shown_masked(backend: Backend) {
    let (app, admin) = spawn(backend).await;
    let (org, _) = app.owner("owner@a.io", "A").await;
    let path = format!("/api/platform/tenants/{org}/integrations/whatsapp");

    let saved = app.call(Method::PUT, &path, Some(&admin), Some(&whatsapp())).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["accessToken"], "EAATestAcc***456789");
    assert_eq!(saved.body["webhookVerifyToken"], "********");
    assert_eq!(saved.body["phoneNumberId"], "123456789");
    assert!(!saved.body.to_string().contains(ACCESS_TOKEN));

    // A blank token keeps the stored one.
    let mut again = whatsapp();
    again["accessToken"] = json!("");
    again["phoneNumber"] = json!("+201001383533");
    let kept = app.call(Method::PUT, &path, Some(&admin), Some(&again)).await;
    assert_eq!(kept.status, 200, "{}", kept.body);
    assert_eq!(kept.body["accessToken"], "EAATestAcc***456789");
    assert_eq!(kept.body["phoneNumber"], "+201001383533");

    let all = app.call(Method::GET, &format!("/api/platform/tenants/{org}/integrations"), Some(&admin), None).await;
    assert_eq!(all.body["whatsapp"]["accessToken"], "EAATestAcc***456789");
    assert_eq!(all.body["sms"], Value::Null);
    assert!(!all.body.to_string().contains(ACCESS_TOKEN));

    let (db, _) = app.env.open().await;
    let stored: String = on_db!(&db, pool => sqlx::query_scalar("SELECT access_token FROM whatsapp_integrations").fetch_one(pool).await).unwrap();
    assert!(stored.starts_with("cg1:") && !stored.contains(ACCESS_TOKEN));
    db.close().await;

    let invalid = app.call(Method::PUT, &path, Some(&admin), Some(&json!({"enabled": true, "phoneNumberId": "12ab", "phoneNumber": "12345"}))).await;
    assert_eq!(invalid.status, 422, "{}", invalid.body);
    let fields = invalid.body["error"]["fields"].as_object().unwrap();
    assert!(fields.contains_key("phoneNumberId") && fields.contains_key("phoneNumber"), "{fields:?}");
    app.stop().await;
}

async fn sms_settings_follow_the_chosen_provider(backend: Backend) {
    let (app, admin) = spawn(backend).await;
    let (org, _) = app.owner("owner@a.io", "A").await;
    let path = format!("/api/platform/tenants/{org}/integrations/sms");
    let sid = format!("AC{}", "0123456789abcdef".repeat(2));

    let twilio = json!({"enabled": true, "provider": "twilio", "accountSid": sid, "authToken": TWILIO_TOKEN, "phoneNumber": "+15551234567"});
    let saved = app.call(Method::PUT, &path, Some(&admin), Some(&twilio)).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["provider"], "twilio");
    assert_eq!(saved.body["accountSid"], sid.as_str());
    assert_eq!(saved.body["authToken"], "twilio-aut***4a3b2c");
    assert!(!saved.body.to_string().contains(TWILIO_TOKEN));

    let bad = app
        .call(Method::PUT, &path, Some(&admin), Some(&json!({"enabled": true, "provider": "twilio", "accountSid": "AC1", "messagingServiceSid": "XX"})))
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body["error"]["fields"]["accountSid"].is_string() && bad.body["error"]["fields"]["messagingServiceSid"].is_string());

    let sns_bad = json!({"enabled": true, "provider": "aws_sns", "accessKeyId": "nope", "region": "mars"});
    let reply = app.call(Method::PUT, &path, Some(&admin), Some(&sns_bad)).await;
    assert_eq!(reply.status, 422);
    let fields = reply.body["error"]["fields"].as_object().unwrap();
    for f in ["accessKeyId", "region", "secretAccessKey"] {
        assert!(fields.contains_key(f), "{f}: {fields:?}");
    }

    let sns = json!({"enabled": true, "provider": "aws_sns", "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "secretAccessKey": SNS_SECRET, "region": "us-east-1", "senderId": "ConnectGain"});
    let switched = app.call(Method::PUT, &path, Some(&admin), Some(&sns)).await;
    assert_eq!(switched.status, 200, "{}", switched.body);
    assert_eq!(switched.body["secretAccessKey"], "wJalrXUtnF***PLEKEY");
    assert!(switched.body.get("accountSid").is_none(), "only the chosen provider's fields: {}", switched.body);

    // Switching provider clears the previous provider's secrets.
    let (db, _) = app.env.open().await;
    let old: Option<String> = on_db!(&db, pool => sqlx::query_scalar("SELECT twilio_auth_token FROM sms_integrations").fetch_one(pool).await).unwrap();
    assert_eq!(old, None);
    db.close().await;

    let unknown = app.call(Method::PUT, &path, Some(&admin), Some(&json!({"provider": "carrier-pigeon"}))).await;
    assert_eq!(unknown.status, 422);
    assert!(unknown.body["error"]["fields"]["provider"].is_string());
    app.stop().await;
}

async fn n8n_settings_keep_a_blank_api_key(backend: Backend) {
    let (app, admin) = spawn(backend).await;
    let (org, _) = app.owner("owner@a.io", "A").await;
    let path = format!("/api/platform/tenants/{org}/integrations/n8n");
    let key = "n8n-api-key-abcdefghijklmnopqrstuvwxyz";
    let saved = app.call(Method::PUT, &path, Some(&admin), Some(&json!({"baseUrl": "https://n8n.example.com/webhook/t1/", "apiKey": key}))).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["baseUrl"], "https://n8n.example.com/webhook/t1");
    assert_eq!(saved.body["apiKey"], "n8n-api-ke***uvwxyz");
    let kept = app.call(Method::PUT, &path, Some(&admin), Some(&json!({"baseUrl": "https://n8n.example.com/webhook/t2"}))).await;
    assert_eq!(kept.body["apiKey"], "n8n-api-ke***uvwxyz");
    let bad = app.call(Method::PUT, &path, Some(&admin), Some(&json!({"baseUrl": "n8n.example.com"}))).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body["error"]["fields"]["baseUrl"].is_string());
    app.stop().await;
}

backend_tests!(
    only_platform_admins_reach_the_platform_api,
    whatsapp_settings_are_stored_encrypted_and_shown_masked,
    sms_settings_follow_the_chosen_provider,
    n8n_settings_keep_a_blank_api_key,
);
