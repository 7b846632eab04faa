//! Settings → Inbound (owners): the tenant's inbound API key (generate or rotate; shown
//! once), the endpoint with a copy-paste curl example, the provider callback URLs and
//! secrets, and the received events with their status, payload and a retry for failed ones.

use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;

use crate::{
    components::{
        confirm::{Confirm, ConfirmDialog, Confirmation},
        form_data::form_json,
        settings_tabs::SettingsTabs,
        status::LoadFailed,
        toast::{ToastStack, Toasts},
    },
    error::AppError,
    functions::inbound::{generate_inbound_key, get_inbound, list_inbound_events, retry_inbound_event, save_callback_secrets},
    models::inbound::{CallbackSecrets, InboundEventRow, InboundPage, RevealedKey},
};

#[component]
pub fn InboundPage() -> impl IntoView {
    let toasts = Toasts::provide();
    let confirm = Confirm::provide();
    let revealed = RwSignal::new(None::<RevealedKey>);
    // Loaded once; a new key's answer updates what the page shows of it (no refetch).
    let page = Resource::new(|| (), |_| get_inbound());
    let generate = Action::new(|_: &()| generate_inbound_key());
    Effect::new(move |_| match generate.value().get() {
        Some(Ok(key)) => {
            toasts.ok("New inbound API key created. Copy it now: it is not shown again.");
            page.update(|loaded| {
                if let Some(Ok(p)) = loaded {
                    p.key_configured = true;
                    p.key_hint = key.key_hint.clone();
                    p.key_created_at = key.key_created_at.clone();
                }
            });
            revealed.set(Some(key));
        }
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    let on_saved = Callback::new(move |saved: CallbackSecrets| {
        page.update(|loaded| {
            if let Some(Ok(p)) = loaded {
                p.zoom_secret_token = saved.zoom_secret_token;
                p.vonage_signature_secret = saved.vonage_signature_secret;
            }
        })
    });

    view! {
        <Title text="Inbound webhooks"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! {
                        <section class="settings inbound-page">
                            <p class="eyebrow">"Settings"</p>
                            <h1>"Inbound webhooks"</h1>
                            <SettingsTabs current="/settings/inbound"/>
                            <KeyPanel page=p.clone() revealed generate confirm/>
                            <Callbacks page=p.clone() on_saved toasts/>
                            <Events toasts/>
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

#[component]
fn KeyPanel(
    page: InboundPage,
    revealed: RwSignal<Option<RevealedKey>>,
    generate: Action<(), Result<RevealedKey, AppError>>,
    confirm: Confirm,
) -> impl IntoView {
    let configured = page.key_configured;
    let endpoint = format!("{}lead.captured", page.endpoint_base);
    let tenant = page.tenant_id.clone();
    let curl = move || {
        let key = revealed.get().map(|k| k.api_key).unwrap_or_else(|| "YOUR_API_KEY".into());
        format!(
            "curl -X POST {endpoint} \\\n  -H \"X-Tenant-ID: {tenant}\" \\\n  -H \"X-API-Key: {key}\" \\\n  -H \"Content-Type: application/json\" \\\n  -d '{{\"email\": \"lead@example.com\", \"name\": \"Ada Lovelace\", \"source\": \"website_form\"}}'"
        )
    };
    view! {
        <div class="panel">
            <h2>"API key"</h2>
            <p class="muted">"Automation platforms (n8n, Activepieces, Zapier…) send events to "
                <code>{format!("POST {}{{event_name}}", page.endpoint_base)}</code>
                " with the headers " <code>"X-Tenant-ID"</code> " and " <code>"X-API-Key"</code> "."</p>
            <dl class="facts">
                <dt>"Tenant ID"</dt><dd class="mono" data-testid="tenant-id">{page.tenant_id.clone()}</dd>
                <dt>"Key"</dt>
                <dd>{match (configured, page.key_hint.clone()) {
                    (true, Some(hint)) => format!("{hint} (created {})", page.key_created_at.clone().unwrap_or_default()),
                    _ => "No key yet: generate one to accept inbound events.".to_owned(),
                }}</dd>
            </dl>
            {move || revealed.get().map(|k| view! {
                <div class="alert alert-warn secret-once" role="status">
                    <p>"Your new inbound API key. Copy it now: it is not shown again."</p>
                    <input class="copy-field" readonly=true value=k.api_key aria-label="Inbound API key"/>
                </div>
            })}
            {if configured {
                view! {
                    <button type="button" class="button secondary" disabled=move || generate.pending().get() on:click=move |_| {
                        confirm.ask(Confirmation {
                            title: "Rotate the inbound API key?".into(),
                            message: "A new key is created and the current one stops working at once; update your automations.".into(),
                            confirm_label: "Rotate key",
                            on_confirm: Callback::new(move |()| { generate.dispatch(()); }),
                        });
                    }>"Rotate key"</button>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="button" disabled=move || generate.pending().get()
                        on:click=move |_| { generate.dispatch(()); }>"Generate key"</button>
                }.into_any()
            }}
            <h3 class="form-title">"Try it"</h3>
            <pre class="code small curl-example" aria-label="curl example">{curl}</pre>
            <p class="small muted">"Answers " <code>"{id, tenant_id, event_name, payload, status: \"received\", received_at}"</code>
                " once the event is stored. " <code>"lead.captured"</code> " creates or updates a contact; other events are kept below. "
                "Send an " <code>"Idempotency-Key"</code> " header to make retries safe."</p>
        </div>
    }
}

#[component]
fn Callbacks(page: InboundPage, on_saved: Callback<CallbackSecrets>, toasts: Toasts) -> impl IntoView {
    let save = Action::new(|(zoom, vonage): &(String, String)| save_callback_secrets(zoom.clone(), vonage.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            toasts.ok("Callback secrets saved.");
            on_saved.run(saved);
        }
        Some(Err(e)) => toasts.error(e.field("zoom_secret_token").or(e.field("vonage_signature_secret")).unwrap_or(e.message)),
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let form = form_json(&ev, &["zoom_secret_token", "vonage_signature_secret"], &[]);
        let text = |k: &str| form.get(k).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
        save.dispatch((text("zoom_secret_token"), text("vonage_signature_secret")));
    };
    let masked = |v: Option<String>| v.unwrap_or_else(|| "not set".into());
    view! {
        <div class="panel">
            <h2>"Provider callbacks"</h2>
            <p class="muted">"Give each provider its URL. Every callback is verified with this organization's secret "
                "(WhatsApp: app secret and verify token; Twilio: auth token — both set by a platform admin; Zoom and Vonage: below)."</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Callback URLs"><table class="table">
                <thead><tr><th>"Provider"</th><th>"Callback URL"</th></tr></thead>
                <tbody>
                    {page.callbacks.into_iter().map(|(provider, url)| view! {
                        <tr><td>{provider}</td><td class="mono small">{url}</td></tr>
                    }).collect_view()}
                </tbody>
            </table></div>
            <form class="form" on:submit=on_submit>
                <div class="field">
                    <label for="zoom_secret_token">"Zoom secret token"</label>
                    <input id="zoom_secret_token" name="zoom_secret_token" type="password" autocomplete="off"/>
                    <p class="hint">"Stored: " {masked(page.zoom_secret_token)} ". Leave blank to keep it."</p>
                </div>
                <div class="field">
                    <label for="vonage_signature_secret">"Vonage signature secret (SHA-256 HMAC)"</label>
                    <input id="vonage_signature_secret" name="vonage_signature_secret" type="password" autocomplete="off"/>
                    <p class="hint">"Stored: " {masked(page.vonage_signature_secret)} ". Leave blank to keep it."</p>
                </div>
                <button type="submit" class="button secondary" disabled=move || save.pending().get()>"Save secrets"</button>
            </form>
        </div>
    }
}

#[component]
fn Events(toasts: Toasts) -> impl IntoView {
    let status = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let refresh = RwSignal::new(0u32);
    let events = Resource::new(move || (status.get(), name.get(), refresh.get()), |(s, n, _)| list_inbound_events(s, n, None));
    // "Show more" appends the next page (same filters) to the list shown.
    let more = Action::new(move |cursor: &String| list_inbound_events(status.get_untracked(), name.get_untracked(), Some(cursor.clone())));
    Effect::new(move |_| {
        if let Some(Ok(next)) = more.value().get() {
            events.update(|loaded| {
                if let Some(Ok(page)) = loaded {
                    page.data.extend(next.data);
                    page.next_cursor = next.next_cursor;
                }
            });
        }
    });
    let retry = Action::new(|id: &String| retry_inbound_event(id.clone()));
    Effect::new(move |_| match retry.value().get() {
        Some(Ok(())) => {
            toasts.ok("Event queued again.");
            refresh.update(|v| *v += 1);
        }
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    view! {
        <div class="panel">
            <h2>"Received events"</h2>
            <div class="filters">
                <select aria-label="Status" on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">"Any status"</option>
                    <option value="received">"received"</option>
                    <option value="processed">"processed"</option>
                    <option value="failed">"failed"</option>
                </select>
                <input type="search" placeholder="Event name, e.g. lead.captured" aria-label="Event name"
                    on:change=move |ev| name.set(event_target_value(&ev))/>
                <button type="button" class="button secondary small" on:click=move |_| refresh.update(|v| *v += 1)>"Refresh"</button>
            </div>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match events.await {
                        Ok(page) if page.data.is_empty() => view! { <p class="muted">"No events yet. Send one to the endpoint above with the tenant key."</p> }.into_any(),
                        Ok(page) => {
                            let next = page.next_cursor;
                            view! {
                                <EventTable list=page.data retry/>
                                {next.map(|cursor| view! {
                                    <button type="button" class="button secondary small" disabled=move || more.pending().get()
                                        on:click=move |_| { more.dispatch(cursor.clone()); }>"Show more"</button>
                                })}
                            }.into_any()
                        }
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.message}</div> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn EventTable(list: Vec<InboundEventRow>, retry: Action<String, Result<(), AppError>>) -> impl IntoView {
    view! {
        <table class="table inbound-events">
            <thead><tr><th>"Received"</th><th>"Event"</th><th>"Source"</th><th>"Status"</th><th>"Details"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
            <tbody>
                {list.into_iter().map(|e| {
                    let tone = match e.status.as_str() { "processed" => "tone-ok", "failed" => "tone-bad", _ => "tone-muted" };
                    let id = e.id.clone();
                    let failed = e.status == "failed";
                    view! {
                        <tr data-event-id=e.id.clone()>
                            <td class="small">{e.received_at.clone()}</td>
                            <td><code>{e.event_name.clone()}</code></td>
                            <td class="small">{e.source.clone()}</td>
                            <td><span class=tone><span class="badge">{e.status.clone()}</span></span>
                                {(e.attempts > 1).then(|| view! { <div class="small muted">{format!("{} attempts", e.attempts)}</div> })}</td>
                            <td>
                                {e.error_message.clone().map(|m| view! { <div class="small danger-text">{m}</div> })}
                                {e.result.clone().map(|r| view! { <div class="small mono">{r}</div> })}
                                <details><summary class="small">"Payload"</summary><pre class="code small">{e.payload.clone()}</pre></details>
                            </td>
                            <td>{failed.then(|| view! {
                                <button type="button" class="button secondary small" on:click=move |_| { retry.dispatch(id.clone()); }>"Retry"</button>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
