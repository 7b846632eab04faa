//! Settings → Webhooks (owners): the organization's event subscriptions — create one
//! (its secret is shown once), turn it on or off, send a test event, rotate its secret,
//! delete it — and the event catalogue with each event's data.

use connectgain_types::outbound::SubscriptionInput;
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    components::{
        confirm::{Confirm, ConfirmDialog, Confirmation},
        form::{Field, FormAlert},
        form_data::form_json,
        status::LoadFailed,
        toast::{ToastStack, Toasts},
    },
    functions::webhooks::{
        create_subscription, delete_subscription, event_catalogue, list_subscriptions, rotate_subscription_secret, send_test_event, set_subscription_active,
        subscription_stats,
    },
    models::{
        admin::rate_tone,
        webhooks::{EventDocView, RevealedSecret, SubscriptionRow},
    },
};

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let toasts = Toasts::provide();
    let confirm = Confirm::provide();
    let revealed = RwSignal::new(None::<RevealedSecret>);
    // Loaded once; each action's answer then updates the list in place (no refetch).
    let subscriptions = Resource::new(|| (), |_| list_subscriptions());
    let catalogue = Resource::new(|| (), |_| event_catalogue());
    let put_row = move |row: SubscriptionRow| {
        subscriptions.update(|loaded| {
            if let Some(Ok(list)) = loaded {
                match list.iter_mut().find(|r| r.id == row.id) {
                    Some(r) => *r = row,
                    None => list.push(row),
                }
            }
        })
    };

    let create = Action::new(|input: &SubscriptionInput| create_subscription(input.clone()));
    Effect::new(move |_| {
        if let Some(Ok(secret)) = create.value().get() {
            toasts.ok(format!("Webhook {} created.", secret.subscription));
            put_row(secret.row.clone());
            revealed.set(Some(secret));
        }
    });
    let toggle = Action::new(|(id, active): &(String, bool)| set_subscription_active(id.clone(), *active));
    let remove = Action::new(|id: &String| {
        let id = id.clone();
        async move { delete_subscription(id.clone()).await.map(|()| id) }
    });
    let rotate = Action::new(|id: &String| rotate_subscription_secret(id.clone()));
    let test = Action::new(|(id, event): &(String, String)| send_test_event(id.clone(), event.clone()));
    Effect::new(move |_| match toggle.value().get() {
        Some(Ok(row)) => put_row(row),
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(id)) => {
            toasts.ok("Webhook deleted.");
            subscriptions.update(|loaded| {
                if let Some(Ok(list)) = loaded {
                    list.retain(|r| r.id != id);
                }
            });
        }
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    Effect::new(move |_| match rotate.value().get() {
        Some(Ok(secret)) => {
            toasts.ok("New secret created; the old one keeps signing for 24 hours.");
            put_row(secret.row.clone());
            revealed.set(Some(secret));
        }
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    Effect::new(move |_| match test.value().get() {
        Some(Ok(())) => toasts.ok("Test event queued; see it in the logs."),
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });

    view! {
        <Title text="Webhooks"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let list = subscriptions.await;
                let docs = catalogue.await.unwrap_or_default();
                match list {
                    Ok(list) => view! {
                        <section class="settings webhooks-page">
                            <p class="eyebrow">"Settings"</p>
                            <h1>"Webhooks"</h1>
                            <nav class="admin-sections" aria-label="Settings">
                                <A href="/settings">"Organization"</A>
                                <a href="/settings/webhooks" aria-current="page">"Webhooks"</a>
                                <A href="/settings/webhooks/logs">"Logs"</A>
                                <A href="/settings/inbound">"Inbound"</A>
                            </nav>
                            {move || revealed.get().map(|r| view! {
                                <div class="alert alert-warn secret-once" role="status">
                                    <p>"The signing secret of " <strong>{r.subscription}</strong> ". Copy it now: it is not shown again."</p>
                                    <input class="copy-field" readonly=true value=r.secret aria-label="Signing secret"/>
                                </div>
                            })}
                            <SubscriptionList list docs=docs.clone() toggle remove rotate test confirm/>
                            <NewSubscription create docs=docs.clone()/>
                            <Catalogue docs/>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <ToastStack/>
        <ConfirmDialog/>
    }
}

type Act<I> = Action<I, Result<(), crate::error::AppError>>;

#[component]
fn SubscriptionList(
    list: Vec<SubscriptionRow>,
    docs: Vec<EventDocView>,
    toggle: Action<(String, bool), Result<SubscriptionRow, crate::error::AppError>>,
    remove: Action<String, Result<String, crate::error::AppError>>,
    rotate: Action<String, Result<RevealedSecret, crate::error::AppError>>,
    test: Act<(String, String)>,
    confirm: Confirm,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="panel muted">"No webhooks yet. Add one below to receive the organization's events."</p> }.into_any();
    }
    view! {
        <div class="panel">
            <table class="table subscriptions">
                <thead><tr><th>"Name"</th><th>"URL"</th><th>"Events"</th><th>"Status"</th><th></th></tr></thead>
                <tbody>
                    {list.into_iter().map(|s| {
                        let (id, name) = (s.id.clone(), s.name.clone());
                        let first_event = s.events.iter().find(|e| *e != "*").cloned()
                            .or_else(|| docs.first().map(|d| d.event.clone())).unwrap_or_else(|| "contact.created".into());
                        let test_event = RwSignal::new(first_event);
                        let (t_id, r_id, d_id, a_id) = (id.clone(), id.clone(), id.clone(), id.clone());
                        let active = s.is_active;
                        view! {
                            <tr>
                                <td><strong>{s.name.clone()}</strong>
                                    {s.disabled_reason.clone().map(|r| view! { <div class="small danger-text">{r}</div> })}</td>
                                <td class="mono small">{s.url.clone()}</td>
                                <td class="small">{s.events.join(", ")}</td>
                                <td>
                                    <span class=if active { "tone-ok" } else { "tone-muted" }><span class="badge">{if active { "Active" } else { "Off" }}</span></span>
                                    <SubscriptionStats id=s.id.clone()/>
                                </td>
                                <td class="actions">
                                    <select aria-label=format!("Test event for {name}") on:change=move |ev| test_event.set(event_target_value(&ev))>
                                        {docs.iter().map(|d| {
                                            let selected = d.event == test_event.get_untracked();
                                            view! { <option value=d.event.clone() selected=selected>{d.event.clone()}</option> }
                                        }).collect_view()}
                                    </select>
                                    <button type="button" class="button secondary small" aria-label=format!("Send test event to {name}")
                                        on:click=move |_| { test.dispatch((t_id.clone(), test_event.get_untracked())); }>"Send test event"</button>
                                    <button type="button" class="button secondary small"
                                        on:click=move |_| { toggle.dispatch((a_id.clone(), !active)); }>{if active { "Turn off" } else { "Turn on" }}</button>
                                    <button type="button" class="button secondary small" on:click=move |_| {
                                        let id = r_id.clone();
                                        confirm.ask(Confirmation {
                                            title: "Rotate the signing secret?".into(),
                                            message: "A new secret signs from now on; the old one also signs for 24 hours so receivers can switch.".into(),
                                            confirm_label: "Rotate secret",
                                            on_confirm: Callback::new(move |()| { rotate.dispatch(id.clone()); }),
                                        });
                                    }>"Rotate secret"</button>
                                    <button type="button" class="button secondary small danger-text" aria-label=format!("Delete {name}") on:click=move |_| {
                                        let id = d_id.clone();
                                        confirm.ask(Confirmation {
                                            title: "Delete this webhook?".into(),
                                            message: "It stops receiving events, and its delivery logs are deleted.".into(),
                                            confirm_label: "Delete webhook",
                                            on_confirm: Callback::new(move |()| { remove.dispatch(id.clone()); }),
                                        });
                                    }>"Delete"</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Success rate and latency of one subscription's attempts.
#[component]
fn SubscriptionStats(id: String) -> impl IntoView {
    let stats = Resource::new(move || id.clone(), subscription_stats);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                stats.await.ok().filter(|s| s.total > 0).map(|s| {
                    let rate = (s.success_rate * 100.0).round() as i64;
                    view! {
                        <div class="small muted stats">
                            <span class=rate_tone(rate)><span class="badge">{format!("{rate}%")}</span></span>
                            {format!(" of {} · p50 {} ms · p95 {} ms", s.total, s.p50_latency_ms, s.p95_latency_ms)}
                        </div>
                    }
                })
            })}
        </Transition>
    }
}

#[component]
fn NewSubscription(create: Action<SubscriptionInput, Result<RevealedSecret, crate::error::AppError>>, docs: Vec<EventDocView>) -> impl IntoView {
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));
    let names: Vec<String> = docs.iter().map(|d| d.event.clone()).collect();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let checks: Vec<String> = std::iter::once("*".to_owned()).chain(names.iter().cloned()).map(|n| format!("event:{n}")).collect();
        let check_refs: Vec<&str> = checks.iter().map(String::as_str).collect();
        let form = form_json(&ev, &["name", "url", "secret", "signature_style"], &check_refs);
        let events: Vec<String> = checks
            .iter()
            .filter(|c| form.get(c.as_str()).and_then(serde_json::Value::as_bool).unwrap_or(false))
            .map(|c| c.trim_start_matches("event:").to_owned())
            .collect();
        let text = |k: &str| form.get(k).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
        let secret = text("secret");
        create.dispatch(SubscriptionInput {
            name: text("name"),
            url: text("url"),
            events,
            secret: (!secret.trim().is_empty()).then_some(secret),
            is_active: None,
            signature_style: Some(text("signature_style")),
            description: None,
        });
    };
    let events_error = move || error.get().and_then(|e| e.field("events"));

    view! {
        <form class="panel form" on:submit=on_submit>
            <h2>"Add a webhook"</h2>
            <FormAlert error=general/>
            <Field name="name" label="Name" required=true placeholder="My integration" error/>
            <Field name="url" label="URL" required=true placeholder="https://example.com/webhooks" error/>
            <fieldset class="field events-field" class:has-error=move || events_error().is_some()>
                <legend>"Events"</legend>
                <label class="toggle"><input type="checkbox" name="event:*"/><span>"All events (*)"</span></label>
                <div class="event-checks">
                    {docs.into_iter().map(|d| view! {
                        <label class="toggle small" title=d.description><input type="checkbox" name=format!("event:{}", d.event)/><span>{d.event.clone()}</span></label>
                    }).collect_view()}
                </div>
                <p class="field-error" role="alert">{events_error}</p>
            </fieldset>
            <Field name="secret" label="Signing secret" kind="password" autocomplete="off"
                hint="Leave blank to have one generated (whsec_…). It is shown once." error/>
            <div class="field">
                <label for="field-signature_style">"X-Webhook-Signature format"</label>
                <select id="field-signature_style" name="signature_style">
                    <option value="hex" selected=true>"hex (HMAC-SHA256 of the body)"</option>
                    <option value="sha256">"sha256=hex"</option>
                </select>
            </div>
            <button type="submit" class="button" disabled=move || create.pending().get()>"Add webhook"</button>
        </form>
    }
}

#[component]
fn Catalogue(docs: Vec<EventDocView>) -> impl IntoView {
    view! {
        <div class="panel catalogue">
            <h2>"Events"</h2>
            <p class="muted">"Every delivery is " <code>"{\"event\", \"timestamp\", \"data\"}"</code>
                ", signed with X-Webhook-Signature (HMAC-SHA256 of the exact body) and the Standard Webhooks headers. "
                "The same list is served at " <code>"/api/v1/webhooks/events"</code> "."</p>
            {docs.into_iter().map(|d| view! {
                <details class="event-doc">
                    <summary><code>{d.event}</code> " — " {d.description}</summary>
                    <p class="small muted">"data: " {d.object}</p>
                    <pre class="code small">{d.example}</pre>
                </details>
            }).collect_view()}
        </div>
    }
}
