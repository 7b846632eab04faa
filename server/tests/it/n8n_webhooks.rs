//! n8n workflow webhooks: management, the retry rules against a real local receiver, and
//! the analytics that record every attempt.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use crate::helpers::{
    api::PASSWORD,
    appgain::{FakeAppgain, Mode},
    Backend, Receiver, Reply, TestApp, TestEnv,
};
use reqwest::Method;
use serde_json::{json, Value};

const TOKEN: &str = "n8n-bearer-token-0123456789abcdefghijklmnop";

/// A receiver that answers per path: 200, 500, 400, 429, 408, or hangs.
async fn receiver() -> (String, Receiver) {
    let receiver = Receiver::routed(|path| {
        let status = match path {
            "/hooks/fail500" => 500,
            "/hooks/bad400" => 400,
            "/hooks/limited429" => 429,
            "/hooks/timeout408" => 408,
            _ => 200,
        };
        let delay = if path == "/hooks/hang" { Duration::from_secs(5) } else { Duration::ZERO };
        let headers = vec![("content-type", "application/json".to_owned())];
        Reply { status, delay, headers, body: r#"{"received": true}"#.into() }
    })
    .await;
    (receiver.base_url(), receiver)
}

/// A server that accepts connections and drops them at once; counts them.
async fn dropper() -> (String, Arc<Mutex<usize>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(Mutex::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            *counter.lock().unwrap() += 1;
            drop(socket);
        }
    });
    (format!("http://{addr}/drop"), accepted)
}

/// A receiver that answers `/{status}/…` with that redirect status to `location`.
async fn redirector(location: Option<String>) -> (String, Receiver) {
    let target = location.unwrap_or_default();
    let receiver = Receiver::routed(move |path| {
        let status = path.split('/').nth(1).and_then(|s| s.parse::<u16>().ok()).unwrap_or(200);
        Reply { headers: vec![("location", target.clone())], body: "moved".into(), ..Reply::status(status) }
    })
    .await;
    (receiver.base_url(), receiver)
}

async fn spawn(backend: Backend) -> (TestApp, String, String) {
    let fake = FakeAppgain::start(Mode::Credentials { suit_id: "s".into(), api_key: "k".into() }).await;
    let url = fake.signup_url();
    let app = TestApp::spawn_with(
        TestEnv::new(backend).await,
        &[
            ("APPGAIN_SIGNUP_WEBHOOK_URL", &url),
            ("CONNECTGAIN_ADMIN_EMAIL", "root@example.com"),
            ("CONNECTGAIN_ADMIN_PASSWORD", PASSWORD),
            ("N8N_RETRY_DELAYS_MS", "20,40,80"),
            ("N8N_TIMEOUT_MS", "300"),
        ],
    )
    .await;
    let admin = app.token("root@example.com").await;
    let (org, _) = app.owner("owner@a.io", "A").await;
    (app, admin, org)
}

async fn create(app: &TestApp, admin: &str, org: &str, name: &str, url: &str) -> Value {
    let body = json!({"workflowName": name, "webhookUrl": url, "authToken": TOKEN, "description": name});
    let reply = app.call(Method::POST, &format!("/api/platform/tenants/{org}/webhooks"), Some(admin), Some(&body)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body
}

async fn webhooks_are_managed_with_immutable_unique_names(backend: Backend) {
    let (app, admin, org) = spawn(backend).await;
    let base = format!("/api/platform/tenants/{org}/webhooks");
    let created = create(&app, &admin, &org, "contact_form", "https://n8n.example.com/webhook/t/contact").await;
    assert_eq!(created["authToken"], "n8n-bearer***klmnop");
    assert_eq!(created["isActive"], true);
    assert!(created.get("warnings").is_none());
    assert!(!created.to_string().contains(TOKEN));

    let short = json!({"workflowName": "short_token", "webhookUrl": "contact", "authToken": "tiny"});
    let warned = app.call(Method::POST, &base, Some(&admin), Some(&short)).await;
    assert_eq!(warned.status, 201);
    assert!(warned.body["warnings"][0].as_str().unwrap().contains("32 characters"));

    let dup = app.call(Method::POST, &base, Some(&admin), Some(&json!({"workflowName": "contact_form", "webhookUrl": "x"}))).await;
    assert_eq!(dup.status, 409, "{}", dup.body);
    let bad = app.call(Method::POST, &base, Some(&admin), Some(&json!({"workflowName": "has space", "webhookUrl": "ftp://x y"}))).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body["error"]["fields"]["workflowName"].is_string() && bad.body["error"]["fields"]["webhookUrl"].is_string());

    let id = created["id"].as_str().unwrap();
    let renamed = app.call(Method::PUT, &format!("{base}/{id}"), Some(&admin), Some(&json!({"workflowName": "other"}))).await;
    assert_eq!(renamed.status, 422);
    let updated = app.call(Method::PUT, &format!("{base}/{id}"), Some(&admin), Some(&json!({"description": "Updated description", "isActive": false}))).await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!((updated.body["description"].as_str(), updated.body["isActive"].as_bool()), (Some("Updated description"), Some(false)));
    assert_eq!(updated.body["authToken"], "n8n-bearer***klmnop", "the token is kept");

    let listed = app.call(Method::GET, &base, Some(&admin), None).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 2);

    // Another tenant's id is not found there.
    let (other_org, _) = app.owner("owner@b.io", "B").await;
    let foreign = app.call(Method::DELETE, &format!("/api/platform/tenants/{other_org}/webhooks/{id}"), Some(&admin), None).await;
    assert_eq!(foreign.status, 404);
    assert_eq!(app.call(Method::DELETE, &format!("{base}/{id}"), Some(&admin), None).await.status, 204);
    assert_eq!(app.call(Method::DELETE, &format!("{base}/{id}"), Some(&admin), None).await.status, 404);
    app.stop().await;
}

async fn retries_follow_the_rules_and_every_attempt_is_recorded(backend: Backend) {
    let (app, admin, org) = spawn(backend).await;
    let (url, seen) = receiver().await;
    let (drop_url, dropped) = dropper().await;
    // (name, url, attempts, success, status)
    let cases = [
        ("ok", format!("{url}/hooks/ok"), 1, true, Some(200)),
        ("fail500", format!("{url}/hooks/fail500"), 4, false, Some(500)),
        ("bad400", format!("{url}/hooks/bad400"), 1, false, Some(400)),
        ("limited429", format!("{url}/hooks/limited429"), 4, false, Some(429)),
        ("timeout408", format!("{url}/hooks/timeout408"), 4, false, Some(408)),
        ("hang", format!("{url}/hooks/hang"), 4, false, None),
        ("drop", drop_url, 4, false, None),
    ];
    let mut total = 0;
    for (name, target, attempts, success, status) in &cases {
        let hook = create(&app, &admin, &org, name, target).await;
        let id = hook["id"].as_str().unwrap();
        let outcome = app.call(Method::POST, &format!("/api/platform/tenants/{org}/webhooks/{id}/call"), Some(&admin), Some(&json!({"n": 1}))).await;
        assert_eq!(outcome.status, 200, "{name}: {}", outcome.body);
        assert_eq!(outcome.body["attempts"], *attempts, "{name}: {}", outcome.body);
        assert_eq!(outcome.body["success"], *success, "{name}");
        assert_eq!(outcome.body["status"], json!(status), "{name}");
        assert_eq!(outcome.body["error"].is_null(), *success, "{name}");
        total += attempts;

        let path = format!("/hooks/{name}");
        match *name {
            "drop" => assert_eq!(*dropped.lock().unwrap(), 4),
            _ => assert_eq!(seen.count_at(&path), *attempts as usize, "{name}: requests received"),
        }
        let analytics = app.call(Method::GET, &format!("/api/platform/tenants/{org}/webhooks/{id}/analytics"), Some(&admin), None).await;
        let calls = analytics.body["data"].as_array().unwrap_or_else(|| panic!("{name}: {} {}", analytics.status, analytics.body));
        assert_eq!(calls.len(), *attempts as usize, "{name}: one record per attempt");
        assert_eq!(calls[0]["attempt"], *attempts, "{name}: newest first");
        assert_eq!(calls[0]["statusCode"], json!(status), "{name}");
    }

    // The bearer token arrives decrypted; the payload as sent.
    let last = seen.last_at("/hooks/ok");
    assert_eq!(last.header("authorization"), format!("Bearer {TOKEN}"));
    assert_eq!(last.json(), json!({"n": 1}));

    let summary = app.call(Method::GET, &format!("/api/platform/tenants/{org}/webhooks/analytics/summary?range=1h"), Some(&admin), None).await;
    assert_eq!(summary.status, 200, "{}", summary.body);
    assert_eq!(summary.body["totalCalls"], total);
    assert_eq!(summary.body["successfulCalls"], 1);
    assert_eq!(summary.body["failedCalls"], total - 1);
    assert!(summary.body["avgResponseTimeMs"].as_i64().unwrap() >= 0);

    // The dashboard's series and recent calls agree with the summary.
    let series = app.call(Method::GET, &format!("/api/platform/tenants/{org}/webhooks/analytics/series?range=24h"), Some(&admin), None).await;
    let points = series.body.as_array().unwrap_or_else(|| panic!("{}", series.body));
    assert_eq!(points.iter().map(|p| p["calls"].as_i64().unwrap()).sum::<i64>(), total as i64);
    assert_eq!(points.iter().map(|p| p["failures"].as_i64().unwrap()).sum::<i64>(), total as i64 - 1);
    let recent = app.call(Method::GET, &format!("/api/platform/tenants/{org}/webhooks/analytics/calls?limit=5"), Some(&admin), None).await;
    assert_eq!(recent.body["data"].as_array().unwrap().len(), 5);
    let cursor = recent.body["next_cursor"].as_i64().unwrap();
    let rest = app.call(Method::GET, &format!("/api/platform/tenants/{org}/webhooks/analytics/calls?limit=500&cursor={cursor}"), Some(&admin), None).await;
    assert_eq!(rest.body["data"].as_array().unwrap().len(), total as usize - 5, "pages do not overlap or skip");
    assert_eq!(rest.body["next_cursor"], Value::Null);
    let bad = app.call(Method::GET, &format!("/api/platform/tenants/{org}/webhooks/analytics/summary?range=2w"), Some(&admin), None).await;
    assert_eq!(bad.status, 422);

    // Per-webhook counters agree with the records.
    let listed = app.call(Method::GET, &format!("/api/platform/tenants/{org}/webhooks"), Some(&admin), None).await;
    for hook in listed.body.as_array().unwrap() {
        let name = hook["workflowName"].as_str().unwrap();
        let (_, _, attempts, success, _) = cases.iter().find(|c| c.0 == name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(hook["totalCalls"], *attempts, "{}", hook["workflowName"]);
        assert_eq!(hook["successfulCalls"], if *success { 1 } else { 0 });
        assert_eq!(hook["failedCalls"], if *success { 0 } else { *attempts });
        assert!(hook["lastCalledAt"].is_string());
    }
    app.stop().await;
}

async fn inactive_webhooks_are_not_called_and_broadcast_reaches_the_active_ones(backend: Backend) {
    let (app, admin, org) = spawn(backend).await;
    let (url, seen) = receiver().await;
    // The API key of the tenant's n8n, and a URL relative to its base.
    let n8n = json!({"baseUrl": format!("{url}/hooks"), "apiKey": "n8n-instance-key-1234567890"});
    assert_eq!(app.call(Method::PUT, &format!("/api/platform/tenants/{org}/integrations/n8n"), Some(&admin), Some(&n8n)).await.status, 200);
    create(&app, &admin, &org, "first", "first").await;
    create(&app, &admin, &org, "second", &format!("{url}/hooks/second")).await;
    let off = create(&app, &admin, &org, "off", &format!("{url}/hooks/off")).await;
    let off_id = off["id"].as_str().unwrap();
    app.call(Method::PUT, &format!("/api/platform/tenants/{org}/webhooks/{off_id}"), Some(&admin), Some(&json!({"isActive": false}))).await;

    let refused = app.call(Method::POST, &format!("/api/platform/tenants/{org}/webhooks/{off_id}/call"), Some(&admin), None).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(seen.count_at("/hooks/off"), 0);

    let by_name =
        app.call(Method::POST, &format!("/api/platform/tenants/{org}/webhooks/by-name/first/call"), Some(&admin), Some(&json!({"via": "name"}))).await;
    assert_eq!(by_name.body["success"], true, "{}", by_name.body);
    let last = seen.last_at("/hooks/first");
    assert_eq!(last.header("x-n8n-api-key"), "n8n-instance-key-1234567890");
    assert_eq!(last.json(), json!({"via": "name"}));

    let all = app.call(Method::POST, &format!("/api/platform/tenants/{org}/webhooks/broadcast"), Some(&admin), Some(&json!({"event": "tenant_updated"}))).await;
    assert_eq!(all.status, 200, "{}", all.body);
    let names: Vec<&str> = all.body.as_array().unwrap().iter().map(|o| o["workflowName"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"first") && names.contains(&"second"));
    assert_eq!(seen.count_at("/hooks/off"), 0);
    let missing = app.call(Method::POST, &format!("/api/platform/tenants/{org}/webhooks/by-name/nope/call"), Some(&admin), None).await;
    assert_eq!(missing.status, 404);
    app.stop().await;
}

/// A redirect is the call's outcome: following it would carry the bearer token and the
/// tenant's `X-N8N-API-KEY` (which reqwest does not strip) to another origin.
async fn a_redirect_is_the_outcome_and_no_credential_leaves_for_its_target(backend: Backend) {
    let (app, admin, org) = spawn(backend).await;
    let (elsewhere, reached) = redirector(None).await;
    let (moved, asked) = redirector(Some(format!("{elsewhere}/hooks/stolen"))).await;
    let n8n = json!({"baseUrl": &moved, "apiKey": "n8n-instance-key-1234567890"});
    assert_eq!(app.call(Method::PUT, &format!("/api/platform/tenants/{org}/integrations/n8n"), Some(&admin), Some(&n8n)).await.status, 200);
    for status in [302, 307] {
        let hook = create(&app, &admin, &org, &format!("moved{status}"), &format!("{moved}/{status}/hooks/moved")).await;
        let id = hook["id"].as_str().unwrap();
        let outcome = app.call(Method::POST, &format!("/api/platform/tenants/{org}/webhooks/{id}/call"), Some(&admin), Some(&json!({"n": 1}))).await;
        assert_eq!(outcome.status, 200, "{}", outcome.body);
        assert_eq!(outcome.body["status"], status, "{}", outcome.body);
        assert_eq!((outcome.body["success"].as_bool(), outcome.body["attempts"].as_u64()), (Some(false), Some(1)), "{}", outcome.body);
        assert_eq!(outcome.body["error"], format!("HTTP {status}"));
        let analytics = app.call(Method::GET, &format!("/api/platform/tenants/{org}/webhooks/{id}/analytics"), Some(&admin), None).await;
        assert_eq!(analytics.body["data"][0]["statusCode"], status, "{}", analytics.body);
    }
    let asked = asked.received();
    assert_eq!(asked.len(), 2, "the redirecting server was called once per hook");
    assert!(asked.iter().all(|r| r.header("x-n8n-api-key") == "n8n-instance-key-1234567890"));
    assert_eq!(reached.count(), 0, "the redirect's target received nothing: {:?}", reached.received());
    app.stop().await;
}

/// A workflow bound to `deal.stage.changed` with a filter on `won`: other moves do not
/// call it; the move to won calls it once, with the event's body, retried on 500 with the
/// n8n schedule, every attempt in the n8n analytics.
async fn a_deal_moved_to_won_calls_the_bound_workflow(backend: Backend) {
    let (app, admin, org) = spawn(backend).await;
    let owner = app.token("owner@a.io").await;
    let workflow = Receiver::start(|n| if n < 2 { Reply::status(500) } else { Reply::ok() }).await;
    let base = format!("/api/platform/tenants/{org}/webhooks");
    let body = |on: Value, filter: Value| json!({"workflowName": "won_deals", "webhookUrl": workflow.url(), "authToken": TOKEN, "triggerOn": on, "triggerFilter": filter});
    for (on, filter, field) in [
        (json!(["deal.exploded"]), json!(null), "triggerOn"),
        (json!(["webhook.endpoint.disabled"]), json!(null), "triggerOn"),
        (json!(["deal.stage.changed"]), json!({"data.stage": {"$near": 1}}), "triggerFilter"),
    ] {
        let refused = app.call(Method::POST, &base, Some(&admin), Some(&body(on.clone(), filter))).await;
        assert_eq!(refused.status, 422, "{on}: {}", refused.body);
        assert!(refused.body["error"]["fields"][field].is_string(), "{}", refused.body);
    }
    let created = app.call(Method::POST, &base, Some(&admin), Some(&body(json!(["deal.stage.changed"]), json!({"data.stage": "won"})))).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!((created.body["triggerOn"].clone(), created.body["triggerFilter"].clone()), (json!(["deal.stage.changed"]), json!({"data.stage": "won"})));
    let id = created.body["id"].as_str().unwrap().to_owned();

    let deal = app.call(Method::POST, "/api/deals", Some(&owner), Some(&json!({"title": "Annual plan", "value_cents": 120000}))).await;
    assert_eq!(deal.status, 201, "{}", deal.body);
    let deal_id = deal.body["id"].as_str().unwrap();
    for stage in ["proposal", "won"] {
        let moved = app.call(Method::POST, &format!("/api/deals/{deal_id}/stage"), Some(&owner), Some(&json!({"stage": stage}))).await;
        assert_eq!(moved.status, 200, "{}", moved.body);
    }
    let got = workflow.wait_for(3, Duration::from_secs(30)).await;
    for request in &got {
        let sent = request.json();
        assert_eq!((sent["event"].as_str(), sent["data"]["stage"].as_str()), (Some("deal.stage.changed"), Some("won")), "only the move to won: {sent}");
        assert_eq!(sent["data"]["previous_stage"], "proposal");
        assert_eq!(sent["data"]["id"], deal_id);
        assert!(sent["timestamp"].is_string());
        assert_eq!(request.header("authorization"), format!("Bearer {TOKEN}"));
    }
    assert_eq!(got[0].body, got[2].body, "every attempt sends the same bytes");
    let analytics = connectgain_testkit::eventually(Duration::from_secs(30), "the three attempts recorded", || async {
        let a = app.call(Method::GET, &format!("{base}/{id}/analytics"), Some(&admin), None).await;
        (a.body["data"].as_array().map(Vec::len) == Some(3)).then_some(a.body)
    })
    .await;
    let attempts: Vec<i64> = analytics["data"].as_array().unwrap().iter().map(|c| c["attempt"].as_i64().unwrap()).collect();
    assert_eq!(attempts, [3, 2, 1], "newest first");
    assert_eq!(analytics["data"][0]["success"], true);
    assert_eq!(workflow.count(), 3, "called once: two 500s retried, then the success");

    // A PUT without the triggers keeps them; [] stops them.
    let kept = app.call(Method::PUT, &format!("{base}/{id}"), Some(&admin), Some(&json!({"description": "Won deals"}))).await;
    assert_eq!(kept.body["triggerOn"], json!(["deal.stage.changed"]), "{}", kept.body);
    let stopped = app.call(Method::PUT, &format!("{base}/{id}"), Some(&admin), Some(&json!({"triggerOn": [], "triggerFilter": {}}))).await;
    assert_eq!((stopped.body["triggerOn"].clone(), stopped.body["triggerFilter"].clone()), (json!([]), Value::Null), "{}", stopped.body);
    app.stop().await;
}

backend_tests!(
    a_deal_moved_to_won_calls_the_bound_workflow,
    a_redirect_is_the_outcome_and_no_credential_leaves_for_its_target,
    webhooks_are_managed_with_immutable_unique_names,
    retries_follow_the_rules_and_every_attempt_is_recorded,
    inactive_webhooks_are_not_called_and_broadcast_reaches_the_active_ones,
);
