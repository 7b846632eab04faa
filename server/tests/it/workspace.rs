//! The CRM API's lists as the workspace pages use them, over real HTTP on both backends:
//! deals by stage, conversations by status, channel and assignee (`me` for a person, not
//! for a key), each refused clearly when malformed; and a contact cannot be emptied.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Backend, TestApp};

fn ids(body: &Value) -> Vec<String> {
    body["data"].as_array().map(|rows| rows.iter().map(|r| r["id"].as_str().unwrap_or_default().to_owned()).collect()).unwrap_or_default()
}

async fn lists_filter_as_asked_and_refuse_what_they_cannot_read(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, owner) = app.owner("owner@acme.io", "Acme").await;
    let (member_id, member) = app.member(&owner, "mia@acme.io").await;
    let post = |path: &'static str, body: Value| {
        let (app, owner) = (&app, owner.clone());
        async move {
            let reply = app.call(Method::POST, path, Some(&owner), Some(&body)).await;
            assert_eq!(reply.status, 201, "{path}: {}", reply.body);
            reply.body["id"].as_str().unwrap().to_owned()
        }
    };

    let won = post("/api/deals", json!({"title": "Won", "stage": "won"})).await;
    post("/api/deals", json!({"title": "Lead"})).await;
    let listed = app.call(Method::GET, "/api/deals?stage=WON", Some(&owner), None).await;
    assert_eq!((listed.status, ids(&listed.body)), (200, vec![won]));
    let bad = app.call(Method::GET, "/api/deals?stage=closed", Some(&owner), None).await;
    assert_eq!((bad.status, bad.body["error"]["fields"]["stage"].is_string()), (422, true), "{}", bad.body);

    let mine = post("/api/conversations", json!({"channel": "whatsapp", "assigned_to": member_id})).await;
    let open_sms = post("/api/conversations", json!({"channel": "sms"})).await;
    let closed = post("/api/conversations", json!({"channel": "sms"})).await;
    let moved = app.call(Method::POST, &format!("/api/conversations/{closed}/status"), Some(&owner), Some(&json!({"status": "CLOSED"}))).await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    for (query, token, expected) in [
        ("status=open", &owner, vec![open_sms.clone(), mine.clone()]),
        ("status=closed", &owner, vec![closed.clone()]),
        ("channel=sms", &owner, vec![closed.clone(), open_sms.clone()]),
        ("assigned_to=none&status=open", &owner, vec![open_sms.clone()]),
        ("assigned_to=me", &member, vec![mine.clone()]),
        ("assigned_to=me", &owner, vec![]),
        (&format!("assigned_to={member_id}&channel=whatsapp") as &str, &owner, vec![mine.clone()]),
    ] {
        let reply = app.call(Method::GET, &format!("/api/conversations?{query}"), Some(token), None).await;
        assert_eq!((reply.status, ids(&reply.body)), (200, expected), "{query}");
    }
    for (query, field) in [("status=pending", "status"), ("channel=fax", "channel"), ("assigned_to=someone", "assigned_to")] {
        let reply = app.call(Method::GET, &format!("/api/conversations?{query}"), Some(&owner), None).await;
        assert_eq!((reply.status, reply.body["error"]["fields"][field].is_string()), (422, true), "{query}: {}", reply.body);
    }
    // A key is no person: "me" means no one.
    let key = app.call(Method::POST, "/api/v1/api-keys", Some(&owner), Some(&json!({"name": "n8n", "scope": "read"}))).await;
    let key = key.body["key"].as_str().unwrap().to_owned();
    let reply = app.call(Method::GET, "/api/conversations?assigned_to=me", Some(&key), None).await;
    assert_eq!((reply.status, reply.body["error"]["fields"]["assigned_to"].is_string()), (422, true), "{}", reply.body);

    // A contact stays someone a person can name or reach.
    let contact = post("/api/contacts", json!({"first_name": "Ada", "email": "ada@engines.io"})).await;
    let path = format!("/api/contacts/{contact}");
    let emptied = app.call(Method::PATCH, &path, Some(&owner), Some(&json!({"first_name": "", "email": ""}))).await;
    assert_eq!((emptied.status, emptied.body["error"]["fields"]["email"].is_string()), (422, true), "{}", emptied.body);
    let kept = app.call(Method::GET, &path, Some(&owner), None).await;
    assert_eq!((kept.body["first_name"].as_str(), kept.body["email"].as_str()), (Some("Ada"), Some("ada@engines.io")));
}

backend_tests!(lists_filter_as_asked_and_refuse_what_they_cannot_read);
