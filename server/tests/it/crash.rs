//! Crash safety of outbound delivery: the server binary is killed with SIGKILL in the middle
//! of a burst of 10,000 events and started again on the same database; every event whose
//! change was committed reaches the receiver at least once.

use std::{
    collections::HashSet,
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex, RwLock,
    },
    time::{Duration, Instant},
};

use crate::helpers::{Backend, Receiver, TestEnv};
use serde_json::{json, Value};

const EVENTS: usize = 10_000;
const CREATORS: usize = 16;

struct Server {
    child: Child,
    addr: String,
}

/// Starts the real binary on `env`'s database and waits until it listens.
fn start(env: &TestEnv) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_connectgain"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.vars(&[
            ("CONNECTGAIN_LOG_FORMAT", "json"),
            ("RUST_LOG", "info"),
            // A dead instance's leases expire quickly, so the restarted one takes them over.
            ("CONNECTGAIN_WEBHOOK_TIMEOUT_MS", "2000"),
            ("CONNECTGAIN_WEBHOOK_LEASE_MS", "4000"),
            ("CONNECTGAIN_WEBHOOK_RETRY_SCHEDULE", "200ms,500ms,1s"),
            ("CONNECTGAIN_DB_MAX_CONNECTIONS", "10"),
        ]))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("the server logs before it listens").unwrap();
        let event: Value = serde_json::from_str(&line).unwrap_or_default();
        if event["message"] == "ConnectGain is listening" {
            break event["addr"].as_str().unwrap().to_owned();
        }
    };
    // Keep draining the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr }
}

/// The contacts whose `contact.created` reached the receiver.
fn delivered(receiver: &Receiver) -> HashSet<String> {
    receiver.bodies().iter().filter_map(|event| event["data"]["id"].as_str().map(str::to_owned)).collect()
}

/// Creates contacts `next..EVENTS` with a few concurrent clients until done or the server
/// stops answering; returns the ids the server confirmed and the numbers left unsure.
async fn burst(base: Arc<RwLock<String>>, token: String, next: Arc<AtomicUsize>, retry: Vec<usize>) -> (Vec<String>, Vec<usize>) {
    let client = reqwest::Client::new();
    let confirmed = Arc::new(Mutex::new(Vec::new()));
    let unsure = Arc::new(Mutex::new(Vec::new()));
    let retry = Arc::new(Mutex::new(retry));
    let mut tasks = Vec::new();
    for _ in 0..CREATORS {
        let (client, base, token, next) = (client.clone(), base.clone(), token.clone(), next.clone());
        let (confirmed, unsure, retry) = (confirmed.clone(), unsure.clone(), retry.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let n = match retry.lock().unwrap().pop() {
                    Some(n) => n,
                    None => next.fetch_add(1, Ordering::Relaxed),
                };
                if n >= EVENTS {
                    return;
                }
                let email = format!("c{n}@burst.io");
                let url = format!("{}/api/contacts", base.read().unwrap());
                let sent = client.post(&url).bearer_auth(&token).json(&json!({"first_name": format!("C{n}"), "email": email})).send().await;
                match sent {
                    Ok(r) if r.status() == 201 => {
                        let body: Value = r.json().await.unwrap();
                        confirmed.lock().unwrap().push(body["id"].as_str().unwrap().to_owned());
                    }
                    // Committed before the crash, unanswered: find it.
                    Ok(r) if r.status() == 409 => {
                        let found: Value = client
                            .get(format!("{}/api/contacts?email={email}", base.read().unwrap()))
                            .bearer_auth(&token)
                            .send()
                            .await
                            .unwrap()
                            .json()
                            .await
                            .unwrap();
                        confirmed.lock().unwrap().push(found["data"][0]["id"].as_str().unwrap().to_owned());
                    }
                    other => {
                        // The server is gone: this one may or may not have been committed.
                        assert!(other.is_err() || other.as_ref().unwrap().status().is_server_error(), "{other:?}");
                        unsure.lock().unwrap().push(n);
                        return;
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let confirmed = confirmed.lock().unwrap().clone();
    let unsure = unsure.lock().unwrap().clone();
    (confirmed, unsure)
}

async fn no_event_is_lost_when_the_server_is_killed_mid_burst(backend: Backend) {
    let env = TestEnv::new(backend).await;
    let first = start(&env);
    let base = Arc::new(RwLock::new(format!("http://{}", first.addr)));
    let client = reqwest::Client::new();
    let signup = json!({"email": "owner@burst.io", "password": crate::helpers::api::PASSWORD, "organization_name": "Burst"});
    let reply = client.post(format!("{}/api/v1/auth/signup", base.read().unwrap())).json(&signup).send().await.unwrap();
    assert_eq!(reply.status(), 201);
    let login = json!({"email": "owner@burst.io", "password": crate::helpers::api::PASSWORD});
    let token: Value = client.post(format!("{}/api/v1/auth/login", base.read().unwrap())).json(&login).send().await.unwrap().json().await.unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();
    let receiver = Receiver::ok().await;
    let url = receiver.url();
    let subscription = json!({"name": "burst", "url": url, "events": ["contact.created"]});
    let created = client.post(format!("{}/api/v1/webhooks", base.read().unwrap())).bearer_auth(&token).json(&subscription).send().await.unwrap();
    assert_eq!(created.status(), 201);

    // The burst; SIGKILL once a fair part of it is written and being delivered.
    let next = Arc::new(AtomicUsize::new(0));
    let burst_one = tokio::spawn(burst(base.clone(), token.clone(), next.clone(), Vec::new()));
    let started = Instant::now();
    while next.load(Ordering::Relaxed) < EVENTS / 3 || receiver.count() < 500 {
        assert!(started.elapsed() < Duration::from_secs(120), "the burst did not get going");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut first = first;
    first.child.kill().unwrap(); // SIGKILL
    first.child.wait().unwrap();
    let received_at_kill = receiver.count();
    let (mut confirmed, unsure) = burst_one.await.unwrap();

    // Start again on the same database and finish the burst.
    let mut second = start(&env);
    *base.write().unwrap() = format!("http://{}", second.addr);
    let (more, left) = burst(base.clone(), token.clone(), next.clone(), unsure).await;
    assert!(left.is_empty(), "the restarted server answered every create");
    confirmed.extend(more);
    let confirmed: HashSet<String> = confirmed.into_iter().collect();
    assert_eq!(confirmed.len(), EVENTS, "every contact was created once");

    let started = Instant::now();
    loop {
        let missing = confirmed.difference(&delivered(&receiver)).count();
        if missing == 0 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(180), "{missing} events were never delivered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let total = receiver.count();
    eprintln!("{backend:?}: killed after {received_at_kill} receipts; all {EVENTS} events delivered, {} duplicates (at-least-once)", total - EVENTS);
    second.child.kill().unwrap();
    second.child.wait().unwrap();
}

backend_tests!(no_event_is_lost_when_the_server_is_killed_mid_burst);
