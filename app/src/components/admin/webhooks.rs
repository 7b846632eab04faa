//! A tenant's n8n workflow webhooks: the list, the add/edit dialog, deletion after a
//! confirmation, and calling one with a JSON payload.

use connectgain_types::integrations::WebhookInput;
use leptos::{ev::SubmitEvent, prelude::*};

use super::{
    active_badge::ActiveBadge,
    webhooks_changed::{WebhookList, WebhooksChanged},
};
use crate::{
    components::{
        confirm::{Confirm, Confirmation},
        focus_trap::FocusTrap,
        form::{Field, FormAlert, Toggle},
        form_data::{clear_secrets, form_input, form_json, form_text},
        toast::Toasts,
    },
    error::AppError,
    functions::{
        admin::{admin_call_webhook, admin_delete_webhook, admin_save_webhook},
        webhooks::event_catalogue,
    },
    models::admin::{short_time, CallOutcome, WebhookView},
};

/// Which dialog is open.
#[derive(Clone, Debug, PartialEq)]
enum Dialog {
    Add,
    Edit(WebhookView),
    Call(WebhookView),
}

#[component]
pub fn WorkflowWebhooks(tenant: String) -> impl IntoView {
    let changed = expect_context::<WebhooksChanged>();
    let toasts = expect_context::<Toasts>();
    let confirm = expect_context::<Confirm>();
    let dialog = RwSignal::new(None::<Dialog>);
    let webhooks = expect_context::<WebhookList>();
    let list = webhooks.list;
    let on_saved = Callback::new(move |saved: WebhookView| {
        webhooks.put(saved);
        changed.bump();
    });
    let on_called = Callback::new(move |()| {
        webhooks.reload();
        changed.bump();
    });
    let t = tenant.clone();
    let delete = Action::new(move |id: &String| {
        let (t, id) = (t.clone(), id.clone());
        async move { admin_delete_webhook(t, id.clone()).await.map(|()| id) }
    });
    Effect::new(move |_| match delete.value().get() {
        Some(Ok(id)) => {
            toasts.ok("Webhook deleted, with its analytics.");
            webhooks.remove(&id);
            changed.bump();
        }
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    let ask_delete = move |w: WebhookView| {
        let id = w.id.clone();
        confirm.ask(Confirmation {
            title: format!("Delete {}?", w.workflow_name),
            message: "The webhook and all its analytics will be deleted. This cannot be undone.".into(),
            confirm_label: "Delete webhook",
            on_confirm: Callback::new(move |()| {
                delete.dispatch(id.clone());
            }),
        });
    };

    view! {
        <div class="panel webhooks">
            <div class="panel-head">
                <h2>"Workflow webhooks"</h2>
                <button type="button" class="button" on:click=move |_| dialog.set(Some(Dialog::Add))>"Add Webhook"</button>
            </div>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(hooks) if hooks.is_empty() => view! {
                            <p class="muted">"No workflow webhooks yet. Add one to call an n8n workflow."</p>
                        }.into_any(),
                        Ok(hooks) => view! {
                            <table class="table">
                                <thead><tr><th>"Workflow"</th><th>"URL"</th><th>"Status"</th><th>"Calls"</th><th>"Last called"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                                <tbody>
                                    {hooks.into_iter().map(|w| {
                                        let (edit, call, remove) = (w.clone(), w.clone(), w.clone());
                                        view! {
                                            <tr>
                                                <td>
                                                    <strong>{w.workflow_name.clone()}</strong>
                                                    {w.description.clone().map(|d| view! { <div class="muted small">{d}</div> })}
                                                </td>
                                                <td class="mono small">{w.webhook_url.clone()}</td>
                                                <td><ActiveBadge active=w.is_active/></td>
                                                <td>{w.total_calls}</td>
                                                <td>{w.last_called_at.as_deref().map(short_time).unwrap_or_else(|| "Never".into())}</td>
                                                <td class="actions">
                                                    <button type="button" class="button secondary small"
                                                        on:click=move |_| dialog.set(Some(Dialog::Call(call.clone())))>"Call"</button>
                                                    <button type="button" class="button secondary small" aria-label=format!("Edit {}", w.workflow_name)
                                                        on:click=move |_| dialog.set(Some(Dialog::Edit(edit.clone())))>"Edit"</button>
                                                    <button type="button" class="button secondary small danger-text" aria-label=format!("Delete {}", w.workflow_name)
                                                        on:click=move |_| ask_delete(remove.clone())>"Delete"</button>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.message}</div> }.into_any(),
                    }
                })}
            </Transition>
            {move || dialog.get().map(|d| match d {
                Dialog::Add => view! { <WebhookEditor tenant=tenant.clone() existing=None dialog on_saved/> }.into_any(),
                Dialog::Edit(w) => view! { <WebhookEditor tenant=tenant.clone() existing=Some(w) dialog on_saved/> }.into_any(),
                Dialog::Call(w) => view! { <CallDialog tenant=tenant.clone() webhook=w dialog on_called/> }.into_any(),
            })}
        </div>
    }
}

#[component]
fn WebhookEditor(tenant: String, existing: Option<WebhookView>, dialog: RwSignal<Option<Dialog>>, on_saved: Callback<WebhookView>) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let id = existing.as_ref().map(|w| w.id.clone());
    let save = Action::new(move |input: &WebhookInput| admin_save_webhook(tenant.clone(), id.clone(), input.clone()));
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            toasts.ok(format!("Webhook {} saved.", saved.workflow_name));
            for warning in &saved.warnings {
                toasts.error(warning.clone());
            }
            on_saved.run(saved);
            dialog.set(None);
        }
    });
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));
    // The CRM events a workflow can be bound to.
    let catalogue = Resource::new(|| (), |_| event_catalogue());
    let crm_events =
        move || catalogue.get().and_then(Result::ok).unwrap_or_default().into_iter().filter(|d| d.kind == "crm").map(|d| d.event).collect::<Vec<_>>();
    let editing = existing.is_some();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Some(mut input) = form_input::<WebhookInput>(&ev, &["workflowName", "webhookUrl", "description", "authToken"], &["isActive"]) {
            let checks: Vec<String> = crm_events().into_iter().map(|e| format!("trigger:{e}")).collect();
            let check_refs: Vec<&str> = checks.iter().map(String::as_str).collect();
            let form = form_json(&ev, &["triggerFilter"], &check_refs);
            input.trigger_on = Some(
                checks
                    .iter()
                    .filter(|c| form.get(c.as_str()).and_then(serde_json::Value::as_bool).unwrap_or(false))
                    .map(|c| c.trim_start_matches("trigger:").to_owned())
                    .collect(),
            );
            let filter = form.get("triggerFilter").and_then(serde_json::Value::as_str).unwrap_or_default().trim().to_owned();
            // Text that is not JSON goes as it is: the server names what is wrong.
            input.trigger_filter = match filter.as_str() {
                "" => editing.then(|| serde_json::json!({})),
                text => Some(serde_json::from_str(text).unwrap_or(serde_json::Value::String(filter.clone()))),
            };
            save.dispatch(input);
        }
        clear_secrets(&ev);
    };
    let w = existing.unwrap_or(WebhookView { is_active: true, ..Default::default() });
    let bound = w.trigger_on.clone();
    let trigger_error = move || error.get().and_then(|e| e.field("triggerOn"));
    let filter_error = move || error.get().and_then(|e| e.field("triggerFilter"));
    let filter_text = w.trigger_filter.as_ref().map(|f| serde_json::to_string_pretty(f).unwrap_or_default()).unwrap_or_default();

    view! {
        <div class="modal-backdrop">
            <form class="modal form" role="dialog" aria-modal="true" aria-labelledby="webhook-editor-title" on:submit=on_submit>
                <FocusTrap on_escape=move |()| dialog.set(None)>
                <h2 id="webhook-editor-title">{if editing { format!("Edit {}", w.workflow_name) } else { "Add Webhook".to_owned() }}</h2>
                <FormAlert error=general/>
                <Field name="workflowName" label="Workflow Name" value=Some(w.workflow_name.clone()) required=true disabled=editing
                    placeholder="contact_form" hint=if editing { "The workflow name cannot be changed." } else { "Unique for this tenant; cannot be changed later." } error/>
                <Field name="webhookUrl" label="Webhook URL" value=Some(w.webhook_url) required=true
                    placeholder="https://n8n.example.com/webhook/…/contact" error/>
                <Field name="description" label="Description" value=w.description error/>
                <Field name="authToken" label="Auth Token" kind="password" autocomplete="off" placeholder=w.auth_token.unwrap_or_default()
                    hint="Sent as a Bearer token. At least 32 characters recommended. Leave blank to keep the stored one." error/>
                <Toggle name="isActive" label="Active" checked=w.is_active/>
                <fieldset class="field events-field" class:has-error=move || trigger_error().is_some()>
                    <legend>"Trigger on"</legend>
                    <p class="hint">"CRM events that call this workflow with the event's body (written with the change, retried on the n8n schedule)."</p>
                    <div class="event-checks">
                        <Suspense fallback=|| view! { <p class="muted">"Loading events…"</p> }>
                            {move || {
                                let bound = bound.clone();
                                Suspend::new(async move {
                                    let docs = catalogue.await.unwrap_or_default();
                                    docs.into_iter().filter(|d| d.kind == "crm").map(|d| {
                                        let checked = bound.contains(&d.event);
                                        view! {
                                            <label class="toggle small" title=d.description>
                                                <input type="checkbox" name=format!("trigger:{}", d.event) checked=checked/><span>{d.event.clone()}</span>
                                            </label>
                                        }
                                    }).collect_view()
                                })
                            }}
                        </Suspense>
                    </div>
                    <p class="field-error" role="alert">{trigger_error}</p>
                </fieldset>
                <div class="field" class:has-error=move || filter_error().is_some()>
                    <label for="field-triggerFilter">"Trigger filter" <span class="optional">" (optional)"</span></label>
                    <textarea id="field-triggerFilter" name="triggerFilter" class="json-editor" rows="2" spellcheck="false"
                        aria-describedby="field-triggerFilter-hint field-triggerFilter-error" placeholder="{\"data.stage\": \"won\"}" prop:value=filter_text.clone()>{filter_text.clone()}</textarea>
                    <p class="hint" id="field-triggerFilter-hint">"Only events whose body matches call the workflow, as a webhook's payload filter."</p>
                    <p class="field-error" id="field-triggerFilter-error" role="alert">{filter_error}</p>
                </div>
                <div class="modal-actions">
                    <button type="button" class="button secondary" on:click=move |_| dialog.set(None)>"Cancel"</button>
                    <button type="submit" class="button" disabled=move || save.pending().get()>"Save"</button>
                </div>
                </FocusTrap>
            </form>
        </div>
    }
}

const EXAMPLE_PAYLOAD: &str = "{\n  \"name\": \"John Doe\",\n  \"email\": \"john@example.com\",\n  \"message\": \"Hello!\"\n}";

#[component]
fn CallDialog(tenant: String, webhook: WebhookView, dialog: RwSignal<Option<Dialog>>, on_called: Callback<()>) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let id = webhook.id.clone();
    let call = Action::new(move |payload: &String| admin_call_webhook(tenant.clone(), id.clone(), payload.clone()));
    let local_error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match call.value().get() {
        Some(Ok(outcome)) => {
            if outcome.success {
                toasts.ok(format!("{} answered {}.", outcome.workflow_name, outcome.status.unwrap_or_default()));
            } else {
                toasts.error(format!("The call to {} failed after {} attempts.", outcome.workflow_name, outcome.attempts));
            }
            on_called.run(());
        }
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    let error = Signal::derive(move || local_error.get().or_else(|| call.value().get().and_then(Result::err)));
    let payload_error = move || error.get().and_then(|e| e.field("payload"));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = form_text(&ev, "payload");
        // Checked here first so a typo is pointed out without a round trip.
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(_) => {
                local_error.set(None);
                call.dispatch(text);
            }
            Err(e) => {
                let mut error = AppError::new(crate::error::ErrorKind::Invalid, "The payload is not valid JSON.");
                error.fields.insert("payload".into(), format!("Not valid JSON: {e}"));
                local_error.set(Some(error));
            }
        }
    };

    view! {
        <div class="modal-backdrop">
            <form class="modal form wide" role="dialog" aria-modal="true" aria-labelledby="call-title" on:submit=on_submit>
                <FocusTrap on_escape=move |()| dialog.set(None)>
                <h2 id="call-title">{format!("Call {}", webhook.workflow_name)}</h2>
                <p class="muted small mono">{webhook.webhook_url.clone()}</p>
                <div class="field" class:has-error=move || payload_error().is_some()>
                    <label for="field-payload">"JSON payload"</label>
                    <textarea id="field-payload" name="payload" rows="9" class="code-editor" spellcheck="false">{EXAMPLE_PAYLOAD}</textarea>
                    <p class="field-error" role="alert">{payload_error}</p>
                </div>
                {move || call.value().get().and_then(Result::ok).map(|outcome| view! { <CallResult outcome/> })}
                <div class="modal-actions">
                    <button type="button" class="button secondary" on:click=move |_| dialog.set(None)>"Close"</button>
                    <button type="submit" class="button" disabled=move || call.pending().get()>
                        {move || if call.pending().get() { "Calling…" } else { "Call webhook" }}
                    </button>
                </div>
                </FocusTrap>
            </form>
        </div>
    }
}

#[component]
fn CallResult(outcome: CallOutcome) -> impl IntoView {
    let status = outcome.status.map(|s| format!("HTTP {s}")).unwrap_or_else(|| "no HTTP answer".into());
    view! {
        <div class=if outcome.success { "alert alert-ok call-result" } else { "alert alert-error call-result" } role="status">
            <strong>{if outcome.success { "Success" } else { "Failed" }}</strong>
            {format!(" — {status}, {} attempt{}, {} ms", outcome.attempts, if outcome.attempts == 1 { "" } else { "s" }, outcome.duration_ms)}
            {outcome.error.map(|e| view! { <div class="detail">{e}</div> })}
        </div>
    }
}
