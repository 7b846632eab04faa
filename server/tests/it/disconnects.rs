//! Clients that vanish mid-request never stop the server from writing: after bursts of
//! requests whose connections are cut at every moment, the next write succeeds at once,
//! and every contact that was committed has its event delivered (once, unless an attempt
//! failed and was made again).

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use crate::helpers::{Backend, Receiver, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

const BURSTS: usize = 20;
const CLIENTS: usize = 48;

/// Sends a whole `POST /api/contacts` and goes away after `wait_us` without reading the
/// answer; every other client resets the connection instead of closing it.
async fn vanish(app: &TestApp, token: &str, email: &str, wait_us: u64, reset: bool) {
    let Ok(mut stream) = tokio::net::TcpStream::connect(app.addr).await else { return };
    let body = json!({ "email": email, "first_name": "Gone" }).to_string();
    let request = format!(
        "POST /api/contacts HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        app.addr,
        body.len()
    );
    if stream.write_all(request.as_bytes()).await.is_err() {
        return;
    }
    // Not a wait for a state: it spreads the moments at which the clients vanish over the
    // whole life of their requests, from parsing to the commit.
    tokio::time::sleep(Duration::from_micros(wait_us)).await;
    if reset {
        let _ = stream.set_zero_linger();
    }
    drop(stream);
}

async fn clients_that_vanish_mid_request_never_block_later_writes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, token) = app.owner("owner@acme.io", "Acme").await;
    let received = Receiver::ok().await;
    let url = received.url();
    let created = app.call(Method::POST, "/api/v1/webhooks", Some(&token), Some(&json!({"name": "all", "url": url, "events": ["*"]}))).await;
    assert_eq!(created.status, 201, "{}", created.body);

    let app = Arc::new(app);
    for burst in 0..BURSTS {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|i| {
                let (app, token) = (app.clone(), token.clone());
                let wait_us = ((burst * CLIENTS + i) % 12) as u64 * 500;
                tokio::spawn(async move { vanish(&app, &token, &format!("gone-{burst}-{i}@acme.io"), wait_us, i % 2 == 0).await })
            })
            .collect();
        for client in clients {
            client.await.unwrap();
        }
        // A write lock left behind would make this wait out the busy timeout and fail.
        let started = Instant::now();
        let after = app.call(Method::POST, "/api/contacts", Some(&token), Some(&json!({"email": format!("after-{burst}@acme.io")}))).await;
        assert_eq!(after.status, 201, "burst {burst}: the write after it answered {} in {:?}: {}", after.status, started.elapsed(), after.body);
    }

    // Every committed contact (the vanished clients' included) is delivered, once, and no
    // event names a contact that was not committed. The server may still be working through
    // vanished clients' requests when the bursts end (a client that closed, rather than
    // reset, left a whole request to read; on a busy machine seconds later), so the contacts,
    // the receipts and the delivery log are read together until they agree and nothing is
    // pending: the state once every request has been dealt with.
    //
    // Delivery is at least once: an attempt that timed out on a busy machine may still have
    // reached the receiver, and is made again. So a contact may arrive twice only when its
    // delivery logged more than one attempt, and no delivery ever logs two successes (two
    // claims of one delivery would). The attempts are logged a moment after the receipts.
    let (db, _) = app.env.open().await;
    let (committed, per_contact, logged) =
        connectgain_testkit::eventually(Duration::from_secs(120), "every committed contact delivered and logged", || async {
            let ids: Vec<uuid::Uuid> = connectgain_domain::on_db!(&db, pool => sqlx::query_scalar("SELECT id FROM contacts").fetch_all(pool).await).unwrap();
            let logged: Vec<(String, i64, i64, String)> = connectgain_domain::on_db!(&db, pool => sqlx::query_as(
            "SELECT e.body, \
               (SELECT COUNT(*) FROM outbound_attempts a WHERE a.delivery_id = d.id), \
               (SELECT COUNT(*) FROM outbound_attempts a WHERE a.delivery_id = d.id AND a.success), d.status \
             FROM outbound_deliveries d JOIN outbound_events e ON e.id = d.event_id WHERE d.event_type = 'contact.created'",
        )
        .fetch_all(pool)
        .await)
            .unwrap();
            let mut per_contact: HashMap<String, usize> = HashMap::new();
            for event in received.bodies().into_iter().filter(|e| e["event"] == "contact.created") {
                *per_contact.entry(event["data"]["id"].as_str().unwrap().to_owned()).or_default() += 1;
            }
            let committed: std::collections::HashSet<String> = ids.iter().map(ToString::to_string).collect();
            let agree = per_contact.len() == committed.len() && per_contact.keys().all(|id| committed.contains(id)) && logged.len() == committed.len();
            (agree && logged.iter().all(|(_, _, _, status)| status != "pending")).then_some((committed.len() as i64, per_contact, logged))
        })
        .await;
    assert!(committed >= BURSTS as i64, "{committed}");
    for (body, attempts, successes, status) in logged {
        let body: Value = serde_json::from_str(&body).unwrap();
        let contact = body["data"]["id"].as_str().unwrap();
        let got = per_contact.get(contact).copied().unwrap_or(0) as i64;
        assert_eq!((status.as_str(), successes), ("delivered", 1), "contact {contact}: delivered by exactly one successful attempt");
        assert!(got <= attempts, "contact {contact} received {got} times, with {attempts} attempts logged");
    }
}

backend_tests!(clients_that_vanish_mid_request_never_block_later_writes);
