//! The values a conversation and its messages move through, and the rules for moving.
//! Each is stored and sent as the same text as before they were types (`OPEN`, `whatsapp`,
//! `inbound`, `delivered`), so the API and the events did not change.

use serde::{Deserialize, Serialize};

use crate::{outbound::events::EventType, text_enum::text_enum};

/// Where a conversation takes place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Whatsapp,
    Sms,
    Email,
    Web,
}

text_enum!(Channel, "channel", { Whatsapp => "whatsapp", Sms => "sms", Email => "email", Web => "web" });

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum ConversationStatus {
    Open,
    Closed,
}

text_enum!(ConversationStatus, "conversation status", { Open => "OPEN", Closed => "CLOSED" });

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Inbound,
    Outbound,
}

text_enum!(Direction, "direction", { Inbound => "inbound", Outbound => "outbound" });

/// An inbound message is `received`; an outbound one moves pending → sent → delivered →
/// read, or to failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MessageStatus {
    Received,
    Pending,
    Sent,
    Delivered,
    Read,
    Failed,
}

text_enum!(MessageStatus, "message status", {
    Received => "received", Pending => "pending", Sent => "sent", Delivered => "delivered", Read => "read", Failed => "failed",
});

impl MessageStatus {
    /// The statuses an outbound message can be given.
    pub const OUTBOUND: [Self; 5] = [Self::Pending, Self::Sent, Self::Delivered, Self::Read, Self::Failed];

    /// An outbound message's status from its text.
    pub fn parse_outbound(text: &str) -> Option<Self> {
        Self::parse(text).filter(|s| Self::OUTBOUND.contains(s))
    }

    pub fn outbound_choices() -> String {
        Self::OUTBOUND.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
    }

    /// How far delivery has come.
    fn progress(self) -> u8 {
        match self {
            Self::Received | Self::Pending => 0,
            Self::Sent => 1,
            Self::Delivered => 2,
            Self::Read => 3,
            Self::Failed => 4,
        }
    }

    /// Whether a provider's receipt saying `next` moves a message at this status: only
    /// forward, so a late `delivered` never undoes a `read`.
    pub fn advances_to(self, next: Self) -> bool {
        next.progress() > self.progress()
    }

    /// The event an outbound message emits on reaching this status.
    pub fn event(self) -> Option<EventType> {
        match self {
            Self::Sent => Some(EventType::MessageSent),
            Self::Delivered => Some(EventType::MessageDelivered),
            Self::Read => Some(EventType::MessageRead),
            Self::Failed => Some(EventType::MessageFailed),
            Self::Received | Self::Pending => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_round_trip_and_match_the_json() {
        for status in MessageStatus::ALL {
            assert_eq!(MessageStatus::parse(status.as_str()), Some(*status));
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        assert_eq!(serde_json::to_value(ConversationStatus::Open).unwrap(), "OPEN");
        assert_eq!(serde_json::to_value(Channel::Whatsapp).unwrap(), "whatsapp");
        assert!(Channel::try_from("fax".to_owned()).is_err());
        assert_eq!(MessageStatus::parse_outbound("received"), None);
    }

    #[test]
    fn receipts_only_move_a_message_forward() {
        use MessageStatus::*;
        assert!(Sent.advances_to(Delivered) && Delivered.advances_to(Read) && Pending.advances_to(Sent));
        assert!(!Read.advances_to(Delivered), "a late delivered never undoes a read");
        assert!(!Delivered.advances_to(Delivered) && !Sent.advances_to(Pending));
        assert!(Sent.advances_to(Failed));
    }
}
