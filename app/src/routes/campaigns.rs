//! Composing and sending a campaign through Appgain.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    components::form::{form_error, Field, FormAlert},
    functions::campaigns::SendCampaign,
};

#[component]
pub fn CampaignsPage() -> impl IntoView {
    let action = ServerAction::<SendCampaign>::new();
    let error = form_error(action.value().into());
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));
    let sent_plain = use_query_map().with_untracked(|q| q.get("sent"));

    view! {
        <Title text="Campaigns"/>
        <section class="panel narrow">
            <h1>"Send a campaign"</h1>
            <p class="muted">"Sent through Appgain with your organization's credentials, from the server."</p>
            <FormAlert error=general/>
            {sent_plain.map(|status| view! { <div class="alert alert-ok" role="status">{format!("Appgain answered HTTP {status}.")}</div> })}
            {move || action.value().get().and_then(Result::ok).map(|r| {
                let tone = if r.accepted { "alert-ok" } else { "alert-error" };
                view! {
                    <div class=format!("alert {tone} campaign-result") role="status">
                        <strong>{format!("Appgain answered HTTP {}", r.status)}</strong>
                        <pre class="response">{r.response}</pre>
                    </div>
                }
            })}
            <ActionForm action attr:class="form">
                <Field name="name" label="Campaign name" required=true autocomplete="off" error/>
                <div class="field">
                    <label for="field-channel">"Channel"</label>
                    <select id="field-channel" name="channel">
                        <option value="push">"Push notification"</option>
                        <option value="sms">"SMS"</option>
                        <option value="whatsapp">"WhatsApp"</option>
                        <option value="email">"E-mail"</option>
                    </select>
                    <p class="field-error">{move || error.get().and_then(|e| e.field("channel"))}</p>
                </div>
                <div class="field" class:has-error=move || error.get().and_then(|e| e.field("message")).is_some()>
                    <label for="field-message">"Message"</label>
                    <textarea id="field-message" name="message" rows="5" required=true></textarea>
                    <p class="field-error" role="alert">{move || error.get().and_then(|e| e.field("message"))}</p>
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Sending…" } else { "Send campaign" }}
                </button>
            </ActionForm>
        </section>
    }
}
