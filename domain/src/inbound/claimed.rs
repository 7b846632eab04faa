//! An event the worker has claimed: what its processor reads.

use chrono::{DateTime, Utc};

use super::InboundEventId;
use crate::ids::OrgId;

/// A received event, claimed under a lease for processing.
#[derive(Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: InboundEventId,
    pub organization_id: OrgId,
    pub source: String,
    pub event_name: String,
    pub payload: String,
    pub received_at: DateTime<Utc>,
}
