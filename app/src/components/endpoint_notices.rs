//! A notice for every webhook endpoint that needs its owners: failing (with since when and
//! the last error) or turned off by the platform (with why), each linking to its logs.

use leptos::prelude::*;

use crate::models::{admin::short_time, webhooks::SubscriptionRow};

#[component]
pub fn EndpointNotices(rows: Vec<SubscriptionRow>) -> impl IntoView {
    rows.into_iter()
        .filter(SubscriptionRow::needs_attention)
        .map(|s| {
            let logs = format!("/settings/webhooks/logs?subscription={}", s.id);
            let page = format!("/settings/webhooks/{}", s.id);
            let headline = if s.is_active { format!("Webhook “{}” is failing", s.name) } else { format!("Webhook “{}” was turned off", s.name) };
            view! {
                <div class="alert alert-error endpoint-notice" role="alert">
                    <p><strong>{headline}</strong>
                        {s.failing_since.as_deref().map(|t| format!(": every attempt since {} failed.", short_time(t)))}</p>
                    {s.disabled_reason.clone().filter(|_| !s.is_active).map(|r| view! { <p class="small">{r}</p> })}
                    {s.last_error.clone().map(|e| view! { <p class="small">"Last error: " <code class="break">{e}</code></p> })}
                    <p class="small"><a href=logs>"View its logs"</a> " · " <a href=page>"Open the endpoint"</a></p>
                </div>
            }
        })
        .collect_view()
}
