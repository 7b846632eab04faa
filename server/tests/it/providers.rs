//! Test messages through each provider, against a local server speaking its protocol: the
//! exact request sent, and how its error answers are reported.

use std::sync::{Arc, Mutex};

use crate::helpers::{
    api::PASSWORD,
    appgain::{FakeAppgain, Mode},
    Backend, TestApp, TestEnv,
};
use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::post,
    Json, Router,
};
use base64::Engine;
use reqwest::Method;
use serde_json::{json, Value};

const WA_TOKEN: &str = "EAATestAccessToken0123456789";
const TWILIO_SID: &str = "AC0123456789abcdef0123456789abcdef";
const TWILIO_TOKEN: &str = "twilio-auth-token-9b8c7d6e5f4a3b2c";
const VONAGE_SECRET: &str = "vonage-secret-0001";
const SNS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SNS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<(String, HeaderMap, Bytes)>>>);

impl Log {
    fn last(&self) -> (String, HeaderMap, Bytes) {
        self.0.lock().unwrap().last().cloned().unwrap()
    }
}

fn form(body: &Bytes) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

async fn whatsapp(State(log): State<Log>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    log.0.lock().unwrap().push((uri.path().to_owned(), headers.clone(), body));
    if headers["authorization"] != format!("Bearer {WA_TOKEN}").as_str() {
        let error = json!({"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}});
        return (StatusCode::UNAUTHORIZED, Json(error)).into_response();
    }
    Json(json!({"messaging_product": "whatsapp", "messages": [{"id": "wamid.TEST1"}]})).into_response()
}

async fn twilio(State(log): State<Log>, Path(sid): Path<String>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    log.0.lock().unwrap().push((uri.path().to_owned(), headers.clone(), body.clone()));
    let expected = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{TWILIO_SID}:{TWILIO_TOKEN}")));
    if sid != TWILIO_SID || headers["authorization"] != expected.as_str() {
        return (StatusCode::UNAUTHORIZED, Json(json!({"code": 20003, "message": "Authenticate", "status": 401}))).into_response();
    }
    if form(&body).iter().any(|(k, v)| k == "To" && v == "+15005550001") {
        let error = json!({"code": 21211, "message": "The 'To' number +15005550001 is not a valid phone number.", "status": 400});
        return (StatusCode::BAD_REQUEST, Json(error)).into_response();
    }
    (StatusCode::CREATED, Json(json!({"sid": "SM0123", "status": "queued"}))).into_response()
}

async fn vonage(State(log): State<Log>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    log.0.lock().unwrap().push((uri.path().to_owned(), headers, body.clone()));
    let fields = form(&body);
    let secret = fields.iter().find(|(k, _)| k == "api_secret").map(|(_, v)| v.as_str());
    // Vonage answers 200 whatever happened; the status is per message.
    let message = match secret {
        Some(VONAGE_SECRET) => json!({"status": "0", "message-id": "v-1"}),
        Some("broke") => json!({"status": "9", "error-text": "Quota Exceeded - rejected"}),
        _ => json!({"status": "4", "error-text": "Bad Credentials"}),
    };
    Json(json!({"message-count": "1", "messages": [message]})).into_response()
}

async fn sns(State(log): State<Log>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    log.0.lock().unwrap().push((uri.path().to_owned(), headers.clone(), body.clone()));
    // Check the signature from what arrived on the wire.
    let amz_date = headers["x-amz-date"].to_str().unwrap().to_owned();
    let now = chrono::NaiveDateTime::parse_from_str(&amz_date, "%Y%m%dT%H%M%SZ").unwrap().and_utc();
    let expected = connectgain_domain::providers::sigv4::authorization(
        &connectgain_domain::providers::sigv4::Request {
            method: "POST",
            path: "/",
            query: "",
            headers: vec![
                ("content-type", headers["content-type"].to_str().unwrap().to_owned()),
                ("host", headers["host"].to_str().unwrap().to_owned()),
                ("x-amz-date", amz_date),
            ],
            payload: &body,
        },
        &connectgain_domain::providers::sigv4::Credentials { access_key_id: SNS_KEY_ID, secret_access_key: SNS_SECRET, region: "us-east-1", service: "sns" },
        now,
    );
    if headers["authorization"] != expected.as_str() {
        let xml = "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match.</Message></Error></ErrorResponse>";
        return (StatusCode::FORBIDDEN, xml).into_response();
    }
    (StatusCode::OK, "<PublishResponse><PublishResult><MessageId>sns-msg-1</MessageId></PublishResult></PublishResponse>").into_response()
}

async fn providers() -> (String, Log) {
    let log = Log::default();
    let app = Router::new()
        .route("/graph/{id}/messages", post(whatsapp))
        .route("/twilio/2010-04-01/Accounts/{sid}/Messages.json", post(twilio))
        .route("/vonage/sms/json", post(vonage))
        .route("/sns/", post(sns))
        .with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), log)
}

async fn spawn(backend: Backend) -> (TestApp, String, String, Log) {
    let (base, log) = providers().await;
    let fake = FakeAppgain::start(Mode::Credentials { suit_id: "s".into(), api_key: "k".into() }).await;
    let (signup, graph, twilio, vonage, sns) =
        (fake.signup_url(), format!("{base}/graph"), format!("{base}/twilio"), format!("{base}/vonage"), format!("{base}/sns"));
    let app = TestApp::spawn_with(
        TestEnv::new(backend).await,
        &[
            ("APPGAIN_SIGNUP_WEBHOOK_URL", &signup),
            ("CONNECTGAIN_ADMIN_EMAIL", "root@example.com"),
            ("CONNECTGAIN_ADMIN_PASSWORD", PASSWORD),
            ("WHATSAPP_GRAPH_BASE_URL", &graph),
            ("TWILIO_BASE_URL", &twilio),
            ("VONAGE_BASE_URL", &vonage),
            ("AWS_SNS_ENDPOINT", &sns),
        ],
    )
    .await;
    let admin = app.token("root@example.com").await;
    let (org, _) = app.owner("owner@a.io", "A").await;
    (app, admin, org, log)
}

async fn configure(app: &TestApp, admin: &str, org: &str, channel: &str, body: Value) {
    let reply = app.call(Method::PUT, &format!("/api/platform/tenants/{org}/integrations/{channel}"), Some(admin), Some(&body)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

async fn test_message(app: &TestApp, admin: &str, org: &str, channel: &str, to: &str) -> Value {
    let body = json!({"to": to, "message": "Hello from ConnectGain"});
    let reply = app.call(Method::POST, &format!("/api/platform/tenants/{org}/integrations/{channel}/test"), Some(admin), Some(&body)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

async fn whatsapp_sends_the_cloud_api_request_and_names_a_bad_token(backend: Backend) {
    let (app, admin, org, log) = spawn(backend).await;
    let mut settings = json!({"enabled": true, "phoneNumberId": "123456789", "accessToken": WA_TOKEN});
    configure(&app, &admin, &org, "whatsapp", settings.clone()).await;
    let sent = test_message(&app, &admin, &org, "whatsapp", "+201001383533").await;
    assert_eq!(sent["ok"], true, "{sent}");
    assert_eq!(sent["messageId"], "wamid.TEST1");
    let (path, headers, body) = log.last();
    assert_eq!(path, "/graph/123456789/messages");
    assert_eq!(headers["content-type"], "application/json");
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["messaging_product"], "whatsapp");
    assert_eq!(body["to"], "201001383533");
    assert_eq!(body["type"], "text");
    assert_eq!(body["text"]["body"], "Hello from ConnectGain");

    settings["accessToken"] = json!("EAAWrongToken00000000000000");
    configure(&app, &admin, &org, "whatsapp", settings).await;
    let failed = test_message(&app, &admin, &org, "whatsapp", "+201001383533").await;
    assert_eq!((failed["ok"].as_bool(), failed["status"].as_u64()), (Some(false), Some(401)));
    assert_eq!(failed["problem"], "Invalid Access Token");
    assert_eq!(failed["detail"], "Invalid OAuth access token.");
    assert!(!failed.to_string().contains("EAAWrong"));

    let invalid = app.call(Method::POST, &format!("/api/platform/tenants/{org}/integrations/whatsapp/test"), Some(&admin), Some(&json!({"to": "0100"}))).await;
    assert_eq!(invalid.status, 422);
    app.stop().await;
}

async fn twilio_sends_form_encoded_basic_auth_and_names_its_errors(backend: Backend) {
    let (app, admin, org, log) = spawn(backend).await;
    configure(
        &app,
        &admin,
        &org,
        "sms",
        json!({"enabled": true, "provider": "twilio", "accountSid": TWILIO_SID, "authToken": TWILIO_TOKEN, "phoneNumber": "+15551234567"}),
    )
    .await;
    let sent = test_message(&app, &admin, &org, "sms", "+15557654321").await;
    assert_eq!((sent["ok"].as_bool(), sent["messageId"].as_str()), (Some(true), Some("SM0123")), "{sent}");
    let (path, headers, body) = log.last();
    assert_eq!(path, format!("/twilio/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"));
    assert_eq!(headers["content-type"], "application/x-www-form-urlencoded");
    let fields = form(&body);
    for pair in [("To", "+15557654321"), ("From", "+15551234567"), ("Body", "Hello from ConnectGain")] {
        assert!(fields.contains(&(pair.0.to_owned(), pair.1.to_owned())), "{pair:?} in {fields:?}");
    }

    let invalid = test_message(&app, &admin, &org, "sms", "+15005550001").await;
    assert_eq!(invalid["problem"], "Invalid Phone Number");
    assert!(invalid["detail"].as_str().unwrap().contains("not a valid phone number"));

    configure(
        &app,
        &admin,
        &org,
        "sms",
        json!({"enabled": true, "provider": "twilio", "accountSid": TWILIO_SID, "authToken": "wrong-token", "phoneNumber": "+15551234567"}),
    )
    .await;
    let denied = test_message(&app, &admin, &org, "sms", "+15557654321").await;
    assert_eq!((denied["status"].as_u64(), denied["problem"].as_str()), (Some(401), Some("Authentication Failed")));
    app.stop().await;
}

async fn vonage_failures_inside_a_200_are_reported(backend: Backend) {
    let (app, admin, org, log) = spawn(backend).await;
    let settings = |secret: &str| json!({"enabled": true, "provider": "vonage", "apiKey": "abcd1234", "apiSecret": secret, "from": "ConnectGain"});
    configure(&app, &admin, &org, "sms", settings(VONAGE_SECRET)).await;
    let sent = test_message(&app, &admin, &org, "sms", "+447700900000").await;
    assert_eq!((sent["ok"].as_bool(), sent["messageId"].as_str()), (Some(true), Some("v-1")), "{sent}");
    let fields = form(&log.last().2);
    for pair in [("api_key", "abcd1234"), ("api_secret", VONAGE_SECRET), ("from", "ConnectGain"), ("to", "447700900000"), ("text", "Hello from ConnectGain")] {
        assert!(fields.contains(&(pair.0.to_owned(), pair.1.to_owned())), "{pair:?} in {fields:?}");
    }

    configure(&app, &admin, &org, "sms", settings("broke")).await;
    let broke = test_message(&app, &admin, &org, "sms", "+447700900000").await;
    assert_eq!((broke["ok"].as_bool(), broke["status"].as_u64()), (Some(false), Some(200)));
    assert_eq!(broke["problem"], "Insufficient Funds");
    assert_eq!(broke["detail"], "Quota Exceeded - rejected");
    app.stop().await;
}

async fn sns_publish_is_signed_with_sigv4(backend: Backend) {
    let (app, admin, org, log) = spawn(backend).await;
    let settings = |secret: &str| json!({"enabled": true, "provider": "aws_sns", "accessKeyId": SNS_KEY_ID, "secretAccessKey": secret, "region": "us-east-1", "senderId": "ConnectGain"});
    configure(&app, &admin, &org, "sms", settings(SNS_SECRET)).await;
    let sent = test_message(&app, &admin, &org, "sms", "+15557654321").await;
    assert_eq!((sent["ok"].as_bool(), sent["messageId"].as_str()), (Some(true), Some("sns-msg-1")), "{sent}");
    let (_, headers, body) = log.last();
    assert!(headers["authorization"].to_str().unwrap().starts_with(&format!("AWS4-HMAC-SHA256 Credential={SNS_KEY_ID}/")));
    let fields = form(&body);
    for pair in [
        ("Action", "Publish"),
        ("PhoneNumber", "+15557654321"),
        ("Message", "Hello from ConnectGain"),
        ("MessageAttributes.entry.1.Value.StringValue", "ConnectGain"),
    ] {
        assert!(fields.contains(&(pair.0.to_owned(), pair.1.to_owned())), "{pair:?} in {fields:?}");
    }

    // Signed with the wrong secret, the provider refuses it.
    configure(&app, &admin, &org, "sms", settings("wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEYXX")).await;
    let denied = test_message(&app, &admin, &org, "sms", "+15557654321").await;
    assert_eq!((denied["status"].as_u64(), denied["problem"].as_str()), (Some(403), Some("Authentication Failed")));
    app.stop().await;
}

backend_tests!(
    whatsapp_sends_the_cloud_api_request_and_names_a_bad_token,
    twilio_sends_form_encoded_basic_auth_and_names_its_errors,
    vonage_failures_inside_a_200_are_reported,
    sns_publish_is_signed_with_sigv4,
);
