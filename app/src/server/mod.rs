//! Server-only helpers for the server functions: the domain from context, the session, and
//! plain (no JavaScript) form posts.

pub mod session;
pub mod views;

use connectgain_domain::Domain;
use leptos::prelude::*;

use crate::error::{encode_query_value, AppError, ErrorKind};

/// The domain services, provided to every server function and route by the server.
pub fn domain() -> Result<Domain, AppError> {
    use_context::<Domain>().ok_or_else(|| AppError::new(ErrorKind::Internal, "The server is not set up correctly."))
}

/// Whether this request is a form posted by a browser without JavaScript (or before the
/// page hydrated), which expects a page back rather than data.
pub fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html")))
        .unwrap_or(false)
}

/// For a plain form post, sends the browser back to `page` with the error in the query
/// (`?form_error=…`), so the page can show it beside the fields; with JavaScript the
/// error simply returns to the form. Either way the error is returned.
pub fn form_failed(page: &str, error: AppError) -> AppError {
    if is_plain_form_post() {
        let json = serde_json::to_string(&error).unwrap_or_default();
        leptos_axum::redirect(&format!("{page}?form_error={}", encode_query_value(&json)));
    }
    error
}
