//! The HTTP surface of the foundation: pages, health, errors, request ids.

mod common;

use common::{Backend, TestApp};

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

backend_tests!(
    healthz_reports_the_database_it_reached,
    landing_page_is_rendered_on_the_server_with_its_hydration_scripts,
    unknown_pages_answer_404_with_a_page,
    every_response_carries_a_request_id,
);
