//! Cross-site request forgery: a state-changing request that carries the session cookie, or
//! that could start a session (a server function: login, signup, accepting an invitation),
//! must come from our own pages. Browsers say where a request comes from in `Origin` (on
//! every POST) and `Referer`; a page of another site can forge neither. SameSite=Lax is not
//! enough on its own: a sibling subdomain is the "same site" and sends the cookie along.
//!
//! Requests without the cookie that start no session (bearer tokens, the REST login that
//! answers a token, inbound keys, provider callbacks) carry nothing a forger could borrow.

use std::{collections::HashSet, sync::Arc};

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use connectgain_domain::origin::{names_cookie, Origin};

use crate::api::error::ApiError;

/// The name of the login session cookie.
pub const SESSION_COOKIE: &str = "cg_session";

/// What the guard compares against: the public URL's origin, and the paths of the server
/// functions (each may log someone in, so each is checked even without a cookie).
#[derive(Clone)]
pub struct SameOrigin {
    origin: Arc<Origin>,
    server_functions: Arc<HashSet<&'static str>>,
}

impl SameOrigin {
    /// `None` when the public URL has no origin (the configuration already refuses that).
    pub fn new(public_url: &str) -> Option<Self> {
        let server_functions = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path).collect();
        Some(Self { origin: Arc::new(Origin::parse(public_url)?), server_functions: Arc::new(server_functions) })
    }

    fn applies_to(&self, request: &Request) -> bool {
        let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        // A request with an Authorization header authenticates by it, whatever cookie rides
        // along, and no page of another site can set that header (it would need our CORS
        // consent, which is never given).
        let bearer = request.headers().contains_key(header::AUTHORIZATION);
        !safe && !bearer && (has_session_cookie(request.headers()) || self.server_functions.contains(request.uri().path()))
    }

    /// `Origin`, or without it `Referer`, names our origin. `Origin: null` (a sandboxed or
    /// privacy-redirected page) is not ours, and neither is a request that names nothing.
    fn comes_from_our_pages(&self, headers: &HeaderMap) -> bool {
        let source = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER));
        source.and_then(|v| v.to_str().ok()).and_then(Origin::parse).is_some_and(|o| o == *self.origin)
    }
}

/// The middleware: 403 with a JSON error for a forged request, before any handler runs.
pub async fn require_same_origin(State(guard): State<SameOrigin>, request: Request, next: Next) -> Response {
    if guard.applies_to(&request) && !guard.comes_from_our_pages(request.headers()) {
        let named = |name| request.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("none").to_owned();
        // Usually an attack; when every browser login fails, CONNECTGAIN_PUBLIC_URL is not the
        // address the browsers use, and this says so.
        tracing::warn!(
            origin = %named(header::ORIGIN),
            referer = %named(header::REFERER),
            expected = %guard.origin,
            "refused a state-changing request that did not come from our pages"
        );
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_origin",
            "This request did not come from this site's pages (its Origin or Referer header is missing or names another site).",
        )
        .into_response();
    }
    next.run(request).await
}

fn has_session_cookie(headers: &HeaderMap) -> bool {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).any(|v| names_cookie(v, SESSION_COOKIE))
}
