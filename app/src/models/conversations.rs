//! The conversations inbox and a conversation's thread, as the browser receives them.

use serde::{Deserialize, Serialize};

/// The channels a conversation can be on: (value, label).
pub const CHANNELS: [(&str, &str); 4] = [("whatsapp", "WhatsApp"), ("sms", "SMS"), ("email", "E-mail"), ("web", "Web")];

pub fn channel_label(channel: &str) -> &str {
    CHANNELS.iter().find(|(value, _)| *value == channel).map_or(channel, |(_, label)| label)
}

/// What the inbox is asked to show; each field as the page's query holds it (blank: any).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxQuery {
    /// `open` (the default), `closed` or `all`.
    pub status: String,
    pub channel: String,
    /// `me`, `none`, or blank for anyone.
    pub assigned: String,
    /// A contact's id: that contact's conversations only (blank: everyone's).
    pub contact: String,
    pub cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxPage {
    pub data: Vec<InboxRow>,
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxRow {
    pub id: String,
    pub contact: String,
    pub channel: String,
    pub subject: Option<String>,
    pub open: bool,
    pub assigned_to: Option<String>,
    /// The last message's first words, with who wrote it.
    pub preview: Option<String>,
    /// The contact wrote last: an answer is due.
    pub waiting: bool,
    pub updated_at: String,
}

/// A conversation: who it is with, where, its state and who may answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadHead {
    pub id: String,
    /// (id, name).
    pub contact: Option<(String, String)>,
    pub channel: String,
    pub subject: Option<String>,
    pub open: bool,
    pub assigned_to: Option<String>,
    pub members: Vec<(String, String)>,
    /// Why no reply can go out from here (only WhatsApp and SMS, to a contact with a
    /// number), or `None` when one can.
    pub cannot_reply: Option<String>,
}

/// A conversation's latest messages (or those before a cursor), oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagePage {
    pub messages: Vec<MessageRow>,
    /// Earlier messages than these, when there are more.
    pub earlier_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRow {
    pub id: String,
    pub inbound: bool,
    pub body: String,
    /// `received`, `pending`, `sent`, `delivered`, `read` or `failed`.
    pub status: String,
    pub at: String,
}

impl MessageRow {
    /// What happened to an outbound message, as the thread says it.
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "pending" => "Sending",
            "sent" => "Sent",
            "delivered" => "Delivered",
            "read" => "Read",
            "failed" => "Not delivered",
            _ => "Received",
        }
    }
}
