//! What the messaging providers' callbacks have in common: an inbound message becomes a
//! message in the contact's open conversation on that channel (contact and conversation
//! created when missing), and a delivery receipt moves the status of the outbound message
//! the provider knows by its id.
//!
//! **Campaign replies.** An inbound message answers a campaign when the contact got an
//! outbound message of that campaign on the same channel within [`REPLY_WINDOW`] (the
//! latest such campaign wins); the message then carries the campaign's id and
//! broadcast.response is emitted with message.received and message.new.

use chrono::Utc;

use crate::{
    crm::{
        contacts::{self, ContactInput},
        conversations::{self, Channel, ConversationInput, MessageInput, MessageStatus},
    },
    ids::OrgId,
    Domain, Error,
};

/// How long after a campaign message a reply still counts as a response to it.
pub const REPLY_WINDOW: chrono::Duration = chrono::Duration::hours(72);

/// An inbound message as a provider reported it.
pub struct Inbound<'a> {
    pub channel: Channel,
    /// The sender's phone number, with or without the leading `+`.
    pub from: &'a str,
    pub name: Option<&'a str>,
    pub body: &'a str,
    pub provider_message_id: &'a str,
}

/// Records the message unless it was recorded before (providers retry); answers whether
/// it was new.
pub async fn receive(d: &Domain, org: OrgId, m: Inbound<'_>) -> Result<bool, Error> {
    if conversations::find_by_provider_id(d, org, m.provider_message_id).await?.is_some() {
        return Ok(false);
    }
    let phone = if m.from.starts_with('+') { m.from.to_owned() } else { format!("+{}", m.from) };
    let contact = match contacts::find_by_phone(d, org, &phone).await? {
        Some(c) => c,
        None => {
            let (first_name, last_name) = match m.name.map(str::trim).filter(|n| !n.is_empty()) {
                Some(name) => match name.split_once(' ') {
                    Some((f, l)) => (Some(f.to_owned()), Some(l.trim().to_owned())),
                    None => (Some(name.to_owned()), None),
                },
                None => (None, None),
            };
            let input = ContactInput { phone: Some(phone.clone()), first_name, last_name, ..Default::default() };
            contacts::create(d, org, &input).await?
        }
    };
    let conversation = match conversations::find_open(d, org, contact.id, m.channel).await? {
        Some(c) => c,
        None => {
            let input = ConversationInput { contact_id: Some(contact.id.to_string()), channel: Some(m.channel.as_str().to_owned()), ..Default::default() };
            conversations::create(d, org, &input).await?
        }
    };
    let campaign = conversations::campaign_answered(d, org, contact.id, m.channel, Utc::now() - REPLY_WINDOW).await?;
    let body = if m.body.trim().is_empty() { "(no text)" } else { m.body };
    let input = MessageInput {
        direction: Some("inbound".into()),
        body: Some(body.chars().take(10_000).collect()),
        campaign_id: campaign.map(|c| c.to_string()),
        provider_message_id: Some(m.provider_message_id.to_owned()),
        ..Default::default()
    };
    conversations::record_message(d, org, conversation.id, &input).await?;
    Ok(true)
}

/// Moves the outbound message `provider_message_id` to `status` (sent, delivered, read or
/// failed) when that is further along; answers whether it moved. Receipts for messages
/// ConnectGain did not send are ignored.
pub async fn receipt(d: &Domain, org: OrgId, provider_message_id: &str, status: MessageStatus) -> Result<bool, Error> {
    let Some(message) = conversations::find_by_provider_id(d, org, provider_message_id).await? else { return Ok(false) };
    if message.direction != conversations::Direction::Outbound {
        return Ok(false);
    }
    conversations::receipt_status(d, org, message.id, status).await
}
