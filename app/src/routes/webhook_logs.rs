//! Settings → Webhooks → Logs (owners): every delivery attempt with its request headers,
//! the receiver's status and response, filtered by webhook, outcome and event; replay one
//! delivery or every failed one of a period. Refreshes every 5 seconds.

use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    components::{
        status::LoadFailed,
        toast::{ToastStack, Toasts},
    },
    functions::webhooks::{event_catalogue, list_attempts, list_subscriptions, replay_delivery, replay_failed},
    models::{admin::short_time, webhooks::AttemptRow},
};

#[component]
pub fn WebhookLogsPage() -> impl IntoView {
    let toasts = Toasts::provide();
    let subscription = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let event = RwSignal::new(String::new());
    let tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || tick.update(|t| *t += 1), Duration::from_secs(5)) {
            on_cleanup(move || handle.clear());
        }
    });
    let attempts = Resource::new(move || (subscription.get(), status.get(), event.get(), tick.get()), |(s, st, e, _)| list_attempts(s, st, e, None));
    let subscriptions = Resource::new(|| (), |_| list_subscriptions());
    let catalogue = Resource::new(|| (), |_| event_catalogue());
    let replay = Action::new(|id: &String| replay_delivery(id.clone()));
    let replay_all = Action::new(|hours: &i64| replay_failed(*hours));
    Effect::new(move |_| match replay.value().get() {
        Some(Ok(())) => {
            toasts.ok("Delivery queued again.");
            tick.update(|t| *t += 1);
        }
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    Effect::new(move |_| match replay_all.value().get() {
        Some(Ok(n)) => toasts.ok(format!("{n} failed deliveries queued again.")),
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    let hours = RwSignal::new(24i64);

    view! {
        <Title text="Webhook logs"/>
        <section class="settings webhook-logs">
            <p class="eyebrow">"Settings"</p>
            <h1>"Webhook logs"</h1>
            <nav class="admin-sections" aria-label="Settings">
                <A href="/settings">"Organization"</A>
                <A href="/settings/webhooks">"Webhooks"</A>
                <a href="/settings/webhooks/logs" aria-current="page">"Logs"</a>
                <A href="/settings/inbound">"Inbound"</A>
            </nav>
            <div class="panel">
                <div class="filters">
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let subs = subscriptions.await.unwrap_or_default();
                            let events = catalogue.await.unwrap_or_default();
                            view! {
                                <select aria-label="Webhook" on:change=move |ev| subscription.set(event_target_value(&ev))>
                                    <option value="">"All webhooks"</option>
                                    {subs.into_iter().map(|s| view! { <option value=s.id>{s.name}</option> }).collect_view()}
                                </select>
                                <select aria-label="Event" on:change=move |ev| event.set(event_target_value(&ev))>
                                    <option value="">"All events"</option>
                                    {events.into_iter().map(|d| { let label = d.event.clone(); view! { <option value=d.event>{label}</option> } }).collect_view()}
                                </select>
                            }
                        })}
                    </Transition>
                    <select aria-label="Outcome" on:change=move |ev| status.set(event_target_value(&ev))>
                        <option value="">"All outcomes"</option>
                        <option value="success">"Succeeded"</option>
                        <option value="failed">"Failed"</option>
                    </select>
                    <button type="button" class="button secondary small" on:click=move |_| tick.update(|t| *t += 1)>"Refresh"</button>
                </div>
                <div class="filters replay-range">
                    <label for="replay-hours">"Replay failed deliveries of the last"</label>
                    <select id="replay-hours" on:change=move |ev| hours.set(event_target_value(&ev).parse().unwrap_or(24))>
                        <option value="1">"hour"</option>
                        <option value="24" selected=true>"24 hours"</option>
                        <option value="168">"7 days"</option>
                        <option value="720">"30 days"</option>
                    </select>
                    <button type="button" class="button secondary small" on:click=move |_| { replay_all.dispatch(hours.get_untracked()); }>"Replay failed"</button>
                </div>
                <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match attempts.await {
                            Ok(page) if page.data.is_empty() => view! { <p class="muted">"No deliveries yet."</p> }.into_any(),
                            Ok(page) => view! {
                                <table class="table attempts">
                                    <thead><tr><th>"Time (UTC)"</th><th>"Event"</th><th>"Attempt"</th><th>"Status"</th><th>"Duration"</th><th></th></tr></thead>
                                    {page.data.into_iter().map(|a| view! { <AttemptLine a replay/> }).collect_view()}
                                </table>
                            }.into_any(),
                            Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </section>
        <ToastStack/>
    }
}

#[component]
fn AttemptLine(a: AttemptRow, replay: Action<String, Result<(), crate::error::AppError>>) -> impl IntoView {
    let open = RwSignal::new(false);
    let status = a.status_code.map(|s| s.to_string()).unwrap_or_else(|| "error".into());
    let delivery = a.delivery_id.clone();
    let headers = serde_json::from_str::<serde_json::Value>(&a.request_headers)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or(a.request_headers.clone());
    view! {
        <tbody class="attempt">
            <tr>
                <td>{short_time(&a.attempted_at)}</td>
                <td><code>{a.event_type.clone()}</code></td>
                <td>{a.attempt}</td>
                <td><span class=if a.success { "tone-ok" } else { "tone-bad" }><span class="badge">{status}</span></span></td>
                <td>{format!("{} ms", a.duration_ms)}</td>
                <td class="actions">
                    <button type="button" class="button secondary small" aria-expanded=move || open.get().to_string()
                        on:click=move |_| open.update(|o| *o = !*o)>"Details"</button>
                    <button type="button" class="button secondary small" on:click=move |_| { replay.dispatch(delivery.clone()); }>"Replay"</button>
                </td>
            </tr>
            <tr class="attempt-details" class:hidden=move || !open.get()>
                <td colspan="6">
                    <p class="small"><strong>"webhook-id "</strong><code>{format!("msg_{}", a.delivery_id.replace('-', ""))}</code></p>
                    {a.error.clone().map(|e| view! { <p class="small danger-text">{e}</p> })}
                    <div class="attempt-grid">
                        <div><h4>"Request headers"</h4><pre class="code small">{headers}</pre></div>
                        <div><h4>"Response body"</h4><pre class="code small response-body">{a.response_body.clone().unwrap_or_default()}</pre></div>
                    </div>
                </td>
            </tr>
        </tbody>
    }
}
