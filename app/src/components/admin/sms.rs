//! The SMS tab: a tenant's SMS provider (Twilio, Vonage or AWS SNS) and a test message.

use connectgain_types::integrations::SmsInput;
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
    functions::admin::{admin_integrations, admin_save_sms},
    models::admin::SmsView,
};

const TEXT_FIELDS: &[&str] = &[
    "provider",
    "accountSid",
    "authToken",
    "phoneNumber",
    "messagingServiceSid",
    "apiKey",
    "apiSecret",
    "from",
    "accessKeyId",
    "secretAccessKey",
    "region",
    "senderId",
];

#[component]
pub fn SmsTab(tenant: String) -> impl IntoView {
    let t = tenant.clone();
    let save = save_action("SMS settings saved.", move |input: SmsInput| admin_save_sms(t.clone(), input));
    let t = tenant.clone();
    let saved = last_saved(save);
    let settings = Resource::new(move || t.clone(), admin_integrations);

    view! {
        <div class="tab-panel" role="tabpanel" aria-label="SMS">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(i) => view! { <SmsForm current=saved.get().or(i.sms).unwrap_or_default() save/> }.into_any(),
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.message}</div> }.into_any(),
                    }
                })}
            </Transition>
            <TestMessage tenant channel="sms"/>
        </div>
    }
}

#[component]
fn SmsForm(current: SmsView, save: Action<SmsInput, Result<SmsView, crate::error::AppError>>) -> impl IntoView {
    let error = save_error(save);
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));
    let initial = if current.provider.is_empty() { "twilio".to_owned() } else { current.provider.clone() };
    let provider = RwSignal::new(initial.clone());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = form_input(&ev, TEXT_FIELDS, &["enabled"]) {
            save.dispatch(input);
        }
        clear_secrets(&ev);
    };
    let secret = |value: &Option<String>| value.clone().unwrap_or_default();
    let c = current;
    let (tw, vo, sns) = (c.clone(), c.clone(), c.clone());

    view! {
        <form class="panel form" on:submit=on_submit>
            <h2>"SMS provider"</h2>
            <FormAlert error=general/>
            <Toggle name="enabled" label="Enabled" checked=c.enabled/>
            <div class="field">
                <label for="field-provider">"Provider"</label>
                <select id="field-provider" name="provider" on:change=move |ev| provider.set(event_target_value(&ev))>
                    {[("twilio", "Twilio"), ("vonage", "Vonage"), ("aws_sns", "AWS SNS")].into_iter().map(|(value, label)| {
                        view! { <option value=value selected=initial == value>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            // Only the chosen provider's fields are in the form, so only they are saved.
            <Show when=move || provider.get() == "twilio">
                <Field name="accountSid" label="Account SID" value=tw.account_sid.clone() placeholder="AC…" required=true error/>
                <Field name="authToken" label="Auth Token" kind="password" autocomplete="off"
                    placeholder=secret(&tw.auth_token) hint="Stored encrypted. Leave blank to keep the stored token." error/>
                <Field name="phoneNumber" label="Phone Number" value=tw.phone_number.clone() placeholder="+15551234567" error/>
                <Field name="messagingServiceSid" label="Messaging Service SID" value=tw.messaging_service_sid.clone() placeholder="MG…" error/>
            </Show>
            <Show when=move || provider.get() == "vonage">
                <Field name="apiKey" label="API Key" value=vo.api_key.clone() required=true error/>
                <Field name="apiSecret" label="API Secret" kind="password" autocomplete="off"
                    placeholder=secret(&vo.api_secret) hint="Stored encrypted. Leave blank to keep the stored secret." error/>
                <Field name="from" label="From" value=vo.from.clone() placeholder="+15551234567 or ConnectGain" required=true error/>
            </Show>
            <Show when=move || provider.get() == "aws_sns">
                <Field name="accessKeyId" label="Access Key ID" value=sns.access_key_id.clone() placeholder="AKIA…" required=true error/>
                <Field name="secretAccessKey" label="Secret Access Key" kind="password" autocomplete="off"
                    placeholder=secret(&sns.secret_access_key) hint="Stored encrypted. Leave blank to keep the stored key." error/>
                <Field name="region" label="Region" value=sns.region.clone() placeholder="us-east-1" required=true error/>
                <Field name="senderId" label="Sender ID" value=sns.sender_id.clone() error/>
            </Show>
            <button type="submit" class="button" disabled=move || save.pending().get()>"Save SMS settings"</button>
        </form>
    }
}
