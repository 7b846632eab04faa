//! "Send test message": one message through a tenant's channel, with the provider's answer.

use leptos::{ev::SubmitEvent, prelude::*};

use crate::components::{form_data::form_text, toast::Toasts};
use crate::{components::form::Field, functions::admin::admin_test_message, models::admin::SendOutcome};

#[component]
pub fn TestMessage(tenant: String, channel: &'static str) -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let send = Action::new(move |(to, message): &(String, String)| admin_test_message(tenant.clone(), channel.to_owned(), to.clone(), message.clone()));
    Effect::new(move |_| match send.value().get() {
        Some(Ok(outcome)) if outcome.ok => toasts.ok("Test message accepted by the provider."),
        Some(Ok(outcome)) => toasts.error(format!("The provider refused the message: {}", problem(&outcome))),
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    let error = Signal::derive(move || send.value().get().and_then(Result::err));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        send.dispatch((form_text(&ev, "to"), form_text(&ev, "message")));
    };

    view! {
        <div class="panel test-message">
            <h3>"Send a test message"</h3>
            <form class="form form-inline" on:submit=on_submit>
                <Field name="to" label="To" placeholder="+15551234567" required=true error/>
                <Field name="message" label="Message" value=Some("Hello from ConnectGain".to_owned()) error/>
                <button type="submit" class="button secondary" disabled=move || send.pending().get()>
                    {move || if send.pending().get() { "Sending…" } else { "Send test message" }}
                </button>
            </form>
            {move || send.value().get().and_then(Result::ok).map(|outcome| view! { <ProviderAnswer outcome/> })}
        </div>
    }
}

fn problem(outcome: &SendOutcome) -> String {
    let mut text = outcome.problem.clone().unwrap_or_else(|| "Provider error".into());
    if let Some(detail) = &outcome.detail {
        text.push_str(": ");
        text.push_str(detail);
    }
    text
}

#[component]
fn ProviderAnswer(outcome: SendOutcome) -> impl IntoView {
    let status = outcome.status.map(|s| format!("HTTP {s}")).unwrap_or_else(|| "no answer".into());
    if outcome.ok {
        view! {
            <div class="alert alert-ok provider-answer" role="status">
                {format!("Sent through {} ({status}). Message id: {}", outcome.provider, outcome.message_id.clone().unwrap_or_else(|| "—".into()))}
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="alert alert-error provider-answer" role="alert">
                <strong>{outcome.problem.clone().unwrap_or_else(|| "Provider error".into())}</strong>
                {format!(" — {} answered {status}", outcome.provider)}
                {outcome.detail.clone().map(|d| view! { <pre class="detail">{d}</pre> })}
            </div>
        }
        .into_any()
    }
}
