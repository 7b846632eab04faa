//! Headers every response carries: no MIME sniffing, no framing (clickjacking), no Referer
//! to other sites, a Content-Security-Policy, HSTS behind https, no caching of the API or of
//! pages, and the caching of the site's files: the bundle's hashed names for a year, the
//! rest for an hour.
//!
//! The policy allows scripts from our origin and the one inline hydration script, by a nonce
//! made here for each request and handed to Leptos, which writes it on the scripts it
//! renders (the hydration script, streamed resources). `'wasm-unsafe-eval'` lets that
//! script compile the WASM bundle; everything else (styles, images, fetches) is our origin.

use axum::{
    extract::{Request, State},
    http::{header, HeaderValue},
    middleware::Next,
    response::Response,
};
use leptos::{nonce::Nonce, prelude::*};

#[derive(Clone, Copy)]
pub struct SecurityHeaders {
    /// Whether browsers must use https from now on (the public URL is https).
    pub hsts: bool,
}

pub async fn add_security_headers(State(policy): State<SecurityHeaders>, mut request: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let api = request.uri().path().starts_with("/api/");
    let hashed = is_hashed_bundle_file(request.uri().path());
    let mut response = next.run(request).await;

    let html = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    let succeeded = response.status().is_success();
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(csp) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    if policy.hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    // API answers and pages hold a user's data, and some show a secret once (a new key, a
    // subscription's secret, an invitation link): neither a shared cache nor the browser's
    // history may keep them. The static bundle stays cacheable.
    if api || html {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    } else if hashed && succeeded {
        // Its name changes with its content: nothing to revalidate, ever.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    } else if !headers.contains_key(header::CACHE_CONTROL) {
        // The favicon and other public files keep their names when they change: an hour.
        // (Leptos's file handler answers no conditional request, so revalidating would
        // download them each time anyway.)
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    }
    response
}

/// `/pkg/connectgain.<16 hex digits>.wasm` and the like: the names scripts/build.sh gives.
fn is_hashed_bundle_file(path: &str) -> bool {
    path.strip_prefix("/pkg/").is_some_and(|name| name.split('.').any(|part| part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit())))
}

/// Puts the request's nonce in the Leptos context, replacing the one `leptos_axum` made, so
/// the scripts rendered carry the nonce the header names. Call from the additional context.
pub fn provide_request_nonce() {
    let nonce = use_context::<axum::http::request::Parts>().and_then(|parts| parts.extensions.get::<Nonce>().cloned());
    if let Some(nonce) = nonce {
        provide_context(nonce);
    }
}
