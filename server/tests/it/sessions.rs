//! Browser sessions: cookie flags, id rotation at login, credentials that follow the
//! organization's, a scan of everything an owner can see for the API key, and requests
//! forged by other sites (CSRF).

use std::time::{Duration, Instant};

use crate::helpers::{
    api::{spawn_with_appgain, PASSWORD},
    appgain::{FakeAppgain, Mode},
    browser::{browser_login, get_with_cookie, post_form_with_cookie, post_with_cookie},
    captured_logs, Backend, TestApp, TestEnv,
};
use connectgain_domain::on_db;
use reqwest::{header, Method};
use serde_json::json;

const API_KEY: &str = "appgain-api-key-7f3c2a9d4e5b6c1a0f8e";
const NEW_KEY: &str = "replacement-key-0a1b2c3d4e5f6a7b8c9d";

fn provisioned() -> Mode {
    Mode::Credentials { suit_id: "suit-42".into(), api_key: API_KEY.into() }
}

async fn the_session_cookie_is_http_only_lax_and_rotated_at_login(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn_with_appgain(backend, &fake).await;
    app.owner("owner@a.io", "A").await;

    let (set_cookie, first) = browser_login(&app, "owner@a.io", None).await;
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(!set_cookie.contains("Secure"), "plain http here: {set_cookie}");
    assert_eq!(get_with_cookie(&app, "/api/auth/me", &first).await.0, 200);

    // Logging in again with that cookie issues a new id; the old one is dead.
    let (_, second) = browser_login(&app, "owner@a.io", Some(&first)).await;
    assert_ne!(first, second);
    assert_eq!(get_with_cookie(&app, "/api/auth/me", &first).await.0, 401);
    assert_eq!(get_with_cookie(&app, "/api/auth/me", &second).await.0, 200);

    // Logging out ends the session.
    let (status, _, _) = post_with_cookie(&app, "/api/v1/auth/logout", &second, None).await;
    assert_eq!(status, 204);
    assert_eq!(get_with_cookie(&app, "/api/auth/me", &second).await.0, 401);
    app.stop().await;
}

async fn the_cookie_is_secure_behind_https(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let env = TestEnv::new(backend).await;
    let url = fake.signup_url();
    let app = TestApp::spawn_with(env, &[("APPGAIN_SIGNUP_WEBHOOK_URL", &url), ("CONNECTGAIN_PUBLIC_URL", "https://crm.example.com")]).await;
    app.owner("owner@a.io", "A").await;
    let (set_cookie, _) = browser_login(&app, "owner@a.io", None).await;
    assert!(set_cookie.contains("Secure"), "{set_cookie}");
    app.stop().await;
}

async fn credentials_that_arrive_after_login_reach_the_session(backend: Backend) {
    let fake = FakeAppgain::start(Mode::Status(500)).await;
    let app = spawn_with_appgain(backend, &fake).await;
    app.owner("late@a.io", "A").await;
    let (_, cookie) = browser_login(&app, "late@a.io", None).await;
    let campaign = json!({"name": "n", "channel": "push", "message": "m"});

    let (status, _, body) = post_with_cookie(&app, "/api/v1/campaigns/send", &cookie, Some(campaign.clone())).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("Appgain credentials not available. Please log in again."));

    fake.set_mode(provisioned());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, _, body) = post_with_cookie(&app, "/api/v1/campaigns/send", &cookie, Some(campaign.clone())).await;
        if status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "the session never got the credentials: {status} {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (_, key, _) = fake.sends().pop().unwrap();
    assert_eq!(key.as_deref(), Some(API_KEY));
    app.stop().await;
}

async fn the_api_key_appears_in_no_page_response_bundle_log_or_session(backend: Backend) {
    let logs = captured_logs();
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn_with_appgain(backend, &fake).await;
    let (_, token) = app.owner("owner@a.io", "A").await;
    let (_, cookie) = browser_login(&app, "owner@a.io", None).await;
    let invite = app.call(Method::POST, "/api/v1/organization/invitations", Some(&token), None).await;
    let invite_path = format!("/invite/{}", invite.body["token"].as_str().unwrap());

    let mut seen = Vec::new();
    for path in [
        "/",
        "/dashboard",
        "/settings",
        "/campaigns",
        "/signup",
        "/login",
        invite_path.as_str(),
        "/api/auth/me",
        "/api/v1/organization/appgain",
        "/api/v1/organization/members",
        "/no-such-page",
    ] {
        let (status, body) = get_with_cookie(&app, path, &cookie).await;
        assert!(status < 500, "{path}: {status}");
        seen.push((path.to_owned(), body));
    }
    for function in ["/api/viewer", "/api/settings", "/api/members", "/api/members/invite"] {
        let (status, headers, body) = post_with_cookie(&app, function, &cookie, None).await;
        assert_eq!(status, 200, "{function}: {body}");
        seen.push((function.to_owned(), format!("{headers}\n{body}")));
    }
    let campaign = json!({"name": "n", "channel": "push", "message": "m"});
    let (status, headers, body) = post_with_cookie(&app, "/api/v1/campaigns/send", &cookie, Some(campaign)).await;
    assert_eq!(status, 200, "the session does hold usable credentials: {body}");
    seen.push(("campaign".into(), format!("{headers}\n{body}")));

    // The pages really are the owner's (the scan would prove nothing otherwise).
    let settings = &seen.iter().find(|(p, _)| p == "/settings").unwrap().1;
    assert!(settings.contains("appgain-ap***1a0f8e"), "the settings page shows the masked key");
    for (path, text) in &seen {
        assert!(!text.contains(API_KEY), "the API key leaked in {path}");
        assert!(!text.contains(PASSWORD), "the password leaked in {path}");
    }

    // The sessions table holds the credentials only as ciphertext.
    let (db, _) = app.env.open().await;
    let sessions: Vec<Vec<u8>> = on_db!(&db, pool => sqlx::query_scalar("SELECT data FROM sessions").fetch_all(pool).await).unwrap();
    assert!(!sessions.is_empty());
    let all = String::from_utf8_lossy(&sessions.concat()).into_owned();
    assert!(all.contains("\"appgain\"") && all.contains("cg1:"), "the session holds encrypted credentials: {all}");
    assert!(!all.contains(API_KEY));
    db.close().await;

    // The WASM and JS bundle, when built (scripts/test.sh builds it first).
    let pkg = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site/pkg");
    match std::fs::read_dir(&pkg) {
        Ok(entries) => {
            for entry in entries {
                let bytes = std::fs::read(entry.unwrap().path()).unwrap();
                assert!(!bytes.windows(API_KEY.len()).any(|w| w == API_KEY.as_bytes()));
            }
        }
        Err(_) => eprintln!("bundle scan skipped: {} is not built", pkg.display()),
    }

    // An owner replacing the key by hand: not even its masked form reaches the log.
    let replaced = app.call(Method::PUT, "/api/v1/organization/appgain", Some(&token), Some(&json!({"suit_id": "suit-42", "api_key": NEW_KEY}))).await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    assert!(!replaced.body.to_string().contains(NEW_KEY));

    app.stop().await;
    let log = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(log.contains("signup: provisioned") && log.contains("entered by an owner"), "the log was captured");
    assert!(!log.contains(API_KEY), "the API key is in the log");
    assert!(!log.contains(&NEW_KEY[..10]) && !log.contains("***"), "a masked key is in the log");
    assert!(!log.contains(PASSWORD), "the password is in the log");
}

async fn a_member_gets_a_403_page_for_settings_and_visitors_a_401(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn_with_appgain(backend, &fake).await;
    let (_, owner) = app.owner("owner@a.io", "A").await;
    app.member(&owner, "member@a.io").await;
    let (_, cookie) = browser_login(&app, "member@a.io", None).await;

    let (status, page) = get_with_cookie(&app, "/settings", &cookie).await;
    assert_eq!(status, 403);
    assert!(page.contains("Not allowed") && page.contains("Only the organization"), "{page}");
    assert!(!page.contains("1a0f8e"), "not even the masked key shows");
    let (status, _, body) = post_with_cookie(&app, "/api/settings/appgain", &cookie, None).await;
    assert!(status >= 400, "{status} {body}");
    assert_eq!(get_with_cookie(&app, "/dashboard", &cookie).await.0, 200);

    let anonymous = app.client.get(app.url("/settings")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    app.stop().await;
}

async fn server_functions_answer_the_status_of_their_error(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn_with_appgain(backend, &fake).await;
    let (_, owner) = app.owner("owner@a.io", "A").await;
    app.member(&owner, "member@a.io").await;
    // Server functions are only taken from our own origin (the CSRF check).
    let form = |path: &str| app.client.post(app.url(path)).header("content-type", "application/x-www-form-urlencoded").header("origin", &app.origin);

    let anonymous = form("/api/members").body("").send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.json::<serde_json::Value>().await.unwrap()["kind"], "Unauthorized");
    let (_, cookie) = browser_login(&app, "owner@a.io", None).await;
    let missing = uuid::Uuid::new_v4().to_string();
    let (status, body) = post_form_with_cookie(&app, "/api/webhooks/delete", &cookie, &[("id", &missing)]).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(post_form_with_cookie(&app, "/api/invitation", &cookie, &[("token", "cgi_nothing")]).await.0, 404);
    let invalid = json!({"input": {"name": "", "url": "nope", "events": []}});
    let (status, _, body) = post_with_cookie(&app, "/api/webhooks/create", &cookie, Some(invalid)).await;
    assert_eq!(status, 422, "{body}");
    // Arguments that are not the function's input shape are refused the same way.
    let (status, _, body) = post_with_cookie(&app, "/api/webhooks/create", &cookie, Some(json!({"fields": {"name": "x"}}))).await;
    assert_eq!(status, 422, "{body}");
    let (_, member) = browser_login(&app, "member@a.io", None).await;
    assert_eq!(post_with_cookie(&app, "/api/members", &member, None).await.0, 403);
    // One byte over the 2 MiB body limit (all of it is read, so the answer arrives).
    let too_large = form("/api/login").body(format!("email={}", "a".repeat((2 << 20) + 1 - 6))).send().await.unwrap();
    assert_eq!(too_large.status(), 413);
    // A plain form post still goes back to its form.
    let plain = form("/api/login").header("accept", "text/html").body("email=owner%40a.io&password=wrong+password").send().await.unwrap();
    assert_eq!(plain.status(), 302);
    app.stop().await;
}

const EVIL: &str = "https://evil.example";
const FORM: &str = "application/x-www-form-urlencoded";

/// A post as another site's page (or a tool) makes it: the given cookie, `Origin` and
/// `Referer`, if any, and a body of the given type. Returns the status, the JSON body and
/// whether a session cookie was set.
async fn forged_post(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    (origin, referer): (Option<&str>, Option<&str>),
    content_type: &str,
    body: String,
) -> (u16, serde_json::Value, bool) {
    let mut request = app.client.post(app.url(path)).header(header::CONTENT_TYPE, content_type).body(body);
    for (name, value) in [(header::COOKIE, cookie), (header::ORIGIN, origin), (header::REFERER, referer)] {
        if let Some(value) = value {
            request = request.header(name, value);
        }
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let sets_session = response.headers().get_all(header::SET_COOKIE).iter().any(|c| c.to_str().unwrap().starts_with("cg_session="));
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null), sets_session)
}

async fn member_ids(app: &TestApp, token: &str) -> Vec<String> {
    let members = app.call(Method::GET, "/api/v1/organization/members", Some(token), None).await;
    members.body.as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect()
}

async fn a_cross_site_post_with_the_victims_cookie_is_refused_and_changes_nothing(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn_with_appgain(backend, &fake).await;
    let (_, owner) = app.owner("owner@a.io", "A").await;
    let (member, _) = app.member(&owner, "member@a.io").await;
    let (_, cookie) = browser_login(&app, "owner@a.io", None).await;
    let remove = format!("member_id={member}");
    let other_port = format!("http://{}:1", app.addr.ip());

    // A form on another site (urlencoded or text/plain), a sandboxed page (`null`), a
    // sibling address, a foreign Referer, and no Origin or Referer at all.
    // ((Origin, Referer), Content-Type)
    type Forged<'a> = ((Option<&'a str>, Option<&'a str>), &'a str);
    let forged: [Forged; 7] = [
        ((Some(EVIL), None), FORM),
        ((Some(EVIL), None), "text/plain"),
        ((Some("null"), None), FORM),
        ((Some(&other_port), None), FORM),
        ((None, Some("https://evil.example/page")), FORM),
        ((None, None), FORM),
        ((None, None), "text/plain"),
    ];
    for (headers, content_type) in forged {
        let (status, body, _) = forged_post(&app, "/api/members/remove", Some(&cookie), headers, content_type, remove.clone()).await;
        assert_eq!(status, 403, "{headers:?} {content_type}: {body}");
        assert_eq!(body["error"]["code"], "cross_origin", "{body}");
    }
    // REST calls with the cookie, and logging out, are refused the same way.
    let rest = app.client.delete(app.url(&format!("/api/v1/organization/members/{member}"))).header(header::COOKIE, &cookie).send().await.unwrap();
    assert_eq!(rest.status(), 403);
    let (status, _, _) = forged_post(&app, "/api/logout", Some(&cookie), (Some(EVIL), None), FORM, String::new()).await;
    assert_eq!(status, 403);
    let (status, _, _) = forged_post(&app, "/api/v1/auth/logout", Some(&cookie), (None, None), "application/json", String::new()).await;
    assert_eq!(status, 403);

    assert!(member_ids(&app, &owner).await.contains(&member), "the member was not removed");
    assert_eq!(get_with_cookie(&app, "/api/auth/me", &cookie).await.0, 200, "the session is still alive");

    // A bearer token authenticates whatever cookie rides along, and no page of another site
    // can set the Authorization header: such a call needs no Origin.
    let bearer = app
        .client
        .post(app.url("/api/contacts"))
        .bearer_auth(&owner)
        .header(header::COOKIE, &cookie)
        .json(&serde_json::json!({"email": "api@a.io"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), 201);

    // From our own pages: `Origin`, or else a `Referer` of ours, is enough.
    let referer = format!("{}/settings", app.origin);
    let (status, body, _) = forged_post(&app, "/api/members/invite", Some(&cookie), (None, Some(&referer)), FORM, String::new()).await;
    assert_eq!(status, 200, "{body}");
    let (status, body, _) = forged_post(&app, "/api/members/remove", Some(&cookie), (Some(&app.origin), None), FORM, remove).await;
    assert_eq!(status, 200, "{body}");
    assert!(!member_ids(&app, &owner).await.contains(&member), "a same-origin post works");
    app.stop().await;
}

async fn a_cross_site_login_or_signup_is_refused_without_any_cookie(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn_with_appgain(backend, &fake).await;
    app.owner("attacker@a.io", "A").await;

    // Logging the victim's browser into the attacker's account (login CSRF).
    let login = format!("email=attacker%40a.io&password={}", PASSWORD.replace(' ', "+"));
    for headers in [(Some(EVIL), None), (None, None)] {
        let (status, body, sets_session) = forged_post(&app, "/api/login", None, headers, FORM, login.clone()).await;
        assert_eq!((status, sets_session), (403, false), "{headers:?}: {body}");
    }
    let signup = format!("email=new%40a.io&password={}&organization_name=N", PASSWORD.replace(' ', "+"));
    let (status, _, sets_session) = forged_post(&app, "/api/signup", None, (Some(EVIL), None), FORM, signup).await;
    assert_eq!((status, sets_session), (403, false));
    let login = app.call(Method::POST, "/api/v1/auth/login", None, Some(&json!({"email": "new@a.io", "password": PASSWORD}))).await;
    assert_eq!(login.status, 401, "no account was created");
    app.stop().await;
}

async fn requests_without_the_session_cookie_need_no_origin(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // `call` sends no Origin: REST signup and login answer tokens, bearer calls just work.
    let (_, token) = app.owner("owner@a.io", "A").await;
    let invite = app.call(Method::POST, "/api/v1/organization/invitations", Some(&token), None).await;
    assert_eq!(invite.status, 201, "{}", invite.body);
    let key = app.call(Method::POST, "/api/v1/inbound/api-key", Some(&token), Some(&json!({}))).await;
    assert_eq!(key.status, 201, "{}", key.body);
    app.stop().await;
}

backend_tests!(
    server_functions_answer_the_status_of_their_error,
    a_member_gets_a_403_page_for_settings_and_visitors_a_401,
    the_session_cookie_is_http_only_lax_and_rotated_at_login,
    the_cookie_is_secure_behind_https,
    credentials_that_arrive_after_login_reach_the_session,
    the_api_key_appears_in_no_page_response_bundle_log_or_session,
    a_cross_site_post_with_the_victims_cookie_is_refused_and_changes_nothing,
    a_cross_site_login_or_signup_is_refused_without_any_cookie,
    requests_without_the_session_cookie_need_no_origin,
);
