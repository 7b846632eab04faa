//! Twilio's form posts, stored as a JSON object of their parameters: an incoming SMS
//! (`Body`, `From`, `MessageSid`) or a status callback (`MessageSid`, `MessageStatus`).

use serde_json::{json, Value};

use super::messaging::{self, Inbound};
use crate::{
    crm::conversations::{Channel, MessageStatus},
    ids::OrgId,
    Domain, Error,
};

pub async fn process(d: &Domain, org: OrgId, p: &Value) -> Result<Value, Error> {
    let sid = p["MessageSid"].as_str().or_else(|| p["SmsSid"].as_str()).unwrap_or_default();
    if sid.is_empty() {
        return Err(Error::invalid("MessageSid", "Twilio sent no MessageSid."));
    }
    let status = p["MessageStatus"].as_str().or_else(|| p["SmsStatus"].as_str()).unwrap_or_default();
    if let (Some(body), "received" | "") = (p["Body"].as_str(), status) {
        let from = p["From"].as_str().unwrap_or_default();
        let new = messaging::receive(d, org, Inbound { channel: Channel::Sms, from, name: None, body, provider_message_id: sid }).await?;
        return Ok(json!({ "message": if new { "received" } else { "duplicate" } }));
    }
    let ours = match status {
        "sent" => MessageStatus::Sent,
        "delivered" => MessageStatus::Delivered,
        "read" => MessageStatus::Read,
        "failed" | "undelivered" => MessageStatus::Failed,
        _ => return Ok(json!({ "receipt": "ignored", "status": status })),
    };
    let moved = messaging::receipt(d, org, sid, ours).await?;
    Ok(json!({ "receipt": if moved { ours.as_str() } else { "unchanged" } }))
}
