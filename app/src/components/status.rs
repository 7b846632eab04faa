//! Pages for 401/403 situations, with the HTTP status set during server rendering.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::error::{AppError, ErrorKind};

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

/// What a page shows instead of its content when loading it failed: the log-in prompt
/// (401), the not-allowed notice (403), or the error's message.
#[component]
pub fn LoadFailed(error: AppError) -> impl IntoView {
    match error.kind {
        ErrorKind::Unauthorized => view! { <LoginRequired/> }.into_any(),
        ErrorKind::Forbidden => view! { <Forbidden message=error.message/> }.into_any(),
        _ => view! { <div class="alert alert-error" role="alert">{error.message}</div> }.into_any(),
    }
}
