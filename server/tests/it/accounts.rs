//! Accounts and Appgain provisioning through the JSON API, against a real HTTP server
//! standing in for the Appgain webhook.

use std::time::{Duration, Instant};

use crate::helpers::{
    appgain::{FakeAppgain, Mode},
    Backend, TestApp, TestEnv,
};
use connectgain_domain::{ids::OrgId, on_db, organizations, secret::ExposeSecret};
use serde_json::{json, Value};

const API_KEY: &str = "appgain-api-key-7f3c2a9d4e5b6c1a0f8e";

fn provisioned() -> Mode {
    Mode::Credentials { suit_id: "suit-42".into(), api_key: API_KEY.into() }
}

async fn spawn(backend: Backend, fake: &FakeAppgain) -> TestApp {
    let env = TestEnv::new(backend).await;
    let url = fake.signup_url();
    let base = fake.base_url();
    TestApp::spawn_with(env, &[("APPGAIN_SIGNUP_WEBHOOK_URL", &url), ("APPGAIN_NOTIFY_BASE_URL", &base)]).await
}

async fn post(app: &TestApp, path: &str, body: &Value) -> (u16, Value, reqwest::header::HeaderMap) {
    let response = app.client.post(app.url(path)).json(body).send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null), headers)
}

async fn me(app: &TestApp, token: &str) -> (u16, Value) {
    let response = app.client.get(app.url("/api/auth/me")).bearer_auth(token).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

fn signup_body(email: &str) -> Value {
    json!({
        "email": email,
        "password": "correct horse battery",
        "organization_name": "Acme Ltd",
        "first_name": "Ana",
        "last_name": "Lima",
        "phone": "+201001383533",
    })
}

async fn login(app: &TestApp, email: &str) -> String {
    let (status, body, _) = post(app, "/api/v1/auth/login", &json!({"email": email, "password": "correct horse battery"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_in"].as_u64().unwrap() > 0);
    body["access_token"].as_str().unwrap().to_owned()
}

async fn stored_key(app: &TestApp, org: OrgId) -> Option<String> {
    let (db, keys) = app.env.open().await;
    let creds = organizations::appgain_credentials(&db, &keys, org).await.unwrap();
    db.close().await;
    creds.map(|c| c.api_key.expose_secret().to_owned())
}

async fn signup_provisions_credentials_when_the_webhook_answers(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn(backend, &fake).await;

    let (status, body, _) = post(&app, "/api/v1/auth/signup", &signup_body("Ana@Example.com")).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["provisioning"], "provisioned");
    assert!(body.get("warning").is_none());
    assert!(!body.to_string().contains(API_KEY));

    // The seed's payload, exactly.
    let sent = fake.signups();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0],
        json!({
            "platform": "connectGain",
            "phone": "+201001383533",
            "email": "ana@example.com",
            "name": "Ana Lima",
            "password": "correct horse battery",
            "org": "Acme Ltd",
        })
    );

    let org: OrgId = body["organization_id"].as_str().unwrap().parse().unwrap();
    assert_eq!(stored_key(&app, org).await.as_deref(), Some(API_KEY));

    let token = login(&app, "ana@example.com").await;
    let (status, me) = me(&app, &token).await;
    assert_eq!(status, 200);
    assert_eq!(me["email"], "ana@example.com");
    assert_eq!(me["role"], "owner");
    assert_eq!(me["tenant_id"], body["organization_id"]);
    assert_eq!(me["organization_name"], "Acme Ltd");
    assert_eq!(me["appgain"]["provisioned"], true);
    assert_eq!(me["appgain"]["suit_id"], "suit-42");
    assert!(!me.to_string().contains(API_KEY), "the API key never reaches a client");
    app.stop().await;
}

async fn signup_succeeds_and_retries_in_the_background_whatever_the_webhook_does(backend: Backend) {
    let failures = [Mode::Status(404), Mode::Status(500), Mode::Slow(Duration::from_secs(10)), Mode::Garbage];
    let fake = FakeAppgain::start(Mode::Status(500)).await;
    let app = spawn(backend, &fake).await;
    for (i, failure) in failures.into_iter().enumerate() {
        fake.set_mode(failure.clone());
        let email = format!("user{i}@example.com");
        let started = Instant::now();
        let (status, body, _) = post(&app, "/api/v1/auth/signup", &signup_body(&email)).await;
        assert_eq!(status, 201, "{failure:?}: {body}");
        // The webhook is given 500 ms here; the slow one would take 10 s.
        assert!(started.elapsed() < Duration::from_secs(6), "{failure:?}: signup waited {:?}", started.elapsed());
        assert_eq!(body["provisioning"], "pending", "{failure:?}");
        assert!(body["warning"].as_str().unwrap().contains("Appgain"), "{failure:?}");

        // The account exists and says it is pending.
        let token = login(&app, &email).await;
        let (_, me_body) = me(&app, &token).await;
        assert_eq!(me_body["appgain"]["provisioned"], false);
        assert_eq!(me_body["appgain"]["status"], "pending");

        // The webhook recovers: the retry job stores the credentials with no user action.
        fake.set_mode(provisioned());
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let (_, me_body) = me(&app, &token).await;
            if me_body["appgain"]["provisioned"] == true {
                assert_eq!(me_body["appgain"]["status"], "provisioned");
                assert_eq!(me_body["appgain"]["suit_id"], "suit-42");
                break;
            }
            assert!(Instant::now() < deadline, "{failure:?}: never provisioned: {me_body}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let org: OrgId = body["organization_id"].as_str().unwrap().parse().unwrap();
        assert_eq!(stored_key(&app, org).await.as_deref(), Some(API_KEY));

        // The retry sent the same payload, password included; and the password is gone now.
        let last = fake.signups().last().cloned().unwrap();
        assert_eq!(last["email"], email.as_str());
        assert_eq!(last["password"], "correct horse battery");
        let (db, _) = app.env.open().await;
        let jobs: i64 = on_db!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM provisioning_jobs").fetch_one(pool).await).unwrap();
        assert_eq!(jobs, 0, "the stored signup password is deleted once provisioned");
        db.close().await;
    }
    app.stop().await;
}

async fn a_pending_retry_survives_a_restart(backend: Backend) {
    let fake = FakeAppgain::start(Mode::Status(503)).await;
    let app = spawn(backend, &fake).await;
    let (status, body, _) = post(&app, "/api/v1/auth/signup", &signup_body("restart@example.com")).await;
    assert_eq!((status, body["provisioning"].as_str()), (201, Some("pending")));
    let env = app.stop().await;

    fake.set_mode(provisioned());
    let url = fake.signup_url();
    let app = TestApp::spawn_with(env, &[("APPGAIN_SIGNUP_WEBHOOK_URL", &url)]).await;
    let org: OrgId = body["organization_id"].as_str().unwrap().parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while stored_key(&app, org).await.is_none() {
        assert!(Instant::now() < deadline, "the retry was lost in the restart");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.stop().await;
}

async fn signup_reports_every_invalid_field(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn(backend, &fake).await;
    let (status, body, _) =
        post(&app, "/api/v1/auth/signup", &json!({"email": "not-an-email", "password": "short", "organization_name": "  ", "phone": "0100"})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "invalid_fields");
    let fields = body["error"]["fields"].as_object().unwrap();
    for field in ["email", "password", "organization_name", "phone"] {
        assert!(fields.contains_key(field), "{field} missing in {body}");
    }
    assert_eq!(fields.len(), 4);

    let (status, body, _) = post(&app, "/api/v1/auth/signup", &json!({})).await;
    assert_eq!(status, 422, "{body}");
    assert!(fake.signups().is_empty(), "nothing invalid reaches Appgain");
    app.stop().await;
}

async fn a_taken_email_answers_409(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn(backend, &fake).await;
    assert_eq!(post(&app, "/api/v1/auth/signup", &signup_body("dup@example.com")).await.0, 201);
    let (status, body, _) = post(&app, "/api/v1/auth/signup", &signup_body("DUP@example.com ")).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "conflict");
    assert_eq!(fake.signups().len(), 1, "a taken e-mail does not reach Appgain");
    app.stop().await;
}

async fn malformed_requests_get_json_errors(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.client.post(app.url("/api/v1/auth/signup")).header("content-type", "application/json").body("{\"email\": ").send().await.unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "malformed_json");

    let response = app.client.post(app.url("/api/v1/auth/login")).body("email=x").send().await.unwrap();
    assert_eq!(response.status(), 415);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unsupported_media_type");
    app.stop().await;
}

async fn wrong_password_and_unknown_email_get_the_same_answer_and_are_limited(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn(backend, &fake).await;
    post(&app, "/api/v1/auth/signup", &signup_body("limit@example.com")).await;

    let (s1, wrong, _) = post(&app, "/api/v1/auth/login", &json!({"email": "limit@example.com", "password": "wrong password"})).await;
    let (s2, unknown, _) = post(&app, "/api/v1/auth/login", &json!({"email": "nobody@example.com", "password": "wrong password"})).await;
    assert_eq!((s1, s2), (401, 401));
    assert_eq!(wrong, unknown);

    for _ in 0..4 {
        post(&app, "/api/v1/auth/login", &json!({"email": "limit@example.com", "password": "wrong password"})).await;
    }
    // Five failures from this address: even the right password is refused from it for a while.
    let (status, body, headers) = post(&app, "/api/v1/auth/login", &json!({"email": "limit@example.com", "password": "correct horse battery"})).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["code"], "rate_limited");
    assert!(headers["retry-after"].to_str().unwrap().parse::<u64>().unwrap() > 0);
    app.stop().await;
}

/// 40 guesses at once (one of them right) against the default limit of 5: the check and
/// the reservation are one step, so no more than 5 wrong passwords are ever verified.
async fn concurrent_guesses_get_no_more_verifications_than_the_limit(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn(backend, &fake).await;
    assert_eq!(post(&app, "/api/v1/auth/signup", &signup_body("race@example.com")).await.0, 201);
    let before = app.domain.login_limiter.verifications();
    let guesses: Vec<_> = (0..40)
        .map(|i| {
            let (client, url) = (app.client.clone(), app.url("/api/v1/auth/login"));
            let password = if i == 17 { "correct horse battery" } else { "wrong password" };
            let body = json!({"email": "race@example.com", "password": password});
            tokio::spawn(async move { client.post(url).json(&body).send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for guess in guesses {
        statuses.push(guess.await.unwrap());
    }
    let verified = app.domain.login_limiter.verifications() - before;
    let count = |status: u16| statuses.iter().filter(|s| **s == status).count();
    assert_eq!(count(401) + count(200) + count(429), 40, "{statuses:?}");
    assert!(count(401) <= 5, "no more wrong passwords verified than the limit: {statuses:?}");
    assert_eq!(verified as usize, count(401) + count(200), "each 401 or 200 is one verification, a 429 none: {statuses:?}");
    app.stop().await;
}

async fn login_from(app: &TestApp, forwarded_for: &str, password: &str) -> u16 {
    let body = json!({"email": "owner@example.com", "password": password});
    let request = app.client.post(app.url("/api/v1/auth/login")).header("X-Forwarded-For", forwarded_for).json(&body);
    request.send().await.unwrap().status().as_u16()
}

/// Behind a trusted proxy (the test client's 127.0.0.1), each client counts on its own: an
/// attacker locks only their own address out, and the owner logs in from theirs.
async fn an_attackers_failures_do_not_keep_the_owner_out(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let (url, base) = (fake.signup_url(), fake.base_url());
    let vars = [("APPGAIN_SIGNUP_WEBHOOK_URL", url.as_str()), ("APPGAIN_NOTIFY_BASE_URL", &base), ("CONNECTGAIN_TRUSTED_PROXIES", "127.0.0.1")];
    let app = TestApp::spawn_with(TestEnv::new(backend).await, &vars).await;
    assert_eq!(post(&app, "/api/v1/auth/signup", &signup_body("owner@example.com")).await.0, 201);
    for _ in 0..5 {
        assert_eq!(login_from(&app, "203.0.113.7", "wrong password").await, 401);
    }
    assert_eq!(login_from(&app, "203.0.113.7", "correct horse battery").await, 429, "the attacker's address is refused");
    // Whatever the client writes left of what the proxy appended proves nothing.
    assert_eq!(login_from(&app, "198.51.100.20, 203.0.113.7", "correct horse battery").await, 429);
    assert_eq!(login_from(&app, "198.51.100.20", "correct horse battery").await, 200, "the owner gets in from elsewhere");
    app.stop().await;
}

/// Without a trusted proxy, `X-Forwarded-For` is the client's own claim and is ignored:
/// changing it does not escape the limit of the real address.
async fn forwarded_for_is_ignored_from_an_untrusted_peer(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn(backend, &fake).await;
    assert_eq!(post(&app, "/api/v1/auth/signup", &signup_body("owner@example.com")).await.0, 201);
    for i in 0..5 {
        assert_eq!(login_from(&app, &format!("203.0.113.{i}"), "wrong password").await, 401);
    }
    assert_eq!(login_from(&app, "198.51.100.20", "correct horse battery").await, 429);
    app.stop().await;
}

async fn logout_revokes_the_token(backend: Backend) {
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn(backend, &fake).await;
    post(&app, "/api/v1/auth/signup", &signup_body("out@example.com")).await;
    let token = login(&app, "out@example.com").await;
    assert_eq!(me(&app, &token).await.0, 200);

    let response = app.client.post(app.url("/api/v1/auth/logout")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 204);
    let (status, body) = me(&app, &token).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized");
    assert_eq!(me(&app, "cgt_forged").await.0, 401);
    let anonymous = app.client.get(app.url("/api/auth/me")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    app.stop().await;
}

async fn organizations_from_before_provisioning_get_the_default_credentials(backend: Backend) {
    let env = TestEnv::new(backend).await;
    let (db, _) = env.open().await;
    let legacy = organizations::create(&db, "Old Timers").await.unwrap();
    db.close().await;

    let app = TestApp::spawn_with(env, &[("APPGAIN_DEFAULT_SUIT_ID", "default-suit"), ("APPGAIN_DEFAULT_API_KEY", API_KEY)]).await;
    let (db, keys) = app.env.open().await;
    let creds = organizations::appgain_credentials(&db, &keys, legacy.id).await.unwrap().unwrap();
    assert_eq!(creds.suit_id, "default-suit");
    assert_eq!(creds.api_key.expose_secret(), API_KEY);
    let state = organizations::appgain_state(&db, &keys, legacy.id).await.unwrap().unwrap();
    assert_eq!(state.status, organizations::ProvisioningStatus::Default);
    assert_eq!(state.api_key_masked.as_deref(), Some("appgain-ap***1a0f8e"));
    db.close().await;
    app.stop().await;
}

async fn create_admin_makes_a_platform_admin_who_can_log_in(backend: Backend) {
    let env = TestEnv::new(backend).await;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_connectgain"))
        .args(["create-admin", "--email", "Root@Example.com", "--password", "correct horse battery"])
        .env_clear()
        .envs(env.vars(&[]))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("root@example.com"));

    let app = TestApp::spawn_with(env, &[]).await;
    let token = login(&app, "root@example.com").await;
    let (status, body) = me(&app, &token).await;
    assert_eq!(status, 200);
    assert_eq!(body["role"], "admin");
    assert_eq!(body["tenant_id"], Value::Null);
    app.stop().await;
}

async fn rotate_key_reencrypts_every_kind_of_stored_secret(backend: Backend) {
    use connectgain_domain::{
        crypto::{KeyRing, SecretBinding},
        rotation::ENCRYPTED_COLUMNS,
    };
    let fake = FakeAppgain::start(provisioned()).await;
    let app = spawn(backend, &fake).await;
    post(&app, "/api/v1/auth/signup", &signup_body("done@example.com")).await; // org key + user backup
    fake.set_mode(Mode::Status(500));
    post(&app, "/api/v1/auth/signup", &signup_body("pending@example.com")).await; // pending password
    let env = app.stop().await;

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_connectgain")).arg("rotate-key").env_clear().envs(env.vars(&[])).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("re-encrypted 3 secrets"), "{}", String::from_utf8_lossy(&output.stdout));

    let (db, _) = env.open().await;
    let (ring, _) = KeyRing::load(&env.config(&[])).unwrap();
    let mut checked = 0;
    for column in ENCRYPTED_COLUMNS {
        let (table, name) = column.field.split_once('.').unwrap();
        let sql = format!("SELECT {}, {name} FROM {table} WHERE {name} IS NOT NULL", column.owner_column);
        let rows: Vec<(uuid::Uuid, String)> = on_db!(&db, pool => sqlx::query_as(&sql).fetch_all(pool).await).unwrap();
        for (owner, sealed) in rows {
            checked += 1;
            assert!(sealed.starts_with(&format!("cg1:{}:", ring.current().id())), "{}", column.field);
            assert!(ring.decrypt(&sealed, &SecretBinding::new(column.field, owner)).is_ok(), "{}", column.field);
        }
    }
    assert_eq!(checked, 3, "the organization's key, the user's backup and the pending password");
    db.close().await;
}

async fn signups_and_invitation_accepts_are_limited_per_client_address(backend: Backend) {
    use crate::helpers::api::PASSWORD;
    let fake = FakeAppgain::start(provisioned()).await;
    let (url, base) = (fake.signup_url(), fake.base_url());
    let limits = [("APPGAIN_SIGNUP_WEBHOOK_URL", url.as_str()), ("APPGAIN_NOTIFY_BASE_URL", &base), ("CONNECTGAIN_SIGNUP_LIMIT", "3/h")];
    let app = TestApp::spawn_with(TestEnv::new(backend).await, &limits).await;
    let (_, owner) = app.owner("owner@a.io", "A").await;
    app.member(&owner, "member@a.io").await;
    app.owner("second@b.io", "B").await;

    let third = json!({"email": "third@c.io", "password": PASSWORD, "organization_name": "C"});
    let (status, body, headers) = post(&app, "/api/v1/auth/signup", &third).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["code"], "rate_limited");
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=1200).contains(&wait), "3 an hour refill one each 20 minutes: {wait}");
    // An invitation accept takes from the same budget.
    let invite = app.client.post(app.url("/api/v1/organization/invitations")).bearer_auth(&owner).send().await.unwrap();
    let token = invite.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let (status, body, headers) = post(&app, &format!("/api/v1/invitations/{token}/accept"), &json!({"email": "late@a.io", "password": PASSWORD})).await;
    assert_eq!(status, 429, "{body}");
    assert!(headers.contains_key("retry-after"));
    // So does the signup page's server function, with a message a person can read.
    let form = format!("email=fourth%40d.io&password={}&organization_name=D", connectgain_domain::text::percent_encode(PASSWORD));
    let response = app
        .client
        .post(app.url("/api/signup"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &app.origin)
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let error: Value = response.json().await.unwrap();
    assert!(error["message"].as_str().unwrap().starts_with("Too many attempts. Try again in"), "{error}");

    assert_eq!(fake.signups().len(), 2, "refused signups call nobody");
    assert_eq!(post(&app, "/api/v1/auth/login", &json!({"email": "third@c.io", "password": PASSWORD})).await.0, 401, "and create nobody");
    app.stop().await;
}

backend_tests!(
    signups_and_invitation_accepts_are_limited_per_client_address,
    rotate_key_reencrypts_every_kind_of_stored_secret,
    signup_provisions_credentials_when_the_webhook_answers,
    signup_succeeds_and_retries_in_the_background_whatever_the_webhook_does,
    a_pending_retry_survives_a_restart,
    signup_reports_every_invalid_field,
    a_taken_email_answers_409,
    malformed_requests_get_json_errors,
    wrong_password_and_unknown_email_get_the_same_answer_and_are_limited,
    concurrent_guesses_get_no_more_verifications_than_the_limit,
    an_attackers_failures_do_not_keep_the_owner_out,
    forwarded_for_is_ignored_from_an_untrusted_peer,
    logout_revokes_the_token,
    organizations_from_before_provisioning_get_the_default_credentials,
    create_admin_makes_a_platform_admin_who_can_log_in,
);
