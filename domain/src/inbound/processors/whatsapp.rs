//! WhatsApp Cloud API notifications (`object: whatsapp_business_account`): each
//! `entry[].changes[].value` may hold `messages` (inbound) and `statuses` (receipts of
//! messages we sent: sent, delivered, read, failed).

use serde_json::{json, Value};

use super::messaging::{self, Inbound};
use crate::{
    crm::conversations::{Channel, MessageStatus},
    ids::OrgId,
    Domain, Error,
};

pub async fn process(d: &Domain, org: OrgId, payload: &Value) -> Result<Value, Error> {
    let (mut received, mut receipts) = (0, 0);
    let empty = Vec::new();
    for entry in payload["entry"].as_array().unwrap_or(&empty) {
        for change in entry["changes"].as_array().unwrap_or(&empty) {
            let value = &change["value"];
            for message in value["messages"].as_array().unwrap_or(&empty) {
                let (Some(from), Some(id)) = (message["from"].as_str(), message["id"].as_str()) else { continue };
                let name = value["contacts"]
                    .as_array()
                    .and_then(|cs| cs.iter().find(|c| c["wa_id"].as_str() == Some(from)))
                    .and_then(|c| c["profile"]["name"].as_str());
                let body = text_of(message);
                let inbound = Inbound { channel: Channel::Whatsapp, from, name, body: &body, provider_message_id: id };
                if messaging::receive(d, org, inbound).await? {
                    received += 1;
                }
            }
            for status in value["statuses"].as_array().unwrap_or(&empty) {
                let (Some(id), Some(state)) = (status["id"].as_str(), status["status"].as_str()) else { continue };
                let Some(state) = MessageStatus::parse(state).filter(|s| s.event().is_some()) else { continue };
                if messaging::receipt(d, org, id, state).await? {
                    receipts += 1;
                }
            }
        }
    }
    Ok(json!({ "messages": received, "statuses": receipts }))
}

/// The text of a message of any type (the caption or a placeholder for media).
fn text_of(message: &Value) -> String {
    let kind = message["type"].as_str().unwrap_or("text");
    message["text"]["body"]
        .as_str()
        .or_else(|| message[kind]["caption"].as_str())
        .or_else(|| message["button"]["text"].as_str())
        .or_else(|| message["interactive"]["button_reply"]["title"].as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("({kind})"))
}
