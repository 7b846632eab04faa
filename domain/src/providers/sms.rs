//! SMS providers: Twilio Messages (form-encoded, Basic auth), Vonage SMS (HTTP 200 with a
//! status per message), and AWS SNS Publish (signed with SigV4).

use chrono::Utc;
use secrecy::ExposeSecret;
use serde_json::Value;

use super::{check_enabled, not_configured, sigv4, Purpose, SendResult};
use crate::{
    ids::OrgId,
    integrations::{
        reveal,
        sms::{self, Provider},
    },
    text::percent_encode,
    Domain, Error,
};

pub(super) async fn send(d: &Domain, org: OrgId, to: &str, text: &str, purpose: Purpose) -> Result<SendResult, Error> {
    let s = sms::stored(d, org).await?.ok_or_else(|| not_configured("SMS"))?;
    check_enabled("SMS", s.enabled, purpose)?;
    let incomplete = || Error::Unavailable { code: "channel_not_configured", message: "The SMS provider's configuration is incomplete.".into() };
    match Provider::parse(&s.provider) {
        Some(Provider::Twilio) => {
            let sid = s.twilio_account_sid.as_deref().ok_or_else(incomplete)?;
            let token = reveal(d, org, sms::TWILIO_AUTH_TOKEN, &s.twilio_auth_token)?.ok_or_else(incomplete)?;
            let mut form = vec![("To", to.to_owned()), ("Body", text.to_owned())];
            match (&s.twilio_messaging_service_sid, &s.twilio_phone_number) {
                (Some(service), _) => form.push(("MessagingServiceSid", service.clone())),
                (None, Some(from)) => form.push(("From", from.clone())),
                (None, None) => return Err(incomplete()),
            }
            let url = format!("{}/2010-04-01/Accounts/{}/Messages.json", d.config.providers.twilio_base_url, percent_encode(sid));
            let request = d.http.post(url).basic_auth(sid, Some(token.expose_secret())).form(&form);
            let response = match request.send().await {
                Ok(r) => r,
                Err(e) => return Ok(SendResult::unreachable("twilio", &e)),
            };
            let status = response.status().as_u16();
            let answer: Value = response.json().await.unwrap_or(Value::Null);
            if (200..300).contains(&status) {
                return Ok(ok("twilio", status, answer["sid"].as_str()));
            }
            let problem = twilio_problem(answer["code"].as_i64(), status);
            Ok(SendResult::failed("twilio", Some(status), problem, answer["message"].as_str().map(str::to_owned)))
        }
        Some(Provider::Vonage) => {
            let (Some(key), Some(from)) = (s.vonage_api_key.as_deref(), s.vonage_from.as_deref()) else { return Err(incomplete()) };
            let secret = reveal(d, org, sms::VONAGE_API_SECRET, &s.vonage_api_secret)?.ok_or_else(incomplete)?;
            let form = [("api_key", key), ("api_secret", secret.expose_secret()), ("from", from), ("to", to.trim_start_matches('+')), ("text", text)];
            let url = format!("{}/sms/json", d.config.providers.vonage_base_url);
            let response = match d.http.post(url).form(&form).send().await {
                Ok(r) => r,
                Err(e) => return Ok(SendResult::unreachable("vonage", &e)),
            };
            let status = response.status().as_u16();
            let answer: Value = response.json().await.unwrap_or(Value::Null);
            // Vonage answers 200 even when the message failed: the status is per message.
            let message = &answer["messages"][0];
            match message["status"].as_str() {
                Some("0") if (200..300).contains(&status) => Ok(ok("vonage", status, message["message-id"].as_str())),
                code => Ok(SendResult::failed("vonage", Some(status), vonage_problem(code), message["error-text"].as_str().map(str::to_owned))),
            }
        }
        Some(Provider::AwsSns) => {
            let (Some(key_id), Some(region)) = (s.sns_access_key_id.as_deref(), s.sns_region.as_deref()) else { return Err(incomplete()) };
            let secret = reveal(d, org, sms::SNS_SECRET_ACCESS_KEY, &s.sns_secret_access_key)?.ok_or_else(incomplete)?;
            let endpoint = d.config.providers.aws_sns_endpoint.clone().unwrap_or_else(|| format!("https://sns.{region}.amazonaws.com"));
            let mut params = vec![
                ("Action".to_owned(), "Publish".to_owned()),
                ("Message".to_owned(), text.to_owned()),
                ("PhoneNumber".to_owned(), to.to_owned()),
                ("Version".to_owned(), "2010-03-31".to_owned()),
            ];
            if let Some(sender) = &s.sns_sender_id {
                params.push(("MessageAttributes.entry.1.Name".into(), "AWS.SNS.SMS.SenderID".into()));
                params.push(("MessageAttributes.entry.1.Value.DataType".into(), "String".into()));
                params.push(("MessageAttributes.entry.1.Value.StringValue".into(), sender.clone()));
            }
            let body = params.iter().map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v))).collect::<Vec<_>>().join("&");
            let host = endpoint.split("://").nth(1).unwrap_or_default().split('/').next().unwrap_or_default().to_owned();
            let now = Utc::now();
            let amz_date = now.format("%Y%m%dT%H%M%SZ").to_string();
            let content_type = "application/x-www-form-urlencoded; charset=utf-8";
            let authorization = sigv4::authorization(
                &sigv4::Request {
                    method: "POST",
                    path: "/",
                    query: "",
                    headers: vec![("content-type", content_type.into()), ("host", host), ("x-amz-date", amz_date.clone())],
                    payload: body.as_bytes(),
                },
                &sigv4::Credentials { access_key_id: key_id, secret_access_key: secret.expose_secret(), region, service: "sns" },
                now,
            );
            let request = d
                .http
                .post(format!("{}/", endpoint.trim_end_matches('/')))
                .header("content-type", content_type)
                .header("x-amz-date", amz_date)
                .header("authorization", authorization)
                .body(body);
            let response = match request.send().await {
                Ok(r) => r,
                Err(e) => return Ok(SendResult::unreachable("aws_sns", &e)),
            };
            let status = response.status().as_u16();
            let xml = response.text().await.unwrap_or_default();
            if (200..300).contains(&status) {
                return Ok(ok("aws_sns", status, xml_text(&xml, "MessageId").as_deref()));
            }
            let code = xml_text(&xml, "Code");
            Ok(SendResult::failed("aws_sns", Some(status), sns_problem(code.as_deref()), xml_text(&xml, "Message")))
        }
        None => Err(incomplete()),
    }
}

fn ok(provider: &str, status: u16, id: Option<&str>) -> SendResult {
    SendResult { ok: true, provider: provider.into(), status: Some(status), message_id: id.map(str::to_owned), problem: None, detail: None }
}

/// The text of the first `<tag>…</tag>` (SNS answers in XML).
fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let start = xml.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = xml[start..].find(&format!("</{tag}>"))? + start;
    Some(xml[start..end].trim().to_owned())
}

pub(super) fn twilio_problem(code: Option<i64>, status: u16) -> Option<&'static str> {
    match code {
        Some(20003) => Some("Authentication Failed"),
        Some(21211 | 21614 | 21217 | 21408 | 21610) => Some("Invalid Phone Number"),
        Some(20005 | 21606) => Some("Insufficient Funds"),
        _ if status == 401 => Some("Authentication Failed"),
        _ => None,
    }
}

pub(super) fn vonage_problem(status: Option<&str>) -> Option<&'static str> {
    match status {
        Some("4" | "14") => Some("Authentication Failed"),
        Some("9") => Some("Insufficient Funds"),
        Some("3" | "6" | "29") => Some("Invalid Phone Number"),
        Some("1") => Some("Rate Limit Hit"),
        _ => None,
    }
}

pub(super) fn sns_problem(code: Option<&str>) -> Option<&'static str> {
    match code {
        Some("InvalidClientTokenId" | "SignatureDoesNotMatch" | "IncompleteSignature" | "AuthorizationError") => Some("Authentication Failed"),
        Some("InvalidParameter" | "InvalidParameterValue") => Some("Invalid Phone Number"),
        Some("Throttling" | "ThrottlingException") => Some("Rate Limit Hit"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_errors_get_the_guides_names() {
        assert_eq!(twilio_problem(Some(20003), 401), Some("Authentication Failed"));
        assert_eq!(twilio_problem(Some(21211), 400), Some("Invalid Phone Number"));
        assert_eq!(vonage_problem(Some("9")), Some("Insufficient Funds"));
        assert_eq!(vonage_problem(Some("4")), Some("Authentication Failed"));
        assert_eq!(sns_problem(Some("SignatureDoesNotMatch")), Some("Authentication Failed"));
        assert_eq!(xml_text("<a><MessageId> m-1 </MessageId></a>", "MessageId").as_deref(), Some("m-1"));
    }
}
