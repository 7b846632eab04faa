//! Server-only helpers for the server functions: the domain from context, the session, and
//! plain (no JavaScript) form posts.

pub mod admin;
pub mod session;
pub mod views;
pub mod webhooks;

use connectgain_domain::Domain;
use leptos::prelude::*;

use connectgain_domain::text::percent_encode;

use crate::error::{AppError, ErrorKind};

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
        redirect(&format!("{page}?form_error={}", percent_encode(&json)));
    }
    error
}

/// Redirects to `path`, a local path whose parts from user input the caller percent-encoded.
/// `leptos_axum::redirect` panics on a value that cannot be a header (a control character):
/// such a path is refused here instead, and the browser sent home.
pub fn redirect(path: &str) {
    let local = path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\");
    if local && http::HeaderValue::from_str(path).is_ok() {
        leptos_axum::redirect(path);
    } else {
        tracing::warn!("refused to redirect to a path that is not a plain local path");
        leptos_axum::redirect("/");
    }
}

/// Gives the response of a failed server function the status of its error (see
/// `AppError::ser`). A plain form post keeps its redirect back to the form.
pub fn set_error_status(kind: ErrorKind) {
    if is_plain_form_post() {
        return;
    }
    if let (Some(response), Ok(status)) = (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(kind.status())) {
        response.set_status(status);
    }
}

/// The address of the client of this request (server functions), for per-address limits.
pub fn client_address(d: &Domain) -> Option<std::net::IpAddr> {
    use_context::<http::request::Parts>().and_then(|parts| client_address_of(&parts, d))
}

/// The one place that says who the client is, for server functions and REST handlers alike:
/// the TCP peer, or the client a trusted proxy forwarded for (`CONNECTGAIN_TRUSTED_PROXIES`).
pub fn client_address_of(parts: &http::request::Parts, d: &Domain) -> Option<std::net::IpAddr> {
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()?.0.ip();
    let forwarded = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
    Some(d.config.accounts.trusted_proxies.client_ip(peer, forwarded))
}

/// The session of this request.
pub async fn session_handle() -> Result<tower_sessions::Session, AppError> {
    leptos_axum::extract::<tower_sessions::Session>().await.map_err(|_| AppError::new(ErrorKind::Internal, "Sessions are not available."))
}

/// The logged-in user (401 otherwise), with the domain.
pub async fn require_user() -> Result<(Domain, connectgain_domain::accounts::User), AppError> {
    let d = domain()?;
    let session = session_handle().await?;
    let user = session::current_user(&session, &d).await?.ok_or_else(|| AppError::new(ErrorKind::Unauthorized, "Log in to see this page."))?;
    Ok((d, user))
}

/// An owner of an organization (403 for other users).
pub async fn require_owner() -> Result<(Domain, connectgain_domain::accounts::User, connectgain_domain::ids::OrgId), AppError> {
    let (d, user) = require_user().await?;
    match (user.role, user.organization_id) {
        (connectgain_domain::accounts::Role::Owner, Some(org)) => Ok((d, user, org)),
        _ => Err(AppError::new(ErrorKind::Forbidden, "Only the organization's owners can open its settings.")),
    }
}
