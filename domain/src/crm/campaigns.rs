//! Campaigns (broadcasts) as the CRM records them: campaign.started when one is handed to
//! Appgain, campaign.completed with the outcome; a contact's reply is a message linked to
//! the campaign (broadcast.response, see conversations).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    begin, commit, emit,
    page::Page,
    table::{self, Table},
};
use crate::{ids::OrgId, on_tx, outbound::events::EventType, Domain, Error};

crate::typed_id!(
    /// A campaign sent by an organization.
    CampaignId
);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Campaign {
    pub id: CampaignId,
    pub organization_id: OrgId,
    pub name: String,
    pub channel: String,
    pub message: String,
    /// `started`, then `completed` or `failed`.
    pub status: String,
    /// The HTTP status Appgain answered.
    pub provider_status: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, organization_id, name, channel, message, status, provider_status, created_at, completed_at";

impl Table for Campaign {
    type Row = Campaign;
    type Id = CampaignId;
    const NAME: &'static str = "campaigns";
    const COLUMNS: &'static str = COLUMNS;

    fn page_key(&self) -> (DateTime<Utc>, Uuid) {
        (self.created_at, self.id.0)
    }
}

/// Records a campaign about to be sent (campaign.started).
pub async fn start(d: &Domain, org: OrgId, name: &str, channel: &str, message: &str) -> Result<Campaign, Error> {
    let campaign = Campaign {
        id: CampaignId::new(),
        organization_id: org,
        name: name.trim().to_owned(),
        channel: channel.trim().to_lowercase(),
        message: message.trim().to_owned(),
        status: "started".into(),
        provider_status: None,
        created_at: Utc::now(),
        completed_at: None,
    };
    let mut tx = begin(d).await?;
    on_tx!(&mut tx, conn => sqlx::query(&format!("INSERT INTO campaigns ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
        .bind(campaign.id)
        .bind(org)
        .bind(&campaign.name)
        .bind(&campaign.channel)
        .bind(&campaign.message)
        .bind(&campaign.status)
        .bind(campaign.provider_status)
        .bind(campaign.created_at)
        .bind(campaign.completed_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    emit(&mut tx, org, EventType::CampaignStarted, &campaign).await?;
    commit(d, tx).await?;
    Ok(campaign)
}

/// Records the provider's answer (campaign.completed, with `status` completed or failed).
pub async fn finish(d: &Domain, mut campaign: Campaign, provider_status: Option<u16>, accepted: bool) -> Result<Campaign, Error> {
    campaign.status = if accepted { "completed" } else { "failed" }.into();
    campaign.provider_status = provider_status.map(i32::from);
    campaign.completed_at = Some(Utc::now());
    let mut tx = begin(d).await?;
    on_tx!(&mut tx, conn => sqlx::query("UPDATE campaigns SET status = $1, provider_status = $2, completed_at = $3 WHERE id = $4 AND organization_id = $5")
        .bind(&campaign.status)
        .bind(campaign.provider_status)
        .bind(campaign.completed_at)
        .bind(campaign.id)
        .bind(campaign.organization_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    emit(&mut tx, campaign.organization_id, EventType::CampaignCompleted, &campaign).await?;
    commit(d, tx).await?;
    Ok(campaign)
}

pub async fn list(d: &Domain, org: OrgId, cursor: Option<&str>, limit: Option<i64>) -> Result<Page<Campaign>, Error> {
    table::list(&d.db, org, cursor, limit).await
}
