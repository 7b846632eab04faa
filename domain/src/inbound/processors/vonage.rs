//! Vonage SMS API callbacks, stored as a JSON object of their parameters: an inbound SMS
//! (`msisdn`, `text`, `messageId`) or a delivery receipt (`messageId`, `status`).

use serde_json::{json, Value};

use super::messaging::{self, Inbound};
use crate::{
    crm::conversations::{Channel, MessageStatus},
    ids::OrgId,
    Domain, Error,
};

pub async fn process(d: &Domain, org: OrgId, p: &Value) -> Result<Value, Error> {
    let id = p["messageId"].as_str().or_else(|| p["message-id"].as_str()).unwrap_or_default();
    if id.is_empty() {
        return Err(Error::invalid("messageId", "Vonage sent no messageId."));
    }
    if let Some(status) = p["status"].as_str() {
        let ours = match status {
            "accepted" | "buffered" => MessageStatus::Sent,
            "delivered" => MessageStatus::Delivered,
            "failed" | "rejected" | "expired" => MessageStatus::Failed,
            _ => return Ok(json!({ "receipt": "ignored", "status": status })),
        };
        let moved = messaging::receipt(d, org, id, ours).await?;
        return Ok(json!({ "receipt": if moved { ours.as_str() } else { "unchanged" } }));
    }
    let from = p["msisdn"].as_str().unwrap_or_default();
    let body = p["text"].as_str().unwrap_or_default();
    let new = messaging::receive(d, org, Inbound { channel: Channel::Sms, from, name: None, body, provider_message_id: id }).await?;
    Ok(json!({ "message": if new { "received" } else { "duplicate" } }))
}
