//! Pages for 401/403 situations, with the HTTP status set during server rendering.

use leptos::prelude::*;
use leptos_router::components::A;

/// Sets the response status while rendering on the server (no-op in the browser).
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(code)) {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

#[component]
pub fn Forbidden(message: String) -> impl IntoView {
    set_status(403);
    view! {
        <section class="panel narrow center">
            <p class="eyebrow">"403"</p>
            <h1>"Not allowed"</h1>
            <p>{message}</p>
            <A href="/dashboard" attr:class="button secondary">"Back to your dashboard"</A>
        </section>
    }
}

#[component]
pub fn LoginRequired() -> impl IntoView {
    set_status(401);
    view! {
        <section class="panel narrow center">
            <h1>"Please log in"</h1>
            <p>"You need to be logged in to see this page."</p>
            <A href="/login" attr:class="button">"Log in"</A>
        </section>
    }
}
