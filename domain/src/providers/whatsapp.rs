//! WhatsApp Cloud API: `POST {graph}/{phone-number-id}/messages` with a bearer token.

use secrecy::ExposeSecret;
use serde_json::{json, Value};

use super::{check_enabled, not_configured, Purpose, SendResult};
use crate::{
    ids::OrgId,
    integrations::{reveal, whatsapp},
    Domain, Error,
};

pub(super) async fn send(d: &Domain, org: OrgId, to: &str, text: &str, purpose: Purpose) -> Result<SendResult, Error> {
    let settings = whatsapp::stored(d, org).await?.ok_or_else(|| not_configured("WhatsApp"))?;
    check_enabled("WhatsApp", settings.enabled, purpose)?;
    let (Some(phone_number_id), Some(token)) = (settings.phone_number_id.as_deref(), reveal(d, org, whatsapp::ACCESS_TOKEN, &settings.access_token)?) else {
        return Err(Error::Unavailable { code: "channel_not_configured", message: "WhatsApp needs a phone number ID and an access token first.".into() });
    };
    let url = format!("{}/{}/messages", d.config.providers.whatsapp_graph_base_url, crate::text::percent_encode(phone_number_id));
    let body = json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.trim_start_matches('+'),
        "type": "text",
        "text": { "preview_url": false, "body": text },
    });
    let response = match d.http.post(url).bearer_auth(token.expose_secret()).json(&body).send().await {
        Ok(r) => r,
        Err(e) => return Ok(SendResult::unreachable("whatsapp", &e)),
    };
    let status = response.status().as_u16();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    if (200..300).contains(&status) {
        return Ok(SendResult {
            ok: true,
            provider: "whatsapp".into(),
            status: Some(status),
            message_id: answer["messages"][0]["id"].as_str().map(str::to_owned),
            problem: None,
            detail: None,
        });
    }
    let error = &answer["error"];
    let problem = problem(error["code"].as_i64(), error["error_subcode"].as_i64(), status);
    Ok(SendResult::failed("whatsapp", Some(status), problem, error["message"].as_str().map(str::to_owned)))
}

/// Graph API error codes as the guide names them.
pub(super) fn problem(code: Option<i64>, subcode: Option<i64>, status: u16) -> Option<&'static str> {
    match (code, subcode) {
        (Some(190), _) => Some("Invalid Access Token"),
        (Some(100), Some(33)) | (Some(803), _) => Some("Phone Number Not Found"),
        (Some(131030 | 131026 | 131021), _) => Some("Invalid Phone Number"),
        (Some(131042), _) => Some("Insufficient Funds"),
        (Some(10 | 200), _) => Some("Permission Denied"),
        (Some(4 | 80007 | 130429 | 131048 | 131056), _) => Some("Rate Limit Hit"),
        _ if status == 401 => Some("Invalid Access Token"),
        _ if status == 404 => Some("Phone Number Not Found"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn graph_errors_get_the_guides_names() {
        assert_eq!(problem(Some(190), None, 401), Some("Invalid Access Token"));
        assert_eq!(problem(Some(100), Some(33), 400), Some("Phone Number Not Found"));
        assert_eq!(problem(Some(131030), None, 400), Some("Invalid Phone Number"));
        assert_eq!(problem(Some(131042), None, 400), Some("Insufficient Funds"));
        assert_eq!(problem(Some(1), None, 500), None);
    }
}
