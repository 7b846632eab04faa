//! Settings → Webhooks → Logs (owners): every delivery attempt, newest first, paging to older
//! and newer ones; filtered by endpoint, event, outcome, delivery state and a date range, or
//! found by `webhook-id` / delivery id. A row opens its delivery: the payload sent, its
//! state and next retry, every attempt with its request headers and response, and Replay.
//! The first page refreshes every 5 seconds.

use std::time::Duration;

use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    components::{
        form_data::form_json,
        settings_tabs::SettingsTabs,
        status::LoadFailed,
        toast::{ToastStack, Toasts},
    },
    error::AppError,
    functions::webhooks::{delivery_detail, event_catalogue, list_attempts, list_subscriptions, replay_delivery, replay_failed},
    models::{
        admin::short_time,
        webhooks::{AttemptRow, DeliveryView, LogQuery},
    },
};

type Replay = Action<String, Result<(), AppError>>;

/// The filter form's fields (as [`LogQuery::from_fields`] reads them).
const FILTERS: [&str; 7] = ["subscription", "event", "outcome", "delivery_status", "since", "until", "search"];

#[component]
pub fn WebhookLogsPage() -> impl IntoView {
    let toasts = Toasts::provide();
    // The filters start from the address (`?subscription=…`, `?search=msg_…` from other pages).
    let from_address = use_query_map().with_untracked(|q| LogQuery::from_fields(|k| q.get(k).unwrap_or_default()));
    let query = RwSignal::new(from_address.clone());
    let tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        // Only the newest page follows new attempts; an older one stays as it was.
        if let Ok(handle) = set_interval_with_handle(
            move || {
                if query.with_untracked(|q| q.cursor.is_none()) {
                    tick.update(|t| *t += 1)
                }
            },
            Duration::from_secs(5),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    let attempts = Resource::new(move || (query.get(), tick.get()), |(q, _)| list_attempts(q));
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
    let apply = move |ev: SubmitEvent| {
        ev.prevent_default();
        let form = form_json(&ev, &FILTERS, &[]);
        query.set(LogQuery::from_fields(|k| form.get(k).and_then(serde_json::Value::as_str).unwrap_or_default().trim().to_owned()));
    };
    let initial = from_address;
    let filters_initial = initial.clone();

    view! {
        <Title text="Webhook logs"/>
        <section class="settings webhook-logs">
            <p class="eyebrow">"Settings"</p>
            <h1>"Webhook logs"</h1>
            <SettingsTabs current="/settings/webhooks/logs"/>
            <div class="panel">
                <form class="filters log-filters" method="get" on:submit=apply>
                    <Transition fallback=|| ()>
                        {
                            let initial = filters_initial;
                            move || {
                                let initial = initial.clone();
                                Suspend::new(async move {
                                    let subs = subscriptions.await.unwrap_or_default();
                                    let events = catalogue.await.unwrap_or_default();
                                    view! {
                                        <label class="filter"><span>"Webhook"</span>
                                            <select name="subscription">
                                                <option value="">"All webhooks"</option>
                                                {subs.into_iter().map(|s| {
                                                    let selected = s.id == initial.subscription;
                                                    view! { <option value=s.id selected=selected>{s.name}</option> }
                                                }).collect_view()}
                                            </select>
                                        </label>
                                        <label class="filter"><span>"Event"</span>
                                            <select name="event">
                                                <option value="">"All events"</option>
                                                {events.into_iter().map(|d| {
                                                    let selected = d.event == initial.event;
                                                    let label = d.event.clone();
                                                    view! { <option value=d.event selected=selected>{label}</option> }
                                                }).collect_view()}
                                            </select>
                                        </label>
                                    }
                                })
                            }
                        }
                    </Transition>
                    <label class="filter"><span>"Outcome"</span>
                        <select name="outcome">
                            {[("", "Any outcome"), ("success", "Succeeded"), ("failed", "Failed")].into_iter().map(|(v, l)| view! {
                                <option value=v selected=initial.outcome == v>{l}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label class="filter"><span>"Delivery"</span>
                        <select name="delivery_status">
                            {[("", "Any state"), ("pending", "Pending"), ("failed", "Failing (retries left)"), ("delivered", "Delivered"), ("dead", "Dead"), ("cancelled", "Cancelled")]
                                .into_iter().map(|(v, l)| view! { <option value=v selected=initial.delivery_status == v>{l}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="filter"><span>"From (UTC)"</span><input type="datetime-local" name="since" value=initial.since.clone()/></label>
                    <label class="filter"><span>"Until (UTC)"</span><input type="datetime-local" name="until" value=initial.until.clone()/></label>
                    <label class="filter search"><span>"webhook-id or delivery id"</span>
                        <input type="search" name="search" placeholder="msg_…" value=initial.search.clone()/></label>
                    <div class="filter-actions">
                        <button type="submit" class="button small">"Show"</button>
                        <a class="button secondary small" href="/settings/webhooks/logs">"Clear"</a>
                    </div>
                </form>
                <div class="filters replay-range">
                    <label for="replay-hours">"Replay failed deliveries of the last"</label>
                    <select id="replay-hours" on:change=move |ev| hours.set(event_target_value(&ev).parse().unwrap_or(24))>
                        <option value="1">"hour"</option>
                        <option value="24" selected=true>"24 hours"</option>
                        <option value="168">"7 days"</option>
                        <option value="720">"30 days"</option>
                    </select>
                    <button type="button" class="button secondary small" on:click=move |_| { replay_all.dispatch(hours.get_untracked()); }>"Replay failed"</button>
                    <button type="button" class="button secondary small" on:click=move |_| tick.update(|t| *t += 1)>"Refresh"</button>
                </div>
                <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match attempts.await {
                            Ok(page) => {
                                let pager = Pager { next: page.next_cursor.clone(), prev: page.prev_cursor.clone(), query };
                                if page.data.is_empty() {
                                    return view! { <p class="muted">"No attempts match. Deliveries show here as soon as an event is sent."</p> <PagerView pager/> }.into_any();
                                }
                                view! {
                                    <div class="table-scroll">
                                        <table class="table attempts">
                                            <thead><tr><th>"Time (UTC)"</th><th>"Event"</th><th>"Attempt"</th><th>"Status"</th><th>"Duration"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                                            {page.data.into_iter().map(|a| view! { <AttemptLine a replay/> }).collect_view()}
                                        </table>
                                    </div>
                                    <PagerView pager/>
                                }.into_any()
                            }
                            Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </section>
        <ToastStack/>
    }
}

#[derive(Clone)]
struct Pager {
    next: Option<String>,
    prev: Option<String>,
    query: RwSignal<LogQuery>,
}

/// Newer and Older: the page's cursors passed back with the same filters.
#[component]
fn PagerView(pager: Pager) -> impl IntoView {
    let Pager { next, prev, query } = pager;
    let go = move |cursor: Option<String>| query.update(|q| q.cursor = cursor);
    let (newer, older) = (prev.clone(), next.clone());
    view! {
        <nav class="pager" aria-label="Pages">
            <button type="button" class="button secondary small" disabled=prev.is_none() on:click=move |_| go(newer.clone())>"← Newer"</button>
            <button type="button" class="button secondary small" disabled=query.with_untracked(|q| q.cursor.is_none()) on:click=move |_| go(None)>"Newest"</button>
            <button type="button" class="button secondary small" disabled=next.is_none() on:click=move |_| go(older.clone())>"Older →"</button>
        </nav>
    }
    .into_any()
}

#[component]
fn AttemptLine(a: AttemptRow, replay: Replay) -> impl IntoView {
    let open = RwSignal::new(false);
    let status = a.status_code.map(|s| s.to_string()).unwrap_or_else(|| "error".into());
    let delivery = a.delivery_id.clone();
    let headers = pretty(&a.request_headers);
    view! {
        <tbody class="attempt" data-attempt-id=a.id.to_string()>
            <tr>
                <td>{short_time(&a.attempted_at)}</td>
                <td><code>{a.event_type.clone()}</code></td>
                <td>{a.attempt}</td>
                <td><span class=if a.success { "tone-ok" } else { "tone-bad" }><span class="badge">{status}</span></span></td>
                <td>{format!("{} ms", a.duration_ms)}</td>
                <td class="actions">
                    <button type="button" class="button secondary small" aria-expanded=move || open.get().to_string()
                        on:click=move |_| open.update(|o| *o = !*o)>"Details"</button>
                    <button type="button" class="button secondary small" on:click={
                        let delivery = delivery.clone();
                        move |_| { replay.dispatch(delivery.clone()); }
                    }>"Replay"</button>
                </td>
            </tr>
            <tr class="attempt-details" class:hidden=move || !open.get()>
                <td colspan="6">
                    <p class="small"><strong>"webhook-id "</strong><code>{a.webhook_id.clone()}</code></p>
                    {a.error.clone().map(|e| view! { <p class="small danger-text">{e}</p> })}
                    <div class="attempt-grid">
                        <div><h3 class="h4">"Request headers"</h3><pre class="code small">{headers}</pre></div>
                        <div><h3 class="h4">"Response body"</h3><pre class="code small response-body">{a.response_body.clone().unwrap_or_default()}</pre></div>
                    </div>
                    {move || open.get().then(|| view! { <Delivery id=delivery.clone() replay/> })}
                </td>
            </tr>
        </tbody>
    }
    .into_any()
}

/// The delivery an attempt belongs to, loaded when its row is opened.
#[component]
fn Delivery(id: String, replay: Replay) -> impl IntoView {
    let detail = Resource::new(move || id.clone(), delivery_detail);
    view! {
        <Transition fallback=|| view! { <p class="muted small">"Loading the delivery…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <DeliveryPanel d replay/> }.into_any(),
                    Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn DeliveryPanel(d: DeliveryView, replay: Replay) -> impl IntoView {
    let tone = match d.status.as_str() {
        "delivered" => "tone-ok",
        "failed" | "dead" => "tone-bad",
        _ => "tone-muted",
    };
    let id = d.id.clone();
    let payload_id = format!("payload-{}", d.id);
    view! {
        <section class="delivery" aria-label="Delivery">
            <h3 class="h4">"Delivery " <span class=tone><span class="badge delivery-status">{d.status.clone()}</span></span></h3>
            <p class="small muted">"Created " {short_time(&d.created_at)}
                {d.next_attempt_at.as_deref().map(|t| view! { " · next attempt " <strong class="next-attempt">{short_time(t)}</strong> })}
                " · " {d.attempts.len()} " attempt(s)"</p>
            <label class="small" for=payload_id.clone()>"Payload sent"</label>
            <textarea id=payload_id class="code small payload" readonly=true rows="8">{d.payload}</textarea>
            <ol class="delivery-attempts small">
                {d.attempts.into_iter().map(|a| view! {
                    <li>
                        {short_time(&a.attempted_at)} " · attempt " {a.attempt} " · "
                        <span class=if a.success { "tone-ok" } else { "tone-bad" }><span class="badge">{a.status_code.map(|s| s.to_string()).unwrap_or_else(|| "error".into())}</span></span>
                        " · " {a.duration_ms} " ms"
                        {a.error.map(|e| view! { <span class="danger-text">" · " {e}</span> })}
                        <details><summary>"Request headers and response"</summary>
                            <pre class="code small">{pretty(&a.request_headers)}</pre>
                            <pre class="code small">{a.response_body.unwrap_or_default()}</pre>
                        </details>
                    </li>
                }).collect_view()}
            </ol>
            <button type="button" class="button secondary small" on:click=move |_| { replay.dispatch(id.clone()); }>"Replay this delivery"</button>
        </section>
    }
    .into_any()
}

/// Stored JSON text indented for reading (as it is when it is not JSON).
fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json).ok().and_then(|v| serde_json::to_string_pretty(&v).ok()).unwrap_or_else(|| json.to_owned())
}
