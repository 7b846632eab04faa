//! Delivery controls and endpoint health against real HTTP receivers and real databases:
//! custom headers, the rate limit (also shared by two instances on PostgreSQL), turning a
//! failing endpoint off, and the operational events that tell the other endpoints.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use crate::support::{domain, eventually, Backend, Fixture, Receiver, Reply, Worker};
use connectgain_domain::{
    on_db,
    outbound::{
        events::{self, EventType},
        logs::{self, AttemptFilter},
        subscriptions::{self, SubscriptionInput, SubscriptionPatch},
    },
    Error,
};
use connectgain_testkit::SmtpSink;
use serde_json::{json, Value};

const MAIL_FROM: &str = "ConnectGain <alerts@connectgain.test>";

/// Adds an owner and a member to the fixture's organization (mail goes to owners only).
async fn add_people(f: &Fixture) {
    for (email, role) in [("owner@acme.test", "owner"), ("member@acme.test", "member")] {
        on_db!(&f.d.db, pool => sqlx::query(
            "INSERT INTO users (id, organization_id, email, password_hash, role, created_at, updated_at) VALUES ($1, $2, $3, 'x', $4, $5, $5)",
        )
        .bind(uuid::Uuid::new_v4())
        .bind(f.org)
        .bind(email)
        .bind(role)
        .bind(chrono::Utc::now())
        .execute(pool)
        .await
        .map(drop))
        .unwrap();
    }
}

const WAIT: Duration = Duration::from_secs(30);

fn input(url: &str, events: &[&str]) -> SubscriptionInput {
    SubscriptionInput { name: "Endpoint".into(), url: url.into(), events: events.iter().map(|e| e.to_string()).collect(), ..Default::default() }
}

fn headers(pairs: &[(&str, &str)]) -> Option<std::collections::BTreeMap<String, String>> {
    Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
}

async fn custom_headers_arrive_and_never_show(backend: Backend) {
    let f = Fixture::new(backend, &[]).await;
    let rx = Receiver::ok().await;
    let created = subscriptions::create(
        &f.d,
        f.org,
        &SubscriptionInput { headers: headers(&[("X-Api-Key", "k-123-secret"), ("X-Route", "eu-1")]), ..input(&rx.url(), &["*"]) },
    )
    .await
    .unwrap();
    let id = created.view.id;
    assert_eq!(created.view.headers, [("X-Api-Key".to_owned(), "********".to_owned()), ("X-Route".to_owned(), "********".to_owned())].into());
    let worker = Worker::start(&f.d);

    events::emit_now(&f.d, f.org, EventType::ContactCreated, &json!({"id": "c-1"})).await.unwrap();
    let got = rx.wait_for(1, WAIT).await;
    assert_eq!(got[0].header("x-api-key"), "k-123-secret");
    assert_eq!(got[0].header("x-route"), "eu-1");
    assert_eq!(got[0].header("content-type"), "application/json", "ours stay as they are");

    // Masked in every read: the views, the attempt record, and sealed in the database.
    let listed = serde_json::to_string(&subscriptions::list(&f.d, f.org).await.unwrap()).unwrap();
    let one = serde_json::to_string(&subscriptions::get(&f.d, f.org, id).await.unwrap()).unwrap();
    let attempts = eventually(WAIT, "the attempt record", || async {
        let page = logs::attempts(&f.d, f.org, &AttemptFilter::default(), None, 10).await.unwrap();
        (!page.data.is_empty()).then(|| serde_json::to_string(&page.data).unwrap())
    })
    .await;
    let stored: Option<String> = on_db!(&f.d.db, pool => sqlx::query_scalar("SELECT headers_enc FROM outbound_subscriptions WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await)
    .unwrap();
    for (what, text) in [("list", &listed), ("get", &one), ("attempts", &attempts), ("column", &stored.unwrap())] {
        assert!(!text.contains("k-123-secret") && !text.contains("eu-1"), "{what} shows a value: {text}");
    }
    assert!(attempts.contains("x-api-key") && attempts.contains("********"), "{attempts}");

    // Given back masked, a value stays; a new one replaces it; {} removes them all.
    let patched =
        subscriptions::patch(&f.d, f.org, id, &SubscriptionPatch { headers: headers(&[("X-Api-Key", "********"), ("X-Route", "us-2")]), ..Default::default() })
            .await
            .unwrap();
    assert_eq!(patched.headers.len(), 2);
    events::emit_now(&f.d, f.org, EventType::ContactCreated, &json!({"id": "c-2"})).await.unwrap();
    let got = rx.wait_for(2, WAIT).await;
    assert_eq!((got[1].header("x-api-key"), got[1].header("x-route")), ("k-123-secret", "us-2"));
    let Error::Invalid(fields) =
        subscriptions::patch(&f.d, f.org, id, &SubscriptionPatch { headers: headers(&[("X-New", "********")]), ..Default::default() }).await.unwrap_err()
    else {
        panic!()
    };
    assert!(fields["headers"].contains("X-New"), "a mask with nothing stored is refused: {fields:?}");
    for name in ["Content-Type", "Host", "Content-Length", "Transfer-Encoding", "Connection", "X-Webhook-Signature", "webhook-id"] {
        let refused = subscriptions::patch(&f.d, f.org, id, &SubscriptionPatch { headers: headers(&[(name, "x")]), ..Default::default() }).await;
        assert!(matches!(&refused, Err(Error::Invalid(fields)) if fields["headers"].contains(name)), "{name}: {refused:?}");
    }
    let removed = subscriptions::patch(&f.d, f.org, id, &SubscriptionPatch { headers: headers(&[]), ..Default::default() }).await.unwrap();
    assert!(removed.headers.is_empty());
    events::emit_now(&f.d, f.org, EventType::ContactCreated, &json!({"id": "c-3"})).await.unwrap();
    let got = rx.wait_for(3, WAIT).await;
    assert!(!got[2].headers.contains_key("x-api-key"));
    worker.stop().await;
}

/// The most of `times` (microseconds) within any one second.
fn busiest_second(mut times: Vec<i64>) -> usize {
    times.sort_unstable();
    let mut best = 0;
    let mut start = 0;
    for end in 0..times.len() {
        while times[end] - times[start] >= 1_000_000 {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

/// A burst of 1,000 events to an endpoint limited to 100 attempts a second: never more in
/// any one second (within 10 %: what the receiver sees also carries network jitter), none
/// lost, none failed. On PostgreSQL two instances deliver at once and share the limit.
async fn the_rate_limit_holds_over_a_burst(backend: Backend) {
    const LIMIT: u32 = 100;
    const BURST: usize = 1000;
    let f = Fixture::new(backend, &[]).await;
    let rx = Receiver::ok().await;
    let sub = subscriptions::create(&f.d, f.org, &SubscriptionInput { rate_limit_per_sec: Some(LIMIT), ..input(&rx.url(), &["contact.created"]) })
        .await
        .unwrap()
        .view;
    assert_eq!(sub.rate_limit_per_sec, Some(LIMIT));
    let mut tx = f.d.db.begin().await.unwrap();
    for i in 0..BURST {
        events::emit(&mut tx, f.org, EventType::ContactCreated, &json!({"id": i})).await.unwrap();
    }
    tx.commit().await.unwrap();

    let second = match backend {
        Backend::Postgres => Some(domain(&f.db, &f.keys, &[]).await),
        Backend::Sqlite => None,
    };
    let started = Instant::now();
    let workers: Vec<Worker> = std::iter::once(&f.d).chain(second.as_ref()).map(Worker::start).collect();
    let got = rx.wait_for(BURST, Duration::from_secs(60)).await;
    let took = started.elapsed();
    for w in workers {
        w.stop().await;
    }
    // When the attempts started, as recorded; what the receiver saw carries the network's
    // and a busy machine's jitter besides, so it only shows in a failure's message.
    let started_at: Vec<chrono::DateTime<chrono::Utc>> =
        on_db!(&f.d.db, pool => sqlx::query_scalar("SELECT attempted_at FROM outbound_attempts WHERE subscription_id = $1")
            .bind(sub.id)
            .fetch_all(pool)
            .await)
        .unwrap();
    assert_eq!(started_at.len(), BURST, "one attempt each");
    let busiest = busiest_second(started_at.iter().map(|t| t.timestamp_micros()).collect());
    let first = got.iter().map(|r| r.at).min().unwrap();
    let seen = busiest_second(got.iter().map(|r| (r.at - first).as_micros() as i64).collect());
    eprintln!("rate limit {LIMIT}/s, {BURST} events: at most {busiest} attempts started in one second ({seen} arrived), all in {took:?}");
    assert!(busiest <= LIMIT as usize * 110 / 100, "{busiest} attempts started within one second (limit {LIMIT}; the receiver saw {seen})");
    assert!(busiest >= LIMIT as usize * 80 / 100, "the limit is used, not undercut: busiest second {busiest}");
    assert!(took >= Duration::from_secs((BURST as u64 / LIMIT as u64) - 1), "{BURST} at {LIMIT}/s took {took:?}");
    let mut ids: Vec<Value> = got.iter().map(|r| r.json()["data"]["id"].clone()).collect();
    ids.sort_by_key(|v| v.as_u64());
    ids.dedup();
    assert_eq!(ids.len(), BURST, "each event once");
    let failed = logs::attempts(&f.d, f.org, &AttemptFilter { succeeded: Some(false), ..Default::default() }, None, 10).await.unwrap();
    assert!(failed.data.is_empty(), "waiting is not failing");
}

const OPERATIONAL: [&str; 4] = ["webhook.endpoint.disabled", "webhook.attempt.failing", "webhook.attempt.exhausted", "webhook.endpoint.recovered"];

/// An endpoint whose every attempt fails for CONNECTGAIN_WEBHOOK_DISABLE_AFTER is turned
/// off; another endpoint that asked for it hears of it, the failing one never does, and one
/// subscribed to "*" hears nothing. Turning it on again clears why it was off.
async fn a_failing_endpoint_is_turned_off_and_others_are_told(backend: Backend) {
    let smtp = SmtpSink::start().await;
    let f = Fixture::new(
        backend,
        &[
            ("CONNECTGAIN_WEBHOOK_DISABLE_AFTER", "1s"),
            ("CONNECTGAIN_WEBHOOK_RETRY_SCHEDULE", &["200ms"; 30].join(",")),
            ("CONNECTGAIN_SMTP_URL", &smtp.url()),
            ("CONNECTGAIN_MAIL_FROM", MAIL_FROM),
        ],
    )
    .await;
    add_people(&f).await;
    let mailer = tokio::spawn(connectgain_domain::mail::run(f.d.clone(), std::future::pending()));
    let down = Receiver::start(|_| Reply::status(503)).await;
    let watcher = Receiver::ok().await;
    let everything = Receiver::ok().await;
    let mixed: Vec<&str> = ["contact.created"].into_iter().chain(OPERATIONAL).collect();
    let failing = subscriptions::create(&f.d, f.org, &SubscriptionInput { name: "Deals to n8n".into(), ..input(&down.url(), &mixed) }).await.unwrap().view;
    let watching = subscriptions::create(&f.d, f.org, &input(&watcher.url(), &mixed)).await.unwrap().view;
    subscriptions::create(&f.d, f.org, &input(&everything.url(), &["*"])).await.unwrap();
    let worker = Worker::start(&f.d);

    events::emit_now(&f.d, f.org, EventType::ContactCreated, &json!({"id": "c-1"})).await.unwrap();
    let failing_event = watcher.wait_for_json("event", "webhook.attempt.failing").await;
    assert_eq!(failing_event["data"]["endpoint_id"], failing.id.to_string());
    assert_eq!(failing_event["data"]["attempt"], 4);
    assert_eq!(failing_event["data"]["status_code"], 503);
    assert_eq!(failing_event["data"]["event_type"], "contact.created");
    assert!(failing_event["data"]["next_attempt_at"].is_string());
    let disabled = watcher.wait_for_json("event", "webhook.endpoint.disabled").await;
    assert_eq!(disabled["data"]["endpoint_id"], failing.id.to_string());
    assert_eq!(disabled["data"]["name"], "Deals to n8n");
    assert_eq!(disabled["data"]["last_error"], "HTTP 503");
    assert!(disabled["data"]["disabled_reason"].as_str().unwrap().contains("1 second"), "{disabled}");

    let view = subscriptions::get(&f.d, f.org, failing.id).await.unwrap();
    assert!(!view.is_active);
    assert!(view.disabled_reason.as_deref().unwrap().contains("Every attempt failed for 1 second"), "{:?}", view.disabled_reason);
    let since = view.failing_since.expect("failing since the first failure");
    assert!(view.updated_at - since >= chrono::Duration::seconds(1), "turned off only after a second of failures");
    assert_eq!(view.last_error.as_deref(), Some("HTTP 503"));
    // Its pending delivery stopped with it.
    let pending: i64 = on_db!(&f.d.db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM outbound_deliveries WHERE subscription_id = $1 AND status = 'pending'")
        .bind(failing.id)
        .fetch_one(pool)
        .await)
    .unwrap();
    assert_eq!(pending, 0);

    // Never about itself, never to "*", and each announced once.
    let attempts_at_down = down.count();
    assert!(down.bodies().iter().all(|b| b["event"] == "contact.created"), "the failing endpoint only got its CRM event");
    assert!(everything.bodies().iter().all(|b| b["event"] == "contact.created"));
    assert_eq!(everything.count(), 1);
    let told: Vec<String> = watcher.bodies().iter().map(|b| b["event"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(told.iter().filter(|e| *e == "webhook.endpoint.disabled").count(), 1, "{told:?}");
    assert_eq!(told.iter().filter(|e| *e == "webhook.attempt.failing").count(), 1, "{told:?}");
    assert!(!told.iter().any(|e| e == "webhook.endpoint.recovered"));
    let _ = watching;

    // The owner (not the member) got one mail per change: failing, then turned off.
    let mails = smtp.wait_for(2, WAIT).await;
    let subjects: Vec<&str> = mails.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(subjects, ["[ConnectGain] Webhook \"Deals to n8n\" is failing", "[ConnectGain] Webhook \"Deals to n8n\" was turned off"]);
    for mail in &mails {
        assert_eq!(mail.rcpt_to, "owner@acme.test");
        assert!(mail.headers.contains("alerts@connectgain.test"), "{}", mail.headers);
        assert!(mail.body.contains("Endpoint: Deals to n8n") && mail.body.contains("Last error: HTTP 503"), "{}", mail.body);
        assert!(mail.body.contains(&format!("/settings/webhooks/logs?subscription={}", failing.id)), "{}", mail.body);
    }
    assert!(mails[1].body.contains("Every attempt failed for 1 second"), "{}", mails[1].body);

    // Turned on again: the reason and the failing clock are gone.
    let on = subscriptions::set_active(&f.d, f.org, failing.id, true).await.unwrap();
    assert!(on.is_active && on.disabled_reason.is_none() && on.failing_since.is_none() && on.last_error.is_none());
    worker.stop().await;
    assert_eq!(down.count(), attempts_at_down, "nothing more was sent to it while off");
    assert_eq!(smtp.messages().len(), 2, "no other mail");
    mailer.abort();
}

/// A delivery's fourth failure and its last are announced; the endpoint's first success
/// afterwards announces its recovery, once.
async fn a_recovered_endpoint_is_announced_once(backend: Backend) {
    // The mail server is down at first: deliveries and events go on, mail waits for it.
    let smtp_port = SmtpSink::free_port();
    let smtp_url = format!("smtp://127.0.0.1:{smtp_port}");
    let f = Fixture::new(
        backend,
        &[("CONNECTGAIN_WEBHOOK_RETRY_SCHEDULE", "100ms,100ms,100ms"), ("CONNECTGAIN_SMTP_URL", &smtp_url), ("CONNECTGAIN_MAIL_FROM", MAIL_FROM)],
    )
    .await;
    add_people(&f).await;
    let mailer = tokio::spawn(connectgain_domain::mail::run(f.d.clone(), std::future::pending()));
    let up = Arc::new(AtomicBool::new(false));
    let flaky = {
        let up = up.clone();
        Receiver::start(move |_| if up.load(Ordering::SeqCst) { Reply::ok() } else { Reply::status(500) }).await
    };
    let watcher = Receiver::ok().await;
    let endpoint = subscriptions::create(&f.d, f.org, &input(&flaky.url(), &["contact.created"])).await.unwrap().view;
    subscriptions::create(&f.d, f.org, &input(&watcher.url(), &OPERATIONAL)).await.unwrap();
    let worker = Worker::start(&f.d);

    events::emit_now(&f.d, f.org, EventType::ContactCreated, &json!({"id": "c-1"})).await.unwrap();
    let exhausted = watcher.wait_for_json("event", "webhook.attempt.exhausted").await;
    assert_eq!(exhausted["data"]["endpoint_id"], endpoint.id.to_string());
    assert_eq!(exhausted["data"]["attempt"], 4);
    assert!(exhausted["data"]["next_attempt_at"].is_null(), "{exhausted}");
    assert!(exhausted["data"]["message_id"].as_str().unwrap().starts_with("msg_"));
    let failing = watcher.wait_for_json("event", "webhook.attempt.failing").await;
    assert_eq!(failing["data"]["delivery_id"], exhausted["data"]["delivery_id"]);

    up.store(true, Ordering::SeqCst);
    events::emit_now(&f.d, f.org, EventType::ContactCreated, &json!({"id": "c-2"})).await.unwrap();
    events::emit_now(&f.d, f.org, EventType::ContactCreated, &json!({"id": "c-3"})).await.unwrap();
    let recovered = watcher.wait_for_json("event", "webhook.endpoint.recovered").await;
    assert_eq!(recovered["data"]["endpoint_id"], endpoint.id.to_string());
    assert!(recovered["data"]["failing_since"].is_string(), "{recovered}");
    flaky.wait_for(6, WAIT).await;
    let view = eventually(WAIT, "the successes recorded", || async {
        let v = subscriptions::get(&f.d, f.org, endpoint.id).await.unwrap();
        (v.failing_since.is_none()).then_some(v)
    })
    .await;
    assert!(view.is_active && view.last_error.is_none());
    worker.stop().await;
    let recoveries = watcher.bodies().iter().filter(|b| b["event"] == "webhook.endpoint.recovered").count();
    assert_eq!(recoveries, 1, "two successes, one recovery");

    // Now the mail server answers: what waited for it arrives, once per change.
    let queued: i64 = on_db!(&f.d.db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox WHERE status = 'pending'").fetch_one(pool).await).unwrap();
    assert_eq!(queued, 2, "failing and recovered, kept while the server is down");
    eventually(WAIT, "a mail tried while the server is down", || async {
        let tried: i64 =
            on_db!(&f.d.db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox WHERE status = 'pending' AND last_error IS NOT NULL").fetch_one(pool).await)
                .unwrap();
        (tried > 0).then_some(())
    })
    .await;
    let smtp = SmtpSink::start_on(smtp_port).await;
    let mails = smtp.wait_for(2, WAIT).await;
    let subjects: Vec<&str> = mails.iter().map(|m| m.subject.as_str()).collect();
    assert!(
        subjects.contains(&"[ConnectGain] Webhook \"Endpoint\" is failing") && subjects.contains(&"[ConnectGain] Webhook \"Endpoint\" recovered"),
        "{subjects:?}"
    );
    eventually(WAIT, "both mails recorded as sent", || async {
        let sent: i64 = on_db!(&f.d.db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox WHERE status = 'sent'").fetch_one(pool).await).unwrap();
        (sent == 2).then_some(())
    })
    .await;
    mailer.abort();
}

backend_tests!(
    custom_headers_arrive_and_never_show,
    the_rate_limit_holds_over_a_burst,
    a_failing_endpoint_is_turned_off_and_others_are_told,
    a_recovered_endpoint_is_announced_once,
);
