//! The N8N Webhooks tab: the tenant's n8n base URL and API key, its workflow webhooks, and
//! their analytics.

use connectgain_types::integrations::N8nInput;
use leptos::{ev::SubmitEvent, prelude::*};

use super::{
    analytics::AnalyticsDashboard,
    settings_form::{last_saved, save_action, save_error},
    webhooks::WorkflowWebhooks,
    webhooks_changed::{WebhookList, WebhooksChanged},
};
use crate::{
    components::{
        form::{Field, FormAlert},
        form_data::{clear_secrets, form_input},
    },
    functions::admin::{admin_integrations, admin_save_n8n},
};

#[component]
pub fn N8nTab(tenant: String) -> impl IntoView {
    provide_context(WebhooksChanged(RwSignal::new(0)));
    provide_context(WebhookList::new(tenant.clone()));
    let t = tenant.clone();
    let save = save_action("n8n settings saved.", move |input: N8nInput| admin_save_n8n(t.clone(), input));
    let error = save_error(save);
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));
    let t = tenant.clone();
    let saved = last_saved(save);
    let settings = Resource::new(move || t.clone(), admin_integrations);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = form_input(&ev, &["baseUrl", "apiKey"], &[]) {
            save.dispatch(input);
        }
        clear_secrets(&ev);
    };

    view! {
        <div class="tab-panel" role="tabpanel" aria-label="N8N Webhooks">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(i) => {
                            let n = saved.get().or(i.n8n).unwrap_or_default();
                            view! {
                                <form class="panel form" on:submit=on_submit>
                                    <h2>"n8n instance"</h2>
                                    <FormAlert error=general/>
                                    <Field name="baseUrl" label="Base URL" value=Some(n.base_url)
                                        placeholder="https://n8n.example.com/webhook/tenant-id"
                                        hint="Workflow webhook URLs may be given relative to this." error/>
                                    <Field name="apiKey" label="API Key" kind="password" autocomplete="off"
                                        placeholder=n.api_key.unwrap_or_default() hint="Sent as X-N8N-API-KEY. Stored encrypted; leave blank to keep it." error/>
                                    <button type="submit" class="button" disabled=move || save.pending().get()>"Save n8n settings"</button>
                                </form>
                            }
                            .into_any()
                        }
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.message}</div> }.into_any(),
                    }
                })}
            </Transition>
            <WorkflowWebhooks tenant=tenant.clone()/>
            <AnalyticsDashboard tenant/>
        </div>
    }
}
