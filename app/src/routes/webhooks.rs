//! Settings → Webhooks (owners): the organization's event subscriptions with each one's
//! health at a glance — add one (its secret is shown once), edit one in place, turn it on or
//! off, delete it, open its page — and the event catalogue with each event's data.

use connectgain_types::outbound::{SubscriptionInput, SubscriptionPatch};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    components::{
        confirm::{Confirm, ConfirmDialog, Confirmation},
        endpoint_notices::EndpointNotices,
        settings_tabs::SettingsTabs,
        status::LoadFailed,
        subscription_form::{into_patch, SubscriptionForm},
        toast::{ToastStack, Toasts},
    },
    functions::webhooks::{create_subscription, delete_subscription, event_catalogue, list_subscriptions, set_subscription_active, update_subscription},
    models::{
        admin::{rate_tone, short_time},
        webhooks::{EventDocView, RevealedSecret, SubscriptionRow},
    },
};

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let toasts = Toasts::provide();
    let confirm = Confirm::provide();
    let revealed = RwSignal::new(None::<RevealedSecret>);
    // The subscription being edited (the form replaces "Add a webhook" meanwhile).
    let editing = RwSignal::new(None::<SubscriptionRow>);
    // Loaded once; each action's answer then updates the list in place (no refetch).
    let subscriptions = Resource::new(|| (), |_| list_subscriptions());
    let catalogue = Resource::new(|| (), |_| event_catalogue());
    let put_row = move |row: SubscriptionRow| {
        subscriptions.update(|loaded| {
            if let Some(Ok(list)) = loaded {
                match list.iter_mut().find(|r| r.id == row.id) {
                    // The 24-hour figures are the list's, not the saved row's.
                    Some(r) => *r = SubscriptionRow { day_succeeded: r.day_succeeded, day_failed: r.day_failed, ..row },
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
    let update = Action::new(|(id, patch): &(String, SubscriptionPatch)| update_subscription(id.clone(), patch.clone()));
    Effect::new(move |_| {
        if let Some(Ok(row)) = update.value().get() {
            toasts.ok(format!("Webhook {} saved.", row.name));
            put_row(row);
            editing.set(None);
        }
    });
    let toggle = Action::new(|(id, active): &(String, bool)| set_subscription_active(id.clone(), *active));
    let remove = Action::new(|id: &String| {
        let id = id.clone();
        async move { delete_subscription(id.clone()).await.map(|()| id) }
    });
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

    view! {
        <Title text="Webhooks"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let list = subscriptions.await;
                let docs = catalogue.await.unwrap_or_default();
                match list {
                    Ok(list) => {
                        let form_docs = docs.clone();
                        view! {
                        <section class="settings webhooks-page">
                            <p class="eyebrow">"Settings"</p>
                            <h1>"Webhooks"</h1>
                            <SettingsTabs current="/settings/webhooks"/>
                            <EndpointNotices rows=list.clone()/>
                            {move || revealed.get().map(|r| view! {
                                <div class="alert alert-warn secret-once" role="status">
                                    <p>"The signing secret of " <strong>{r.subscription}</strong> ". Copy it now; owners can reveal it again on the webhook's page."</p>
                                    <input class="copy-field" readonly=true value=r.secret aria-label="Signing secret"/>
                                </div>
                            })}
                            <SubscriptionList list toggle remove editing confirm/>
                            {move || {
                                let docs = form_docs.clone();
                                match editing.get() {
                                    Some(row) => {
                                        let id = row.id.clone();
                                        let error = Signal::derive(move || update.value().get().and_then(Result::err));
                                        view! {
                                            <SubscriptionForm docs existing=Some(row) error pending=update.pending()
                                                submit=Callback::new(move |input| { update.dispatch((id.clone(), into_patch(input))); })
                                                cancel=Callback::new(move |()| editing.set(None))/>
                                        }.into_any()
                                    }
                                    None => {
                                        let error = Signal::derive(move || create.value().get().and_then(Result::err));
                                        view! {
                                            <SubscriptionForm docs existing=None error pending=create.pending()
                                                submit=Callback::new(move |input| { create.dispatch(input); })/>
                                        }.into_any()
                                    }
                                }
                            }}
                            <Catalogue docs/>
                        </section>
                    }.into_any()
                    }
                    Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <ToastStack/>
        <ConfirmDialog/>
    }
}

/// Asks before deleting a webhook (its logs go with it).
pub fn ask_delete(confirm: Confirm, on_confirm: Callback<()>) {
    confirm.ask(Confirmation {
        title: "Delete this webhook?".into(),
        message: "It stops receiving events, and its delivery logs are deleted.".into(),
        confirm_label: "Delete webhook",
        on_confirm,
    });
}

/// An endpoint's state as a word and a tone: off, failing (every attempt since a time), or
/// active.
pub fn state_of(s: &SubscriptionRow) -> (&'static str, &'static str) {
    match (s.is_active, &s.failing_since) {
        (false, _) => ("Off", "tone-muted"),
        (true, Some(_)) => ("Failing", "tone-bad"),
        (true, None) => ("Active", "tone-ok"),
    }
}

#[component]
fn SubscriptionList(
    list: Vec<SubscriptionRow>,
    toggle: Action<(String, bool), Result<SubscriptionRow, crate::error::AppError>>,
    remove: Action<String, Result<String, crate::error::AppError>>,
    editing: RwSignal<Option<SubscriptionRow>>,
    confirm: Confirm,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="panel muted">"No webhooks yet. Add one below to receive the organization's events."</p> }.into_any();
    }
    view! {
        <div class="panel table-scroll">
            <table class="table subscriptions">
                <thead><tr><th>"Name"</th><th>"URL"</th><th>"Events"</th><th>"Health (24 h)"</th><th>"State"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                <tbody>
                    {list.into_iter().map(|s| {
                        let (id, name) = (s.id.clone(), s.name.clone());
                        let (d_id, a_id) = (id.clone(), id.clone());
                        let active = s.is_active;
                        let (state, tone) = state_of(&s);
                        let rate = s.day_rate();
                        let row = s.clone();
                        view! {
                            <tr>
                                <td><a href=format!("/settings/webhooks/{id}")><strong>{s.name.clone()}</strong></a>
                                    {s.description.clone().map(|d| view! { <div class="small muted">{d}</div> })}
                                    {s.disabled_reason.clone().map(|r| view! { <div class="small danger-text">{r}</div> })}</td>
                                <td class="mono small break">{s.url.clone()}</td>
                                <td class="small">{s.events.join(", ")}</td>
                                <td class="small health">
                                    {match rate {
                                        Some(rate) => view! {
                                            <span class=rate_tone(rate)><span class="badge">{format!("{rate}%")}</span></span>
                                            {format!(" of {}", s.day_succeeded + s.day_failed)}
                                        }.into_any(),
                                        None => view! { <span class="muted">"No attempts"</span> }.into_any(),
                                    }}
                                    <div class="muted">"Last delivery: " {s.last_attempt_at.as_deref().map(short_time).unwrap_or_else(|| "never".into())}</div>
                                    {s.failing_since.as_deref().map(|t| view! { <div class="danger-text">"Failing since " {short_time(t)}</div> })}
                                </td>
                                <td><span class=tone><span class="badge">{state}</span></span></td>
                                <td class="actions">
                                    <button type="button" class="button secondary small" aria-label=format!("Edit {name}")
                                        on:click=move |_| editing.set(Some(row.clone()))>"Edit"</button>
                                    <button type="button" class="button secondary small"
                                        on:click=move |_| { toggle.dispatch((a_id.clone(), !active)); }>{if active { "Turn off" } else { "Turn on" }}</button>
                                    <button type="button" class="button secondary small danger-text" aria-label=format!("Delete {name}") on:click=move |_| {
                                        let id = d_id.clone();
                                        ask_delete(confirm, Callback::new(move |()| { remove.dispatch(id.clone()); }));
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
