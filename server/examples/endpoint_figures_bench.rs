//! Benchmark of an endpoint's figures (`GET /api/v1/webhooks/:id/stats?range=` and
//! `…/stats/series`) with a million recorded attempts.
//!
//! `cargo run --release -p connectgain --example endpoint_figures_bench [-- ATTEMPTS]`
//! (SQLite in a temporary directory; set `DATABASE_URL=postgres://…` for PostgreSQL — the
//! database must exist and be empty). Records ATTEMPTS (default 1,000,000) attempts of one
//! subscription over 30 days, with their minute and hour rollups written as the delivery writer
//! writes them, then times the figures and chart of each range, the list's 24-hour health
//! and the newest page of the endpoint's logs.

use std::{sync::Arc, time::Instant};

use chrono::Utc;
use connectgain_domain::{
    crypto::{KeyRing, MasterKey},
    on_db, organizations,
    outbound::{
        figures::{self, Counted, Range},
        logs::{self, AttemptFilter},
        subscriptions::{self, SubscriptionInput},
    },
    Config, Db, Domain,
};

const BATCH: usize = 2_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let attempts: usize = std::env::args().nth(1).map(|n| n.parse()).transpose()?.unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("cg-bench-{}", uuid::Uuid::new_v4().simple()));
    let dir_text = dir.display().to_string();
    let url = std::env::var("DATABASE_URL").ok();
    let config = Config::from_lookup(|name| match name {
        "CONNECTGAIN_DATA_DIR" => Some(dir_text.clone()),
        "DATABASE_URL" => url.clone(),
        _ => None,
    })?;
    let db = Db::connect(&config).await?;
    db.migrate().await?;
    let domain = Domain::new(db.clone(), Arc::new(KeyRing::new(MasterKey::generate(), vec![])), Arc::new(config));
    let org = organizations::create(&db, "Bench").await?.id;
    let input =
        SubscriptionInput { name: "Busy endpoint".into(), url: "https://receiver.example.com/hooks".into(), events: vec!["*".into()], ..Default::default() };
    let sub = subscriptions::create(&domain, org, &input).await.map_err(|e| anyhow::anyhow!("{e:?}"))?.view.id;
    // Every attempt belongs to one delivery here: the figures never read deliveries.
    let (event, delivery) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
    let now = Utc::now();
    on_db!(&db, pool => sqlx::query("INSERT INTO outbound_events (id, organization_id, event_type, body, created_at) VALUES ($1, $2, 'contact.created', '{}', $3)")
        .bind(event).bind(org).bind(now).execute(pool).await.map(|_| ()))?;
    on_db!(&db, pool => sqlx::query(
        "INSERT INTO outbound_deliveries (id, organization_id, subscription_id, event_id, event_type, status, next_attempt_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'contact.created', 'delivered', $5, $5, $5)")
        .bind(delivery).bind(org).bind(sub).bind(event).bind(now).execute(pool).await.map(|_| ()))?;

    println!("backend: {}; recording {attempts} attempts of one endpoint over 30 days…", db.backend());
    let started = Instant::now();
    let span_secs = 30 * 24 * 3600;
    let mut written = 0;
    while written < attempts {
        let n = BATCH.min(attempts - written);
        // Oldest first, as they would have been recorded.
        let rows: Vec<Counted> = (written..written + n)
            .map(|i| Counted {
                subscription: sub,
                organization: org,
                attempted_at: now - chrono::Duration::seconds(span_secs - (i as i64 * span_secs) / attempts as i64),
                success: i % 17 != 0,
                duration_ms: 2 + (i as i64 * 31) % 400,
            })
            .collect();
        let mut tx = db.begin().await?;
        connectgain_domain::on_tx!(&mut tx, conn => {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO outbound_attempts (delivery_id, subscription_id, organization_id, event_type, attempt, attempted_at, success, status_code, \
                 duration_ms, request_headers) ",
            );
            q.push_values(&rows, |mut b, a| {
                b.push_bind(delivery).push_bind(sub).push_bind(org).push_bind("contact.created").push_bind(1).push_bind(a.attempted_at)
                    .push_bind(a.success).push_bind(if a.success { 200 } else { 500 }).push_bind(a.duration_ms).push_bind("{}");
            });
            q.build().execute(conn).await.map(|_| ())
        })?;
        figures::add_to_rollups(&mut tx, rows).await?;
        tx.commit().await?;
        written += n;
    }
    let rollups: i64 = on_db!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM outbound_attempt_rollups").fetch_one(pool).await)?;
    println!("recorded in {:.1} s ({rollups} minute and hour rollup rows)", started.elapsed().as_secs_f64());
    on_db!(&db, pool => sqlx::query("ANALYZE").execute(pool).await.map(|_| ()))?;

    async fn time<F, Fut, T>(label: &str, mut f: F) -> anyhow::Result<()>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, connectgain_domain::Error>>,
    {
        let mut samples = Vec::new();
        for _ in 0..21 {
            let t = Instant::now();
            f().await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
            samples.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!("{label:<44} median {:>7.2} ms   max {:>7.2} ms", samples[10], samples[20]);
        Ok(())
    }

    for range in Range::ALL {
        time(&format!("stats + series, {}", range.as_str()), || figures::chart(&domain, org, sub, range, Utc::now())).await?;
    }
    time("24-hour health of the webhook list", || figures::last_day(&domain, org, Utc::now())).await?;
    let filter = AttemptFilter { subscription: Some(sub), ..Default::default() };
    time("newest 50 attempts of the endpoint", || logs::attempts(&domain, org, &filter, None, 50)).await?;
    let month = figures::chart(&domain, org, sub, Range::Month, Utc::now()).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let sum: i64 = month.series.iter().map(|p| p.delivered + p.failed).sum();
    println!(
        "check: 30 days count {} attempts ({} failed, p50 {} ms, p95 {} ms); the series adds up to {sum}",
        month.stats.figures.total, month.stats.figures.failed, month.stats.figures.p50_latency_ms, month.stats.figures.p95_latency_ms
    );
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
