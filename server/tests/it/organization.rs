//! Owners' settings, members and invitations, and campaign sending, through the JSON API.

use crate::helpers::{
    api::{spawn_with_appgain, PASSWORD},
    appgain::{FakeAppgain, Mode},
    captured_logs, Backend,
};
use reqwest::Method;
use serde_json::json;

const API_KEY: &str = "appgain-api-key-7f3c2a9d4e5b6c1a0f8e";

fn provisioned() -> Mode {
    Mode::Credentials { suit_id: "suit-42".into(), api_key: API_KEY.into() }
}

async fn owners_see_masked_credentials_and_replace_them(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn_with_appgain(backend, &fake).await;
    let (_, owner) = app.owner("owner@a.io", "A").await;

    let got = app.call(Method::GET, "/api/v1/organization/appgain", Some(&owner), None).await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.body["api_key_masked"], "appgain-ap***1a0f8e");
    assert_eq!(got.body["suit_id"], "suit-42");
    assert!(!got.body.to_string().contains(API_KEY));

    // A blank key keeps the stored one.
    let kept = app.call(Method::PUT, "/api/v1/organization/appgain", Some(&owner), Some(&json!({"suit_id": "suit-new", "api_key": ""}))).await;
    assert_eq!(kept.status, 200, "{}", kept.body);
    assert_eq!((kept.body["suit_id"].as_str(), kept.body["api_key_masked"].as_str()), (Some("suit-new"), Some("appgain-ap***1a0f8e")));
    assert_eq!(kept.body["status"], "manual");

    let replaced = app
        .call(Method::PUT, "/api/v1/organization/appgain", Some(&owner), Some(&json!({"suit_id": "suit-new", "api_key": "brand-new-key-000000000000000000"})))
        .await;
    assert_eq!(replaced.body["api_key_masked"], "brand-new-***000000");

    let invalid = app.call(Method::PUT, "/api/v1/organization/appgain", Some(&owner), Some(&json!({"suit_id": ""}))).await;
    assert_eq!(invalid.status, 422);
    assert!(invalid.body["error"]["fields"]["suit_id"].is_string());

    // Nothing pending: a retry is refused with a reason.
    let retry = app.call(Method::POST, "/api/v1/organization/appgain/retry", Some(&owner), None).await;
    assert_eq!(retry.status, 409, "{}", retry.body);
    app.stop().await;
}

async fn members_cannot_open_or_change_the_settings(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn_with_appgain(backend, &fake).await;
    let (_, owner) = app.owner("owner@a.io", "A").await;
    let (_, member) = app.member(&owner, "member@a.io").await;

    let me = app.call(Method::GET, "/api/auth/me", Some(&member), None).await;
    assert_eq!(me.body["role"], "member");
    for (method, path, body) in [
        (Method::GET, "/api/v1/organization/appgain", None),
        (Method::PUT, "/api/v1/organization/appgain", Some(json!({"suit_id": "x", "api_key": "y"}))),
        (Method::GET, "/api/v1/organization/members", None),
        (Method::POST, "/api/v1/organization/invitations", None),
    ] {
        let reply = app.call(method.clone(), path, Some(&member), body.as_ref()).await;
        assert_eq!(reply.status, 403, "{method} {path}: {}", reply.body);
        assert_eq!(reply.body["error"]["code"], "forbidden");
    }
    app.stop().await;
}

async fn invitations_work_once_and_members_can_be_removed(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn_with_appgain(backend, &fake).await;
    let (org, owner) = app.owner("owner@a.io", "A").await;

    let invite = app.call(Method::POST, "/api/v1/organization/invitations", Some(&owner), None).await;
    let token = invite.body["token"].as_str().unwrap().to_owned();
    assert!(invite.body["url"].as_str().unwrap().ends_with(&format!("/invite/{token}")));
    let accept = |email: &str| json!({"email": email, "password": PASSWORD, "first_name": "Mo"});
    let joined = app.call(Method::POST, &format!("/api/v1/invitations/{token}/accept"), None, Some(&accept("mo@a.io"))).await;
    assert_eq!(joined.status, 201, "{}", joined.body);
    assert_eq!(joined.body["organization_id"], org.as_str());
    assert_eq!(joined.body["role"], "member");
    let again = app.call(Method::POST, &format!("/api/v1/invitations/{token}/accept"), None, Some(&accept("other@a.io"))).await;
    assert_eq!(again.status, 404, "an invitation works once");
    let forged = app.call(Method::POST, "/api/v1/invitations/cgv_forged/accept", None, Some(&accept("x@a.io"))).await;
    assert_eq!(forged.status, 404);
    assert!(token.starts_with("cgv_"), "invitations have a prefix of their own, not inbound keys' cgi_: {token}");

    // A link issued with the former prefix still works: tokens are found by their hash.
    let legacy = "cgi_LegacyInvitationIssuedBeforeCgvPrefix0123456789ab";
    let (db, _) = app.env.open().await;
    connectgain_domain::on_db!(&db, pool => sqlx::query(
        "INSERT INTO invitations (id, organization_id, token_hash, created_by, expires_at, created_at) \
         SELECT $1, organization_id, $2, id, $3, $4 FROM users WHERE email = 'owner@a.io'",
    )
    .bind(uuid::Uuid::new_v4())
    .bind(connectgain_domain::accounts::tokens::hash_secret(legacy))
    .bind(chrono::Utc::now() + chrono::Duration::days(1))
    .bind(chrono::Utc::now())
    .execute(pool)
    .await
    .map(drop)
    .unwrap());
    db.close().await;
    let old = app.call(Method::POST, &format!("/api/v1/invitations/{legacy}/accept"), None, Some(&accept("old@a.io"))).await;
    assert_eq!(old.status, 201, "{}", old.body);
    let removed_old = app.call(Method::DELETE, &format!("/api/v1/organization/members/{}", old.body["user_id"].as_str().unwrap()), Some(&owner), None).await;
    assert_eq!(removed_old.status, 204);

    let listed = app.call(Method::GET, "/api/v1/organization/members", Some(&owner), None).await;
    let emails: Vec<&str> = listed.body.as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["owner@a.io", "mo@a.io"]);

    let member_token = app.token("mo@a.io").await;
    let member_id = joined.body["user_id"].as_str().unwrap();
    let owner_id = listed.body[0]["id"].as_str().unwrap();
    let refused = app.call(Method::DELETE, &format!("/api/v1/organization/members/{owner_id}"), Some(&owner), None).await;
    assert_eq!(refused.status, 403, "owners are not removed");
    let removed = app.call(Method::DELETE, &format!("/api/v1/organization/members/{member_id}"), Some(&owner), None).await;
    assert_eq!(removed.status, 204);
    assert_eq!(app.call(Method::GET, "/api/auth/me", Some(&member_token), None).await.status, 401, "a removed member is logged out");
    app.stop().await;
}

async fn one_organization_cannot_reach_another(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn_with_appgain(backend, &fake).await;
    let (_, owner_a) = app.owner("owner@a.io", "A").await;
    let (_, owner_b) = app.owner("owner@b.io", "B").await;
    let (member_b, _) = app.member(&owner_b, "member@b.io").await;

    let listed = app.call(Method::GET, "/api/v1/organization/members", Some(&owner_a), None).await;
    assert!(!listed.body.to_string().contains("b.io"));
    let foreign = app.call(Method::DELETE, &format!("/api/v1/organization/members/{member_b}"), Some(&owner_a), None).await;
    assert_eq!(foreign.status, 404, "another organization's member is not found");
    let still = app.call(Method::GET, "/api/v1/organization/members", Some(&owner_b), None).await;
    assert_eq!(still.body.as_array().unwrap().len(), 2);
    let garbage = app.call(Method::DELETE, "/api/v1/organization/members/not-a-uuid", Some(&owner_a), None).await;
    assert_eq!(garbage.status, 404);
    app.stop().await;
}

async fn campaigns_are_sent_with_the_organizations_credentials(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn_with_appgain(backend, &fake).await;
    let (_, owner) = app.owner("owner@a.io", "A").await;
    let campaign = json!({"name": "Spring sale", "channel": "sms", "message": "20% off today", "extra": {"segment": "vip"}});

    let sent = app.call(Method::POST, "/api/v1/campaigns/send", Some(&owner), Some(&campaign)).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(sent.body["accepted"], true);
    assert_eq!(sent.body["status"], 200);
    let sends = fake.sends();
    assert_eq!(sends.len(), 1);
    let (suit, key, body) = &sends[0];
    assert_eq!(suit, "suit-42");
    assert_eq!(key.as_deref(), Some(API_KEY), "the key travels in the appApiKey header");
    assert_eq!(body, &json!({"campaign_name": "Spring sale", "channel": "sms", "message": "20% off today", "segment": "vip"}));
    assert!(!sent.body.to_string().contains(API_KEY));

    let invalid = app.call(Method::POST, "/api/v1/campaigns/send", Some(&owner), Some(&json!({"channel": "fax"}))).await;
    assert_eq!(invalid.status, 422);
    let fields = invalid.body["error"]["fields"].as_object().unwrap();
    assert!(fields.contains_key("name") && fields.contains_key("channel") && fields.contains_key("message"));
    app.stop().await;
}

async fn campaigns_without_credentials_get_the_seeds_error(backend: Backend) {
    let fake = FakeAppgain::start(Mode::Status(500)).await;
    let app = spawn_with_appgain(backend, &fake).await;
    let (_, owner) = app.owner("pending@a.io", "A").await;
    let campaign = json!({"name": "x", "channel": "push", "message": "hi"});
    let reply = app.call(Method::POST, "/api/v1/campaigns/send", Some(&owner), Some(&campaign)).await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert_eq!(reply.body["error"]["message"], "Appgain credentials not available. Please log in again.");
    assert!(fake.sends().is_empty());
    app.stop().await;
}

async fn a_control_character_in_a_posted_invitation_token_answers_a_redirect(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn_with_appgain(backend, &fake).await;
    // The invitation page's form without JavaScript, with a token no link could carry.
    let form = format!("token=%01bad%0D%0A&email=new%40a.io&password={}", connectgain_domain::text::percent_encode(PASSWORD));
    let response = app
        .client
        .post(app.url("/api/invitation/accept"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &app.origin)
        .header("accept", "text/html")
        .body(form)
        .send()
        .await
        .expect("an answer, not a dropped connection");
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/invite/%01bad%0D%0A?form_error="), "back to the form, token encoded: {location}");
    let page = app.client.get(app.url(&location)).send().await.unwrap();
    assert_eq!(page.status(), 404, "the page says the link is not valid");
    app.stop().await;
}

async fn request_logs_name_the_route_not_the_invitation_token(backend: Backend) {
    let logs = captured_logs();
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn_with_appgain(backend, &fake).await;
    let (_, owner) = app.owner("owner@a.io", "A").await;
    let invite = app.call(Method::POST, "/api/v1/organization/invitations", Some(&owner), None).await;
    let token = invite.body["token"].as_str().unwrap().to_owned();
    assert_eq!(app.client.get(app.url(&format!("/invite/{token}"))).send().await.unwrap().status(), 200);
    let body = json!({"email": "mo@a.io", "password": PASSWORD});
    let joined = app.call(Method::POST, &format!("/api/v1/invitations/{token}/accept"), None, Some(&body)).await;
    assert_eq!(joined.status, 201, "{}", joined.body);
    app.stop().await;

    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    // (Field names are colored: look for the values.)
    assert!(text.contains("/api/v1/invitations/{token}/accept"), "the accept's request is logged by its route");
    assert!(text.contains("/invite/{token}"), "so is the page's");
    assert!(!text.contains(&token), "an invitation token is in the logs");
}

backend_tests!(
    a_control_character_in_a_posted_invitation_token_answers_a_redirect,
    request_logs_name_the_route_not_the_invitation_token,
    owners_see_masked_credentials_and_replace_them,
    members_cannot_open_or_change_the_settings,
    invitations_work_once_and_members_can_be_removed,
    one_organization_cannot_reach_another,
    campaigns_are_sent_with_the_organizations_credentials,
    campaigns_without_credentials_get_the_seeds_error,
);
