//! What a page shows when rendering it failed: a readable message, never internals.

use leptos::prelude::*;

#[component]
pub fn ErrorPage(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <section class="panel error-panel" role="alert">
            <h1>"Something went wrong"</h1>
            <p>"This page could not be shown. Try again in a moment; if it keeps happening, the server log has the details."</p>
            <ul class="error-list">
                {move || errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect_view()}
            </ul>
        </section>
    }
}
