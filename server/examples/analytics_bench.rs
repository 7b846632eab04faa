//! Benchmark of the webhook analytics with a million recorded calls.
//!
//! `cargo run --release -p connectgain --example analytics_bench [-- CALLS]`
//! (SQLite in a temporary directory; set `DATABASE_URL=postgres://…` for PostgreSQL — the
//! database must exist and be empty). Fills CALLS (default 1,000,000) call records over 30
//! days across 10 webhooks of one tenant, with their hourly rollups, then times the
//! summary for each range, the dashboard's last 50 calls, the chart series and the
//! performance table.

use std::{sync::Arc, time::Instant};

use chrono::{DurationRound, Utc};
use connectgain_domain::{
    crypto::{KeyRing, MasterKey},
    integrations::{
        analytics::{self, Range},
        webhooks::{self, WebhookInput},
    },
    on_db, organizations, Config, Db, Domain,
};

const WEBHOOKS: usize = 10;
const BATCH: usize = 2_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let calls: usize = std::env::args().nth(1).map(|n| n.parse()).transpose()?.unwrap_or(1_000_000);
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
    let mut hooks = Vec::new();
    for i in 0..WEBHOOKS {
        let input = WebhookInput {
            workflow_name: Some(format!("workflow_{i}")),
            webhook_url: Some(format!("https://n8n.example.com/webhook/{i}")),
            ..Default::default()
        };
        hooks.push(webhooks::create(&domain, org, &input).await?.id);
    }

    println!("backend: {}; filling {calls} calls over 30 days across {WEBHOOKS} webhooks…", db.backend());
    let started = Instant::now();
    let now = Utc::now();
    let span_secs = 30 * 24 * 3600;
    let mut rollups: std::collections::HashMap<(usize, i64), (i64, i64, i64)> = Default::default();
    let mut written = 0;
    while written < calls {
        let n = BATCH.min(calls - written);
        let rows: Vec<_> = (written..written + n)
            .map(|i| {
                let hook = i % WEBHOOKS;
                let at = now - chrono::Duration::seconds((i as i64 * 7919) % span_secs);
                let success = i % 17 != 0;
                let duration = 20 + (i as i64 * 31) % 400;
                let hour = at.duration_trunc(chrono::Duration::hours(1)).unwrap();
                let entry = rollups.entry((hook, hour.timestamp())).or_default();
                entry.0 += 1;
                entry.1 += i64::from(success);
                entry.2 += duration;
                (hooks[hook], at, success, duration)
            })
            .collect();
        on_db!(&db, pool => {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO webhook_calls (webhook_id, organization_id, called_at, attempt, status_code, success, duration_ms, error) ",
            );
            q.push_values(&rows, |mut b, (hook, at, success, duration)| {
                b.push_bind(*hook).push_bind(org).push_bind(*at).push_bind(1).push_bind(if *success { 200 } else { 500 })
                    .push_bind(*success).push_bind(*duration).push_bind(if *success { None } else { Some("HTTP 500") });
            });
            q.build().execute(pool).await.map(|_| ())
        })?;
        written += n;
    }
    let rollup_rows: Vec<_> = rollups.into_iter().collect();
    for chunk in rollup_rows.chunks(BATCH) {
        on_db!(&db, pool => {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO webhook_call_hours (webhook_id, organization_id, hour, calls, successes, failures, duration_ms) ",
            );
            q.push_values(chunk, |mut b, ((hook, hour), (calls, ok, duration))| {
                b.push_bind(hooks[*hook]).push_bind(org).push_bind(chrono::DateTime::from_timestamp(*hour, 0).unwrap())
                    .push_bind(*calls).push_bind(*ok).push_bind(*calls - *ok).push_bind(*duration);
            });
            q.build().execute(pool).await.map(|_| ())
        })?;
    }
    println!("filled in {:.1} s ({} hourly rollup rows)", started.elapsed().as_secs_f64(), rollup_rows.len());
    // What autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) would do after a bulk load:
    // fresh planner statistics.
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

    for (name, range) in [("1h", Range::Hour), ("24h", Range::Day), ("7d", Range::Week), ("30d", Range::Month)] {
        time(&format!("summary, all webhooks, {name}"), || analytics::summary(&domain, org, None, range)).await?;
    }
    time("summary, one webhook, 30d", || analytics::summary(&domain, org, Some(hooks[3]), Range::Month)).await?;
    time("last 50 calls (dashboard), 30d", || analytics::calls(&domain, org, None, Some(Range::Month), None, 50)).await?;
    time("last 50 calls of one webhook", || analytics::calls(&domain, org, Some(hooks[3]), None, None, 50)).await?;
    time("chart series, 30d (hourly points)", || analytics::series(&domain, org, None, Range::Month)).await?;
    time("performance table (webhook list)", || webhooks::list(&domain, org)).await?;
    let check = analytics::summary(&domain, org, None, Range::Month).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    println!("check: 30-day summary counts {} calls ({} failed)", check.total_calls, check.failed_calls);
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
