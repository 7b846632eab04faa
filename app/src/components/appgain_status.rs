//! The Appgain provisioning state of an organization, as a card.

use leptos::prelude::*;

use crate::models::AppgainView;

#[component]
pub fn AppgainStatus(appgain: AppgainView, #[prop(optional)] show_key: bool) -> impl IntoView {
    let tone = match appgain.status.as_str() {
        "provisioned" | "manual" | "default" => "ok",
        "pending" => "warn",
        _ => "bad",
    };
    view! {
        <div class=format!("status-card tone-{tone}") data-status=appgain.status.clone()>
            <div class="status-head">
                <span class="badge">{appgain.status_label()}</span>
            </div>
            <dl class="facts">
                <dt>"Suit ID"</dt>
                <dd><code>{appgain.suit_id.clone().unwrap_or_else(|| "—".into())}</code></dd>
                {show_key.then(|| view! {
                    <dt>"API key"</dt>
                    <dd><code class="masked-key">{appgain.api_key_masked.clone().unwrap_or_else(|| "—".into())}</code></dd>
                })}
            </dl>
            {(!appgain.provisioned).then(|| appgain.last_error.clone()).flatten().map(|e| view! {
                <p class="status-note">"Last attempt: " {e}</p>
            })}
        </div>
    }
}
