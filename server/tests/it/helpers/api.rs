//! Small helpers for calling the JSON API as a test client.

use serde_json::{json, Value};

use super::{appgain::FakeAppgain, Backend, TestApp, TestEnv};

pub const PASSWORD: &str = "correct horse battery";

/// The app with Appgain pointed at `fake`.
pub async fn spawn_with_appgain(backend: Backend, fake: &FakeAppgain) -> TestApp {
    let env = TestEnv::new(backend).await;
    let (url, base) = (fake.signup_url(), fake.base_url());
    TestApp::spawn_with(env, &[("APPGAIN_SIGNUP_WEBHOOK_URL", &url), ("APPGAIN_NOTIFY_BASE_URL", &base)]).await
}

pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl TestApp {
    pub async fn call(&self, method: reqwest::Method, path: &str, token: Option<&str>, body: Option<&Value>) -> Reply {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        Reply { status, body: serde_json::from_str(&text).unwrap_or(Value::Null), headers }
    }

    /// The keys of the event catalogue's example data for `event`, sorted: what a delivery's
    /// `data` must have.
    pub async fn catalogue_keys(&self, event: &str) -> Vec<String> {
        let catalogue = self.call(reqwest::Method::GET, "/api/v1/webhooks/events", None, None).await;
        let doc = catalogue.body.as_array().unwrap().iter().find(|d| d["event"] == event).cloned();
        data_keys(&doc.unwrap_or_else(|| panic!("{event} is not in the catalogue"))["example"])
    }

    /// Signs up an owner and returns (organization id, bearer token).
    pub async fn owner(&self, email: &str, organization: &str) -> (String, String) {
        let body = json!({ "email": email, "password": PASSWORD, "organization_name": organization });
        let reply = self.call(reqwest::Method::POST, "/api/v1/auth/signup", None, Some(&body)).await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        let org = reply.body["organization_id"].as_str().unwrap().to_owned();
        (org, self.token(email).await)
    }

    pub async fn token(&self, email: &str) -> String {
        let body = json!({ "email": email, "password": PASSWORD });
        let reply = self.call(reqwest::Method::POST, "/api/v1/auth/login", None, Some(&body)).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body["access_token"].as_str().unwrap().to_owned()
    }

    /// Invites and signs up a member of the token owner's organization; returns (id, token).
    pub async fn member(&self, owner_token: &str, email: &str) -> (String, String) {
        let invite = self.call(reqwest::Method::POST, "/api/v1/organization/invitations", Some(owner_token), None).await;
        assert_eq!(invite.status, 201, "{}", invite.body);
        let token = invite.body["token"].as_str().unwrap();
        let body = json!({ "email": email, "password": PASSWORD });
        let joined = self.call(reqwest::Method::POST, &format!("/api/v1/invitations/{token}/accept"), None, Some(&body)).await;
        assert_eq!(joined.status, 201, "{}", joined.body);
        (joined.body["user_id"].as_str().unwrap().to_owned(), self.token(email).await)
    }
}

/// The keys of a JSON object, sorted.
pub fn data_keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    keys.sort();
    keys
}
