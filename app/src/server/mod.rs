//! Server-only helpers for the server functions: the domain from context, the session, and
//! plain (no JavaScript) form posts.

pub mod admin;
pub mod session;
pub mod webhooks;
pub mod views;

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
        leptos_axum::redirect(&format!("{page}?form_error={}", percent_encode(&json)));
    }
    error
}

/// The caller's address for per-address limits: the TCP peer, or the client a trusted
/// proxy forwarded for (`CONNECTGAIN_TRUSTED_PROXIES`).
pub async fn client_address(d: &Domain) -> Option<String> {
    let peer = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>().await.ok()?.0.ip();
    let parts = use_context::<http::request::Parts>();
    let forwarded = parts.iter().flat_map(|p| p.headers.get_all("x-forwarded-for")).filter_map(|v| v.to_str().ok());
    Some(d.config.trusted_proxies.client_ip(peer, forwarded).to_string())
}

/// The session of this request.
pub async fn session_handle() -> Result<tower_sessions::Session, AppError> {
    leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|_| AppError::new(ErrorKind::Internal, "Sessions are not available."))
}

/// The logged-in user (401 otherwise), with the domain.
pub async fn require_user() -> Result<(Domain, connectgain_domain::accounts::User), AppError> {
    let d = domain()?;
    let session = session_handle().await?;
    let user = session::current_user(&session, &d)
        .await?
        .ok_or_else(|| AppError::new(ErrorKind::Unauthorized, "Log in to see this page."))?;
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
