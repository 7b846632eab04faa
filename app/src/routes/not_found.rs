//! The page for any unknown address, served with HTTP status 404.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }

    view! {
        <Title text="Page not found"/>
        <section class="panel narrow center">
            <p class="eyebrow">"404"</p>
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. It may have moved, or the link may be mistyped."</p>
            <A href="/" attr:class="button">"Back to the start page"</A>
        </section>
    }
}
