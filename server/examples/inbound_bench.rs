//! Benchmark of the inbound webhook endpoint: sustained accepted requests per second, with
//! every event committed before its answer, and the latency distribution.
//!
//! `cargo run --release -p connectgain --example inbound_bench [-- SECONDS CONNECTIONS EVENT]`
//! (defaults 10 s, 64 keep-alive connections, `bench.lead_seen`: a name without a
//! processor, complete once stored; `lead.captured` makes the worker upsert a contact per
//! event, and the run reports how far processing got). SQLite in a temporary directory; set
//! `DATABASE_URL=postgres://…/EMPTY_DB` for PostgreSQL. The real server (router, auth,
//! rate limiter raised out of the way, group-commit writer, background worker) runs in
//! this process on a free port with the default logging; the load generator (one hyper
//! HTTP/1.1 keep-alive connection per task, no pipelining) shares the same cores. After the
//! run every answered event is counted in the database.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use connectgain::Application;
use connectgain_domain::{on_db, Config, Db};
use serde_json::{json, Value};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().map(|n| n.parse()).transpose()?.unwrap_or(10);
    let connections: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(64);
    let event = args.next().unwrap_or_else(|| "bench.lead_seen".to_owned());
    let path: &'static str = Box::leak(format!("/api/webhooks/{event}").into_boxed_str());
    connectgain::telemetry::init(connectgain_domain::config::LogFormat::Human);

    let dir = std::env::temp_dir().join(format!("cg-inbound-bench-{}", uuid::Uuid::new_v4().simple()));
    let dir_text = dir.display().to_string();
    let url = std::env::var("DATABASE_URL").ok();
    let lookup = move |name: &str| match name {
        "LEPTOS_SITE_ADDR" => Some("127.0.0.1:0".to_owned()),
        "CONNECTGAIN_DATA_DIR" => Some(dir_text.clone()),
        "DATABASE_URL" => url.clone(),
        "CONNECTGAIN_INBOUND_RATE_LIMIT" => Some("1000000/s".to_owned()),
        "CONNECTGAIN_INBOUND_RATE_BURST" => Some("100000000".to_owned()),
        "APPGAIN_SIGNUP_WEBHOOK_URL" => Some("http://127.0.0.1:9/unused".to_owned()),
        "CONNECTGAIN_DB_MAX_CONNECTIONS" => Some("10".to_owned()),
        _ => None,
    };
    let config = Config::from_lookup(lookup.clone())?;
    let app = Application::build(config).await?;
    let base = format!("http://{}", app.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));

    let client = reqwest::Client::builder().pool_max_idle_per_host(connections).build()?;
    let signup = json!({"email": "bench@example.com", "password": "benchmark-password", "organization_name": "Bench"});
    let created: Value = client.post(format!("{base}/api/v1/auth/signup")).json(&signup).send().await?.json().await?;
    let tenant = created["organization_id"].as_str().ok_or_else(|| anyhow::anyhow!("signup failed: {created}"))?.to_owned();
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "bench@example.com", "password": "benchmark-password"}))
        .send()
        .await?
        .json()
        .await?;
    let token = login["access_token"].as_str().unwrap_or_default().to_owned();
    let key: Value = client.post(format!("{base}/api/v1/inbound/api-key")).bearer_auth(&token).send().await?.json().await?;
    let api_key = key["api_key"].as_str().unwrap_or_default().to_owned();

    let body = bytes::Bytes::from_static(
        br#"{"email":"lead@example.com","name":"Ada Lovelace","source":"website_form","utm_campaign":"summer2025","metadata":{"page_url":"https://example.com/pricing"}}"#,
    );
    let addr = base.trim_start_matches("http://").to_owned();
    let measuring = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicBool::new(false));
    let (accepted_total, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let stream = tokio::net::TcpStream::connect(&addr).await?;
        stream.set_nodelay(true)?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        let (tenant, api_key, body, addr) = (tenant.clone(), api_key.clone(), body.clone(), addr.clone());
        let (measuring, done, accepted_total, failed) = (measuring.clone(), done.clone(), accepted_total.clone(), failed.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies: Vec<u32> = Vec::with_capacity(200_000);
            while !done.load(Ordering::Relaxed) {
                let request = hyper::Request::post(path)
                    .header("host", &addr)
                    .header("x-tenant-id", &tenant)
                    .header("x-api-key", &api_key)
                    .header("content-type", "application/json")
                    .body(http_body_util::Full::new(body.clone()))
                    .expect("a valid request");
                let start = Instant::now();
                let ok = match sender.send_request(request).await {
                    Ok(response) => {
                        let status = response.status();
                        http_body_util::BodyExt::collect(response.into_body()).await.is_ok() && status == 200
                    }
                    Err(_) => false,
                };
                if ok {
                    accepted_total.fetch_add(1, Ordering::Relaxed);
                    if measuring.load(Ordering::Relaxed) {
                        latencies.push(start.elapsed().as_micros() as u32);
                    }
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                    if sender.ready().await.is_err() {
                        break;
                    }
                }
            }
            latencies
        }));
    }

    tokio::time::sleep(Duration::from_secs(2)).await; // warm-up
    measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    measuring.store(false, Ordering::Relaxed);
    let elapsed = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await?);
    }
    latencies.sort_unstable();
    let pct = |p: f64| latencies.get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1))).copied().unwrap_or(0) as f64 / 1000.0;

    let config = Config::from_lookup(lookup)?;
    let db = Db::connect(&config).await?;
    let count = |sql: &'static str| {
        let db = db.clone();
        async move { on_db!(&db, pool => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await) }
    };
    let processed = count("SELECT COUNT(*) FROM integration_events WHERE status = 'processed'").await?;
    // The backlog the load left to the worker (events with a processor), worked off with
    // no requests arriving: for up to 30 s.
    let backlog_sql = "SELECT COUNT(*) FROM integration_events WHERE status = 'received'";
    let (backlog, drain_started) = (count(backlog_sql).await?, Instant::now());
    let mut left = backlog;
    while left > 0 && drain_started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        left = count(backlog_sql).await?;
    }
    let _ = stop.send(());
    server.await??;
    let stored = count("SELECT COUNT(*) FROM integration_events").await?;
    let answered = accepted_total.load(Ordering::Relaxed);

    println!("backend            {}", db.backend());
    println!("connections        {connections}");
    println!("measured           {:.1} s", elapsed.as_secs_f64());
    println!("accepted/s         {:.0}", latencies.len() as f64 / elapsed.as_secs_f64());
    println!("latency p50        {:.2} ms", pct(0.50));
    println!("latency p99        {:.2} ms", pct(0.99));
    println!("latency max        {:.2} ms", pct(1.0));
    println!("errors             {}", failed.load(Ordering::Relaxed));
    println!("answered 200 (all) {answered}");
    println!("stored in database {stored}  (processed by the worker meanwhile: {processed})");
    if backlog > 0 {
        let secs = drain_started.elapsed().as_secs_f64();
        println!("backlog after load {backlog}: {} processed in {secs:.1} s with no load = {:.0}/s", backlog - left, (backlog - left) as f64 / secs);
    }
    anyhow::ensure!(stored as u64 >= answered, "an answered event is missing from the database");
    db.close().await;
    if std::env::var("DATABASE_URL").is_err() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
