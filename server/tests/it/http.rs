//! The HTTP surface of the foundation: pages, health, errors, request ids.

use crate::helpers::{Backend, TestApp, TestEnv};

async fn healthz_reports_the_database_it_reached(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    let expected = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(body, serde_json::json!({ "status": "ok", "database": expected }));
    app.stop().await;
}

async fn landing_page_is_rendered_on_the_server_with_its_hydration_scripts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains("<title>ConnectGain</title>"), "{html}");
    assert!(html.contains("Every CRM event, where your systems need it."));
    assert!(html.contains("/pkg/connectgain.js"), "the page loads the WASM bundle");
    assert!(html.contains("/pkg/connectgain.css"), "the page loads the stylesheet");
    // Rendered before hydration: every capability panel is readable without JavaScript.
    for panel in ["Outbound webhooks", "WhatsApp &amp; SMS", "n8n workflows", "Inbound webhooks"] {
        assert!(html.contains(panel), "{panel} missing");
    }
    assert!(html.contains(r#"data-hydrated="false""#));
    app.stop().await;
}

async fn unknown_pages_answer_404_with_a_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for path in ["/no-such-page", "/deeply/nested/missing", "/pkg/missing.js"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains("Page not found"), "{path}: {html}");
    }
    app.stop().await;
}

async fn every_response_carries_a_request_id(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    let id = response.headers().get("x-request-id").expect("x-request-id header");
    assert!(uuid::Uuid::parse_str(id.to_str().unwrap()).is_ok());

    let given = app.client.get(app.url("/healthz")).header("x-request-id", "trace-me-42").send().await.unwrap();
    assert_eq!(given.headers()["x-request-id"], "trace-me-42", "a caller's id is kept");
    app.stop().await;
}

/// The nonce a `Content-Security-Policy` allows scripts with.
fn csp_nonce(csp: &str) -> String {
    let start = csp.find("'nonce-").unwrap_or_else(|| panic!("no nonce in {csp}")) + "'nonce-".len();
    csp[start..].split('\'').next().unwrap().to_owned()
}

async fn every_response_carries_the_security_headers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let page = app.client.get(app.url("/")).send().await.unwrap();
    let headers = page.headers().clone();
    let html = page.text().await.unwrap();
    let csp = headers["content-security-policy"].to_str().unwrap().to_owned();
    for directive in ["default-src 'self'", "'wasm-unsafe-eval'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    // The inline hydration script carries this response's nonce, and it is new each time.
    let nonce = csp_nonce(&csp);
    assert!(nonce.len() >= 16, "{nonce}");
    assert!(html.contains(&format!("<script type=\"module\" nonce=\"{nonce}\">")), "{html}");
    let again = app.client.get(app.url("/")).send().await.unwrap();
    assert_ne!(csp_nonce(again.headers()["content-security-policy"].to_str().unwrap()), nonce);

    // Pages (data of a signed-in user, secrets shown once) and the API are never stored;
    // headers are on every kind of answer, errors included.
    assert_eq!(headers["cache-control"], "no-store");
    let me = app.client.get(app.url("/api/auth/me")).send().await.unwrap();
    assert_eq!(me.status(), 401);
    assert_eq!(me.headers()["cache-control"], "no-store");
    let forged = app.client.post(app.url("/api/logout")).header("origin", "https://evil.example").send().await.unwrap();
    assert_eq!(forged.status(), 403);
    for (path, response) in [("/", headers), ("/api/auth/me", me.headers().clone()), ("forged", forged.headers().clone())] {
        assert_eq!(response["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(response["x-frame-options"], "DENY", "{path}");
        assert_eq!(response["referrer-policy"], "same-origin", "{path}");
        assert!(response.contains_key("content-security-policy"), "{path}");
        assert!(!response.contains_key("strict-transport-security"), "{path}: plain http here");
    }
    for path in ["/healthz", "/pkg/missing.js", "/api/no-such-thing"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.headers()["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(response.headers()["x-frame-options"], "DENY", "{path}");
    }
    app.stop().await;
}

async fn https_public_urls_get_strict_transport_security(backend: Backend) {
    let env = TestEnv::new(backend).await;
    let app = TestApp::spawn_with(env, &[("CONNECTGAIN_PUBLIC_URL", "https://crm.example.com")]).await;
    for path in ["/", "/healthz", "/api/auth/me"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let hsts = response.headers().get("strict-transport-security").unwrap_or_else(|| panic!("{path}: no HSTS"));
        assert!(hsts.to_str().unwrap().starts_with("max-age="), "{path}: {hsts:?}");
    }
    app.stop().await;
}

/// A site as scripts/build.sh leaves it: the bundle under hashed names listed in hash.txt.
fn hashed_site() -> std::path::PathBuf {
    const HASH: &str = "0123456789abcdef";
    let root = std::env::temp_dir().join(format!("connectgain-site-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    std::fs::write(root.join("hash.txt"), format!("js: {HASH}\nwasm: {HASH}\ncss: {HASH}\n")).unwrap();
    for ext in ["js", "wasm", "css"] {
        std::fs::write(root.join(format!("pkg/connectgain.{HASH}.{ext}")), ext).unwrap();
    }
    std::fs::write(root.join("favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    root
}

async fn the_bundle_is_cached_for_a_year_under_hashed_names(backend: Backend) {
    let site = hashed_site();
    let app = TestApp::spawn_with(TestEnv::new(backend).await, &[("LEPTOS_SITE_ROOT", site.to_str().unwrap())]).await;
    let page = app.client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    for file in ["/pkg/connectgain.0123456789abcdef.js", "/pkg/connectgain.0123456789abcdef.wasm", "/pkg/connectgain.0123456789abcdef.css"] {
        assert!(html.contains(file), "{file} is not on the page");
        let response = app.client.get(app.url(file)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{file}");
        assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable", "{file}");
    }
    // Files without a hash in their name are kept for an hour; a missing one is not cached.
    let favicon = app.client.get(app.url("/favicon.svg")).send().await.unwrap();
    assert_eq!(favicon.status(), 200);
    assert_eq!(favicon.headers()["cache-control"], "public, max-age=3600");
    let missing = app.client.get(app.url("/pkg/connectgain.fedcba9876543210.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert_ne!(missing.headers()["cache-control"], "public, max-age=31536000, immutable");
    app.stop().await;
    std::fs::remove_dir_all(site).unwrap();
}

backend_tests!(
    the_bundle_is_cached_for_a_year_under_hashed_names,
    healthz_reports_the_database_it_reached,
    landing_page_is_rendered_on_the_server_with_its_hydration_scripts,
    unknown_pages_answer_404_with_a_page,
    every_response_carries_a_request_id,
    every_response_carries_the_security_headers,
    https_public_urls_get_strict_transport_security,
);
