//! The event catalogue: every event a subscription can receive, by its wire name.

macro_rules! catalogue {
    ($($variant:ident => $name:literal),+ $(,)?) => {
        /// Every event a subscription can receive (`"*"` in a subscription means all).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum EventType { $($variant),+ }

        impl EventType {
            /// The whole catalogue, in documentation order.
            pub const ALL: &'static [EventType] = &[$(EventType::$variant),+];

            /// The wire name, as in `X-Webhook-Event` and the body's `event`.
            pub fn as_str(self) -> &'static str {
                match self { $(EventType::$variant => $name),+ }
            }

            /// The event of a wire name; `None` for anything outside the catalogue.
            pub fn parse(name: &str) -> Option<EventType> {
                match name { $($name => Some(EventType::$variant),)+ _ => None }
            }
        }
    };
}

catalogue! {
    ContactCreated => "contact.created",
    ContactUpdated => "contact.updated",
    ContactAssigned => "contact.assigned",
    ContactDeleted => "contact.deleted",
    DealCreated => "deal.created",
    DealUpdated => "deal.updated",
    DealStageChanged => "deal.stage.changed",
    DealAssigned => "deal.assigned",
    ConversationCreated => "conversation.created",
    ConversationAssigned => "conversation.assigned",
    ConversationStatusChanged => "conversation.status.changed",
    MessageReceived => "message.received",
    MessageNew => "message.new",
    MessageSent => "message.sent",
    MessageDelivered => "message.delivered",
    MessageRead => "message.read",
    MessageFailed => "message.failed",
    BroadcastResponse => "broadcast.response",
    ZoomRecordingCompleted => "zoom.recording.completed",
    UserCreated => "user.created",
    CampaignStarted => "campaign.started",
    CampaignCompleted => "campaign.completed",
    EndpointDisabled => "webhook.endpoint.disabled",
    AttemptFailing => "webhook.attempt.failing",
    AttemptExhausted => "webhook.attempt.exhausted",
    EndpointRecovered => "webhook.endpoint.recovered",
}

impl EventType {
    /// An event about the webhooks themselves (an endpoint failing, disabled, recovered),
    /// not about the CRM: `"*"` does not include it, a subscription gets it only by naming
    /// it, and never about itself.
    pub fn is_operational(self) -> bool {
        matches!(self, EventType::EndpointDisabled | EventType::AttemptFailing | EventType::AttemptExhausted | EventType::EndpointRecovered)
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for EventType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
