//! An SVG chart of calls (bars, failures in red) and average latency (line) per time bucket.

use leptos::prelude::*;

use crate::models::admin::ChartPoint;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 170.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 52.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 22.0;

#[component]
pub fn CallsChart(points: Vec<ChartPoint>) -> impl IntoView {
    let n = points.len().max(1) as f64;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let max_calls = points.iter().map(|p| p.calls).max().unwrap_or(0).max(1) as f64;
    let max_ms = points.iter().map(|p| p.avg_ms).max().unwrap_or(0).max(1) as f64;
    let slot = plot_w / n;
    let bar = (slot * 0.7).max(1.0);
    let x = move |i: usize| LEFT + slot * i as f64 + (slot - bar) / 2.0;
    let y = move |v: f64, max: f64| TOP + plot_h - v / max * plot_h;
    let line: Vec<String> =
        points.iter().enumerate().filter(|(_, p)| p.calls > 0).map(|(i, p)| format!("{:.1},{:.1}", x(i) + bar / 2.0, y(p.avg_ms as f64, max_ms))).collect();
    let total: i64 = points.iter().map(|p| p.calls).sum();
    let first = points.first().map(|p| p.label.clone()).unwrap_or_default();
    let last = points.last().map(|p| p.label.clone()).unwrap_or_default();
    let description = format!("{total} calls from {first} to {last} UTC; bars are calls per period, the line is average response time.");

    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=description preserveAspectRatio="none">
                <line class="axis" x1=LEFT y1=TOP + plot_h x2=WIDTH - RIGHT y2=TOP + plot_h/>
                <text class="tick" x=LEFT - 6.0 y=TOP + 8.0 text-anchor="end">{max_calls as i64}</text>
                <text class="tick" x=LEFT - 6.0 y=TOP + plot_h text-anchor="end">"0"</text>
                <text class="tick latency" x=WIDTH - RIGHT + 6.0 y=TOP + 8.0>{format!("{} ms", max_ms as i64)}</text>
                <text class="tick" x=LEFT y=HEIGHT - 6.0>{first.clone()}</text>
                <text class="tick" x=WIDTH - RIGHT y=HEIGHT - 6.0 text-anchor="end">{last.clone()}</text>
                {points.iter().enumerate().filter(|(_, p)| p.calls > 0).map(|(i, p)| {
                    let ok = (p.calls - p.failures) as f64;
                    let title = format!("{}: {} calls, {} failed, {} ms average", p.label, p.calls, p.failures, p.avg_ms);
                    view! {
                        <g>
                            <title>{title}</title>
                            <rect class="bar" x=format!("{:.1}", x(i)) width=format!("{bar:.1}")
                                y=format!("{:.1}", y(p.calls as f64, max_calls)) height=format!("{:.1}", p.calls as f64 / max_calls * plot_h)/>
                            <rect class="bar-failed" x=format!("{:.1}", x(i)) width=format!("{bar:.1}")
                                y=format!("{:.1}", y(ok + p.failures as f64, max_calls)) height=format!("{:.1}", p.failures as f64 / max_calls * plot_h)/>
                        </g>
                    }
                }).collect_view()}
                <polyline class="latency-line" points=line.join(" ")/>
            </svg>
            <figcaption class="legend">
                <span class="key key-calls">"Calls"</span>
                <span class="key key-failed">"Failed"</span>
                <span class="key key-latency">"Avg response time"</span>
            </figcaption>
        </figure>
    }
}
