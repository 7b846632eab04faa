//! A bar chart of an endpoint's attempts over time: each bar a bucket, successes below and
//! failures stacked on them, and the bucket's p95 latency as a line on its own scale. Plain
//! SVG drawn on the server: it shows before (and without) the WASM.

use leptos::prelude::*;

use crate::models::{admin::short_time, webhooks::PointView};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 180.0;

#[component]
pub fn DeliveryChart(points: Vec<PointView>) -> impl IntoView {
    let most = points.iter().map(|p| p.delivered + p.failed).max().unwrap_or(0).max(1) as f64;
    let slowest = points.iter().map(|p| p.p95_ms).max().unwrap_or(0).max(1) as f64;
    let slot = WIDTH / points.len().max(1) as f64;
    let bar = (slot * 0.8).max(1.0);
    let total: i64 = points.iter().map(|p| p.delivered + p.failed).sum();
    let failed: i64 = points.iter().map(|p| p.failed).sum();
    let summary = format!("{total} attempts, {failed} failed; at most {most} in one bucket, p95 latency up to {slowest} ms");
    let latency: Vec<String> = points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.delivered + p.failed > 0)
        .map(|(i, p)| format!("{:.1},{:.1}", i as f64 * slot + slot / 2.0, HEIGHT - p.p95_ms as f64 / slowest * (HEIGHT - 8.0)))
        .collect();
    let bars = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let x = i as f64 * slot + (slot - bar) / 2.0;
            let ok_h = p.delivered as f64 / most * (HEIGHT - 8.0);
            let bad_h = p.failed as f64 / most * (HEIGHT - 8.0);
            let label = format!("{}: {} delivered, {} failed, p50 {} ms, p95 {} ms", short_time(&p.bucket), p.delivered, p.failed, p.p50_ms, p.p95_ms);
            view! {
                <g class="bucket">
                    <title>{label}</title>
                    <rect class="bar-ok" x=format!("{x:.1}") y=format!("{:.1}", HEIGHT - ok_h) width=format!("{bar:.1}") height=format!("{ok_h:.1}")/>
                    <rect class="bar-bad" x=format!("{x:.1}") y=format!("{:.1}", HEIGHT - ok_h - bad_h) width=format!("{bar:.1}") height=format!("{bad_h:.1}")/>
                </g>
            }
        })
        .collect_view();
    let first = points.first().map(|p| short_time(&p.bucket)).unwrap_or_default();
    let last = points.last().map(|p| short_time(&p.bucket)).unwrap_or_default();
    view! {
        <figure class="delivery-chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none" role="img" aria-label=summary.clone()>
                <line class="axis" x1="0" y1=HEIGHT x2=WIDTH y2=HEIGHT/>
                {bars}
                <polyline class="latency" points=latency.join(" ")/>
            </svg>
            <figcaption class="small muted">
                <span>{first}</span>
                <span class="legend"><span class="key key-ok"></span>"delivered " <span class="key key-bad"></span>"failed " <span class="key key-latency"></span>"p95 latency"</span>
                <span>{last}</span>
            </figcaption>
        </figure>
    }
}
