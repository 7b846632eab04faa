//! What happens to a received event, one file per processor. To add one: write a file with
//! a `process(d, org, payload) -> Result<Value, Error>` function and name it in
//! [`for_event`] and [`process`]. The `Value` is the event's `result` as shown to the owner;
//! an error becomes its `error_message` (status `failed`, retryable).

pub mod lead_captured;
pub mod messaging;
pub mod stored;
pub mod twilio;
pub mod vonage;
pub mod whatsapp;
pub mod zoom;

use serde_json::Value;

use super::{claimed::Claimed, InboundEventId, Source};
use crate::{
    db::{Change, Tx},
    ids::OrgId,
    Domain, Error,
};

/// The processors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Processor {
    /// Kept and visible, nothing else (`payment.received`, and any name without a processor).
    Stored,
    LeadCaptured,
    Whatsapp,
    Twilio,
    Vonage,
    Zoom,
}

/// The API event names with a processor of their own (all others are only stored).
pub const API_PROCESSORS: &[&str] = &["lead.captured"];

/// The processor of an event.
pub fn for_event(source: Source, event_name: &str) -> Processor {
    match (source, event_name) {
        (Source::Api, "lead.captured") => Processor::LeadCaptured,
        // payment.received is stored for the owner's systems to pick up; no CRM object yet.
        (Source::Api, _) => Processor::Stored,
        (Source::Whatsapp, _) => Processor::Whatsapp,
        (Source::Twilio, _) => Processor::Twilio,
        (Source::Vonage, _) => Processor::Vonage,
        (Source::Zoom, _) => Processor::Zoom,
    }
}

/// Runs the event's processor; `Err` is the message to record.
pub async fn process(d: &Domain, event: &Claimed) -> Result<Value, String> {
    let payload: Value = serde_json::from_str(&event.payload).map_err(|e| format!("the stored payload is not JSON: {e}"))?;
    let org = event.organization_id;
    let source = Source::parse(&event.source).unwrap_or(Source::Api);
    let outcome = match for_event(source, &event.event_name) {
        Processor::Stored => Ok(serde_json::from_str(stored::RESULT).unwrap_or(Value::Null)),
        Processor::LeadCaptured => lead_captured::process(d, org, &payload).await,
        Processor::Whatsapp => whatsapp::process(d, org, &payload).await,
        Processor::Twilio => twilio::process(d, org, &payload).await,
        Processor::Vonage => vonage::process(d, org, &payload).await,
        Processor::Zoom => zoom::process(d, org, event.id, &payload).await,
    };
    outcome.map_err(describe)
}

/// When an event's processor only changes the database (a lead): the change that processes
/// it and records it processed, to run in the shared commit, so the two commit together.
/// `None` for processors that do more (they run on their own).
pub(crate) fn change(event: &Claimed) -> Option<Result<Change<Value>, Error>> {
    let source = Source::parse(&event.source).unwrap_or(Source::Api);
    if for_event(source, &event.event_name) != Processor::LeadCaptured {
        return None;
    }
    let (id, org) = (event.id, event.organization_id);
    let parsed = serde_json::from_str::<Value>(&event.payload)
        .map_err(|e| Error::invalid("payload", format!("the stored payload is not JSON: {e}")))
        .and_then(|payload| lead_captured::Lead::parse(&payload));
    Some(parsed.map(|lead| -> Change<Value> { Box::new(move |tx| Box::pin(process_lead(tx, lead.clone(), org, id))) }))
}

async fn process_lead(tx: &mut Tx, lead: lead_captured::Lead, org: OrgId, id: InboundEventId) -> Result<Value, Error> {
    let result = lead.upsert(tx, org).await?;
    super::worker::record_processed(tx, id, org, &result).await?;
    Ok(result)
}

/// A processing error as the owner reads it; internal causes are logged, not shown.
pub(crate) fn describe(error: Error) -> String {
    match error {
        Error::Invalid(fields) => fields.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("; "),
        Error::Internal(cause) => {
            tracing::error!(error = ?cause, "inbound processing failed");
            "An internal error stopped processing; retry the event.".into()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_processors_lists_exactly_the_api_names_with_a_processor() {
        for name in API_PROCESSORS {
            assert_ne!(for_event(Source::Api, name), Processor::Stored, "{name}");
        }
        for name in ["payment.received", "test.event", "lead.captured_v2"] {
            assert_eq!(for_event(Source::Api, name), Processor::Stored, "{name}");
        }
        assert_eq!(for_event(Source::Zoom, "zoom.recording.completed"), Processor::Zoom);
    }
}
