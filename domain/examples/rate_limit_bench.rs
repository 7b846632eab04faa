//! The rate limit under a burst: one endpoint limited to `--limit` attempts a second gets
//! `--burst` events committed at once; a local receiver (in this process) records when each
//! request arrives. Prints how long the burst took, the rate, and the busiest one-second
//! window (which must not exceed the limit).
//!
//! ```sh
//! cargo run -p connectgain-domain --example rate_limit_bench --release -- [--limit 20] [--burst 1000]
//! ```
//! `DATABASE_URL=postgres://…/EMPTY_DB` runs it on PostgreSQL (a database of its own).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use connectgain_domain::{
    crypto::{KeyRing, MasterKey},
    organizations,
    outbound::{
        events::{self, EventType},
        subscriptions::{self, SubscriptionInput},
        worker,
    },
    Config, Db, Domain,
};
use serde_json::json;

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned()).unwrap_or_else(|| default.to_owned())
}

#[tokio::main]
async fn main() {
    let limit: u32 = arg("--limit", "20").parse().unwrap();
    let burst: usize = arg("--burst", "1000").parse().unwrap();
    let dir = std::env::temp_dir().join(format!("cg-rate-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let database_url = std::env::var("DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}", dir.join("bench.db").display()));
    let vars: HashMap<&str, String> = [("DATABASE_URL", database_url), ("CONNECTGAIN_ALLOW_PRIVATE_TARGETS", "true".into())].into();
    let config = Config::from_lookup(|n| vars.get(n).cloned()).unwrap();
    let db = Db::connect(&config).await.unwrap();
    db.migrate().await.unwrap();
    println!("backend={} limit={limit}/s burst={burst}", db.backend());
    let d = Domain::new(db, Arc::new(KeyRing::new(MasterKey::generate(), vec![])), Arc::new(config));

    let arrivals: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let seen = arrivals.clone();
    let app = axum::Router::new().fallback(move || {
        let seen = seen.clone();
        async move {
            seen.lock().unwrap().push(Instant::now());
            "ok"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let org = organizations::create(&d.db, "bench").await.unwrap().id;
    let input = SubscriptionInput {
        name: "limited".into(),
        url: format!("http://{addr}/hook"),
        events: vec!["*".into()],
        rate_limit_per_sec: Some(limit),
        ..Default::default()
    };
    subscriptions::create(&d, org, &input).await.unwrap();
    let mut tx = d.db.begin().await.unwrap();
    for i in 0..burst {
        events::emit(&mut tx, org, EventType::ContactCreated, &json!({"id": i})).await.unwrap();
    }
    tx.commit().await.unwrap();

    let started = Instant::now();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(worker::run(d.clone(), async move {
        let _ = stopped.await;
    }));
    while arrivals.lock().unwrap().len() < burst {
        assert!(started.elapsed() < Duration::from_secs(3600), "the burst did not finish");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let took = started.elapsed();
    let _ = stop.send(());
    let _ = running.await;

    let mut times = arrivals.lock().unwrap().clone();
    times.sort();
    let (mut busiest, mut start) = (0, 0);
    for end in 0..times.len() {
        while times[end] - times[start] >= Duration::from_secs(1) {
            start += 1;
        }
        busiest = busiest.max(end - start + 1);
    }
    let first_second = times.iter().filter(|t| **t - times[0] < Duration::from_secs(1)).count();
    println!(
        "delivered {} in {:.1} s: {:.1}/s on average; busiest one-second window {busiest} (limit {limit}); first second {first_second}",
        times.len(),
        took.as_secs_f64(),
        times.len() as f64 / (times[times.len() - 1] - times[0]).as_secs_f64().max(0.001)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
