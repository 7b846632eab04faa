//! Zoom webhook events: `recording.completed` is emitted outbound as
//! zoom.recording.completed; other events are only kept.

use serde_json::{json, Value};

use crate::{
    crm::attributes,
    ids::OrgId,
    inbound::InboundEventId,
    outbound::events::{emit_now, EventType},
    Domain, Error,
};

pub async fn process(d: &Domain, org: OrgId, id: InboundEventId, payload: &Value) -> Result<Value, Error> {
    if payload["event"].as_str() != Some("recording.completed") {
        return Ok(json!({ "stored": true }));
    }
    emit_now(d, org, EventType::ZoomRecordingCompleted, &event_data(id, org, payload)?).await?;
    Ok(json!({ "emitted": "zoom.recording.completed" }))
}

/// zoom.recording.completed's data, from Zoom's `recording.completed` notification (the
/// catalogue's example is made by this too, from a notification as Zoom documents it).
pub fn event_data(id: InboundEventId, org: OrgId, payload: &Value) -> Result<Value, Error> {
    let object = &payload["payload"]["object"];
    // Zoom's numbers (sizes, durations) are integers; anything else is made a string.
    attributes(Some(&json!({
        "id": id,
        "organization_id": org,
        "meeting_id": object["id"],
        "meeting_uuid": object["uuid"],
        "topic": object["topic"],
        "host_email": object["host_email"],
        "start_time": object["start_time"],
        "duration": object["duration"],
        "share_url": object["share_url"],
        "recording_files": object["recording_files"],
        "zoom_account_id": payload["payload"]["account_id"],
        "event_ts": payload["event_ts"],
    })))
}
