//! A workflow webhook's state, as the list and the analytics show it.

use leptos::prelude::*;

#[component]
pub fn ActiveBadge(active: bool) -> impl IntoView {
    view! {
        <span class=if active { "tone-ok" } else { "tone-muted" }>
            <span class="badge">{if active { "Active" } else { "Disabled" }}</span>
        </span>
    }
}
