//! Provider callbacks over real HTTP, on both backends: each provider's correct signature is
//! accepted and becomes CRM messages and outbound events; forged, stale or unsigned ones
//! are refused and stored nowhere. Also the WhatsApp handshake, the Zoom challenge, and
//! sending through the tenant's provider with its receipts.

use std::time::{Duration, Instant};

use crate::helpers::{
    api::{data_keys, PASSWORD},
    appgain::{FakeAppgain, Mode},
    Backend, Receiver, TestApp, TestEnv,
};
use axum::{http::StatusCode, routing::post, Json, Router};
use base64::Engine;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;

const PUBLIC: &str = "https://crm.example.com";
const WA_TOKEN: &str = "EAATestAccessToken0123456789";
const WA_VERIFY: &str = "verify-me-123";
const WA_APP_SECRET: &str = "meta-app-secret-0123";
const TWILIO_SID: &str = "AC0123456789abcdef0123456789abcdef";
const TWILIO_TOKEN: &str = "twilio-auth-token-9b8c7d6e5f4a3b2c";
const VONAGE_SIG: &str = "vonage-signature-secret-42";
const ZOOM_SECRET: &str = "zoom-secret-token-abc";

async fn local(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

/// Fake WhatsApp Graph API and Twilio: every send succeeds with a known message id.
async fn fake_providers() -> String {
    let router = Router::new()
        .route("/graph/{phone_id}/messages", post(|| async { Json(json!({"messages": [{"id": "wamid.OUT1"}]})) }))
        .route("/twilio/2010-04-01/Accounts/{sid}/Messages.json", post(|| async { (StatusCode::CREATED, Json(json!({"sid": "SMOUT1", "status": "queued"}))) }));
    local(router).await
}

struct Setup {
    app: TestApp,
    org: String,
    owner: String,
    admin: String,
    received: Receiver,
    _appgain: FakeAppgain,
}

async fn setup(backend: Backend) -> Setup {
    let appgain = FakeAppgain::start(Mode::Credentials { suit_id: "suit-1".into(), api_key: "appgain-key-0123456789abcdef".into() }).await;
    let providers = fake_providers().await;
    let (graph, twilio) = (format!("{providers}/graph"), format!("{providers}/twilio"));
    let (signup, notify) = (appgain.signup_url(), appgain.base_url());
    let app = TestApp::spawn_with(
        TestEnv::new(backend).await,
        &[
            ("CONNECTGAIN_PUBLIC_URL", PUBLIC),
            ("CONNECTGAIN_ADMIN_EMAIL", "root@example.com"),
            ("CONNECTGAIN_ADMIN_PASSWORD", PASSWORD),
            ("WHATSAPP_GRAPH_BASE_URL", &graph),
            ("TWILIO_BASE_URL", &twilio),
            ("APPGAIN_SIGNUP_WEBHOOK_URL", &signup),
            ("APPGAIN_NOTIFY_BASE_URL", &notify),
        ],
    )
    .await;
    let (org, owner) = app.owner("owner@acme.io", "Acme").await;
    let admin = app.token("root@example.com").await;
    let received = Receiver::ok().await;
    let hook = received.base_url();
    let sub = app.call(Method::POST, "/api/v1/webhooks", Some(&owner), Some(&json!({"name": "all", "url": format!("{hook}/hook"), "events": ["*"]}))).await;
    assert_eq!(sub.status, 201, "{}", sub.body);
    Setup { app, org, owner, admin, received, _appgain: appgain }
}

async fn event_count(s: &Setup) -> usize {
    let list = s.app.call(Method::GET, "/api/v1/inbound/events", Some(&s.owner), None).await;
    list.body["data"].as_array().unwrap().len()
}

/// Waits until every stored event is processed; answers them.
async fn all_processed(s: &Setup, count: usize) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let list = s.app.call(Method::GET, "/api/v1/inbound/events", Some(&s.owner), None).await;
        let data = list.body["data"].as_array().unwrap().clone();
        if data.len() == count && data.iter().all(|e| e["status"] == "processed") {
            return data;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "not processed: {data:?}");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

fn hmac256_hex(key: &str, parts: &[&[u8]]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    for p in parts {
        mac.update(p);
    }
    hex::encode(mac.finalize().into_bytes())
}

async fn contact_by_phone(s: &Setup, phone: &str) -> Value {
    let contacts = s.app.call(Method::GET, "/api/contacts", Some(&s.owner), None).await;
    contacts.body["data"].as_array().unwrap().iter().find(|c| c["phone"] == phone).cloned().unwrap_or(Value::Null)
}

async fn conversation_of(s: &Setup, contact_id: &str, channel: &str) -> String {
    let list = s.app.call(Method::GET, "/api/conversations", Some(&s.owner), None).await;
    let found = list.body["data"].as_array().unwrap().iter().find(|c| c["contact_id"] == contact_id && c["channel"] == channel).cloned();
    found.unwrap_or_else(|| panic!("no {channel} conversation in {}", list.body))["id"].as_str().unwrap().to_owned()
}

async fn post_whatsapp(s: &Setup, tenant: &str, body: &str, signature: Option<&str>) -> u16 {
    let mut request =
        s.app.client.post(s.app.url(&format!("/api/callbacks/{tenant}/whatsapp"))).header("Content-Type", "application/json").body(body.to_owned());
    if let Some(sig) = signature {
        request = request.header("X-Hub-Signature-256", sig);
    }
    request.send().await.unwrap().status().as_u16()
}

fn wa_message(from: &str, id: &str, text: &str) -> String {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": "Kerry Fisher"}, "wa_id": from}],
        "messages": [{"from": from, "id": id, "timestamp": "1749416383", "type": "text", "text": {"body": text}}]}}]}]})
    .to_string()
}

fn wa_status(id: &str, status: &str, timestamp: i64) -> String {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "statuses": [{"id": id, "status": status, "timestamp": timestamp.to_string(), "recipient_id": "16315551181"}]}}]}]})
    .to_string()
}

async fn whatsapp_handshake_signatures_messages_receipts_and_campaign_replies(backend: Backend) {
    let s = setup(backend).await;
    let config =
        json!({"enabled": true, "phoneNumberId": "106540352242922", "accessToken": WA_TOKEN, "webhookVerifyToken": WA_VERIFY, "appSecret": WA_APP_SECRET});
    let put = s.app.call(Method::PUT, &format!("/api/platform/tenants/{}/integrations/whatsapp", s.org), Some(&s.admin), Some(&config)).await;
    assert_eq!(put.status, 200, "{}", put.body);

    // The handshake.
    let handshake = |tenant: String, token: &str| {
        let url = s.app.url(&format!("/api/callbacks/{tenant}/whatsapp?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1158201444"));
        let client = s.app.client.clone();
        async move {
            let r = client.get(url).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    assert_eq!(handshake(s.org.clone(), WA_VERIFY).await, (200, "1158201444".to_owned()));
    assert_eq!(handshake(s.org.clone(), "wrong").await.0, 403);
    assert_eq!(handshake(uuid::Uuid::new_v4().to_string(), WA_VERIFY).await.0, 403);

    // Forged, unsigned, other-secret, and unknown-tenant notifications: refused, stored nowhere.
    let hello = wa_message("16315551181", "wamid.IN1", "Hello there");
    let good = format!("sha256={}", hmac256_hex(WA_APP_SECRET, &[hello.as_bytes()]));
    let forged = format!("sha256={}", hmac256_hex("not-the-secret", &[hello.as_bytes()]));
    assert_eq!(post_whatsapp(&s, &s.org, &hello, Some(&forged)).await, 401);
    assert_eq!(post_whatsapp(&s, &s.org, &hello, None).await, 401);
    assert_eq!(post_whatsapp(&s, &s.org, &hello.replace("Hello", "Hellö"), Some(&good)).await, 401, "a tampered body");
    assert_eq!(post_whatsapp(&s, &uuid::Uuid::new_v4().to_string(), &hello, Some(&good)).await, 401);
    assert_eq!(event_count(&s).await, 0);
    assert!(contact_by_phone(&s, "+16315551181").await.is_null());

    // The genuine one: a contact, an open WhatsApp conversation, message.received + message.new.
    assert_eq!(post_whatsapp(&s, &s.org, &hello, Some(&good)).await, 200);
    assert_eq!(post_whatsapp(&s, &s.org, &hello, Some(&good)).await, 200, "Meta's retry of the same message");
    all_processed(&s, 1).await; // the retry answered the first event
    let contact = contact_by_phone(&s, "+16315551181").await;
    assert_eq!((contact["first_name"].as_str(), contact["last_name"].as_str()), (Some("Kerry"), Some("Fisher")));
    let contact_id = contact["id"].as_str().unwrap().to_owned();
    let conversation = conversation_of(&s, &contact_id, "whatsapp").await;
    let messages = s.app.call(Method::GET, &format!("/api/conversations/{conversation}/messages"), Some(&s.owner), None).await;
    assert_eq!(messages.body["data"].as_array().unwrap().len(), 1, "the retry is not a second message");
    assert_eq!(messages.body["data"][0]["body"], "Hello there");
    let new = s.received.wait_for_json("event", "message.new").await;
    assert_eq!(new["data"]["provider_message_id"], "wamid.IN1");
    assert_eq!((new["data"]["contact_id"].as_str(), new["data"]["channel"].as_str()), (Some(contact_id.as_str()), Some("whatsapp")));
    s.received.wait_for_json("event", "message.received").await;

    // A campaign message sent through WhatsApp, its receipts, and the reply to it.
    let campaign =
        s.app.call(Method::POST, "/api/v1/campaigns/send", Some(&s.owner), Some(&json!({"name": "Spring", "channel": "whatsapp", "message": "20% off"}))).await;
    assert_eq!(campaign.status, 200, "{}", campaign.body);
    let campaigns = s.app.call(Method::GET, "/api/campaigns", Some(&s.owner), None).await;
    let campaign_id = campaigns.body["data"][0]["id"].as_str().unwrap().to_owned();
    let sent = s
        .app
        .call(
            Method::POST,
            &format!("/api/conversations/{conversation}/send"),
            Some(&s.owner),
            Some(&json!({"body": "20% off for you", "campaign_id": campaign_id})),
        )
        .await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    assert_eq!((sent.body["message"]["status"].as_str(), sent.body["message"]["provider_message_id"].as_str()), (Some("sent"), Some("wamid.OUT1")));
    s.received.wait_for_json("event", "message.sent").await;
    // The last is a late `delivered` (out of order, so not a retry of the first).
    for (status, at) in [("delivered", 1749416400), ("read", 1749416460), ("delivered", 1749416401)] {
        let body = wa_status("wamid.OUT1", status, at);
        assert_eq!(post_whatsapp(&s, &s.org, &body, Some(&format!("sha256={}", hmac256_hex(WA_APP_SECRET, &[body.as_bytes()])))).await, 200);
    }
    let reply = wa_message("16315551181", "wamid.IN2", "Yes please!");
    assert_eq!(post_whatsapp(&s, &s.org, &reply, Some(&format!("sha256={}", hmac256_hex(WA_APP_SECRET, &[reply.as_bytes()])))).await, 200);
    all_processed(&s, 5).await;
    assert_eq!(s.received.wait_for_json("event", "message.delivered").await["data"]["provider_message_id"], "wamid.OUT1");
    assert_eq!(s.received.wait_for_json("event", "message.read").await["data"]["status"], "read");
    let response = s.received.wait_for_json("event", "broadcast.response").await;
    assert_eq!((response["data"]["campaign_id"].as_str(), response["data"]["body"].as_str()), (Some(campaign_id.as_str()), Some("Yes please!")));
    let message = s.app.call(Method::GET, &format!("/api/conversations/{conversation}/messages"), Some(&s.owner), None).await;
    let out = message.body["data"].as_array().unwrap().iter().find(|m| m["provider_message_id"] == "wamid.OUT1").cloned().unwrap();
    assert_eq!(out["status"], "read", "a late `delivered` does not undo `read`");
}

fn twilio_signature(token: &str, url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(token.as_bytes()).unwrap();
    mac.update(url.as_bytes());
    for (k, v) in sorted {
        mac.update(k.as_bytes());
        mac.update(v.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

async fn post_twilio(s: &Setup, params: &[(&str, &str)], signature: &str) -> (u16, String) {
    let r =
        s.app.client.post(s.app.url(&format!("/api/callbacks/{}/twilio", s.org))).header("X-Twilio-Signature", signature).form(params).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn twilio_inbound_sms_and_status_callbacks_are_verified(backend: Backend) {
    let s = setup(backend).await;
    let config = json!({"enabled": true, "provider": "twilio", "accountSid": TWILIO_SID, "authToken": TWILIO_TOKEN, "phoneNumber": "+15005550006"});
    let put = s.app.call(Method::PUT, &format!("/api/platform/tenants/{}/integrations/sms", s.org), Some(&s.admin), Some(&config)).await;
    assert_eq!(put.status, 200, "{}", put.body);
    let url = format!("{PUBLIC}/api/callbacks/{}/twilio", s.org);
    let sms = [
        ("AccountSid", TWILIO_SID),
        ("Body", "Is the offer still on?"),
        ("From", "+15551230000"),
        ("MessageSid", "SMIN1"),
        ("SmsStatus", "received"),
        ("To", "+15005550006"),
    ];

    let forged = twilio_signature("another-token", &url, &sms);
    assert_eq!(post_twilio(&s, &sms, &forged).await.0, 401);
    let wrong_url = twilio_signature(TWILIO_TOKEN, &format!("http://evil.example/api/callbacks/{}/twilio", s.org), &sms);
    assert_eq!(post_twilio(&s, &sms, &wrong_url).await.0, 401);
    let mut tampered = sms.to_vec();
    tampered[1] = ("Body", "Send me everything");
    assert_eq!(post_twilio(&s, &tampered, &twilio_signature(TWILIO_TOKEN, &url, &sms)).await.0, 401);
    assert_eq!(event_count(&s).await, 0);

    let (status, twiml) = post_twilio(&s, &sms, &twilio_signature(TWILIO_TOKEN, &url, &sms)).await;
    assert_eq!(status, 200);
    assert!(twiml.contains("<Response>"));
    all_processed(&s, 1).await;
    let contact = contact_by_phone(&s, "+15551230000").await;
    let conversation = conversation_of(&s, contact["id"].as_str().unwrap(), "sms").await;
    assert_eq!(s.received.wait_for_json("event", "message.received").await["data"]["body"], "Is the offer still on?");

    let sent = s.app.call(Method::POST, &format!("/api/conversations/{conversation}/send"), Some(&s.owner), Some(&json!({"body": "It is!"}))).await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    assert_eq!(sent.body["message"]["provider_message_id"], "SMOUT1");
    let receipt = [("AccountSid", TWILIO_SID), ("MessageSid", "SMOUT1"), ("MessageStatus", "delivered"), ("To", "+15551230000")];
    assert_eq!(post_twilio(&s, &receipt, &twilio_signature(TWILIO_TOKEN, &url, &receipt)).await.0, 200);
    assert_eq!(s.received.wait_for_json("event", "message.delivered").await["data"]["provider_message_id"], "SMOUT1");
}

fn vonage_sig(secret: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let text: String = sorted.iter().map(|(k, v)| format!("&{k}={}", v.replace(['&', '='], "_"))).collect();
    hmac256_hex(secret, &[text.as_bytes()]).to_uppercase()
}

fn vonage_params(secret: &str, extra: &[(&str, &str)], timestamp: i64) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = extra.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    params.push(("timestamp".into(), timestamp.to_string()));
    let sig = vonage_sig(secret, &params);
    params.push(("sig".into(), sig));
    params
}

async fn vonage_inbound_sms_and_receipts_need_the_signature_secret(backend: Backend) {
    let s = setup(backend).await;
    let put = s.app.call(Method::PUT, "/api/v1/inbound/settings", Some(&s.owner), Some(&json!({"vonage_signature_secret": VONAGE_SIG}))).await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_ne!(put.body["vonage_signature_secret"], VONAGE_SIG, "shown masked");
    let now = chrono::Utc::now().timestamp();
    let inbound = [("msisdn", "447700900001"), ("to", "447700900000"), ("messageId", "0A0000000123ABCD1"), ("text", "Hi & bye"), ("type", "text")];
    let get = |params: Vec<(String, String)>| {
        let url = format!("{}?{}", s.app.url(&format!("/api/callbacks/{}/vonage", s.org)), serde_urlencoded::to_string(&params).unwrap());
        let client = s.app.client.clone();
        async move { client.get(url).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(get(vonage_params("wrong-secret", &inbound, now)).await, 401);
    assert_eq!(get(vonage_params(VONAGE_SIG, &inbound, now - 3600)).await, 401, "a stale timestamp is a replay");
    let unsigned: Vec<(String, String)> = inbound.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    assert_eq!(get(unsigned).await, 401);
    assert_eq!(event_count(&s).await, 0);

    assert_eq!(get(vonage_params(VONAGE_SIG, &inbound, now)).await, 204);
    // A delivery receipt as a signed JSON POST (for a message ConnectGain did not send: kept, no change).
    let receipt = vonage_params(VONAGE_SIG, &[("messageId", "0A0000000999"), ("msisdn", "447700900001"), ("status", "delivered")], now);
    let object: serde_json::Map<String, Value> = receipt.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    let posted = s.app.client.post(s.app.url(&format!("/api/callbacks/{}/vonage", s.org))).json(&object).send().await.unwrap();
    assert_eq!(posted.status(), 204);
    let events = all_processed(&s, 2).await;
    assert!(events.iter().any(|e| e["event_name"] == "vonage.receipt" && e["result"]["receipt"] == "unchanged"), "{events:?}");
    assert_eq!(s.received.wait_for_json("event", "message.received").await["data"]["body"], "Hi & bye");
    assert!(!contact_by_phone(&s, "+447700900001").await.is_null());
}

async fn post_zoom(s: &Setup, body: &str, timestamp: i64, secret: &str) -> (u16, Value) {
    let ts = timestamp.to_string();
    let sig = format!("v0={}", hmac256_hex(secret, &[b"v0:", ts.as_bytes(), b":", body.as_bytes()]));
    let r = s
        .app
        .client
        .post(s.app.url(&format!("/api/callbacks/{}/zoom", s.org)))
        .header("Content-Type", "application/json")
        .header("x-zm-request-timestamp", ts)
        .header("x-zm-signature", sig)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn zoom_challenge_and_recording_completed(backend: Backend) {
    let s = setup(backend).await;
    let put = s.app.call(Method::PUT, "/api/v1/inbound/settings", Some(&s.owner), Some(&json!({"zoom_secret_token": ZOOM_SECRET}))).await;
    assert_eq!(put.status, 200, "{}", put.body);
    let now = chrono::Utc::now().timestamp();
    let challenge = json!({"payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"}, "event_ts": 1654503849680u64, "event": "endpoint.url_validation"}).to_string();
    let (status, answer) = post_zoom(&s, &challenge, now, ZOOM_SECRET).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["plainToken"], "qgg8vlvZRS6UYooatFL8Aw");
    assert_eq!(answer["encryptedToken"], hmac256_hex(ZOOM_SECRET, &[b"qgg8vlvZRS6UYooatFL8Aw"]).as_str());
    assert_eq!(post_zoom(&s, &challenge, now, "not-the-secret").await.0, 401);

    let recording = json!({"event": "recording.completed", "event_ts": 1626230691572u64, "payload": {"account_id": "AAAAAABBBB", "object": {
        "id": 1234567890u64, "uuid": "4444AAAiAAAAAiAiAiiAii==", "host_email": "host@acme.io", "topic": "Quarterly review",
        "start_time": "2021-07-13T21:44:51Z", "duration": 60, "share_url": "https://example.com",
        "recording_files": [{"id": "ed6c2f27", "file_type": "MP4", "file_size": 7220, "download_url": "https://example.com/rec/download/x"}]}}})
    .to_string();
    assert_eq!(post_zoom(&s, &recording, now, "not-the-secret").await.0, 401);
    assert_eq!(post_zoom(&s, &recording, now - 3600, ZOOM_SECRET).await.0, 401, "a stale timestamp is a replay");
    assert_eq!(event_count(&s).await, 0, "neither the challenge nor forgeries are stored");
    let (status, stored) = post_zoom(&s, &recording, now, ZOOM_SECRET).await;
    assert_eq!(status, 200, "{stored}");
    let emitted = s.received.wait_for_json("event", "zoom.recording.completed").await;
    assert_eq!(emitted["data"]["topic"], "Quarterly review");
    assert_eq!(emitted["data"]["organization_id"], s.org.as_str());
    assert_eq!(emitted["data"]["recording_files"][0]["file_size"], 7220);
    assert_eq!(data_keys(&emitted["data"]), s.app.catalogue_keys("zoom.recording.completed").await, "the catalogue's example has what is sent");
    let events = all_processed(&s, 1).await;
    assert_eq!(events[0]["event_name"], "zoom.recording.completed");

    // Zoom retries a callback it did not see answered in time: the same body, a new
    // timestamp and signature. The first event answers; nothing new is stored or emitted.
    let (status, again) = post_zoom(&s, &recording, now + 1, ZOOM_SECRET).await;
    assert_eq!((status, &again["id"]), (200, &stored["id"]), "{again}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(event_count(&s).await, 1);
    let emitted = s.received.bodies().iter().filter(|e| e["event"] == "zoom.recording.completed").count();
    assert_eq!(emitted, 1, "a provider's retry is not a second recording");
}

/// A channel turned off (its "Enabled" switch) or never set up sends nothing and records
/// nothing: 409 with a code saying which; the admin's test send still works while it is off.
async fn a_channel_turned_off_or_not_set_up_sends_nothing(backend: Backend) {
    let s = setup(backend).await;
    let config = json!({"enabled": false, "phoneNumberId": "106540352242922", "accessToken": WA_TOKEN});
    let put = s.app.call(Method::PUT, &format!("/api/platform/tenants/{}/integrations/whatsapp", s.org), Some(&s.admin), Some(&config)).await;
    assert_eq!(put.status, 200, "{}", put.body);
    let contact = s.app.call(Method::POST, "/api/contacts", Some(&s.owner), Some(&json!({"first_name": "Kerry", "phone": "+16315551181"}))).await;
    let contact_id = contact.body["id"].as_str().unwrap().to_owned();
    let send = |channel: &'static str| {
        let (s, contact_id) = (&s, contact_id.clone());
        async move {
            let conversation =
                s.app.call(Method::POST, "/api/conversations", Some(&s.owner), Some(&json!({"contact_id": contact_id, "channel": channel}))).await;
            let id = conversation.body["id"].as_str().unwrap().to_owned();
            let sent = s.app.call(Method::POST, &format!("/api/conversations/{id}/send"), Some(&s.owner), Some(&json!({"body": "Hello"}))).await;
            let messages = s.app.call(Method::GET, &format!("/api/conversations/{id}/messages"), Some(&s.owner), None).await;
            assert_eq!(messages.body["data"].as_array().unwrap().len(), 0, "nothing recorded as sent on {channel}");
            (
                sent.status,
                sent.body["error"]["code"].as_str().unwrap_or_default().to_owned(),
                sent.body["error"]["message"].as_str().unwrap_or_default().to_owned(),
            )
        }
    };
    let (status, code, message) = send("whatsapp").await;
    assert_eq!((status, code.as_str()), (409, "channel_disabled"), "{message}");
    assert!(message.contains("WhatsApp is turned off"), "{message}");
    let (status, code, _) = send("sms").await;
    assert_eq!((status, code.as_str()), (409, "channel_not_configured"));
    let test = json!({"to": "+16315551181", "message": "Testing"});
    let tested = s.app.call(Method::POST, &format!("/api/platform/tenants/{}/integrations/whatsapp/test", s.org), Some(&s.admin), Some(&test)).await;
    assert_eq!((tested.status, &tested.body["ok"]), (200, &json!(true)), "{}", tested.body);
    // Turned on, the same conversation sends.
    let config = json!({"enabled": true, "phoneNumberId": "106540352242922", "accessToken": WA_TOKEN});
    s.app.call(Method::PUT, &format!("/api/platform/tenants/{}/integrations/whatsapp", s.org), Some(&s.admin), Some(&config)).await;
    let conversation = conversation_of(&s, &contact_id, "whatsapp").await;
    let sent = s.app.call(Method::POST, &format!("/api/conversations/{conversation}/send"), Some(&s.owner), Some(&json!({"body": "Hello"}))).await;
    assert_eq!((sent.status, sent.body["message"]["status"].as_str()), (201, Some("sent")), "{}", sent.body);
}

backend_tests!(
    a_channel_turned_off_or_not_set_up_sends_nothing,
    whatsapp_handshake_signatures_messages_receipts_and_campaign_replies,
    twilio_inbound_sms_and_status_callbacks_are_verified,
    vonage_inbound_sms_and_receipts_need_the_signature_secret,
    zoom_challenge_and_recording_completed,
);
