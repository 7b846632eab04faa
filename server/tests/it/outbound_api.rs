//! Outbound event webhooks through the API: every CRM action fires its event with the
//! documented data to a real local receiver, signed; subscriptions in both seed shapes;
//! logs, stats, test sends and replays; and nothing of another tenant is visible.

use std::time::{Duration, Instant};

use crate::helpers::{
    api::{data_keys, spawn_with_appgain},
    appgain::{FakeAppgain, Mode},
    browser::{browser_login, post_form_with_cookie},
    Backend, Receiver, Reply, TestApp, TestEnv, CEILING,
};
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;

async fn spawn(backend: Backend) -> (TestApp, FakeAppgain) {
    let fake = FakeAppgain::start(Mode::Credentials { suit_id: "suit-1".into(), api_key: "appgain-key-0123456789abcdef".into() }).await;
    let app = spawn_with_appgain(backend, &fake).await;
    (app, fake)
}

fn hmac_hex(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

async fn subscribe(app: &TestApp, token: &str, url: &str, events: Value) -> (String, String) {
    let body = json!({"name": "CRM sync", "url": url, "events": events});
    let created = app.call(Method::POST, "/api/v1/webhooks", Some(token), Some(&body)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    (created.body["id"].as_str().unwrap().to_owned(), created.body["secret"].as_str().unwrap().to_owned())
}

async fn every_event_fires_from_its_real_action_signed(backend: Backend) {
    let (app, _fake) = spawn(backend).await;
    let (org, owner) = app.owner("owner@acme.io", "Acme").await;
    let received = Receiver::start(|_| Reply { body: "thanks".into(), ..Reply::ok() }).await;
    let url = received.url();
    let (_, secret) = subscribe(&app, &owner, &url, json!(["*"])).await;
    assert!(secret.starts_with("whsec_"));
    let post = |path: String, body: Value| {
        let (app, owner) = (&app, owner.clone());
        async move { app.call(Method::POST, &path, Some(&owner), Some(&body)).await }
    };

    let (member_id, _) = app.member(&owner, "mia@acme.io").await; // user.created
    let contact = post("/api/contacts".into(), json!({"first_name": "John", "last_name": "Doe", "email": "John@Example.com"})).await;
    assert_eq!(contact.status, 201, "{}", contact.body);
    let contact_id = contact.body["id"].as_str().unwrap().to_owned();
    assert_eq!(contact.body["organization_id"], org.as_str());
    assert_eq!(contact.body["email"], "john@example.com");
    let patched = app.call(Method::PATCH, &format!("/api/contacts/{contact_id}"), Some(&owner), Some(&json!({"phone": "+15551234567"}))).await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    post(format!("/api/contacts/{contact_id}/assign"), json!({"user_id": member_id})).await; // updated + assigned
    let deal = post("/api/deals".into(), json!({"title": "Annual plan", "value_cents": 120000, "contact_id": contact_id})).await;
    assert_eq!(deal.status, 201, "{}", deal.body);
    let deal_id = deal.body["id"].as_str().unwrap().to_owned();
    post(format!("/api/deals/{deal_id}/stage"), json!({"stage": "proposal"})).await; // updated + stage.changed
    post(format!("/api/deals/{deal_id}/assign"), json!({"user_id": member_id})).await; // updated + assigned
    let conversation = post("/api/conversations".into(), json!({"contact_id": contact_id, "channel": "whatsapp"})).await;
    let conversation_id = conversation.body["id"].as_str().unwrap().to_owned();
    post(format!("/api/conversations/{conversation_id}/assign"), json!({"user_id": member_id})).await;
    post(format!("/api/conversations/{conversation_id}/status"), json!({"status": "CLOSED"})).await;
    post(format!("/api/conversations/{conversation_id}/messages"), json!({"direction": "inbound", "body": "Hi"})).await; // received + new
    let sent = post(format!("/api/conversations/{conversation_id}/messages"), json!({"direction": "outbound", "body": "Hello"})).await;
    let message_id = sent.body["id"].as_str().unwrap().to_owned();
    for status in ["delivered", "read"] {
        post(format!("/api/messages/{message_id}/status"), json!({"status": status})).await;
    }
    let failed = post(format!("/api/conversations/{conversation_id}/messages"), json!({"direction": "outbound", "body": "x", "status": "failed"})).await;
    assert_eq!(failed.status, 201);
    let campaign = post("/api/v1/campaigns/send".into(), json!({"name": "Spring", "channel": "whatsapp", "message": "20% off"})).await;
    assert_eq!(campaign.status, 200, "{}", campaign.body); // started + completed
    let campaigns = app.call(Method::GET, "/api/campaigns", Some(&owner), None).await;
    let campaign_id = campaigns.body["data"][0]["id"].as_str().unwrap().to_owned();
    post(format!("/api/conversations/{conversation_id}/messages"), json!({"direction": "inbound", "body": "Yes!", "campaign_id": campaign_id})).await;
    // A contact's deals and conversations.
    for list in ["deals", "conversations"] {
        let mine = app.call(Method::GET, &format!("/api/{list}?contact_id={contact_id}"), Some(&owner), None).await;
        assert_eq!(mine.body["data"].as_array().map(Vec::len), Some(1), "{list}: {}", mine.body);
        let none = app.call(Method::GET, &format!("/api/{list}?contact_id={}", uuid::Uuid::new_v4()), Some(&owner), None).await;
        assert_eq!(none.body["data"].as_array().map(Vec::len), Some(0), "{list}");
        let bad = app.call(Method::GET, &format!("/api/{list}?contact_id=nope"), Some(&owner), None).await;
        assert_eq!((bad.status, bad.body["error"]["fields"]["contact_id"].is_string()), (422, true), "{list}");
    }
    let deleted = app.call(Method::DELETE, &format!("/api/contacts/{contact_id}"), Some(&owner), None).await;
    assert_eq!(deleted.status, 204);

    let expected = [
        "user.created",
        "contact.created",
        "contact.updated",
        "contact.updated",
        "contact.assigned",
        "deal.created",
        "deal.updated",
        "deal.stage.changed",
        "deal.updated",
        "deal.assigned",
        "conversation.created",
        "conversation.assigned",
        "conversation.status.changed",
        "message.received",
        "message.new",
        "message.sent",
        "message.delivered",
        "message.read",
        "message.failed",
        "campaign.started",
        "campaign.completed",
        "message.received",
        "message.new",
        "broadcast.response",
        "contact.deleted",
    ];
    let got = received.wait_for(expected.len(), CEILING).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(received.count(), expected.len(), "no extra deliveries");
    let mut names: Vec<String> = Vec::new();
    for r in &got {
        let (headers, body, value) = (&r.headers, r.body_str(), r.json());
        let event = value["event"].as_str().unwrap().to_owned();
        assert_eq!(headers["x-webhook-event"], event.as_str());
        assert_eq!(headers["x-webhook-signature"], hmac_hex(&secret, body), "{event} is signed over the exact body");
        assert_eq!(headers["content-type"], "application/json");
        assert!(headers["webhook-signature"].starts_with("v1,"));
        assert_eq!(value["data"]["organization_id"], org.as_str(), "{event}: {body}");
        assert!(value["data"]["id"].is_string(), "{event}");
        assert_eq!(data_keys(&value["data"]), app.catalogue_keys(&event).await, "{event}: the catalogue's example has what is sent");
        names.push(event);
    }
    let mut sorted_expected: Vec<&str> = expected.to_vec();
    sorted_expected.sort();
    names.sort();
    assert_eq!(names, sorted_expected);

    let of = |name: &str| received.bodies().into_iter().filter(|e| e["event"] == name).collect::<Vec<_>>();
    let created = &of("contact.created")[0]["data"];
    for key in ["first_name", "last_name", "email", "phone", "attributes", "assigned_to", "created_at", "updated_at"] {
        assert!(created.get(key).is_some(), "contact.created data has {key}: {created}");
    }
    assert_eq!(of("contact.assigned")[0]["data"]["assigned_to"], member_id.as_str());
    assert_eq!(of("deal.stage.changed")[0]["data"]["previous_stage"], "lead");
    assert_eq!(of("deal.stage.changed")[0]["data"]["stage"], "proposal");
    assert_eq!(of("deal.created")[0]["data"]["value_cents"], 120000);
    assert_eq!(of("conversation.status.changed")[0]["data"]["status"], "CLOSED");
    assert_eq!(of("broadcast.response")[0]["data"]["campaign_id"], campaign_id.as_str());
    assert_eq!(of("campaign.completed")[0]["data"]["status"], "completed");
    assert_eq!(of("user.created")[0]["data"]["email"], "mia@acme.io");
    assert!(of("user.created")[0]["data"].get("password_hash").is_none());
    assert_eq!(of("contact.deleted")[0]["data"]["id"], contact_id.as_str());
    for event in ["message.received", "message.new", "message.sent", "message.delivered", "message.read", "message.failed", "broadcast.response"] {
        for e in of(event) {
            assert_eq!((e["data"]["contact_id"].as_str(), e["data"]["channel"].as_str()), (Some(contact_id.as_str()), Some("whatsapp")), "{event}: {e}");
        }
    }
    app.stop().await;
}

async fn subscriptions_in_both_shapes_with_field_errors_and_tenancy(backend: Backend) {
    let (app, _fake) = spawn(backend).await;
    let (org, owner) = app.owner("owner@acme.io", "Acme").await;
    let (_, member) = app.member(&owner, "mia@acme.io").await;
    let (_, other) = app.owner("owner@other.io", "Other").await;
    let received = Receiver::start(|_| Reply { body: "thanks".into(), ..Reply::ok() }).await;
    let url = received.url();

    let seed = json!({"event_name": "contact.created", "target_url": url, "enabled": true});
    let created = app.call(Method::POST, "/api/webhooks/subscriptions", Some(&owner), Some(&seed)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    for key in ["id", "tenant_id", "event_name", "target_url", "enabled", "created_at", "updated_at", "secret"] {
        assert!(created.body.get(key).is_some(), "{key} in {}", created.body);
    }
    assert_eq!(created.body["tenant_id"], org.as_str());
    let id = created.body["id"].as_str().unwrap().to_owned();
    let list = app.call(Method::GET, "/api/webhooks/subscriptions", Some(&owner), None).await;
    assert_eq!(list.body.as_array().unwrap().len(), 1);
    assert!(list.body[0].get("secret").is_none(), "the secret is shown once");
    let v1 = app.call(Method::GET, &format!("/api/v1/webhooks/{id}"), Some(&owner), None).await;
    assert_eq!(v1.body["events"], json!(["contact.created"]));
    assert!(!v1.body.to_string().contains(created.body["secret"].as_str().unwrap()));

    let bad =
        app.call(Method::POST, "/api/webhooks/subscriptions", Some(&owner), Some(&json!({"event_name": "contact.exploded", "target_url": "ftp://x"}))).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body["error"]["fields"]["event_name"].is_string() && bad.body["error"]["fields"]["target_url"].is_string(), "{}", bad.body);
    let members = app.call(Method::POST, "/api/v1/webhooks", Some(&member), Some(&json!({"name": "n", "url": url, "events": ["*"]}))).await;
    assert_eq!(members.status, 403);
    for path in [format!("/api/v1/webhooks/{id}"), format!("/api/v1/webhooks/{id}/logs"), format!("/api/v1/webhooks/{id}/stats")] {
        assert_eq!(app.call(Method::GET, &path, Some(&other), None).await.status, 404, "{path}");
    }
    let foreign_test = app.call(Method::POST, &format!("/api/v1/webhooks/{id}/test"), Some(&other), Some(&json!({}))).await;
    assert_eq!(foreign_test.status, 404);

    // Another tenant's contact fires nothing here and cannot be read.
    let theirs = app.call(Method::POST, "/api/contacts", Some(&other), Some(&json!({"email": "x@other.io"}))).await;
    let their_id = theirs.body["id"].as_str().unwrap();
    assert_eq!(app.call(Method::GET, &format!("/api/contacts/{their_id}"), Some(&owner), None).await.status, 404);
    app.call(Method::POST, "/api/contacts", Some(&owner), Some(&json!({"email": "ours@acme.io"}))).await;
    let got = received.wait_for(1, CEILING).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(received.count(), 1);
    assert!(got[0].body_str().contains("ours@acme.io"));
    let catalogue = app.call(Method::GET, "/api/v1/webhooks/events", None, None).await;
    let docs = catalogue.body.as_array().unwrap();
    assert_eq!(docs.len(), 26);
    assert_eq!(docs.iter().filter(|d| d["kind"] == "operational").count(), 4, "the webhook.* events, kept apart");
    app.stop().await;
}

async fn logs_stats_test_sends_and_replay(backend: Backend) {
    let (app, _fake) = spawn(backend).await;
    let (_, owner) = app.owner("owner@acme.io", "Acme").await;
    let received = Receiver::start(|_| Reply { body: "thanks".into(), ..Reply::ok() }).await;
    let url = received.url();
    let (id, _) = subscribe(&app, &owner, &url, json!(["message.new"])).await;
    let test = json!({"eventType": "message.new", "payload": {"messageId": "test_123", "content": "Hello World"}});
    let queued = app.call(Method::POST, &format!("/api/v1/webhooks/{id}/test"), Some(&owner), Some(&test)).await;
    assert_eq!(queued.status, 202, "{}", queued.body);
    let delivery = queued.body["delivery_id"].as_str().unwrap().to_owned();
    let first = received.wait_for(1, CEILING).await;
    assert_eq!(first[0].json()["data"], test["payload"]);

    // The attempt is in the logs with what the receiver answered.
    let logs = wait_logs(&app, &owner, &format!("/api/v1/webhooks/{id}/logs"), 1).await;
    assert_eq!(logs[0]["status_code"], 200);
    assert_eq!(logs[0]["response_body"], "thanks");
    assert!(logs[0]["request_headers"].as_str().unwrap().contains("x-webhook-signature"));
    let stats = app.call(Method::GET, &format!("/api/v1/webhooks/{id}/stats"), Some(&owner), None).await;
    assert_eq!((stats.body["total"].clone(), stats.body["succeeded"].clone()), (json!(1), json!(1)), "{}", stats.body);

    // A replay sends the same bytes with the same webhook-id.
    let replayed = app.call(Method::POST, &format!("/api/v1/webhooks/deliveries/{delivery}/replay"), Some(&owner), None).await;
    assert_eq!(replayed.status, 202, "{}", replayed.body);
    let both = received.wait_for(2, CEILING).await;
    assert_eq!(both[0].body, both[1].body);
    assert_eq!(both[0].headers["webhook-id"], both[1].headers["webhook-id"]);
    let failed_only = app.call(Method::GET, &format!("/api/v1/webhooks/{id}/logs?status=failed"), Some(&owner), None).await;
    assert_eq!(failed_only.body["data"].as_array().unwrap().len(), 0);
    let bad_filter = app.call(Method::GET, &format!("/api/v1/webhooks/{id}/logs?status=maybe"), Some(&owner), None).await;
    assert_eq!(bad_filter.status, 422);
    let unknown = app.call(Method::POST, &format!("/api/v1/webhooks/{id}/test"), Some(&owner), Some(&json!({"eventType": "nope"}))).await;
    assert_eq!(unknown.status, 422);
    let range = app.call(Method::POST, "/api/v1/webhooks/replay", Some(&owner), Some(&json!({"since": "2020-01-01T00:00:00Z"}))).await;
    assert_eq!((range.status, range.body["replayed"].clone()), (200, json!(0)), "{}", range.body);
    app.stop().await;
}

async fn wait_logs(app: &TestApp, token: &str, path: &str, count: usize) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let reply = app.call(Method::GET, path, Some(token), None).await;
        let data = reply.body["data"].as_array().cloned().unwrap_or_default();
        if data.len() >= count {
            return data;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "logs: {}", reply.body);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn contacts_are_validated_unique_findable_and_paged(backend: Backend) {
    let (app, _fake) = spawn(backend).await;
    let (_, owner) = app.owner("owner@acme.io", "Acme").await;
    let empty = app.call(Method::POST, "/api/contacts", Some(&owner), Some(&json!({}))).await;
    assert_eq!(empty.status, 422);
    let bad = app.call(Method::POST, "/api/contacts", Some(&owner), Some(&json!({"email": "nope", "phone": "12"}))).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body["error"]["fields"]["email"].is_string() && bad.body["error"]["fields"]["phone"].is_string());
    let malformed = app.client.post(app.url("/api/contacts")).bearer_auth(&owner).header("content-type", "application/json").body("{").send().await.unwrap();
    assert_eq!(malformed.status(), 400);
    for i in 0..5 {
        let c = app.call(Method::POST, "/api/contacts", Some(&owner), Some(&json!({"first_name": format!("P{i}"), "email": format!("p{i}@acme.io")}))).await;
        assert_eq!(c.status, 201);
    }
    let dup = app.call(Method::POST, "/api/contacts", Some(&owner), Some(&json!({"email": "P1@acme.io"}))).await;
    assert_eq!(dup.status, 409);
    let found = app.call(Method::GET, "/api/contacts?email=p3@acme.io", Some(&owner), None).await;
    assert_eq!(found.body["data"][0]["first_name"], "P3");
    let first = app.call(Method::GET, "/api/contacts?limit=2", Some(&owner), None).await;
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let mut seen: Vec<String> = first.body["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();
    let mut next = Some(cursor);
    while let Some(cursor) = next {
        let page = app.call(Method::GET, &format!("/api/contacts?limit=2&cursor={}", urlencode(&cursor)), Some(&owner), None).await;
        assert_eq!(page.status, 200, "{}", page.body);
        seen.extend(page.body["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        next = page.body["next_cursor"].as_str().map(str::to_owned);
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (5, 5), "pages neither overlap nor skip");

    // Search: names (either, or both as written), e-mail addresses, phone digits; any case;
    // `%` and `_` are plain characters; paged like the full list; this organization only.
    for body in [
        json!({"first_name": "Ada", "last_name": "Lovelace", "email": "ada@engines.io", "phone": "+44 20 7946 0958"}),
        json!({"first_name": "Grace", "last_name": "Hopper", "email": "grace_h@navy.mil"}),
        json!({"first_name": "Adam", "email": "adam@acme.io"}),
    ] {
        assert_eq!(app.call(Method::POST, "/api/contacts", Some(&owner), Some(&body)).await.status, 201);
    }
    let (_, other) = app.owner("boss@globex.io", "Globex").await;
    app.call(Method::POST, "/api/contacts", Some(&other), Some(&json!({"first_name": "Ada", "email": "ada@globex.io"}))).await;
    let search = |q: &str| {
        let (app, owner) = (&app, owner.clone());
        let path = format!("/api/contacts?q={}", urlencode(q));
        async move {
            let reply = app.call(Method::GET, &path, Some(&owner), None).await;
            assert_eq!(reply.status, 200, "{}", reply.body);
            let mut emails: Vec<String> = reply.body["data"].as_array().unwrap().iter().map(|c| c["email"].as_str().unwrap().to_owned()).collect();
            emails.sort();
            emails
        }
    };
    assert_eq!(search("ADA").await, ["ada@engines.io", "adam@acme.io"]);
    assert_eq!(search("ada lovelace").await, ["ada@engines.io"]);
    assert_eq!(search("hopper").await, ["grace_h@navy.mil"]);
    assert_eq!(search("7946 0958").await, ["ada@engines.io"]);
    assert_eq!(search("e_h").await, ["grace_h@navy.mil"], "`_` is not a wildcard");
    assert!(search("%").await.is_empty(), "`%` is not a wildcard");
    assert_eq!(search("acme.io").await.len(), 6);
    let paged = app.call(Method::GET, "/api/contacts?q=acme.io&limit=4", Some(&owner), None).await;
    assert_eq!(paged.body["data"].as_array().unwrap().len(), 4);
    let rest = paged.body["next_cursor"].as_str().unwrap();
    let paged = app.call(Method::GET, &format!("/api/contacts?q=acme.io&limit=4&cursor={}", urlencode(rest)), Some(&owner), None).await;
    assert_eq!((paged.body["data"].as_array().unwrap().len(), &paged.body["next_cursor"]), (2, &Value::Null));
    let long = app.call(Method::GET, &format!("/api/contacts?q={}", "a".repeat(201)), Some(&owner), None).await;
    assert_eq!((long.status, &long.body["error"]["fields"]["q"].is_string()), (422, &true));
    app.stop().await;
}

async fn test_sends_are_limited_per_organization(backend: Backend) {
    let app = TestApp::spawn_with(TestEnv::new(backend).await, &[("CONNECTGAIN_WEBHOOK_TEST_LIMIT", "2/m")]).await;
    let (_, acme) = app.owner("owner@acme.io", "Acme").await;
    let (_, globex) = app.owner("boss@globex.io", "Globex").await;
    let url = Receiver::ok().await.url();
    let (acme_hook, _) = subscribe(&app, &acme, &url, json!(["*"])).await;
    let (globex_hook, _) = subscribe(&app, &globex, &url, json!(["*"])).await;
    let test = json!({"eventType": "deal.created"});
    for _ in 0..2 {
        let sent = app.call(Method::POST, &format!("/api/v1/webhooks/{acme_hook}/test"), Some(&acme), Some(&test)).await;
        assert_eq!(sent.status, 202, "{}", sent.body);
    }
    let refused = app.call(Method::POST, &format!("/api/v1/webhooks/{acme_hook}/test"), Some(&acme), Some(&test)).await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert_eq!(refused.body["error"]["code"], "rate_limited");
    let wait: u64 = refused.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&wait), "2 a minute refill one each 30 s: {wait}");
    // The page's "send test" button shares the budget, and says why it refused.
    let (_, cookie) = browser_login(&app, "owner@acme.io", None).await;
    let (status, body) = post_form_with_cookie(&app, "/api/webhooks/test", &cookie, &[("id", &acme_hook), ("event", "deal.created")]).await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("Too many attempts"), "{body}");
    let other = app.call(Method::POST, &format!("/api/v1/webhooks/{globex_hook}/test"), Some(&globex), Some(&test)).await;
    assert_eq!(other.status, 202, "another organization has its own budget: {}", other.body);
    app.stop().await;
}

async fn subscriptions_are_capped_per_organization(backend: Backend) {
    let app = TestApp::spawn_with(TestEnv::new(backend).await, &[("CONNECTGAIN_MAX_SUBSCRIPTIONS", "3")]).await;
    let (_, acme) = app.owner("owner@acme.io", "Acme").await;
    let (_, globex) = app.owner("boss@globex.io", "Globex").await;
    let url = Receiver::ok().await.url();
    let mut hooks = Vec::new();
    for _ in 0..2 {
        hooks.push(subscribe(&app, &acme, &url, json!(["*"])).await.0);
    }
    let seed = json!({"event_name": "contact.created", "target_url": url, "enabled": true});
    assert_eq!(app.call(Method::POST, "/api/webhooks/subscriptions", Some(&acme), Some(&seed)).await.status, 201);
    for (path, body) in [("/api/v1/webhooks", json!({"name": "one more", "url": url, "events": ["*"]})), ("/api/webhooks/subscriptions", seed.clone())] {
        let over = app.call(Method::POST, path, Some(&acme), Some(&body)).await;
        assert_eq!(over.status, 422, "{path}: {}", over.body);
        assert_eq!(over.body["error"]["code"], "limit_reached");
    }
    subscribe(&app, &globex, &url, json!(["*"])).await;

    // With one place free, of several creates at once exactly one gets it.
    let deleted = app.call(Method::DELETE, &format!("/api/v1/webhooks/{}", hooks[0]), Some(&acme), None).await;
    assert_eq!(deleted.status, 204);
    let mut racers = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let (client, path, token) = (app.client.clone(), app.url("/api/v1/webhooks"), acme.clone());
        let body = json!({"name": "racer", "url": url, "events": ["*"]});
        racers.spawn(async move { client.post(path).bearer_auth(token).json(&body).send().await.unwrap().status().as_u16() });
    }
    let statuses = racers.join_all().await;
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 422), "{statuses:?}");
    let listed = app.call(Method::GET, "/api/v1/webhooks", Some(&acme), None).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 3);
    app.stop().await;
}

fn urlencode(s: &str) -> String {
    connectgain_domain::text::percent_encode(s)
}

backend_tests!(
    every_event_fires_from_its_real_action_signed,
    subscriptions_in_both_shapes_with_field_errors_and_tenancy,
    logs_stats_test_sends_and_replay,
    contacts_are_validated_unique_findable_and_paged,
    test_sends_are_limited_per_organization,
    subscriptions_are_capped_per_organization,
);
