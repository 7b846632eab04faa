//! Outbound delivery benchmark: a local receiver answering 200 at once, a fresh database,
//! the real worker.
//!
//! ```sh
//! cargo run -p connectgain-domain --example delivery_bench --release -- \
//!     [--db sqlite|postgres] [--burst 100000] [--subs 4] [--history 0] \
//!     [--rate 1000] [--emitters 8] [--paced-secs 60]
//! ```
//! PostgreSQL: `--db postgres` with `CONNECTGAIN_BENCH_POSTGRES_URL` (a server URL; a fresh
//! database is created and dropped). Worker settings come from the usual
//! `CONNECTGAIN_WEBHOOK_*` variables.
//!
//! Phase 0 (optional, `--history N`): a large database first: N events delivered long ago,
//! each with its delivery and one recorded attempt (bulk-inserted; no ANALYZE, as a database nobody tuned).
//!
//! Phase 1 (throughput): `burst` events for `subs` subscriptions are committed first (1,000
//! per transaction), then the worker drains the backlog: deliveries per second, measured
//! from the receiver and from the database (every attempt recorded, every delivery marked).
//! Phase 2 (latency): events are emitted one per transaction at `rate`/s for `paced-secs`
//! to one subscription, by `emitters` concurrent tasks (the i-th event is due at i/rate s
//! and belongs to emitter i mod emitters, so a slow commit does not hold back the schedule);
//! the receiver measures event-to-receipt latency from a timestamp in the data. Memory
//! (VmRSS, VmHWM) and, on SQLite, the write-ahead log's size are sampled throughout.

use std::{
    collections::HashMap,
    str::FromStr,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use axum::body::Bytes;
use connectgain_domain::{
    crypto::{KeyRing, MasterKey},
    on_db, on_tx, organizations,
    outbound::{
        events::{self, EventType},
        subscriptions::{self, SubscriptionInput},
        worker,
    },
    Config, Db, Domain,
};
use serde_json::json;
use sqlx::{postgres::PgConnectOptions, ConnectOptions};

fn now_us() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_micros() as u64
}

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned()).unwrap_or_else(|| default.to_owned())
}

/// Memory in MiB: (resident, resident peak, anonymous resident). SQLite maps the database
/// file (mmap), so its pages read count as resident too: page cache the kernel reclaims,
/// not memory the process allocated, which is the anonymous part.
fn mem() -> (u64, u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| status.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()).unwrap_or(0);
    (kb("VmRSS:") / 1024, kb("VmHWM:") / 1024, kb("RssAnon:") / 1024)
}

#[derive(Default)]
struct Sink {
    received: AtomicU64,
    /// Latencies (µs) while measuring.
    latencies: Mutex<Option<Vec<u64>>>,
}

/// A receiver on its own single-threaded runtime (so it does not steal the worker's threads
/// beyond one), answering 200 at once.
fn start_receiver(sink: Arc<Sink>) -> std::net::SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let app = axum::Router::new().fallback(move |body: Bytes| {
                let sink = sink.clone();
                async move {
                    sink.received.fetch_add(1, Ordering::Relaxed);
                    if let Some(l) = sink.latencies.lock().unwrap().as_mut() {
                        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) {
                            if let Some(t) = v["data"]["t_us"].as_u64() {
                                l.push(now_us().saturating_sub(t));
                            }
                        }
                    }
                    "ok"
                }
            });
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

async fn count(db: &Db, sql: &str) -> i64 {
    on_db!(db, pool => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await).unwrap()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let backend = arg("--db", "sqlite");
    let burst: usize = arg("--burst", "100000").parse().unwrap();
    let subs: usize = arg("--subs", "4").parse().unwrap();
    let rate: u64 = arg("--rate", "1000").parse().unwrap();
    let paced_secs: u64 = arg("--paced-secs", "60").parse().unwrap();
    let emitters: u64 = arg("--emitters", "8").parse::<u64>().unwrap().max(1);
    let history: usize = arg("--history", "0").parse().unwrap();

    let dir = std::env::temp_dir().join(format!("cg-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut pg_drop = None;
    let database_url = if backend == "postgres" {
        let admin = std::env::var("CONNECTGAIN_BENCH_POSTGRES_URL").expect("set CONNECTGAIN_BENCH_POSTGRES_URL");
        let name = format!("cg_bench_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnectOptions::from_str(&admin).unwrap().connect().await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
        pg_drop = Some((admin.clone(), name.clone()));
        format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
    } else {
        format!("sqlite://{}", dir.join("bench.db").display())
    };
    let wal_path = dir.join("bench.db-wal");
    let mut vars: HashMap<String, String> = std::env::vars().filter(|(k, _)| k.starts_with("CONNECTGAIN_WEBHOOK")).collect();
    vars.insert("DATABASE_URL".into(), database_url);
    vars.insert("CONNECTGAIN_ALLOW_PRIVATE_TARGETS".into(), "true".into());
    vars.entry("CONNECTGAIN_DB_MAX_CONNECTIONS".into()).or_insert_with(|| "10".into());
    vars.insert("CONNECTGAIN_MAX_SUBSCRIPTIONS".into(), subs.max(50).to_string());
    let config = Config::from_lookup(|n| vars.get(n).cloned()).unwrap();
    println!(
        "backend={backend} burst={burst} subs={subs} history={history} rate={rate}/s emitters={emitters} paced={paced_secs}s concurrency={} per-endpoint={} cores={}",
        config.outbound.concurrency,
        config.outbound.endpoint_concurrency,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0)
    );
    let db = Db::connect(&config).await.unwrap();
    db.migrate().await.unwrap();
    let d = Domain::new(db.clone(), Arc::new(KeyRing::new(MasterKey::generate(), vec![])), Arc::new(config));

    let sink = Arc::new(Sink::default());
    let addr = start_receiver(sink.clone());
    let org = organizations::create(&d.db, "bench").await.unwrap().id;
    for i in 0..subs {
        let input = SubscriptionInput { name: format!("s{i}"), url: format!("http://{addr}/hook/{i}"), events: vec!["*".into()], ..Default::default() };
        subscriptions::create(&d, org, &input).await.unwrap();
    }

    // Memory samples every second, printed every 30 s.
    let samples: Arc<Mutex<Vec<(u64, u64, u64)>>> = Arc::default(); // (second, RSS, anonymous)
    let wal_max = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    {
        let samples = samples.clone();
        let wal_max = wal_max.clone();
        tokio::spawn(async move {
            loop {
                let (rss, _, anon) = mem();
                samples.lock().unwrap().push((started.elapsed().as_secs(), rss, anon));
                if let Ok(m) = std::fs::metadata(&wal_path) {
                    wal_max.fetch_max(m.len(), Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }

    // Phase 0: a large database.
    if history > 0 {
        let t = Instant::now();
        preload_history(&d, org, history).await;
        println!("history: {history} delivered events with their deliveries and attempts inserted in {:.1}s", t.elapsed().as_secs_f64());
    }

    // Phase 1: backlog, then drain.
    let t = Instant::now();
    let data =
        json!({"id": "3f1c1f9e-8f5e-4c1e-9a43-8d7c0f3b1a2e", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "phone": "+15550100"});
    for chunk in 0..burst.div_ceil(1000) {
        let mut tx = d.db.begin().await.unwrap();
        for _ in 0..1000.min(burst - chunk * 1000) {
            events::emit(&mut tx, org, EventType::ContactCreated, &data).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    let emit_secs = t.elapsed().as_secs_f64();
    let total = (burst * subs) as u64;
    println!("emit: {burst} events -> {total} deliveries committed in {emit_secs:.2}s ({:.0} events/s)", burst as f64 / emit_secs);

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(worker::run(d.clone(), async move {
        let _ = stopped.await;
    }));
    let t = Instant::now();
    let mut last = (0u64, Instant::now());
    while sink.received.load(Ordering::Relaxed) < total {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if last.1.elapsed() >= Duration::from_secs(2) {
            let n = sink.received.load(Ordering::Relaxed);
            println!(
                "  drain: {n}/{total} received, {:.0}/s over the last 2 s, RSS {} MiB (anonymous {})",
                (n - last.0) as f64 / last.1.elapsed().as_secs_f64(),
                mem().0,
                mem().2
            );
            last = (n, Instant::now());
        }
    }
    let receive_secs = t.elapsed().as_secs_f64();
    loop {
        let done = count(&d.db, "SELECT COUNT(*) FROM outbound_deliveries WHERE status = 'delivered'").await as u64;
        if done >= total + history as u64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let recorded_secs = t.elapsed().as_secs_f64();
    let attempts = count(&d.db, "SELECT COUNT(*) FROM outbound_attempts").await - history as i64;
    println!(
        "THROUGHPUT: {total} deliveries received in {receive_secs:.2}s = {:.0} deliveries/s; all recorded ({attempts} new attempt rows, every delivery marked delivered) after {recorded_secs:.2}s = {:.0}/s",
        total as f64 / receive_secs,
        total as f64 / recorded_secs
    );

    // Phase 2: paced events, one transaction each, to a tenant with one subscription.
    if paced_secs > 0 {
        let paced_org = organizations::create(&d.db, "paced").await.unwrap().id;
        let input = SubscriptionInput { name: "paced".into(), url: format!("http://{addr}/paced"), events: vec!["*".into()], ..Default::default() };
        subscriptions::create(&d, paced_org, &input).await.unwrap();
        *sink.latencies.lock().unwrap() = Some(Vec::with_capacity((rate * paced_secs) as usize));
        let before = sink.received.load(Ordering::Relaxed);
        let t = Instant::now();
        let n_events = rate * paced_secs;
        let emitted = Arc::new(AtomicU64::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for k in 0..emitters {
            let (d, emitted) = (d.clone(), emitted.clone());
            tasks.spawn(async move {
                let mut i = k;
                while i < n_events {
                    let due = t + Duration::from_micros(i * 1_000_000 / rate);
                    let now = Instant::now();
                    if due > now {
                        tokio::time::sleep(due - now).await;
                    }
                    let data = json!({"id": i, "t_us": now_us()});
                    events::emit_now(&d, paced_org, EventType::MessageReceived, &data).await.unwrap();
                    emitted.fetch_add(1, Ordering::Relaxed);
                    i += emitters;
                }
            });
        }
        let mut next_report = 30;
        while !tasks.is_empty() {
            tokio::select! {
                _ = tasks.join_next() => {}
                _ = tokio::time::sleep(Duration::from_millis(200)) => {}
            }
            if t.elapsed().as_secs() >= next_report {
                let (rss, hwm, anon) = mem();
                println!("  paced: {}s, {} events, RSS {rss} MiB (peak {hwm} MiB), anonymous {anon} MiB", next_report, emitted.load(Ordering::Relaxed));
                next_report += 30;
            }
        }
        let emitted_secs = t.elapsed().as_secs_f64();
        while sink.received.load(Ordering::Relaxed) < before + n_events {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let mut lat = sink.latencies.lock().unwrap().take().unwrap();
        lat.sort_unstable();
        println!(
            "LATENCY at {:.0} events/s for {paced_secs}s ({} events): p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            n_events as f64 / emitted_secs,
            lat.len(),
            pct(&lat, 0.50),
            pct(&lat, 0.95),
            pct(&lat, 0.99),
            pct(&lat, 1.0)
        );
    }

    let _ = stop.send(());
    worker.await.unwrap();
    let s = samples.lock().unwrap().clone();
    let every_30s = |pick: fn(&(u64, u64, u64)) -> u64| -> String {
        let last = s.last().map_or(0, |l| l.0);
        s.iter().filter(|x| x.0 % 30 == 0 || x.0 == last).map(|x| format!("{}s:{}", x.0, pick(x))).collect::<Vec<_>>().join(" ")
    };
    println!("MEMORY RSS MiB over time: {}", every_30s(|x| x.1));
    println!("MEMORY anonymous (heap) MiB over time: {}", every_30s(|x| x.2));
    println!("MEMORY peak: RSS (VmHWM) {} MiB, anonymous {} MiB", mem().1, s.iter().map(|x| x.2).max().unwrap_or(0));
    if backend != "postgres" {
        println!("WAL largest size seen: {:.1} MiB", wal_max.load(Ordering::Relaxed) as f64 / 1048576.0);
    }
    d.db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    if let Some((admin, name)) = pg_drop {
        let mut conn = PgConnectOptions::from_str(&admin).unwrap().connect().await.unwrap();
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
    }
}

/// `n` events of long ago, each delivered once to one of the organization's subscriptions
/// with its attempt recorded: what a database looks like after months of traffic.
async fn preload_history(d: &Domain, org: connectgain_domain::ids::OrgId, n: usize) {
    use connectgain_domain::outbound::{DeliveryId, EventId, SubscriptionId};
    let subs: Vec<SubscriptionId> = on_db!(&d.db, pool => sqlx::query_scalar("SELECT id FROM outbound_subscriptions WHERE organization_id = $1")
        .bind(org).fetch_all(pool).await)
    .unwrap();
    let body = r#"{"event":"contact.created","timestamp":"2026-01-01T00:00:00.000Z","data":{"id":"3f1c1f9e-8f5e-4c1e-9a43-8d7c0f3b1a2e","first_name":"Ada","last_name":"Lovelace","email":"ada@example.com","phone":"+15550100"}}"#;
    let headers = format!(
        r#"{{"content-type":"application/json","user-agent":"ConnectGain-Webhooks/0.1.0","x-webhook-event":"contact.created","x-webhook-timestamp":"2026-01-01T00:00:00.000Z","x-webhook-signature":"{}","webhook-id":"msg_{}","webhook-timestamp":"1767225600","webhook-signature":"v1,{}"}}"#,
        "a".repeat(64),
        "b".repeat(32),
        "c".repeat(44)
    );
    let start = chrono::Utc::now() - chrono::Duration::days(30);
    const ROWS: usize = 200;
    let mut done = 0;
    while done < n {
        let mut tx = d.db.begin().await.unwrap();
        for _ in 0..50 {
            let count = ROWS.min(n - done);
            if count == 0 {
                break;
            }
            let events: Vec<EventId> = (0..count).map(|_| EventId::new()).collect();
            let deliveries: Vec<DeliveryId> = (0..count).map(|_| DeliveryId::new()).collect();
            let at = start + chrono::Duration::milliseconds(done as i64 * 2);
            let sub = subs[done / ROWS % subs.len()];
            let values =
                |first: usize, per: usize, row: &dyn Fn(usize) -> String| -> String { (0..count).map(|i| row(first + i * per)).collect::<Vec<_>>().join(",") };
            let sql = format!(
                "INSERT INTO outbound_events (id, organization_id, event_type, body, created_at) VALUES {}",
                values(4, 1, &|p| format!("(${p}, $1, 'contact.created', $2, $3)"))
            );
            on_tx!(&mut tx, conn => {
                let mut q = sqlx::query(&sql).bind(org).bind(body).bind(at);
                for e in &events { q = q.bind(*e); }
                q.execute(conn).await.map(|_| ())
            })
            .unwrap();
            let sql = format!(
                "INSERT INTO outbound_deliveries (id, organization_id, subscription_id, event_id, event_type, status, attempts, schedule_pos, \
                next_attempt_at, last_attempt_at, last_status_code, created_at, updated_at) VALUES {}",
                values(4, 2, &|p| format!("(${p}, $1, $2, ${}, 'contact.created', 'delivered', 1, 0, $3, $3, 200, $3, $3)", p + 1))
            );
            on_tx!(&mut tx, conn => {
                let mut q = sqlx::query(&sql).bind(org).bind(sub).bind(at);
                for (id, e) in deliveries.iter().zip(&events) { q = q.bind(*id).bind(*e); }
                q.execute(conn).await.map(|_| ())
            })
            .unwrap();
            let sql = format!(
                "INSERT INTO outbound_attempts (delivery_id, subscription_id, organization_id, event_type, attempt, attempted_at, \
                success, status_code, duration_ms, request_headers, response_body, error) VALUES {}",
                values(6, 1, &|p| format!("(${p}, $1, $2, 'contact.created', 1, $3, TRUE, 200, 1, $4, $5, NULL)"))
            );
            on_tx!(&mut tx, conn => {
                let mut q = sqlx::query(&sql).bind(sub).bind(org).bind(at).bind(&headers).bind("ok");
                for id in &deliveries { q = q.bind(*id); }
                q.execute(conn).await.map(|_| ())
            })
            .unwrap();
            done += count;
        }
        tx.commit().await.unwrap();
    }
}
