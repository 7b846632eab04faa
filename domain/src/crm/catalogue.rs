//! The event catalogue as documentation: each event, when it fires, and an example of its
//! `data`, built from the same types the events serialize (so the examples cannot drift).

use chrono::{TimeZone, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{
    campaigns::{Campaign, CampaignId},
    contacts::{Contact, ContactId},
    conversations::{Channel, Conversation, ConversationId, ConversationStatus, Direction, Message, MessageId, MessageStatus},
    deals::{Deal, DealId, Stage},
};
use crate::{
    ids::{OrgId, UserId},
    outbound::{
        events::EventType,
        health::{AttemptHealth, EndpointHealth, FAILING_AT_ATTEMPT},
        DeliveryId, SubscriptionId,
    },
};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EventDoc {
    pub event: &'static str,
    /// `crm` (what `"*"` subscribes to) or `operational` (about the webhooks themselves:
    /// named one by one, never sent to the endpoint they are about).
    pub kind: &'static str,
    pub description: &'static str,
    /// What `data` holds.
    pub object: &'static str,
    pub example: Value,
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x0190_0000_0000_4000_8000_0000_0000_0000 + n)
}

pub fn catalogue() -> Vec<EventDoc> {
    let at = Utc.with_ymd_and_hms(2026, 1, 15, 10, 30, 0).single().expect("a valid time");
    let org = OrgId(id(1));
    let user = UserId(id(2));
    let contact = Contact {
        id: ContactId(id(3)),
        organization_id: org,
        first_name: Some("John".into()),
        last_name: Some("Doe".into()),
        email: Some("john@example.com".into()),
        phone: Some("+15551234567".into()),
        attributes: json!({"source": "website"}),
        assigned_to: Some(user),
        created_at: at,
        updated_at: at,
    };
    let deal = Deal {
        id: DealId(id(4)),
        organization_id: org,
        title: "Annual plan".into(),
        value_cents: 120_000,
        currency: "USD".into(),
        stage: Stage::Proposal,
        contact_id: Some(contact.id),
        assigned_to: Some(user),
        created_at: at,
        updated_at: at,
    };
    let conversation = Conversation {
        id: ConversationId(id(5)),
        organization_id: org,
        contact_id: Some(contact.id),
        channel: Channel::Whatsapp,
        subject: Some("Order question".into()),
        status: ConversationStatus::Open,
        assigned_to: Some(user),
        created_at: at,
        updated_at: at,
    };
    let campaign = Campaign {
        id: CampaignId(id(6)),
        organization_id: org,
        name: "Spring sale".into(),
        channel: "whatsapp".into(),
        message: "20% off this week".into(),
        status: "started".into(),
        provider_status: None,
        created_at: at,
        completed_at: None,
    };
    let message = |direction: Direction, status: MessageStatus, campaign_id: Option<CampaignId>| Message {
        id: MessageId(id(7)),
        organization_id: org,
        conversation_id: conversation.id,
        contact_id: conversation.contact_id,
        channel: conversation.channel,
        direction,
        body: "Hello!".into(),
        status,
        campaign_id,
        provider_message_id: Some("wamid.HBgM".into()),
        created_at: at,
        updated_at: at,
    };
    let value = |v: &dyn erased::Ser| v.to_value();
    let with = |mut v: Value, key: &str, extra: Value| {
        v[key] = extra;
        v
    };
    let completed = Campaign { status: "completed".into(), provider_status: Some(200), completed_at: Some(at), ..campaign.clone() };
    let user_data = json!({"id": user, "organization_id": org, "email": "mia@example.com", "first_name": "Mia",
        "last_name": null, "phone": null, "role": "member", "created_at": at});
    let zoom_notification = json!({
        "event": "recording.completed",
        "event_ts": 1_765_104_000_000u64,
        "payload": {
            "account_id": "AAAAAABBBB",
            "object": {
                "id": 85_746_065_432u64,
                "uuid": "4444AAAiAAAAAiAiAiiAii==",
                "host_email": "mia@example.com",
                "topic": "Weekly sync",
                "start_time": "2026-12-07T09:00:00Z",
                "duration": 30,
                "share_url": "https://example.zoom.us/rec/share/abc",
                "recording_files": [{
                    "id": "ed6c2f27-2ae7-42f4-b3d0-835b493e4fa8",
                    "recording_type": "shared_screen_with_speaker_view",
                    "file_type": "MP4",
                    "file_size": 246_560,
                    "status": "completed",
                    "download_url": "https://example.zoom.us/rec/download/abc"
                }]
            }
        }
    });
    let zoom = crate::inbound::processors::zoom::event_data(crate::inbound::InboundEventId(id(10)), org, &zoom_notification).unwrap_or_default();

    use EventType as E;
    let doc = |event: EventType, description: &'static str, object: &'static str, example: Value| EventDoc {
        event: event.as_str(),
        kind: if event.is_operational() { "operational" } else { "crm" },
        description,
        object,
        example,
    };
    let endpoint = EndpointHealth {
        endpoint_id: SubscriptionId(id(8)),
        organization_id: org,
        name: "Deals to n8n".into(),
        url: "https://n8n.example.com/webhook/deals".into(),
        failing_since: Some(at),
        last_error: Some("HTTP 503".into()),
        disabled_reason: None,
    };
    let attempt = AttemptHealth {
        endpoint_id: endpoint.endpoint_id,
        organization_id: org,
        name: endpoint.name.clone(),
        url: endpoint.url.clone(),
        delivery_id: DeliveryId(id(9)),
        message_id: crate::outbound::message_id(DeliveryId(id(9))),
        event_type: "deal.stage.changed".into(),
        attempt: FAILING_AT_ATTEMPT,
        attempted_at: at,
        status_code: Some(503),
        error: Some("HTTP 503".into()),
        next_attempt_at: Some(at + chrono::Duration::minutes(10)),
    };
    let disabled = EndpointHealth {
        disabled_reason: Some("Every attempt failed for 5 days; turned off on 2026-01-15T10:30:00Z. Turn the webhook on again to resume.".into()),
        ..endpoint.clone()
    };
    vec![
        doc(E::ContactCreated, "A contact was created (API, page, or an inbound lead).", "contact", value(&contact)),
        doc(E::ContactUpdated, "A contact's fields changed.", "contact", value(&contact)),
        doc(E::ContactAssigned, "A contact was assigned to a person.", "contact", value(&contact)),
        doc(E::ContactDeleted, "A contact was deleted; data is the contact as it was.", "contact", value(&contact)),
        doc(E::DealCreated, "A deal was created.", "deal", value(&deal)),
        doc(E::DealUpdated, "A deal's fields changed.", "deal", value(&deal)),
        doc(E::DealStageChanged, "A deal moved to another pipeline stage.", "deal + previous_stage", with(value(&deal), "previous_stage", json!("qualified"))),
        doc(E::DealAssigned, "A deal was assigned to a person.", "deal", value(&deal)),
        doc(E::ConversationCreated, "A conversation was opened.", "conversation", value(&conversation)),
        doc(E::ConversationAssigned, "A conversation was assigned to a person.", "conversation", value(&conversation)),
        doc(
            E::ConversationStatusChanged,
            "A conversation was opened or closed.",
            "conversation + previous_status",
            with(value(&Conversation { status: ConversationStatus::Closed, ..conversation.clone() }), "previous_status", json!("OPEN")),
        ),
        doc(E::MessageReceived, "A message came in from a contact.", "message", value(&message(Direction::Inbound, MessageStatus::Received, None))),
        doc(
            E::MessageNew,
            "A new inbound message (fires with message.received).",
            "message",
            value(&message(Direction::Inbound, MessageStatus::Received, None)),
        ),
        doc(E::MessageSent, "An outbound message was sent.", "message", value(&message(Direction::Outbound, MessageStatus::Sent, None))),
        doc(E::MessageDelivered, "An outbound message reached the recipient.", "message", value(&message(Direction::Outbound, MessageStatus::Delivered, None))),
        doc(E::MessageRead, "An outbound message was read.", "message", value(&message(Direction::Outbound, MessageStatus::Read, None))),
        doc(E::MessageFailed, "An outbound message could not be sent.", "message", value(&message(Direction::Outbound, MessageStatus::Failed, None))),
        doc(
            E::BroadcastResponse,
            "A contact replied to a campaign.",
            "message (with campaign_id)",
            value(&message(Direction::Inbound, MessageStatus::Received, Some(campaign.id))),
        ),
        doc(E::ZoomRecordingCompleted, "A Zoom cloud recording finished processing.", "zoom recording", zoom),
        doc(E::UserCreated, "A person joined the organization (signup or accepted invitation).", "user", user_data),
        doc(E::CampaignStarted, "A campaign was handed to Appgain.", "campaign", value(&campaign)),
        doc(E::CampaignCompleted, "Appgain answered a campaign (status completed or failed).", "campaign", value(&completed)),
        doc(
            E::EndpointDisabled,
            "A webhook endpoint was turned off: it answered 410 Gone, or every attempt failed for CONNECTGAIN_WEBHOOK_DISABLE_AFTER.",
            "endpoint health",
            value(&disabled),
        ),
        doc(E::AttemptFailing, "A delivery failed for the fourth time; it is tried again at next_attempt_at.", "attempt health", value(&attempt)),
        doc(
            E::AttemptExhausted,
            "A delivery failed its last attempt and will not be tried again (replay it from the logs).",
            "attempt health",
            value(&AttemptHealth { attempt: 11, next_attempt_at: None, ..attempt.clone() }),
        ),
        doc(E::EndpointRecovered, "An endpoint reported failing or turned off answered a delivery again.", "endpoint health", value(&endpoint)),
    ]
}

/// `Serialize` behind a reference to a trait object, for the examples above.
mod erased {
    pub trait Ser {
        fn to_value(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Ser for T {
        fn to_value(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_event_of_the_catalogue_is_documented_once() {
        let docs = super::catalogue();
        let names: Vec<&str> = docs.iter().map(|d| d.event).collect();
        let all: Vec<&str> = crate::outbound::events::EventType::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(names.len(), all.len());
        for name in all {
            assert_eq!(names.iter().filter(|n| **n == name).count(), 1, "{name}");
        }
        assert!(docs.iter().all(|d| d.example.is_object()));
        // Operational events come last, apart from the CRM ones.
        let first_operational = docs.iter().position(|d| d.kind == "operational").unwrap();
        assert!(docs[first_operational..].iter().all(|d| d.kind == "operational"));
    }
}
