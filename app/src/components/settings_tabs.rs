//! The Settings pages' tabs; only the page shown is marked current.

use leptos::prelude::*;

const TABS: [(&str, &str); 5] = [
    ("/settings", "Organization"),
    ("/settings/webhooks", "Webhooks"),
    ("/settings/webhooks/logs", "Logs"),
    ("/settings/inbound", "Inbound"),
    ("/settings/api-keys", "API keys"),
];

/// `current` is the path of the tab to mark (a webhook's own page marks "Webhooks").
#[component]
pub fn SettingsTabs(current: &'static str) -> impl IntoView {
    view! {
        <nav class="admin-sections" aria-label="Settings">
            {TABS.into_iter().map(|(href, label)| {
                let here = (href == current).then_some("page");
                view! { <a href=href aria-current=here>{label}</a> }
            }).collect_view()}
        </nav>
    }
}
