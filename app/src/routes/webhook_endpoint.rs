//! Settings → Webhooks → one endpoint (owners): its attempts over time as a chart with the
//! range's figures, the latest attempts, edit in place, a test send of any payload (checked
//! as JSON before it goes), reveal and rotate the signing secret, turn it off or on, delete.

use connectgain_types::outbound::SubscriptionPatch;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::{
    components::{
        confirm::{Confirm, ConfirmDialog, Confirmation},
        delivery_chart::DeliveryChart,
        settings_tabs::SettingsTabs,
        status::LoadFailed,
        subscription_form::{into_patch, SubscriptionForm},
        toast::{ToastStack, Toasts},
    },
    error::AppError,
    functions::webhooks::{
        delete_subscription, endpoint_chart, event_catalogue, get_subscription, list_attempts, reveal_secret, rotate_subscription_secret, send_test_payload,
        set_subscription_active, update_subscription,
    },
    models::{
        admin::{rate_tone, short_time},
        webhooks::{EventDocView, LogQuery, SecretsView, SubscriptionRow},
    },
    routes::webhooks::{ask_delete, state_of},
};

#[component]
pub fn WebhookEndpointPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let subscription = Resource::new(id, get_subscription);
    let catalogue = Resource::new(|| (), |_| event_catalogue());
    view! {
        <Title text="Webhook"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let docs = catalogue.await.unwrap_or_default();
                match subscription.await {
                    Ok(row) => view! { <Endpoint row docs/> }.into_any(),
                    Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Endpoint(row: SubscriptionRow, docs: Vec<EventDocView>) -> impl IntoView {
    let toasts = Toasts::provide();
    let confirm = Confirm::provide();
    let id = row.id.clone();
    let current = RwSignal::new(row);
    let editing = RwSignal::new(false);

    let update = Action::new(|(id, patch): &(String, SubscriptionPatch)| update_subscription(id.clone(), patch.clone()));
    let toggle = Action::new(|(id, active): &(String, bool)| set_subscription_active(id.clone(), *active));
    Effect::new(move |_| {
        if let Some(Ok(row)) = update.value().get() {
            toasts.ok("Webhook saved.");
            editing.set(false);
            current.set(row);
        }
    });
    Effect::new(move |_| match toggle.value().get() {
        Some(Ok(row)) => current.set(row),
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    let remove = Action::new(|id: &String| delete_subscription(id.clone()));
    let navigate = use_navigate();
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => navigate("/settings/webhooks", Default::default()),
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });

    let name = move || current.with(|s| s.name.clone());
    let (t_id, d_id, e_id) = (id.clone(), id.clone(), id.clone());
    view! {
        <section class="settings endpoint-page">
            <p class="eyebrow"><a href="/settings/webhooks">"Webhooks"</a></p>
            <h1>{name}</h1>
            <SettingsTabs current="/settings/webhooks"/>
            <div class="panel endpoint-head">
                {move || current.with(|s| {
                    let (state, tone) = state_of(s);
                    view! {
                        <p><span class=tone><span class="badge">{state}</span></span> " " <code class="break">{s.url.clone()}</code></p>
                        {s.description.clone().map(|d| view! { <p class="muted">{d}</p> })}
                        <p class="small muted">"Events: " {s.events.join(", ")} " · signature " {s.signature_style.clone()}
                            " · last delivery " {s.last_attempt_at.as_deref().map(short_time).unwrap_or_else(|| "never".into())}</p>
                        {s.filter.clone().map(|f| view! { <p class="small muted">"Only events matching " <code>{f}</code></p> })}
                        {s.failing_since.as_deref().map(|t| view! { <p class="danger-text">"Every attempt has failed since " {short_time(t)} "."</p> })}
                        {s.disabled_reason.clone().map(|r| view! { <p class="danger-text">{r}</p> })}
                    }
                })}
                <div class="actions">
                    <button type="button" class="button secondary small" aria-expanded=move || editing.get().to_string()
                        on:click=move |_| editing.update(|e| *e = !*e)>"Edit"</button>
                    <button type="button" class="button secondary small" on:click=move |_| {
                        toggle.dispatch((t_id.clone(), !current.with_untracked(|s| s.is_active)));
                    }>{move || if current.with(|s| s.is_active) { "Turn off" } else { "Turn on" }}</button>
                    <a class="button secondary small" href=format!("/settings/webhooks/logs?subscription={id}")>"All logs"</a>
                    <button type="button" class="button secondary small danger-text" on:click=move |_| {
                        let id = d_id.clone();
                        ask_delete(confirm, Callback::new(move |()| { remove.dispatch(id.clone()); }));
                    }>"Delete"</button>
                </div>
            </div>
            {
                let docs = docs.clone();
                move || editing.get().then(|| {
                    let id = e_id.clone();
                    let error = Signal::derive(move || update.value().get().and_then(Result::err));
                    view! {
                        <SubscriptionForm docs=docs.clone() existing=Some(current.get_untracked()) error pending=update.pending()
                            submit=Callback::new(move |input| { update.dispatch((id.clone(), into_patch(input))); })
                            cancel=Callback::new(move |()| editing.set(false))/>
                    }
                })
            }
            <Figures id=id.clone()/>
            <RecentAttempts id=id.clone()/>
            <TestSend id=id.clone() docs current/>
            <Secret id=id.clone() confirm toasts/>
        </section>
        <ToastStack/>
        <ConfirmDialog/>
    }
    .into_any()
}

/// The chart and the figures of the chosen range.
#[component]
fn Figures(id: String) -> impl IntoView {
    let range = RwSignal::new("24h".to_owned());
    let chart = Resource::new(move || (id.clone(), range.get()), |(id, range)| endpoint_chart(id, range));
    view! {
        <div class="panel endpoint-figures">
            <div class="panel-head">
                <h2>"Deliveries"</h2>
                <div class="segmented" role="group" aria-label="Range">
                    {["1h", "24h", "7d", "30d"].into_iter().map(|r| view! {
                        <button type="button" class="button secondary small" aria-pressed=move || (range.get() == r).to_string()
                            on:click=move |_| range.set(r.to_owned())>{r}</button>
                    }).collect_view()}
                </div>
            </div>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match chart.await {
                        Ok(c) => {
                            let rate = (c.success_rate * 100.0).floor() as i64;
                            view! {
                                <dl class="figures">
                                    <div><dt>"Attempts"</dt><dd>{c.total}</dd></div>
                                    <div><dt>"Success rate"</dt><dd>{if c.total > 0 {
                                        view! { <span class=rate_tone(rate)><span class="badge">{format!("{rate}%")}</span></span> }.into_any()
                                    } else { view! { "—" }.into_any() }}</dd></div>
                                    <div><dt>"Failed"</dt><dd>{c.failed}</dd></div>
                                    <div><dt>"p50"</dt><dd>{format!("{} ms", c.p50_latency_ms)}</dd></div>
                                    <div><dt>"p95"</dt><dd>{format!("{} ms", c.p95_latency_ms)}</dd></div>
                                    <div><dt>"Average"</dt><dd>{format!("{} ms", c.avg_latency_ms)}</dd></div>
                                </dl>
                                <DeliveryChart points=c.series/>
                            }.into_any()
                        }
                        Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
    .into_any()
}

/// The latest ten attempts, each opening the delivery in the logs.
#[component]
fn RecentAttempts(id: String) -> impl IntoView {
    let query = LogQuery { subscription: id, ..Default::default() };
    let attempts = Resource::new(move || query.clone(), list_attempts);
    view! {
        <div class="panel">
            <h2>"Latest attempts"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match attempts.await {
                        Ok(page) if page.data.is_empty() => view! { <p class="muted">"Nothing sent yet: send a test event below."</p> }.into_any(),
                        Ok(page) => view! {
                            <div class="table-scroll"><table class="table recent-attempts">
                                <thead><tr><th>"Time (UTC)"</th><th>"Event"</th><th>"Status"</th><th>"Duration"</th></tr></thead>
                                <tbody>
                                    {page.data.into_iter().take(10).map(|a| view! {
                                        <tr>
                                            <td><a href=format!("/settings/webhooks/logs?search={}", a.webhook_id)>{short_time(&a.attempted_at)}</a></td>
                                            <td><code>{a.event_type}</code></td>
                                            <td><span class=if a.success { "tone-ok" } else { "tone-bad" }><span class="badge">
                                                {a.status_code.map(|s| s.to_string()).unwrap_or_else(|| "error".into())}</span></span></td>
                                            <td>{format!("{} ms", a.duration_ms)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any(),
                        Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
    .into_any()
}

/// A test event with a payload the owner writes (the event's example to start from),
/// checked as JSON while typing.
#[component]
fn TestSend(id: String, docs: Vec<EventDocView>, current: RwSignal<SubscriptionRow>) -> impl IntoView {
    let first = current.with_untracked(|s| s.events.iter().find(|e| *e != "*").cloned()).or_else(|| docs.first().map(|d| d.event.clone())).unwrap_or_default();
    let example_of = {
        let docs = docs.clone();
        move |event: &str| docs.iter().find(|d| d.event == event).map(|d| d.example.clone()).unwrap_or_else(|| "{}".into())
    };
    let event = RwSignal::new(first.clone());
    let payload = RwSignal::new(example_of(&first));
    let invalid = Memo::new(move |_| payload.with(|p| serde_json::from_str::<serde_json::Value>(p).err().map(|e| format!("Not valid JSON: {e}."))));
    let send = Action::new(move |(event, payload): &(String, String)| send_test_payload(id.clone(), event.clone(), payload.clone()));
    let answer = move || match send.value().get() {
        Some(Ok(delivery)) => Some(
            view! {
                <p class="alert alert-ok" role="status">"Test event queued. "
                    <a href=format!("/settings/webhooks/logs?search={delivery}")>"See its delivery"</a></p>
            }
            .into_any(),
        ),
        Some(Err(AppError { message, .. })) => Some(view! { <p class="alert alert-error" role="alert">{message}</p> }.into_any()),
        None => None,
    };
    view! {
        <form class="panel form test-send" on:submit=move |ev| {
            ev.prevent_default();
            if invalid.get_untracked().is_none() {
                send.dispatch((event.get_untracked(), payload.get_untracked()));
            }
        }>
            <h2>"Send a test event"</h2>
            <div class="field">
                <label for="test-event">"Event"</label>
                <select id="test-event" on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    payload.set(example_of(&chosen));
                    event.set(chosen);
                }>
                    {docs.iter().map(|d| view! { <option value=d.event.clone() selected=d.event == first>{d.event.clone()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field" class:has-error=move || invalid.get().is_some()>
                <label for="test-payload">"Payload (the event's data)"</label>
                <textarea id="test-payload" class="code json-editor" rows="10" spellcheck="false" aria-describedby="test-payload-error"
                    aria-invalid=move || invalid.get().is_some().to_string()
                    prop:value=move || payload.get() on:input=move |ev| payload.set(event_target_value(&ev))>{payload.get_untracked()}</textarea>
                <p class="field-error" id="test-payload-error" role="alert">{move || invalid.get()}</p>
            </div>
            {answer}
            <button type="submit" class="button" disabled=move || invalid.get().is_some() || send.pending().get()>"Send test event"</button>
        </form>
    }
    .into_any()
}

/// The signing secret, revealed on request; rotation with a day's grace for the old one.
#[component]
fn Secret(id: String, confirm: Confirm, toasts: Toasts) -> impl IntoView {
    let shown = RwSignal::new(None::<SecretsView>);
    let reveal = Action::new(|id: &String| reveal_secret(id.clone()));
    let rotate = Action::new(|id: &String| rotate_subscription_secret(id.clone()));
    Effect::new(move |_| match reveal.value().get() {
        Some(Ok(secrets)) => shown.set(Some(secrets)),
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    let again = id.clone();
    Effect::new(move |_| match rotate.value().get() {
        Some(Ok(_)) => {
            toasts.ok("New secret created; the old one keeps signing for 24 hours.");
            reveal.dispatch(again.clone());
        }
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    let (r_id, o_id) = (id.clone(), id);
    view! {
        <div class="panel secret-panel">
            <h2>"Signing secret"</h2>
            <p class="muted small">"Receivers verify each delivery with it. See "
                <a href="/docs/verifying-signatures">"Verifying signatures"</a> "."</p>
            {move || shown.get().map(|s| view! {
                <div class="field">
                    <label for="revealed-secret">"Secret"</label>
                    <input id="revealed-secret" class="copy-field" readonly=true value=s.secret/>
                </div>
                {s.previous.map(|previous| view! {
                    <div class="field">
                        <label for="previous-secret">"Previous secret (still signs until " {s.previous_until.as_deref().map(short_time)} ")"</label>
                        <input id="previous-secret" class="copy-field" readonly=true value=previous/>
                    </div>
                })}
            })}
            <div class="actions">
                <button type="button" class="button secondary small" on:click=move |_| {
                    if shown.get_untracked().is_some() { shown.set(None) } else { reveal.dispatch(r_id.clone()); }
                }>{move || if shown.get().is_some() { "Hide secret" } else { "Reveal secret" }}</button>
                <button type="button" class="button secondary small" on:click=move |_| {
                    let id = o_id.clone();
                    confirm.ask(Confirmation {
                        title: "Rotate the signing secret?".into(),
                        message: "A new secret signs from now on; the old one also signs for 24 hours so receivers can switch.".into(),
                        confirm_label: "Rotate secret",
                        on_confirm: Callback::new(move |()| { rotate.dispatch(id.clone()); }),
                    });
                }>"Rotate secret"</button>
            </div>
        </div>
    }
    .into_any()
}
