//! The webhook analytics dashboard: summary cards, a chart of calls and latency, the
//! per-webhook performance table and the last 50 calls; filtered by webhook and time
//! range, refreshed every 30 seconds without reloading the page.

use std::time::Duration;

use leptos::prelude::*;

use super::{
    active_badge::ActiveBadge,
    chart::CallsChart,
    webhooks_changed::{WebhookList, WebhooksChanged},
};
use crate::{
    functions::admin::admin_analytics,
    models::admin::{rate_tone, short_time, Analytics, CallRow, WebhookView},
};

const REFRESH_EVERY: Duration = Duration::from_secs(30);
const RANGES: [(&str, &str); 4] = [("1h", "Last Hour"), ("24h", "Last 24 Hours"), ("7d", "Last 7 Days"), ("30d", "Last 30 Days")];

#[component]
pub fn AnalyticsDashboard(tenant: String) -> impl IntoView {
    let changed = expect_context::<WebhooksChanged>();
    let options = expect_context::<WebhookList>().list;
    let webhook = RwSignal::new(String::new());
    let range = RwSignal::new("24h".to_owned());
    let tick = crate::components::polling::ticks(REFRESH_EVERY);
    let data = Resource::new(move || (tenant.clone(), webhook.get(), range.get(), tick.get(), changed.0.get()), |(t, w, r, _, _)| admin_analytics(t, w, r));

    view! {
        <section class="panel analytics" aria-label="Webhook Analytics">
            <div class="panel-head">
                <h2>"Webhook Analytics"</h2>
                <div class="filters">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let hooks: Vec<WebhookView> = options.await.unwrap_or_default();
                            view! {
                                <select aria-label="Webhook" on:change=move |ev| webhook.set(event_target_value(&ev))>
                                    <option value="">"All webhooks"</option>
                                    {hooks.into_iter().map(|w| {
                                        let selected = webhook.get_untracked() == w.id;
                                        view! { <option value=w.id selected=selected>{w.workflow_name}</option> }
                                    }).collect_view()}
                                </select>
                            }
                        })}
                    </Transition>
                    <select aria-label="Time range" on:change=move |ev| range.set(event_target_value(&ev))>
                        {RANGES.into_iter().map(|(value, label)| view! { <option value=value selected=value == "24h">{label}</option> }).collect_view()}
                    </select>
                    <button type="button" class="button secondary small" on:click=move |_| tick.update(|t| *t += 1)>"Refresh"</button>
                </div>
            </div>
            <Transition fallback=|| view! { <p class="muted">"Loading analytics…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(a) => view! { <Dashboard a/> }.into_any(),
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.message}</div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Dashboard(a: Analytics) -> impl IntoView {
    let s = a.summary;
    view! {
        <p class="muted small refreshed">"Updated " {a.refreshed_at} " UTC · refreshes every 30 seconds"</p>
        <div class="stat-cards">
            <StatCard label="Total Calls" value=s.total_calls.to_string() tone=""/>
            <StatCard label="Successful" value=s.successful_calls.to_string() tone="tone-ok"/>
            <StatCard label="Failed" value=s.failed_calls.to_string() tone={if s.failed_calls > 0 { "tone-bad" } else { "" }}/>
            <StatCard label="Avg Response" value=format!("{} ms", s.avg_response_time_ms) tone=""/>
        </div>
        <CallsChart points=a.chart/>
        <h3>"Webhook performance"</h3>
        <table class="table performance">
            <thead><tr>
                <th>"Workflow Name"</th><th>"Status"</th><th>"Total Calls"</th><th>"Successful"</th><th>"Failed"</th>
                <th>"Success Rate"</th><th>"Last Called"</th>
            </tr></thead>
            <tbody>
                {a.webhooks.into_iter().map(|w| {
                    let rate = w.success_rate();
                    view! {
                        <tr>
                            <td>{w.workflow_name}</td>
                            <td><ActiveBadge active=w.is_active/></td>
                            <td>{w.total_calls}</td>
                            <td>{w.successful_calls}</td>
                            <td>{w.failed_calls}</td>
                            <td>{match rate {
                                Some(rate) => view! { <span class=rate_tone(rate)><span class="badge">{format!("{rate}%")}</span></span> }.into_any(),
                                None => view! { <span class="muted">"—"</span> }.into_any(),
                            }}</td>
                            <td>{w.last_called_at.as_deref().map(short_time).unwrap_or_else(|| "Never".into())}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <h3>"Recent webhook calls"</h3>
        {if a.calls.is_empty() {
            view! { <p class="muted">"No calls in this time range."</p> }.into_any()
        } else {
            view! {
                <table class="table recent-calls">
                    <thead><tr><th>"Time (UTC)"</th><th>"Webhook"</th><th>"Status"</th><th>"Attempt"</th><th>"Response"</th><th>"Error"</th></tr></thead>
                    <tbody>{a.calls.into_iter().map(|c| view! { <CallLine c/> }).collect_view()}</tbody>
                </table>
            }.into_any()
        }}
    }
}

#[component]
fn StatCard(label: &'static str, value: String, tone: &'static str) -> impl IntoView {
    view! {
        <div class=format!("stat-card {tone}")>
            <div class="stat-label">{label}</div>
            <div class="stat-value">{value}</div>
        </div>
    }
}

#[component]
fn CallLine(c: CallRow) -> impl IntoView {
    let status = c.status_code.map(|s| s.to_string()).unwrap_or_else(|| "error".into());
    view! {
        <tr>
            <td>{short_time(&c.called_at)}</td>
            <td>{c.workflow_name}</td>
            <td><span class=if c.success { "tone-ok" } else { "tone-bad" }><span class="badge">{status}</span></span></td>
            <td>{c.attempt}</td>
            <td>{format!("{} ms", c.duration_ms)}</td>
            <td class="small">{c.error.unwrap_or_default()}</td>
        </tr>
    }
}
