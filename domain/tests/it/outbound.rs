//! The outbound delivery engine against real HTTP receivers on 127.0.0.1 and real databases.

use std::time::Duration;

use crate::support::{eventually, Backend, Fixture, Receiver, Reply, Worker};
use chrono::Utc;
use connectgain_domain::{
    outbound::{
        events::{self, EventType},
        logs::{self, AttemptFilter},
        subscriptions::{self, SubscriptionInput},
        worker, DeliveryId,
    },
    Error,
};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use serde_json::json;
use sha2::Sha256;

/// A generous ceiling for states that arrive in milliseconds on an idle machine: the
/// suite must pass while other work keeps both cores busy.
const WAIT: Duration = Duration::from_secs(30);

fn input(url: &str, events: &[&str]) -> SubscriptionInput {
    SubscriptionInput { name: "CRM sync".into(), url: url.into(), events: events.iter().map(|e| e.to_string()).collect(), ..Default::default() }
}

fn hmac_hex(key: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

async fn delivers_the_exact_body_and_headers(backend: Backend) {
    let f = Fixture::new(backend, &[]).await;
    let rx = Receiver::start(|_| Reply { body: "thanks".into(), ..Reply::ok() }).await;
    let created =
        subscriptions::create(&f.d, f.org, &SubscriptionInput { secret: Some("my-secret".into()), ..input(&rx.url(), &["contact.created"]) }).await.unwrap();
    assert_eq!(created.secret.expose_secret(), "my-secret");
    let other = subscriptions::create(&f.d, f.org, &input(&rx.url(), &["deal.created"])).await.unwrap();
    assert!(other.secret.expose_secret().starts_with("whsec_"));
    let worker = Worker::start(&f.d);

    let data = json!({"id": "c-1", "first_name": "John", "organization_id": f.org.to_string()});
    let emitted_at = std::time::Instant::now();
    events::emit_now(&f.d, f.org, EventType::ContactCreated, &data).await.unwrap();
    let got = rx.wait_for(1, WAIT).await;
    // Woken by the commit, not by the next poll (the poll alone would still be within a few
    // seconds; this only rules out an event left for a restart).
    assert!(got[0].at - emitted_at < Duration::from_secs(5), "first attempt soon after the commit");
    let r = &got[0];
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["event"], "contact.created");
    assert_eq!(body["data"], data);
    assert!(r.body_str().starts_with(r#"{"event":"contact.created","timestamp":""#));
    assert_eq!(r.header("content-type"), "application/json");
    assert!(r.header("user-agent").starts_with("ConnectGain-Webhooks/"));
    assert_eq!(r.header("x-webhook-event"), "contact.created");
    // X-Webhook-Timestamp: the attempt's send time, ISO 8601 UTC with milliseconds and `Z`;
    // webhook-timestamp: the same instant in Unix seconds.
    let iso = r.header("x-webhook-timestamp");
    assert_eq!(iso.len(), "2026-11-22T10:30:00.123Z".len(), "{iso}");
    assert!(iso.ends_with('Z') && iso.as_bytes()[10] == b'T' && iso.as_bytes()[19] == b'.', "{iso}");
    let sent = chrono::DateTime::parse_from_rfc3339(iso).unwrap().with_timezone(&Utc);
    assert!((Utc::now() - sent).num_seconds().abs() < 5);
    let ts: i64 = r.header("webhook-timestamp").parse().unwrap();
    assert_eq!(ts, sent.timestamp());
    assert_eq!(r.header("x-webhook-signature"), hmac_hex(b"my-secret", &r.body));
    assert!(r.header("webhook-id").starts_with("msg_"));
    assert!(r.header("webhook-signature").starts_with("v1,"));

    // Recorded at once: the attempt with its headers and the response.
    let page = eventually(WAIT, "the attempt record", || async {
        let p = logs::attempts(&f.d, f.org, &AttemptFilter::default(), None, 50).await.unwrap();
        (!p.data.is_empty()).then_some(p)
    })
    .await;
    let a = &page.data[0];
    assert!(a.success && a.attempt == 1 && a.status_code == Some(200));
    assert_eq!(a.response_body.as_deref(), Some("thanks"));
    assert_eq!(a.webhook_id, r.header("webhook-id"));
    let headers: serde_json::Value = serde_json::from_str(&a.request_headers).unwrap();
    assert_eq!(headers["x-webhook-signature"], r.header("x-webhook-signature"));
    assert!(!a.request_headers.contains("my-secret"));
    let delivery = logs::delivery(&f.d, f.org, a.delivery_id).await.unwrap();
    assert_eq!((delivery.status.as_str(), delivery.attempts), ("delivered", 1));
    let stats = logs::stats(&f.d, f.org, created.view.id).await.unwrap();
    assert_eq!((stats.total, stats.succeeded, stats.failed), (1, 1, 0));
    assert_eq!(stats.success_rate, 1.0);

    // The other subscription did not want the event; a wildcard one gets everything.
    subscriptions::create(&f.d, f.org, &input(&rx.url(), &["*"])).await.unwrap();
    events::emit_now(&f.d, f.org, EventType::DealStageChanged, &json!({"id": "d-1"})).await.unwrap();
    let got = rx.wait_for(2, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rx.count(), 2, "only the * subscription wants deal.stage.changed");
    assert_eq!(got[1].header("x-webhook-event"), "deal.stage.changed");
    worker.stop().await;
}

async fn retries_a_500_on_the_schedule_then_succeeds(backend: Backend) {
    let f = Fixture::new(backend, &[("CONNECTGAIN_WEBHOOK_RETRY_SCHEDULE", "200ms,400ms,5s")]).await;
    let rx = Receiver::start(|n| if n < 2 { Reply { body: "boom".into(), ..Reply::status(500) } } else { Reply::ok() }).await;
    let sub = subscriptions::create(&f.d, f.org, &input(&rx.url(), &["*"])).await.unwrap();
    let worker = Worker::start(&f.d);
    events::emit_now(&f.d, f.org, EventType::DealUpdated, &json!({"id": "d"})).await.unwrap();
    let got = rx.wait_for(3, WAIT).await;
    let gaps = [got[1].at - got[0].at, got[2].at - got[1].at];
    assert!(gaps[0] >= Duration::from_millis(150) && gaps[0] < Duration::from_millis(3500), "{gaps:?}");
    assert!(gaps[1] >= Duration::from_millis(310) && gaps[1] < Duration::from_millis(3500), "{gaps:?}");
    assert!(got.iter().all(|r| r.header("webhook-id") == got[0].header("webhook-id")));
    assert!(got.iter().all(|r| r.body == got[0].body), "identical bytes on every attempt");
    let page = eventually(WAIT, "three attempts", || async {
        let p = logs::attempts(&f.d, f.org, &AttemptFilter { subscription: Some(sub.view.id), ..Default::default() }, None, 10).await.unwrap();
        (p.data.len() == 3).then_some(p)
    })
    .await;
    let numbers: Vec<i32> = page.data.iter().map(|a| a.attempt).collect();
    assert_eq!(numbers, [3, 2, 1], "newest first");
    assert_eq!(page.data[2].status_code, Some(500));
    assert_eq!(page.data[2].response_body.as_deref(), Some("boom"));
    let failed = logs::attempts(&f.d, f.org, &AttemptFilter { succeeded: Some(false), ..Default::default() }, None, 10).await.unwrap();
    assert_eq!(failed.data.len(), 2);
    let paged = logs::attempts(&f.d, f.org, &AttemptFilter::default(), None, 2).await.unwrap();
    let rest = logs::attempts(&f.d, f.org, &AttemptFilter::default(), paged.next_cursor, 2).await.unwrap();
    assert_eq!((paged.data.len(), rest.data.len(), rest.next_cursor), (2, 1, None));
    let stats = logs::stats(&f.d, f.org, sub.view.id).await.unwrap();
    assert_eq!((stats.total, stats.succeeded, stats.failed), (3, 1, 2));
    worker.stop().await;
}

async fn a_timeout_is_retried(backend: Backend) {
    let f = Fixture::new(backend, &[("CONNECTGAIN_WEBHOOK_TIMEOUT_MS", "300")]).await;
    let rx = Receiver::start(|n| if n == 0 { Reply { delay: Duration::from_secs(2), ..Reply::ok() } } else { Reply::ok() }).await;
    subscriptions::create(&f.d, f.org, &input(&rx.url(), &["*"])).await.unwrap();
    let worker = Worker::start(&f.d);
    events::emit_now(&f.d, f.org, EventType::MessageSent, &json!({"id": "m"})).await.unwrap();
    rx.wait_for(2, WAIT).await;
    let page = eventually(WAIT, "two attempts", || async {
        let p = logs::attempts(&f.d, f.org, &AttemptFilter::default(), None, 10).await.unwrap();
        (p.data.len() == 2).then_some(p)
    })
    .await;
    let first = &page.data[1];
    assert!(!first.success && first.status_code.is_none());
    assert!(first.error.as_deref().unwrap().contains("timed out"), "{:?}", first.error);
    assert!(first.duration_ms >= 290 && first.duration_ms < 5000, "{}", first.duration_ms);
    assert!(page.data[0].success);
    worker.stop().await;
}

async fn a_refused_connection_is_retried_until_dead(backend: Backend) {
    let f = Fixture::new(backend, &[("CONNECTGAIN_WEBHOOK_RETRY_SCHEDULE", "50ms,100ms")]).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port(); // closed again
    subscriptions::create(&f.d, f.org, &input(&format!("http://127.0.0.1:{port}/hook"), &["*"])).await.unwrap();
    let worker = Worker::start(&f.d);
    events::emit_now(&f.d, f.org, EventType::MessageFailed, &json!({"id": "m"})).await.unwrap();
    let page = eventually(WAIT, "a dead delivery", || async {
        let first = logs::attempts(&f.d, f.org, &AttemptFilter::default(), None, 10).await.unwrap().data.first()?.delivery_id;
        let d = logs::delivery(&f.d, f.org, first).await.unwrap();
        // The attempts are read after the final state: both are written in one commit, but
        // a list read before the state may predate the attempt that made it final.
        if d.status != "dead" {
            return None;
        }
        Some(logs::attempts(&f.d, f.org, &AttemptFilter::default(), None, 10).await.unwrap())
    })
    .await;
    assert_eq!(page.data.len(), 3, "the first attempt and two retries");
    let error = page.data[0].error.as_deref().unwrap().to_lowercase();
    assert!(error.contains("connect"), "{error}");
    worker.stop().await;
}

async fn a_429_waits_for_retry_after(backend: Backend) {
    let f = Fixture::new(backend, &[("CONNECTGAIN_WEBHOOK_RETRY_SCHEDULE", "100ms")]).await;
    let rx = Receiver::start(|n| if n == 0 { Reply { headers: vec![("retry-after", "1".into())], ..Reply::status(429) } } else { Reply::ok() }).await;
    subscriptions::create(&f.d, f.org, &input(&rx.url(), &["*"])).await.unwrap();
    let worker = Worker::start(&f.d);
    events::emit_now(&f.d, f.org, EventType::MessageRead, &json!({"id": "m"})).await.unwrap();
    let got = rx.wait_for(2, WAIT).await;
    let gap = got[1].at - got[0].at;
    assert!(gap >= Duration::from_millis(990) && gap < Duration::from_millis(5000), "{gap:?}");
    worker.stop().await;
}

async fn a_410_turns_the_subscription_off(backend: Backend) {
    let f = Fixture::new(backend, &[("CONNECTGAIN_WEBHOOK_RETRY_SCHEDULE", "5s")]).await;
    let rx = Receiver::start(|_| Reply::status(410)).await;
    let sub = subscriptions::create(&f.d, f.org, &input(&rx.url(), &["*"])).await.unwrap();
    let worker = Worker::start(&f.d);
    events::emit_now(&f.d, f.org, EventType::ContactDeleted, &json!({"id": "c"})).await.unwrap();
    rx.wait_for(1, WAIT).await;
    let view = eventually(WAIT, "the subscription off", || async {
        let v = subscriptions::get(&f.d, f.org, sub.view.id).await.unwrap();
        (!v.is_active).then_some(v)
    })
    .await;
    assert!(view.disabled_reason.unwrap().contains("410"));
    // Further events are not even queued for it.
    events::emit_now(&f.d, f.org, EventType::ContactDeleted, &json!({"id": "c2"})).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rx.count(), 1);
    let a = &logs::attempts(&f.d, f.org, &AttemptFilter::default(), None, 10).await.unwrap().data[0];
    assert_eq!(logs::delivery(&f.d, f.org, a.delivery_id).await.unwrap().status, "cancelled");
    // Turning it on again clears the reason.
    let on = subscriptions::update(&f.d, f.org, sub.view.id, &SubscriptionInput { is_active: Some(true), ..input(&rx.url(), &["*"]) }).await.unwrap();
    assert!(on.is_active && on.disabled_reason.is_none());
    worker.stop().await;
}

async fn replays_keep_the_webhook_id(backend: Backend) {
    let f = Fixture::new(backend, &[("CONNECTGAIN_WEBHOOK_RETRY_SCHEDULE", "50ms")]).await;
    let fail = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let flag = fail.clone();
    let rx = Receiver::start(move |_| if flag.load(std::sync::atomic::Ordering::SeqCst) { Reply::status(503) } else { Reply::ok() }).await;
    let sub = subscriptions::create(&f.d, f.org, &input(&rx.url(), &["*"])).await.unwrap();
    let worker = Worker::start(&f.d);
    let start = Utc::now();
    events::emit_now(&f.d, f.org, EventType::ConversationCreated, &json!({"id": "a"})).await.unwrap();
    events::emit_now(&f.d, f.org, EventType::ConversationAssigned, &json!({"id": "b"})).await.unwrap();
    rx.wait_for(4, WAIT).await;
    let dead = eventually(WAIT, "two dead deliveries", || async {
        let p = logs::attempts(&f.d, f.org, &AttemptFilter::default(), None, 10).await.unwrap();
        let mut ids: Vec<DeliveryId> = p.data.iter().map(|a| a.delivery_id).collect();
        ids.sort();
        ids.dedup();
        let mut dead = Vec::new();
        for id in &ids {
            if logs::delivery(&f.d, f.org, *id).await.unwrap().status == "dead" {
                dead.push(*id);
            }
        }
        (dead.len() == 2).then_some(dead)
    })
    .await;
    fail.store(false, std::sync::atomic::Ordering::SeqCst);
    let before = rx.count();

    // One delivery: same webhook-id, same body.
    logs::replay_delivery(&f.d, f.org, dead[0]).await.unwrap();
    let got = rx.wait_for(before + 1, WAIT).await;
    let replayed = &got[before];
    assert_eq!(replayed.header("webhook-id"), connectgain_domain::outbound::message_id(dead[0]));
    let original = got.iter().find(|r| r.header("webhook-id") == replayed.header("webhook-id")).unwrap();
    assert_eq!(original.body, replayed.body);
    let d0 = eventually(WAIT, "delivered", || async {
        let d = logs::delivery(&f.d, f.org, dead[0]).await.unwrap();
        (d.status == "delivered").then_some(d)
    })
    .await;
    assert_eq!(d0.attempts, 3, "attempt numbers continue after a replay");
    assert!(matches!(logs::replay_delivery(&f.d, f.org, dead[0]).await, Ok(())), "a delivered one can be sent again");

    // Every failed one of a time range: only the other is still dead.
    let n = logs::replay_failed(&f.d, f.org, start - chrono::Duration::minutes(1), Utc::now(), Some(sub.view.id)).await.unwrap();
    assert_eq!(n, 1);
    let got = rx.wait_for(before + 3, WAIT).await;
    assert!(got[before..].iter().any(|r| r.header("webhook-id") == connectgain_domain::outbound::message_id(dead[1])));
    let none = logs::replay_failed(&f.d, f.org, start - chrono::Duration::days(2), start - chrono::Duration::days(1), None).await.unwrap();
    assert_eq!(none, 0);
    worker.stop().await;
}

async fn a_foreign_tenant_sees_nothing(backend: Backend) {
    let f = Fixture::new(backend, &[]).await;
    let rx = Receiver::start(|_| Reply::ok()).await;
    let sub = subscriptions::create(&f.d, f.org, &input(&rx.url(), &["*"])).await.unwrap();
    let worker = Worker::start(&f.d);
    events::emit_now(&f.d, f.org, EventType::UserCreated, &json!({"id": "u"})).await.unwrap();
    rx.wait_for(1, WAIT).await;
    let delivery = eventually(WAIT, "an attempt", || async {
        logs::attempts(&f.d, f.org, &AttemptFilter::default(), None, 10).await.unwrap().data.first().map(|a| a.delivery_id)
    })
    .await;
    let other = f.other_org().await;
    let id = sub.view.id;
    assert!(matches!(subscriptions::get(&f.d, other, id).await, Err(Error::NotFound)));
    assert!(subscriptions::list(&f.d, other).await.unwrap().is_empty());
    assert!(matches!(subscriptions::update(&f.d, other, id, &input(&rx.url(), &["*"])).await, Err(Error::NotFound)));
    assert!(matches!(subscriptions::rotate_secret(&f.d, other, id, Duration::ZERO).await, Err(Error::NotFound)));
    assert!(matches!(subscriptions::delete(&f.d, other, id).await, Err(Error::NotFound)));
    assert!(logs::attempts(&f.d, other, &AttemptFilter::default(), None, 10).await.unwrap().data.is_empty());
    assert!(matches!(logs::attempts(&f.d, other, &AttemptFilter { subscription: Some(id), ..Default::default() }, None, 10).await, Err(Error::NotFound)));
    assert!(matches!(logs::stats(&f.d, other, id).await, Err(Error::NotFound)));
    assert!(matches!(logs::delivery(&f.d, other, delivery).await, Err(Error::NotFound)));
    assert!(matches!(logs::replay_delivery(&f.d, other, delivery).await, Err(Error::NotFound)));
    assert_eq!(logs::replay_failed(&f.d, other, Utc::now() - chrono::Duration::days(1), Utc::now(), None).await.unwrap(), 0);
    assert!(matches!(logs::send_test(&f.d, other, id, EventType::UserCreated, &json!({})).await, Err(Error::NotFound)));
    // The other tenant's events never reach this tenant's subscription.
    events::emit_now(&f.d, other, EventType::UserCreated, &json!({"id": "x"})).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rx.count(), 1);
    assert!(subscriptions::get(&f.d, f.org, id).await.is_ok());
    worker.stop().await;
}

async fn an_expired_lease_is_picked_up_again(backend: Backend) {
    // A crashed instance: it claimed the delivery (lease in the future) and died.
    let f = Fixture::new(backend, &[]).await;
    let rx = Receiver::start(|_| Reply::ok()).await;
    subscriptions::create(&f.d, f.org, &input(&rx.url(), &["*"])).await.unwrap();
    events::emit_now(&f.d, f.org, EventType::DealAssigned, &json!({"id": "d"})).await.unwrap();
    let lease_end = Utc::now() + chrono::Duration::milliseconds(800);
    let claimed = connectgain_domain::on_db!(&f.d.db, pool => sqlx::query(
        "UPDATE outbound_deliveries SET next_attempt_at = $1, locked_until = $1 WHERE status = 'pending'",
    )
    .bind(lease_end)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();
    assert_eq!(claimed, 1);
    let worker = Worker::start(&f.d);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(rx.count(), 0, "leased to the dead instance");
    rx.wait_for(1, WAIT).await;
    worker.stop().await;
}

async fn test_sends_and_rotation(backend: Backend) {
    let f = Fixture::new(backend, &[]).await;
    let rx = Receiver::start(|_| Reply::ok()).await;
    let sub =
        subscriptions::create(&f.d, f.org, &SubscriptionInput { signature_style: Some("sha256".into()), ..input(&rx.url(), &["deal.created"]) }).await.unwrap();
    let old = sub.secret.expose_secret().to_owned();
    let worker = Worker::start(&f.d);

    let id = logs::send_test(&f.d, f.org, sub.view.id, EventType::ZoomRecordingCompleted, &json!({"test": true})).await.unwrap();
    let got = rx.wait_for(1, WAIT).await;
    assert_eq!(got[0].header("webhook-id"), connectgain_domain::outbound::message_id(id));
    assert_eq!(got[0].header("x-webhook-signature"), format!("sha256={}", hmac_hex(old.as_bytes(), &got[0].body)));
    assert_eq!(got[0].header("webhook-signature").split(' ').count(), 1);
    eventually(WAIT, "the test attempt in the logs", || async {
        let p =
            logs::attempts(&f.d, f.org, &AttemptFilter { event_type: Some(EventType::ZoomRecordingCompleted), ..Default::default() }, None, 10).await.unwrap();
        (p.data.len() == 1).then_some(())
    })
    .await;

    let new = subscriptions::rotate_secret(&f.d, f.org, sub.view.id, Duration::from_secs(3600)).await.unwrap();
    assert_ne!(new.expose_secret(), old);
    assert!(subscriptions::get(&f.d, f.org, sub.view.id).await.unwrap().previous_secret_until.is_some());
    logs::send_test(&f.d, f.org, sub.view.id, EventType::DealCreated, &json!({})).await.unwrap();
    let got = rx.wait_for(2, WAIT).await;
    assert_eq!(got[1].header("x-webhook-signature"), format!("sha256={}", hmac_hex(old.as_bytes(), &got[1].body)), "old secret during the grace period");
    assert_eq!(got[1].header("webhook-signature").split(' ').count(), 2, "both secrets sign webhook-signature");

    subscriptions::rotate_secret(&f.d, f.org, sub.view.id, Duration::ZERO).await.unwrap();
    let newest = subscriptions::rotate_secret(&f.d, f.org, sub.view.id, Duration::ZERO).await.unwrap();
    logs::send_test(&f.d, f.org, sub.view.id, EventType::DealCreated, &json!({})).await.unwrap();
    let got = rx.wait_for(3, WAIT).await;
    assert_eq!(got[2].header("x-webhook-signature"), format!("sha256={}", hmac_hex(newest.expose_secret().as_bytes(), &got[2].body)));
    assert_eq!(got[2].header("webhook-signature").split(' ').count(), 1);

    let err = logs::send_test(&f.d, f.org, sub.view.id, EventType::DealCreated, &json!({"amount": 10.5})).await.unwrap_err();
    assert!(matches!(err, Error::Invalid(ref fields) if fields.contains_key("data")), "{err:?}");
    worker.stop().await;
}

async fn invalid_subscriptions_are_refused_field_by_field(backend: Backend) {
    let f = Fixture::new(backend, &[]).await;
    let err = subscriptions::create(
        &f.d,
        f.org,
        &SubscriptionInput {
            name: " ".into(),
            url: "ftp://example.com/x".into(),
            events: vec!["contact.created".into(), "contact.exploded".into()],
            secret: Some("whsec_***".into()),
            is_active: None,
            signature_style: Some("md5".into()),
            description: Some("d".repeat(1001)),
            filter: Some(serde_json::json!({"data.stage": {"$near": 1}})),
            headers: Some([("Host".to_owned(), "evil.example".to_owned())].into()),
            rate_limit_per_sec: Some(20_000),
        },
    )
    .await
    .unwrap_err();
    let Error::Invalid(fields) = err else { panic!("{err:?}") };
    let names: Vec<&str> = fields.keys().copied().collect();
    assert_eq!(names, ["description", "events", "filter", "headers", "name", "rate_limit_per_sec", "secret", "signature_style", "url"]);
    assert!(fields["headers"].contains("Host"), "{}", fields["headers"]);
    assert!(fields["events"].contains("contact.exploded"));
    assert!(fields["filter"].starts_with("filter.data.stage.$near: unknown operator"), "{}", fields["filter"]);
    let Error::Invalid(fields) = subscriptions::create(&f.d, f.org, &input("not a url", &[])).await.unwrap_err() else { panic!() };
    assert!(fields.contains_key("url") && fields.contains_key("events"));
    // A view never carries the secret.
    let created =
        subscriptions::create(&f.d, f.org, &SubscriptionInput { secret: Some("s3cr3t-value".into()), ..input("https://example.com/h", &["*"]) }).await.unwrap();
    let listed = serde_json::to_string(&subscriptions::list(&f.d, f.org).await.unwrap()).unwrap();
    assert!(!listed.contains("s3cr3t-value") && listed.contains(&created.view.id.to_string()));
    subscriptions::delete(&f.d, f.org, created.view.id).await.unwrap();
    assert!(matches!(subscriptions::get(&f.d, f.org, created.view.id).await, Err(Error::NotFound)));
}

/// `worker::drain` sends what is due and records it before it returns, so a test knows what
/// was sent without waiting for a running worker, and what did not arrive never will.
async fn a_drain_sends_what_is_due_and_records_it_before_returning(backend: Backend) {
    let f = Fixture::new(backend, &[("CONNECTGAIN_WEBHOOK_RETRY_SCHEDULE", "1h")]).await;
    let ok = Receiver::ok().await;
    let down = Receiver::start(|_| Reply::status(503)).await;
    subscriptions::create(&f.d, f.org, &input(&ok.url(), &["contact.created"])).await.unwrap();
    subscriptions::create(&f.d, f.org, &input(&ok.url(), &["deal.created"])).await.unwrap();
    subscriptions::create(&f.d, f.org, &input(&down.url(), &["*"])).await.unwrap();
    events::emit_now(&f.d, f.org, EventType::ContactCreated, &json!({"id": "c-1"})).await.unwrap();

    worker::drain(&f.d).await;
    assert_eq!(ok.count(), 1, "only the contact.created subscription wanted it");
    assert_eq!(down.count(), 1);
    let page = logs::attempts(&f.d, f.org, &AttemptFilter::default(), None, 50).await.unwrap();
    assert_eq!(page.data.len(), 2, "both attempts are recorded");
    let failed = page.data.iter().find(|a| !a.success).expect("the 503");
    assert_eq!(failed.status_code, Some(503));
    let delivery = logs::delivery(&f.d, f.org, failed.delivery_id).await.unwrap();
    assert_eq!((delivery.status.as_str(), delivery.attempts), ("pending", 1), "its retry falls due in an hour");

    worker::drain(&f.d).await;
    assert_eq!((ok.count(), down.count()), (1, 1), "nothing was due");
}

/// Deliveries made for one subscription so far (they are written with the event).
async fn deliveries_of(f: &Fixture, subscription: connectgain_domain::outbound::SubscriptionId) -> i64 {
    connectgain_domain::on_db!(&f.d.db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM outbound_deliveries WHERE subscription_id = $1")
        .bind(subscription)
        .fetch_one(pool)
        .await)
    .unwrap()
}

/// A payload filter decides, when the event is written, whether a subscription gets it: an
/// event that does not match makes no delivery at all.
async fn payload_filters_decide_which_events_make_deliveries(backend: Backend) {
    let f = Fixture::new(backend, &[]).await;
    let url = "https://receiver.example.com/hooks";
    let with = |events: &[&str], filter: serde_json::Value| SubscriptionInput { filter: Some(filter), ..input(url, events) };
    let won = subscriptions::create(&f.d, f.org, &with(&["deal.stage.changed"], json!({"data.stage": "won"}))).await.unwrap().view;
    assert_eq!(won.filter, Some(json!({"data.stage": "won"})), "reads show the filter");
    let big = json!({"$or": [{"data.value_cents": {"$gte": 100000}}, {"$and": [{"data.currency": "EUR"}, {"data.owner": {"$exists": true}}]}]});
    let big = subscriptions::create(&f.d, f.org, &with(&["*"], big)).await.unwrap().view;
    let all = subscriptions::create(&f.d, f.org, &input(url, &["*"])).await.unwrap().view;
    assert_eq!(all.filter, None);

    let emit = |event, data: serde_json::Value| {
        let d = f.d.clone();
        let org = f.org;
        async move { events::emit_now(&d, org, event, &data).await.unwrap() }
    };
    emit(EventType::DealStageChanged, json!({"id": "d1", "stage": "proposal", "value_cents": 5000, "currency": "USD"})).await;
    emit(EventType::DealCreated, json!({"id": "d2", "stage": "lead", "value_cents": 250000, "currency": "USD"})).await;
    emit(EventType::DealCreated, json!({"id": "d3", "stage": "lead", "value_cents": 10, "currency": "EUR", "owner": null})).await;
    emit(EventType::DealCreated, json!({"id": "d4", "stage": "lead", "value_cents": 10, "currency": "EUR"})).await;
    emit(EventType::DealStageChanged, json!({"id": "d1", "stage": "won", "value_cents": 5000, "currency": "USD"})).await;
    assert_eq!(deliveries_of(&f, won.id).await, 1, "only the move to won");
    assert_eq!(deliveries_of(&f, big.id).await, 2, "the big deal and the EUR deal with an owner key (null)");
    assert_eq!(deliveries_of(&f, all.id).await, 5, "no filter: every event");

    // Changing the filter changes what comes next; {} removes it.
    let patch = |filter| connectgain_domain::outbound::subscriptions::SubscriptionPatch { filter: Some(filter), ..Default::default() };
    let changed = subscriptions::patch(&f.d, f.org, won.id, &patch(json!({"data.stage": {"$in": ["won", "lost"]}}))).await.unwrap();
    assert_eq!(changed.filter, Some(json!({"data.stage": {"$in": ["won", "lost"]}})));
    emit(EventType::DealStageChanged, json!({"id": "d2", "stage": "lost"})).await;
    assert_eq!(deliveries_of(&f, won.id).await, 2);
    assert_eq!(subscriptions::patch(&f.d, f.org, won.id, &patch(json!({}))).await.unwrap().filter, None);
    emit(EventType::DealStageChanged, json!({"id": "d2", "stage": "proposal"})).await;
    assert_eq!(deliveries_of(&f, won.id).await, 3);
    let Error::Invalid(fields) = subscriptions::patch(&f.d, f.org, won.id, &patch(json!({"data.value_cents": {"$gt": [1]}}))).await.unwrap_err() else {
        panic!()
    };
    assert!(fields["filter"].starts_with("filter.data.value_cents.$gt: compares with a number or a string"), "{fields:?}");
}

backend_tests!(
    payload_filters_decide_which_events_make_deliveries,
    a_drain_sends_what_is_due_and_records_it_before_returning,
    delivers_the_exact_body_and_headers,
    retries_a_500_on_the_schedule_then_succeeds,
    a_timeout_is_retried,
    a_refused_connection_is_retried_until_dead,
    a_429_waits_for_retry_after,
    a_410_turns_the_subscription_off,
    replays_keep_the_webhook_id,
    a_foreign_tenant_sees_nothing,
    an_expired_lease_is_picked_up_again,
    test_sends_and_rotation,
    invalid_subscriptions_are_refused_field_by_field,
);
