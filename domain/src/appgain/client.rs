//! The two Appgain calls: the signup webhook that provisions credentials, and the notify
//! API that sends a campaign.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// Provisioned credentials. The API key never leaves the server.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub suit_id: String,
    pub api_key: SecretString,
}

/// Why a call to Appgain failed, in words an owner can act on. Never carries a secret.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum CallError {
    #[error("the Appgain webhook did not answer within {0} ms")]
    Timeout(u128),
    #[error("the Appgain webhook could not be reached: {0}")]
    Network(String),
    #[error("the Appgain webhook answered HTTP {0}")]
    Status(u16),
    #[error("the Appgain webhook's answer has no suitId and apiKey")]
    Unparsable,
}

/// The seed's payload, exactly: `{platform, phone, email, name, password, org}`.
pub struct SignupRequest<'a> {
    pub phone: Option<&'a str>,
    pub email: &'a str,
    pub name: &'a str,
    pub password: &'a SecretString,
    pub org: &'a str,
}

/// What the notify API answered to a campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendOutcome {
    pub status: u16,
    pub body: String,
}

#[derive(Clone)]
pub struct AppgainClient {
    http: reqwest::Client,
    signup_url: String,
    signup_timeout: Duration,
    notify_base_url: String,
}

impl AppgainClient {
    pub fn new(http: reqwest::Client, signup_url: String, signup_timeout: Duration, notify_base_url: String) -> Self {
        Self { http, signup_url, signup_timeout, notify_base_url }
    }

    /// Calls the signup webhook and reads the credentials from its answer.
    pub async fn provision(&self, request: &SignupRequest<'_>) -> Result<Credentials, CallError> {
        let body = serde_json::json!({
            "platform": "connectGain",
            "phone": request.phone.unwrap_or(""),
            "email": request.email,
            "name": request.name,
            "password": request.password.expose_secret(),
            "org": request.org,
        });
        let response = self.http.post(&self.signup_url).timeout(self.signup_timeout).json(&body).send().await.map_err(|e| self.describe(e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(CallError::Status(status.as_u16()));
        }
        let bytes = response.bytes().await.map_err(|e| self.describe(e))?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|_| CallError::Unparsable)?;
        parse_credentials(&value).ok_or(CallError::Unparsable)
    }

    /// Sends a campaign: `POST {base}/{suitId}/send` with the API key in `appApiKey`.
    pub async fn send_campaign(&self, credentials: &Credentials, payload: &Value) -> Result<SendOutcome, CallError> {
        let url = format!("{}/{}/send", self.notify_base_url, crate::text::percent_encode(&credentials.suit_id));
        let response = self
            .http
            .post(url)
            .timeout(Duration::from_secs(30))
            .header("appApiKey", credentials.api_key.expose_secret())
            .json(payload)
            .send()
            .await
            .map_err(|e| self.describe(e))?;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        Ok(SendOutcome { status, body: truncate(body, 2_000) })
    }

    fn describe(&self, error: reqwest::Error) -> CallError {
        if error.is_timeout() {
            // (Campaign sends time out after 30 s; the signup timeout is what a user waits for.)
            CallError::Timeout(self.signup_timeout.as_millis())
        } else {
            // Without the URL (it is configuration, and the message may reach a page), but
            // with the causes, which say what actually went wrong ("Connection refused").
            let mut causes = Vec::new();
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                causes.push(cause.to_string());
                source = cause.source();
            }
            let mut message = error.without_url().to_string();
            for cause in causes {
                if !message.contains(&cause) {
                    message = format!("{message}: {cause}");
                }
            }
            CallError::Network(message)
        }
    }
}

/// Accepts `{suitId, apiKey}`, `{suit_id, api_key}`, either inside `data`, and ids given as
/// numbers.
pub fn parse_credentials(value: &Value) -> Option<Credentials> {
    let object = match value.get("data") {
        Some(data) if data.is_object() => data,
        _ => value,
    };
    let text = |keys: [&str; 2]| {
        keys.iter().find_map(|k| match object.get(*k)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    Some(Credentials { suit_id: text(["suitId", "suit_id"])?, api_key: SecretString::from(text(["apiKey", "api_key"])?) })
}

fn truncate(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(value: Value) -> Option<(String, String)> {
        parse_credentials(&value).map(|c| (c.suit_id, c.api_key.expose_secret().to_owned()))
    }

    #[test]
    fn credentials_are_read_in_every_accepted_shape() {
        let want = Some(("s1".to_owned(), "k1".to_owned()));
        assert_eq!(parsed(json!({"suitId": "s1", "apiKey": "k1"})), want);
        assert_eq!(parsed(json!({"suit_id": "s1", "api_key": "k1"})), want);
        assert_eq!(parsed(json!({"data": {"suitId": "s1", "apiKey": "k1"}})), want);
        assert_eq!(parsed(json!({"data": {"suit_id": " s1 ", "api_key": "k1"}})), want);
        assert_eq!(parsed(json!({"suitId": 42, "apiKey": "k1"})), Some(("42".to_owned(), "k1".to_owned())));
    }

    #[test]
    fn incomplete_answers_are_refused() {
        assert_eq!(parsed(json!({"suitId": "s1"})), None);
        assert_eq!(parsed(json!({"apiKey": "k1"})), None);
        assert_eq!(parsed(json!({"suitId": "", "apiKey": "k1"})), None);
        assert_eq!(parsed(json!([1, 2])), None);
        assert_eq!(parsed(json!({"data": "x"})), None);
    }
}
