//! The WhatsApp tab: a tenant's WhatsApp Cloud API settings and a test message.

use connectgain_types::integrations::WhatsappInput;
use leptos::{ev::SubmitEvent, prelude::*};

use super::{
    settings_form::{last_saved, save_action, save_error},
    test_message::TestMessage,
};
use crate::{
    components::{
        form::{Field, FormAlert, Toggle},
        form_data::{clear_secrets, form_input},
    },
    functions::admin::{admin_integrations, admin_save_whatsapp},
};

const TEXT_FIELDS: &[&str] = &["phoneNumberId", "businessAccountId", "accessToken", "webhookVerifyToken", "phoneNumber", "appSecret"];

#[component]
pub fn WhatsappTab(tenant: String) -> impl IntoView {
    let t = tenant.clone();
    let save = save_action("WhatsApp settings saved.", move |input: WhatsappInput| admin_save_whatsapp(t.clone(), input));
    let error = save_error(save);
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));
    let t = tenant.clone();
    let saved = last_saved(save);
    let settings = Resource::new(move || t.clone(), admin_integrations);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = form_input(&ev, TEXT_FIELDS, &["enabled"]) {
            save.dispatch(input);
        }
        clear_secrets(&ev);
    };

    view! {
        <div class="tab-panel" role="tabpanel" aria-label="WhatsApp">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let current = settings.await.map(|i| saved.get().or(i.whatsapp).unwrap_or_default());
                    match current {
                        Ok(w) => view! {
                            <form class="panel form" on:submit=on_submit>
                                <h2>"WhatsApp Business API"</h2>
                                <FormAlert error=general/>
                                <Toggle name="enabled" label="Enabled" checked=w.enabled/>
                                <Field name="phoneNumberId" label="Phone Number ID" value=w.phone_number_id required=true error/>
                                <Field name="businessAccountId" label="Business Account ID" value=w.business_account_id required=true error/>
                                <Field name="accessToken" label="Access Token" kind="password" autocomplete="off"
                                    placeholder=w.access_token.unwrap_or_default() hint="Stored encrypted. Leave blank to keep the stored token." error/>
                                <Field name="webhookVerifyToken" label="Webhook Verify Token" kind="password" autocomplete="off"
                                    placeholder=w.webhook_verify_token.unwrap_or_default() hint="Leave blank to keep the stored token." error/>
                                <Field name="phoneNumber" label="Phone Number" value=w.phone_number placeholder="+15551234567" error/>
                                <Field name="appSecret" label="App Secret" kind="password" autocomplete="off"
                                    placeholder=w.app_secret.unwrap_or_default() hint="The Meta app secret, to verify inbound signatures." error/>
                                <button type="submit" class="button" disabled=move || save.pending().get()>"Save WhatsApp settings"</button>
                            </form>
                        }
                        .into_any(),
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.message}</div> }.into_any(),
                    }
                })}
            </Transition>
            <TestMessage tenant channel="whatsapp"/>
        </div>
    }
}
