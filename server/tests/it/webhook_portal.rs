//! The webhook portal's API: a subscription edited in place, field by field (the secret and
//! the logs stay), in both seed shapes; its secret revealed to owners only.

use crate::helpers::{
    api::spawn_with_appgain,
    appgain::{FakeAppgain, Mode},
    Backend, Receiver, Reply, TestApp, TestEnv, CEILING,
};
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;

async fn spawn(backend: Backend) -> (TestApp, FakeAppgain) {
    spawn_retrying(backend, None).await
}

/// The app, with this retry schedule when given.
async fn spawn_retrying(backend: Backend, schedule: Option<&str>) -> (TestApp, FakeAppgain) {
    let fake = FakeAppgain::start(Mode::Credentials { suit_id: "suit-1".into(), api_key: "appgain-key-0123456789abcdef".into() }).await;
    let app = match schedule {
        None => spawn_with_appgain(backend, &fake).await,
        Some(schedule) => {
            let (url, base) = (fake.signup_url(), fake.base_url());
            let vars =
                [("APPGAIN_SIGNUP_WEBHOOK_URL", url.as_str()), ("APPGAIN_NOTIFY_BASE_URL", base.as_str()), ("CONNECTGAIN_WEBHOOK_RETRY_SCHEDULE", schedule)];
            TestApp::spawn_with(TestEnv::new(backend).await, &vars).await
        }
    };
    (app, fake)
}

/// A subscription to `deal.created` at `url`, and the id of the delivery of one new deal.
async fn one_delivery(app: &TestApp, owner: &str, url: &str) -> String {
    app.call(Method::POST, "/api/v1/webhooks", Some(owner), Some(&json!({"name": "n", "url": url, "events": ["deal.created"]}))).await;
    app.call(Method::POST, "/api/deals", Some(owner), Some(&json!({"title": "Annual plan"}))).await;
    let started = std::time::Instant::now();
    loop {
        let logs = app.call(Method::GET, "/api/v1/webhooks/logs", Some(owner), None).await;
        if let Some(id) = logs.body["data"][0]["delivery_id"].as_str() {
            return id.to_owned();
        }
        assert!(started.elapsed() < CEILING, "no attempt within {CEILING:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn hmac_hex(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The subscription's fields that an edit may change, to compare before and after.
fn editable(view: &Value) -> Value {
    json!({
        "name": view["name"], "url": view["url"], "events": view["events"], "description": view["description"],
        "is_active": view["is_active"], "signature_style": view["signature_style"],
    })
}

async fn each_field_changes_alone_and_deliveries_follow(backend: Backend) {
    let (app, _fake) = spawn(backend).await;
    let (_, owner) = app.owner("owner@acme.io", "Acme").await;
    let (_, other) = app.owner("owner@other.io", "Other").await;
    let old_receiver = Receiver::start(|_| Reply::ok()).await;
    let new_receiver = Receiver::start(|_| Reply::ok()).await;
    let body = json!({"name": "CRM sync", "url": old_receiver.url(), "events": ["deal.created"], "description": "Deals to the ERP"});
    let created = app.call(Method::POST, "/api/v1/webhooks", Some(&owner), Some(&body)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["description"], "Deals to the ERP");
    let (id, secret) = (created.body["id"].as_str().unwrap().to_owned(), created.body["secret"].as_str().unwrap().to_owned());
    let path = format!("/api/v1/webhooks/{id}");

    // One delivery before the edits, so that the logs have something to keep.
    app.call(Method::POST, "/api/deals", Some(&owner), Some(&json!({"title": "Before"}))).await;
    old_receiver.wait_for(1, CEILING).await;

    let new_url = new_receiver.url();
    let edits = [
        json!({"name": "ERP sync"}),
        json!({"description": "Won deals to the ERP"}),
        json!({"description": ""}),
        json!({"events": ["deal.created", "contact.created"]}),
        json!({"signature_style": "sha256"}),
        json!({"is_active": false}),
        json!({"is_active": true}),
        json!({"url": new_url}),
    ];
    let mut current = editable(&created.body);
    for edit in &edits {
        let patched = app.call(Method::PATCH, &path, Some(&owner), Some(edit)).await;
        assert_eq!(patched.status, 200, "{edit}: {}", patched.body);
        let (key, value) = edit.as_object().unwrap().iter().next().unwrap();
        current[key] = if value == "" { Value::Null } else { value.clone() };
        assert_eq!(editable(&patched.body), current, "{edit} changes {key} and nothing else");
        assert_eq!(editable(&app.call(Method::GET, &path, Some(&owner), None).await.body), current, "{edit} is stored");
    }

    for (bad, field) in [
        (json!({"name": " "}), "name"),
        (json!({"url": "ftp://example.com/hook"}), "url"),
        (json!({"events": ["deal.exploded"]}), "events"),
        (json!({"events": []}), "events"),
        (json!({"signature_style": "md5"}), "signature_style"),
        (json!({"description": "x".repeat(1001)}), "description"),
    ] {
        let refused = app.call(Method::PATCH, &path, Some(&owner), Some(&bad)).await;
        assert_eq!(refused.status, 422, "{bad}: {}", refused.body);
        assert!(refused.body["error"]["fields"][field].is_string(), "{bad} names {field}: {}", refused.body);
    }
    let secret_edit = app.call(Method::PATCH, &path, Some(&owner), Some(&json!({"secret": "whsec_bmV3"}))).await;
    assert_eq!(secret_edit.status, 422, "the secret changes by rotation only: {}", secret_edit.body);
    assert_eq!(editable(&app.call(Method::GET, &path, Some(&owner), None).await.body), current, "refused edits changed nothing");
    assert_eq!(app.call(Method::PATCH, &path, Some(&other), Some(&json!({"name": "Mine"}))).await.status, 404, "another tenant's id");
    assert_eq!(app.call(Method::PATCH, "/api/v1/webhooks/not-an-id", Some(&owner), Some(&json!({"name": "x"}))).await.status, 404);

    // The next delivery goes to the new URL, signed with the secret from before the edits.
    let deal = app.call(Method::POST, "/api/deals", Some(&owner), Some(&json!({"title": "After"}))).await;
    assert_eq!(deal.status, 201);
    let got = new_receiver.wait_for(1, CEILING).await;
    let body = got[0].body_str();
    assert!(body.contains("\"After\""), "{body}");
    assert_eq!(got[0].headers["x-webhook-signature"], format!("sha256={}", hmac_hex(&secret, body)), "signed with the old secret, in the new style");
    assert_eq!(old_receiver.count(), 1, "nothing more went to the old URL");
    let logs = app.call(Method::GET, &format!("{path}/logs"), Some(&owner), None).await;
    assert!(logs.body["data"].as_array().is_some_and(|l| !l.is_empty()), "the logs stayed: {}", logs.body);
    app.stop().await;
}

async fn seed_shape_edits_in_place(backend: Backend) {
    let (app, _fake) = spawn(backend).await;
    let (_, owner) = app.owner("owner@acme.io", "Acme").await;
    let (_, other) = app.owner("owner@other.io", "Other").await;
    let receiver = Receiver::start(|_| Reply::ok()).await;
    let seed = json!({"event_name": "contact.created", "target_url": receiver.url(), "enabled": true});
    let created = app.call(Method::POST, "/api/webhooks/subscriptions", Some(&owner), Some(&seed)).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let path = format!("/api/webhooks/subscriptions/{}", created.body["id"].as_str().unwrap());

    for (method, before, after) in [(Method::PATCH, "contact.created", "deal.created"), (Method::PUT, "deal.created", "deal.updated")] {
        let off = app.call(method.clone(), &path, Some(&owner), Some(&json!({"enabled": false}))).await;
        assert_eq!(off.status, 200, "{method}: {}", off.body);
        assert_eq!(off.body["enabled"], false);
        assert_eq!(off.body["event_name"], before, "{method} kept the event");
        assert_eq!(off.body["target_url"], created.body["target_url"]);
        let on = app.call(method.clone(), &path, Some(&owner), Some(&json!({"enabled": true, "event_name": after}))).await;
        assert_eq!((on.body["enabled"].clone(), on.body["event_name"].clone()), (json!(true), json!(after)), "{method}: {}", on.body);
    }
    let bad = app.call(Method::PATCH, &path, Some(&owner), Some(&json!({"target_url": "nope", "event_name": "deal.exploded"}))).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body["error"]["fields"]["target_url"].is_string() && bad.body["error"]["fields"]["event_name"].is_string(), "{}", bad.body);
    let got = app.call(Method::GET, &path, Some(&owner), None).await;
    assert_eq!((got.status, got.body["event_name"].clone()), (200, json!("deal.updated")));
    assert!(got.body.get("secret").is_none());
    for method in [Method::GET, Method::PATCH, Method::DELETE] {
        let foreign = app.call(method.clone(), &path, Some(&other), Some(&json!({"enabled": false}))).await;
        assert_eq!(foreign.status, 404, "{method} of another tenant's subscription");
    }
    assert_eq!(app.call(Method::DELETE, &path, Some(&owner), None).await.status, 204);
    assert_eq!(app.call(Method::GET, &path, Some(&owner), None).await.status, 404);
    app.stop().await;
}

async fn owners_reveal_the_secret_and_its_predecessor(backend: Backend) {
    let (app, _fake) = spawn(backend).await;
    let (_, owner) = app.owner("owner@acme.io", "Acme").await;
    let (_, member) = app.member(&owner, "mia@acme.io").await;
    let (_, other) = app.owner("owner@other.io", "Other").await;
    let body = json!({"name": "CRM sync", "url": "http://127.0.0.1:9/hook", "events": ["*"]});
    let created = app.call(Method::POST, "/api/v1/webhooks", Some(&owner), Some(&body)).await;
    let (id, first) = (created.body["id"].as_str().unwrap().to_owned(), created.body["secret"].as_str().unwrap().to_owned());
    let path = format!("/api/v1/webhooks/{id}/secret");

    let revealed = app.call(Method::GET, &path, Some(&owner), None).await;
    assert_eq!(revealed.status, 200, "{}", revealed.body);
    assert_eq!(revealed.body, json!({"secret": first}), "no previous secret before a rotation");
    assert_eq!(revealed.headers["cache-control"], "no-store");

    let rotated = app.call(Method::POST, &format!("/api/v1/webhooks/{id}/rotate-secret"), Some(&owner), Some(&json!({"grace_seconds": 3600}))).await;
    let second = rotated.body["secret"].as_str().unwrap();
    let revealed = app.call(Method::GET, &path, Some(&owner), None).await;
    assert_eq!(revealed.body["secret"], second);
    assert_eq!(revealed.body["previous_secret"], first.as_str(), "the old secret still signs during the grace period");
    assert_eq!(revealed.body["previous_secret_until"], rotated.body["previous_secret_until"]);

    app.call(Method::POST, &format!("/api/v1/webhooks/{id}/rotate-secret"), Some(&owner), Some(&json!({"grace_seconds": 0}))).await;
    let revealed = app.call(Method::GET, &path, Some(&owner), None).await;
    assert!(revealed.body.get("previous_secret").is_none(), "no grace, no previous secret: {}", revealed.body);

    assert_eq!(app.call(Method::GET, &path, Some(&member), None).await.status, 403, "members cannot see it");
    assert_eq!(app.call(Method::GET, &path, Some(&other), None).await.status, 404, "nor can another tenant");
    assert_eq!(app.call(Method::GET, &path, None, None).await.status, 401);
    app.stop().await;
}

/// One page of logs: its attempt ids, and its cursors.
async fn logs_page(app: &TestApp, token: &str, path: &str, cursor: Option<&str>) -> (Vec<i64>, Option<String>, Option<String>) {
    let url = format!("{path}?limit=30{}", cursor.map(|c| format!("&cursor={c}")).unwrap_or_default());
    let page = app.call(Method::GET, &url, Some(token), None).await;
    assert_eq!(page.status, 200, "{url}: {}", page.body);
    let ids = page.body["data"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect::<Vec<_>>();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first within a page: {ids:?}");
    let cursor = |k: &str| page.body[k].as_str().map(str::to_owned);
    (ids, cursor("next_cursor"), cursor("prev_cursor"))
}

async fn logs_page_through_every_attempt_both_ways(backend: Backend) {
    let (app, _fake) = spawn(backend).await;
    let (_, owner) = app.owner("owner@acme.io", "Acme").await;
    let receiver = Receiver::start(|_| Reply::ok()).await;
    let body = json!({"name": "CRM sync", "url": receiver.url(), "events": ["contact.created"]});
    let id = app.call(Method::POST, "/api/v1/webhooks", Some(&owner), Some(&body)).await.body["id"].as_str().unwrap().to_owned();
    const ATTEMPTS: usize = 250;
    for i in 0..ATTEMPTS {
        let created = app.call(Method::POST, "/api/contacts", Some(&owner), Some(&json!({"email": format!("c{i}@acme.io")}))).await;
        assert_eq!(created.status, 201);
    }
    receiver.wait_for(ATTEMPTS, CEILING).await;
    let path = format!("/api/v1/webhooks/{id}/logs");
    let started = std::time::Instant::now();
    while app.call(Method::GET, &format!("/api/v1/webhooks/{id}/stats"), Some(&owner), None).await.body["total"] != ATTEMPTS {
        assert!(started.elapsed() < CEILING, "the attempts were not all recorded within {CEILING:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    // Older and older from the newest page, then newer and newer from the oldest.
    let (mut older, mut pages): (Vec<i64>, Vec<Vec<i64>>) = (Vec::new(), Vec::new());
    let mut cursor: Option<String> = None;
    loop {
        let (ids, next, prev) = logs_page(&app, &owner, &path, cursor.as_deref()).await;
        assert_eq!(prev.is_none(), cursor.is_none(), "only the first page has nothing newer");
        older.extend(&ids);
        pages.push(ids);
        match next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert!(older.windows(2).all(|w| w[0] > w[1]), "each attempt once, newest to oldest");
    let oldest_page = pages.last().unwrap().clone();
    let (_, _, mut prev) = logs_page(&app, &owner, &path, cursor.as_deref()).await;
    let mut newer = oldest_page;
    while let Some(cursor) = prev {
        let (ids, next, up) = logs_page(&app, &owner, &path, Some(&cursor)).await;
        assert!(next.is_some(), "a newer page always has something older");
        newer.splice(0..0, ids);
        prev = up;
    }
    assert_eq!(older.len(), ATTEMPTS, "every attempt, going older");
    assert_eq!(newer, older, "every attempt once, going newer, the same pages back");

    // One delivery's attempts, by its id or its webhook-id.
    let first = app.call(Method::GET, &format!("{path}?limit=1"), Some(&owner), None).await.body["data"][0].clone();
    let delivery = first["delivery_id"].as_str().unwrap();
    let webhook_id = format!("msg_{}", delivery.replace('-', ""));
    for query in [format!("delivery_id={delivery}"), format!("webhook_id={webhook_id}")] {
        let found = app.call(Method::GET, &format!("/api/v1/webhooks/logs?{query}"), Some(&owner), None).await;
        assert_eq!(found.body["data"].as_array().map(Vec::len), Some(1), "{query}: {}", found.body);
        assert_eq!(found.body["data"][0]["id"], first["id"]);
    }
    for (query, field) in [("cursor=later", "cursor"), ("webhook_id=msg_nope", "webhook_id"), ("delivery_id=nope", "delivery_id")] {
        let refused = app.call(Method::GET, &format!("/api/v1/webhooks/logs?{query}"), Some(&owner), None).await;
        assert_eq!(refused.status, 422, "{query}");
        assert!(refused.body["error"]["fields"][field].is_string(), "{query}: {}", refused.body);
    }
    app.stop().await;
}

async fn a_delivery_shows_its_payload_state_and_attempts(backend: Backend) {
    // Delivered: the payload answered is byte for byte the body the receiver got.
    let (app, _fake) = spawn(backend).await;
    let (_, owner) = app.owner("owner@acme.io", "Acme").await;
    let (_, other) = app.owner("owner@other.io", "Other").await;
    let receiver = Receiver::start(|_| Reply { body: "thanks".into(), ..Reply::ok() }).await;
    let id = one_delivery(&app, &owner, &receiver.url()).await;
    let got = receiver.wait_for(1, CEILING).await;
    let path = format!("/api/v1/webhooks/deliveries/{id}");
    let raw = reqwest::Client::new().get(app.url(&path)).bearer_auth(&owner).send().await.unwrap().text().await.unwrap();
    assert!(raw.contains(&format!("\"payload\":{}", got[0].body_str())), "the payload is the body sent, byte for byte: {raw}");
    let detail: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(detail["webhook_id"], got[0].headers["webhook-id"].as_str());
    assert_eq!(
        (detail["event"].clone(), detail["status"].clone(), detail["next_attempt_at"].clone()),
        (json!("deal.created"), json!("delivered"), Value::Null)
    );
    let attempts = detail["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!((attempts[0]["status_code"].clone(), attempts[0]["response_body"].clone()), (json!(200), json!("thanks")));
    assert_eq!(attempts[0]["webhook_id"], detail["webhook_id"]);
    let sent: Value = serde_json::from_str(attempts[0]["request_headers"].as_str().unwrap()).unwrap();
    assert_eq!(sent["webhook-id"], detail["webhook_id"], "the request headers sent");
    assert_eq!(app.call(Method::GET, &path, Some(&other), None).await.status, 404, "another tenant's delivery");
    app.stop().await;

    // In retry: `failed`, with the next attempt due (an hour away, so it stays so).
    let (app, _fake) = spawn_retrying(backend, Some("1h")).await;
    let (_, owner) = app.owner("owner@acme.io", "Acme").await;
    let failing = Receiver::start(|_| Reply { body: "down".into(), ..Reply::status(500) }).await;
    let id = one_delivery(&app, &owner, &failing.url()).await;
    let detail = app.call(Method::GET, &format!("/api/v1/webhooks/deliveries/{id}"), Some(&owner), None).await.body;
    assert_eq!(detail["status"], "failed", "{detail}");
    let next: chrono::DateTime<chrono::Utc> = detail["next_attempt_at"].as_str().unwrap().parse().unwrap();
    // An hour, give or take the schedule's 20 % jitter.
    assert!(next > chrono::Utc::now() + chrono::Duration::minutes(45), "the retry is due about an hour after the attempt: {next}");
    assert_eq!(detail["attempts"][0]["response_body"], "down");
    let in_retry = app.call(Method::GET, "/api/v1/webhooks/logs?delivery_status=failed", Some(&owner), None).await;
    assert_eq!(in_retry.body["data"].as_array().map(Vec::len), Some(1), "{}", in_retry.body);
    let none = app.call(Method::GET, "/api/v1/webhooks/logs?delivery_status=dead", Some(&owner), None).await;
    assert_eq!(none.body["data"].as_array().map(Vec::len), Some(0));
    let bad = app.call(Method::GET, "/api/v1/webhooks/logs?delivery_status=lost", Some(&owner), None).await;
    assert!(bad.status == 422 && bad.body["error"]["fields"]["delivery_status"].is_string(), "{}", bad.body);
    app.stop().await;

    // Dead: every attempt of the schedule failed; nothing more is due.
    let (app, _fake) = spawn_retrying(backend, Some("50ms")).await;
    let (_, owner) = app.owner("owner@acme.io", "Acme").await;
    let id = one_delivery(&app, &owner, &failing.url()).await;
    let started = std::time::Instant::now();
    let detail = loop {
        let detail = app.call(Method::GET, &format!("/api/v1/webhooks/deliveries/{id}"), Some(&owner), None).await.body;
        if detail["status"] == "dead" {
            break detail;
        }
        assert!(started.elapsed() < CEILING, "not dead within {CEILING:?}: {detail}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!((detail["next_attempt_at"].clone(), detail["attempts"].as_array().map(Vec::len)), (Value::Null, Some(2)), "{detail}");
    let dead = app.call(Method::GET, "/api/v1/webhooks/logs?delivery_status=dead", Some(&owner), None).await;
    assert_eq!(dead.body["data"].as_array().map(Vec::len), Some(2), "both attempts of the dead delivery: {}", dead.body);
    app.stop().await;
}

/// The subscription's stats (all time, or of `range`) once `total` attempts are recorded.
async fn recorded(app: &TestApp, owner: &str, id: &str, total: usize) -> Value {
    let started = std::time::Instant::now();
    loop {
        let stats = app.call(Method::GET, &format!("/api/v1/webhooks/{id}/stats"), Some(owner), None).await.body;
        if stats["total"] == total {
            return app.call(Method::GET, &format!("/api/v1/webhooks/{id}"), Some(owner), None).await.body;
        }
        assert!(started.elapsed() < CEILING, "{total} attempts not recorded within {CEILING:?}: {stats}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn range_figures_add_up_and_health_follows_attempts(backend: Backend) {
    // Failures are retried an hour later, so each contact makes one attempt here.
    let (app, _fake) = spawn_retrying(backend, Some("1h")).await;
    let (_, owner) = app.owner("owner@acme.io", "Acme").await;
    let (_, other) = app.owner("owner@other.io", "Other").await;
    // The 11th to the 15th requests fail.
    let receiver = Receiver::start(|n| if (10..15).contains(&n) { Reply::status(503) } else { Reply::ok() }).await;
    let body = json!({"name": "CRM sync", "url": receiver.url(), "events": ["contact.created"]});
    let id = app.call(Method::POST, "/api/v1/webhooks", Some(&owner), Some(&body)).await.body["id"].as_str().unwrap().to_owned();
    let before = app.call(Method::GET, &format!("/api/v1/webhooks/{id}"), Some(&owner), None).await.body;
    assert_eq!((before["last_attempt_at"].clone(), before["failing_since"].clone()), (Value::Null, Value::Null));
    let mut made = 0;
    let mut contacts = |n: usize| {
        let (app, owner) = (&app, &owner);
        let from = made;
        made += n;
        async move {
            for i in from..from + n {
                let created = app.call(Method::POST, "/api/contacts", Some(owner), Some(&json!({"email": format!("c{i}@acme.io")}))).await;
                assert_eq!(created.status, 201);
            }
        }
    };
    contacts(10).await;
    let healthy = recorded(&app, &owner, &id, 10).await;
    assert!(healthy["last_attempt_at"].is_string() && healthy["failing_since"].is_null(), "{healthy}");
    contacts(5).await;
    let failing = recorded(&app, &owner, &id, 15).await;
    let since: chrono::DateTime<chrono::Utc> = failing["failing_since"].as_str().expect("failing since the first failure").parse().unwrap();
    let last: chrono::DateTime<chrono::Utc> = failing["last_attempt_at"].as_str().unwrap().parse().unwrap();
    assert!(since <= last, "{failing}");
    contacts(1).await;
    let recovered = recorded(&app, &owner, &id, 16).await;
    assert!(recovered["failing_since"].is_null(), "a success clears it: {recovered}");

    for (range, buckets) in [("1h", 60), ("24h", 96), ("7d", 84), ("30d", 120)] {
        let stats = app.call(Method::GET, &format!("/api/v1/webhooks/{id}/stats?range={range}"), Some(&owner), None).await;
        assert_eq!(stats.status, 200, "{}", stats.body);
        let stats = stats.body;
        assert_eq!(
            (stats["range"].clone(), stats["total"].clone(), stats["succeeded"].clone(), stats["failed"].clone()),
            (json!(range), json!(16), json!(11), json!(5))
        );
        assert!(stats["p95_latency_ms"].as_i64().unwrap() >= stats["p50_latency_ms"].as_i64().unwrap(), "{stats}");
        let series = app.call(Method::GET, &format!("/api/v1/webhooks/{id}/stats/series?range={range}"), Some(&owner), None).await.body;
        let points = series.as_array().unwrap_or_else(|| panic!("{series}"));
        assert_eq!(points.len(), buckets, "{range}");
        let sum = |k: &str| points.iter().map(|p| p[k].as_i64().unwrap()).sum::<i64>();
        assert_eq!((sum("delivered"), sum("failed")), (11, 5), "{range}: the buckets add up to the stats");
        assert_eq!(points[0]["bucket"], stats["since"], "{range}: the chart starts where the stats do");
        let times: Vec<chrono::DateTime<chrono::Utc>> = points.iter().map(|p| p["bucket"].as_str().unwrap().parse().unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]) && *times.last().unwrap() <= chrono::Utc::now(), "{range}: oldest first, the last one current");
    }
    let bad = app.call(Method::GET, &format!("/api/v1/webhooks/{id}/stats/series?range=2w"), Some(&owner), None).await;
    assert!(bad.status == 422 && bad.body["error"]["fields"]["range"].is_string(), "{}", bad.body);
    assert_eq!(app.call(Method::GET, &format!("/api/v1/webhooks/{id}/stats?range=1h"), Some(&other), None).await.status, 404);
    assert_eq!(app.call(Method::GET, &format!("/api/v1/webhooks/{id}/stats/series"), Some(&other), None).await.status, 404);
    app.stop().await;
}

async fn payload_filters_are_checked_read_and_removed(backend: Backend) {
    let (app, _fake) = spawn(backend).await;
    let (_, owner) = app.owner("owner@acme.io", "Acme").await;
    let receiver = Receiver::start(|_| Reply::ok()).await;
    let body = |filter: Value| json!({"name": "Won deals", "url": receiver.url(), "events": ["deal.stage.changed"], "filter": filter});
    for (filter, part) in [
        (json!({"data.value_cents": {"$gte": 1, "$foo": 2}}), "filter.data.value_cents.$foo"),
        (json!({"$or": [{"data.stage": "won"}, 3]}), "filter.$or[1]"),
        (json!("won"), "filter:"),
    ] {
        let refused = app.call(Method::POST, "/api/v1/webhooks", Some(&owner), Some(&body(filter.clone()))).await;
        assert_eq!(refused.status, 422, "{filter}");
        let message = refused.body["error"]["fields"]["filter"].as_str().unwrap_or_else(|| panic!("{}", refused.body));
        assert!(message.starts_with(part), "{filter}: {message}");
    }
    let won = json!({"data.stage": "won"});
    let created = app.call(Method::POST, "/api/v1/webhooks", Some(&owner), Some(&body(won.clone()))).await;
    assert_eq!((created.status, created.body["filter"].clone()), (201, won.clone()), "{}", created.body);
    let id = created.body["id"].as_str().unwrap();
    let path = format!("/api/v1/webhooks/{id}");
    assert_eq!(app.call(Method::GET, &path, Some(&owner), None).await.body["filter"], won);
    let renamed = app.call(Method::PATCH, &path, Some(&owner), Some(&json!({"name": "Renamed"}))).await;
    assert_eq!(renamed.body["filter"], won, "a patch without it keeps it");
    let removed = app.call(Method::PATCH, &path, Some(&owner), Some(&json!({"filter": {}}))).await;
    assert_eq!((removed.status, removed.body["filter"].clone()), (200, Value::Null), "{{}} removes it");
    app.stop().await;
}

/// Custom headers and the rate limit over HTTP: names checked with a 422 on `headers`,
/// values never in an answer, PUT and PATCH keep what they leave out.
async fn headers_and_rate_limit_over_the_api(backend: Backend) {
    let (app, _fake) = spawn(backend).await;
    let (_, owner) = app.owner("owner@acme.io", "Acme").await;
    let receiver = Receiver::start(|_| Reply::ok()).await;
    let body = |headers: Value, rate: Value| json!({"name": "Keyed", "url": receiver.url(), "events": ["*"], "headers": headers, "rate_limit_per_sec": rate});
    for (headers, rate, field, part) in [
        (json!({"Transfer-Encoding": "chunked"}), json!(null), "headers", "Transfer-Encoding"),
        (json!({"X-Webhook-Event": "x"}), json!(null), "headers", "X-Webhook-Event"),
        (json!({"X-Ok": "a\nb"}), json!(null), "headers", "X-Ok"),
        (json!({"X-Ok": "v"}), json!(10_001), "rate_limit_per_sec", "10000"),
    ] {
        let refused = app.call(Method::POST, "/api/v1/webhooks", Some(&owner), Some(&body(headers.clone(), rate))).await;
        assert_eq!(refused.status, 422, "{headers}");
        let message = refused.body["error"]["fields"][field].as_str().unwrap_or_else(|| panic!("{}", refused.body));
        assert!(message.contains(part), "{headers}: {message}");
    }
    let created = app.call(Method::POST, "/api/v1/webhooks", Some(&owner), Some(&body(json!({"Authorization": "Bearer sk-live-42"}), json!(20)))).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["headers"], json!({"Authorization": "********"}));
    assert_eq!(created.body["rate_limit_per_sec"], 20);
    let path = format!("/api/v1/webhooks/{}", created.body["id"].as_str().unwrap());
    let read = app.call(Method::GET, &path, Some(&owner), None).await;
    let listed = app.call(Method::GET, "/api/v1/webhooks", Some(&owner), None).await;
    for answer in [&created.body, &read.body, &listed.body] {
        assert!(!answer.to_string().contains("sk-live-42"), "{answer}");
    }
    let renamed = app.call(Method::PATCH, &path, Some(&owner), Some(&json!({"name": "Renamed"}))).await;
    assert_eq!((renamed.body["headers"].clone(), renamed.body["rate_limit_per_sec"].clone()), (json!({"Authorization": "********"}), json!(20)));
    let unlimited = app.call(Method::PATCH, &path, Some(&owner), Some(&json!({"rate_limit_per_sec": 0, "headers": {}}))).await;
    assert_eq!((unlimited.body["headers"].clone(), unlimited.body["rate_limit_per_sec"].clone()), (json!({}), Value::Null), "{}", unlimited.body);
    app.stop().await;
}

backend_tests!(
    headers_and_rate_limit_over_the_api,
    payload_filters_are_checked_read_and_removed,
    range_figures_add_up_and_health_follows_attempts,
    a_delivery_shows_its_payload_state_and_attempts,
    each_field_changes_alone_and_deliveries_follow,
    seed_shape_edits_in_place,
    owners_reveal_the_secret_and_its_predecessor,
    logs_page_through_every_attempt_both_ways,
);
