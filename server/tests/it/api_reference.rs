//! The API reference: `/api/openapi.json` is an OpenAPI 3.1 document of every route the
//! router serves, with one error shape and the ways to authenticate; `/docs/api` renders it;
//! and the input checks the document relies on answer API errors, not axum's plain text.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Backend, TestApp};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_describes_every_operation_with_its_auth_and_errors() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let reply = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["content-type"], "application/json");
    let document = reply.body;
    assert_eq!(document["openapi"], "3.1.0");
    for scheme in ["bearer", "session", "inbound_key"] {
        assert!(document["components"]["securitySchemes"][scheme].is_object(), "{scheme}");
    }
    assert!(document["components"]["schemas"]["ErrorBody"]["properties"]["error"].is_object());

    let mut ids = HashSet::new();
    let mut count = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            count += 1;
            let name = format!("{method} {path}");
            assert!(ids.insert(operation["operationId"].as_str().unwrap().to_owned()), "{name}: its operation id is taken");
            assert!(operation["tags"][0].is_string(), "{name} has no tag");
            // Every `{name}` of the path is a declared path parameter.
            let declared: HashSet<&str> =
                operation["parameters"].as_array().into_iter().flatten().filter(|p| p["in"] == "path").filter_map(|p| p["name"].as_str()).collect();
            for segment in path.split('/').filter(|s| s.starts_with('{')) {
                assert!(declared.contains(segment.trim_matches(['{', '}'])), "{name}: {segment} is not declared");
            }
            let responses = operation["responses"].as_object().unwrap();
            assert!(responses.keys().any(|s| s.starts_with('2')), "{name} documents no success");
            assert_eq!(responses["4XX"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorBody", "{name}");
            assert!(responses.values().all(|r| r["description"].as_str().is_some_and(|d| !d.is_empty())), "{name}: a response without description");
        }
    }
    assert!(count >= 90, "{count} operations");
    // Public operations say so; the rest take the default (a bearer token or the session).
    assert_eq!(document["paths"]["/api/v1/auth/login"]["post"]["security"], json!([{}]));
    assert_eq!(document["security"], json!([{"bearer": []}, {"session": []}]));
    let created = &document["paths"]["/api/contacts"]["post"];
    assert_eq!(created["requestBody"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ContactInput");
    assert_eq!(created["responses"]["201"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Contact");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_page_renders_the_document() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let response = app.client.get(app.url("/docs/api")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = response.text().await.unwrap();
    assert!(page.contains("<h1>ConnectGain API</h1>"), "{}", &page[..page.len().min(500)]);
    assert!(page.contains(r#"id="op-create_contact""#) && page.contains(r##"href="#schema-contactinput""##));
    // No script: the page is plain HTML.
    assert!(!page.contains("<script"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_input_gets_the_documented_error_shape() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (_, owner) = app.owner("owner@acme.io", "Acme").await;
    let error = |reply: &crate::helpers::api::Reply| reply.body["error"]["code"].as_str().unwrap_or_default().to_owned();

    // A query that does not parse: 422 JSON, not axum's plain-text 400.
    let reply = app.call(Method::GET, "/api/contacts?limit=9223372036854775808", Some(&owner), None).await;
    assert_eq!((reply.status, error(&reply).as_str()), (422, "invalid_query"), "{:?}", reply.body);

    // Bodies are JSON objects: serde would read a struct from an array of its fields.
    let array = app
        .client
        .put(app.url("/api/v1/inbound/settings"))
        .bearer_auth(&owner)
        .header("content-type", "application/json")
        .body("[null, null]")
        .send()
        .await
        .unwrap();
    assert_eq!(array.status(), 422);
    let body: Value = array.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_body");

    // Other media types are refused; `+json` types and parameters are fine.
    let text =
        app.client.post(app.url("/api/contacts")).bearer_auth(&owner).header("content-type", "text/plain").body(r#"{"email":"a@b.co"}"#).send().await.unwrap();
    assert_eq!(text.status(), 415);
    let vendor = app
        .client
        .post(app.url("/api/contacts"))
        .bearer_auth(&owner)
        .header("content-type", "application/vnd.api+json; charset=utf-8")
        .body(r#"{"email":"a@b.co"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(vendor.status(), 201);
    app.stop().await;
}
