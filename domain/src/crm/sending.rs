//! Sending a message in a conversation through the tenant's provider: WhatsApp
//! conversations through the WhatsApp Cloud API, SMS conversations through the tenant's
//! SMS provider. The message is recorded as `sent` (with the provider's message id, which
//! its receipts will name) and emits message.sent, or as `failed` and emits message.failed.

use serde::{Deserialize, Serialize};

use super::{
    contacts::{self, Contact},
    conversations::{self, Channel, Conversation, ConversationId, Message, MessageInput},
};
use crate::{
    ids::OrgId,
    providers::{self, SendResult},
    Domain, Error,
};

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SendInput {
    pub body: Option<String>,
    /// The message belongs to this campaign (a reply to it emits broadcast.response).
    pub campaign_id: Option<String>,
}

/// The recorded message and what the provider answered.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Sent {
    pub message: Message,
    pub provider: SendResult,
}

/// The number a message in this conversation goes to, or why none can be sent: only
/// WhatsApp and SMS conversations go through a provider, to a contact with a number.
pub fn recipient<'a>(conversation: &Conversation, contact: Option<&'a Contact>) -> Result<&'a str, Error> {
    if !matches!(conversation.channel, Channel::Whatsapp | Channel::Sms) {
        let channel = conversation.channel;
        return Err(Error::invalid("channel", format!("Messages on the {channel} channel cannot be sent through a provider; answer where it came from.")));
    }
    let Some(contact) = contact else { return Err(Error::invalid("contact_id", "This conversation has no contact to send to.")) };
    contact.phone.as_deref().ok_or_else(|| Error::invalid("phone", "The contact has no phone number."))
}

pub async fn send(d: &Domain, org: OrgId, id: ConversationId, input: &SendInput) -> Result<Sent, Error> {
    let conversation = conversations::get(d, org, id).await?;
    let body = input.body.as_deref().map(str::trim).unwrap_or_default();
    if body.is_empty() || body.chars().count() > 1600 {
        return Err(Error::invalid("body", "Write a message of 1 to 1,600 characters."));
    }
    let contact = match conversation.contact_id {
        Some(c) => Some(contacts::get(d, org, c).await?),
        None => None,
    };
    let phone = recipient(&conversation, contact.as_ref())?;
    // `recipient` let only WhatsApp and SMS conversations through.
    let provider = match conversation.channel {
        Channel::Whatsapp => providers::send_whatsapp(d, org, phone, body).await?,
        _ => providers::send_sms(d, org, phone, body).await?,
    };
    let input = MessageInput {
        direction: Some("outbound".into()),
        body: Some(body.to_owned()),
        status: Some(if provider.ok { "sent" } else { "failed" }.into()),
        campaign_id: input.campaign_id.clone(),
        provider_message_id: provider.message_id.clone(),
    };
    let message = conversations::record_message(d, org, id, &input).await?;
    if !provider.ok {
        tracing::info!(%org, conversation = %id, provider = %provider.provider, problem = ?provider.problem, "message not sent");
    }
    Ok(Sent { message, provider })
}
