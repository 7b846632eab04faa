//! Requests as a browser makes them: a login through the login server function, then
//! pages and server functions with the session cookie, each post with our own `Origin`.

use reqwest::header;

use super::{api::PASSWORD, TestApp};

/// Logs in through the login server function as a browser form would; returns the
/// `Set-Cookie` header and the session cookie (`cg_session=…`).
pub async fn browser_login(app: &TestApp, email: &str, cookie: Option<&str>) -> (String, String) {
    let mut request = app
        .client
        .post(app.url("/api/login"))
        .header(header::ORIGIN, &app.origin)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("email={}&password={}", email.replace('@', "%40"), PASSWORD.replace(' ', "+")));
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = request.send().await.unwrap();
    let set_cookie = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("cg_session="))
        .unwrap_or_else(|| panic!("no session cookie; status {}", response.status()));
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    (set_cookie, cookie)
}

pub async fn get_with_cookie(app: &TestApp, path: &str, cookie: &str) -> (u16, String) {
    let response = app.client.get(app.url(path)).header(header::COOKIE, cookie).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

pub async fn post_with_cookie(app: &TestApp, path: &str, cookie: &str, body: Option<serde_json::Value>) -> (u16, String, String) {
    let mut request = app.client.post(app.url(path)).header(header::COOKIE, cookie).header(header::ORIGIN, &app.origin);
    request = match body {
        Some(body) => request.json(&body),
        None => request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(""),
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = format!("{:?}", response.headers());
    (status, headers, response.text().await.unwrap())
}

/// A server function taking form fields (the default encoding), as `fetch` sends it.
pub async fn post_form_with_cookie(app: &TestApp, path: &str, cookie: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let body = fields.iter().map(|(k, v)| format!("{k}={}", connectgain_domain::text::percent_encode(v))).collect::<Vec<_>>().join("&");
    let response = app
        .client
        .post(app.url(path))
        .header(header::COOKIE, cookie)
        .header(header::ORIGIN, &app.origin)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}
