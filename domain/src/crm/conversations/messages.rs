//! Messages in a conversation. Recording one emits message.received and message.new
//! (inbound), or the event of its status (outbound: message.sent, .delivered, .read,
//! .failed, as the status moves), and broadcast.response for a reply to a campaign.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{find, get, Channel, ConversationId, Direction, MessageStatus};
use crate::{
    crm::{
        campaigns::CampaignId,
        contacts::ContactId,
        emit, optional_text,
        page::{self, Cursor, Page},
    },
    db::Tx,
    error::FieldErrors,
    ids::OrgId,
    on_db, on_tx,
    outbound::events::EventType,
    Domain, Error,
};

crate::typed_id!(
    /// A message in a conversation.
    MessageId
);

/// A message, as the API answers it and events carry it: with its conversation's contact
/// and channel, so that a receiver knows who wrote and where without asking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Message {
    pub id: MessageId,
    pub organization_id: OrgId,
    pub conversation_id: ConversationId,
    pub contact_id: Option<ContactId>,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    #[sqlx(try_from = "String")]
    pub direction: Direction,
    pub body: String,
    #[sqlx(try_from = "String")]
    pub status: MessageStatus,
    pub campaign_id: Option<CampaignId>,
    pub provider_message_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const MESSAGE_COLUMNS: &str = "id, organization_id, conversation_id, direction, body, status, campaign_id, provider_message_id, created_at, updated_at";

/// Messages with their conversation's contact and channel (`m`, `c`).
const SELECT_MESSAGES: &str = "SELECT m.id, m.organization_id, m.conversation_id, c.contact_id, c.channel, m.direction, m.body, m.status, \
     m.campaign_id, m.provider_message_id, m.created_at, m.updated_at FROM messages m JOIN conversations c ON c.id = m.conversation_id";

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct MessageInput {
    pub direction: Option<String>,
    pub body: Option<String>,
    /// For outbound messages: `sent` (default), `pending`, `delivered`, `read` or `failed`.
    pub status: Option<String>,
    /// An inbound reply to this campaign (emits broadcast.response).
    pub campaign_id: Option<String>,
    pub provider_message_id: Option<String>,
}

async fn campaign_of(tx: &mut Tx, org: OrgId, raw: Option<&str>) -> Result<Option<CampaignId>, Error> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(None) };
    let missing = || Error::invalid("campaign_id", "No such campaign in this organization.");
    let id: CampaignId = raw.parse().map_err(|_| missing())?;
    let found: Option<i32> = on_tx!(tx, conn => sqlx::query_scalar("SELECT 1 FROM campaigns WHERE id = $1 AND organization_id = $2")
        .bind(id)
        .bind(org)
        .fetch_optional(conn)
        .await)?;
    found.map(|_| Some(id)).ok_or_else(missing)
}

/// A message's input, checked; the campaign is looked up within the change.
#[derive(Clone)]
struct NewMessage {
    direction: Direction,
    body: String,
    status: MessageStatus,
    provider_message_id: Option<String>,
    campaign: Option<String>,
}

impl NewMessage {
    fn parse(input: &MessageInput) -> Result<Self, Error> {
        let mut errors = FieldErrors::new();
        let direction = Direction::parse(&input.direction.as_deref().unwrap_or("inbound").trim().to_lowercase());
        if direction.is_none() {
            errors.insert("direction", "Use inbound or outbound.".into());
        }
        let body = input.body.as_deref().map(str::trim).unwrap_or_default().to_owned();
        if body.is_empty() || body.chars().count() > 10_000 {
            errors.insert("body", "Give the message text (at most 10,000 characters).".into());
        }
        let status = match direction {
            Some(Direction::Outbound) => {
                let status = MessageStatus::parse_outbound(&input.status.as_deref().unwrap_or("sent").trim().to_lowercase());
                if status.is_none() {
                    errors.insert("status", format!("Use one of: {}.", MessageStatus::outbound_choices()));
                }
                status
            }
            _ => Some(MessageStatus::Received),
        };
        let provider_message_id = optional_text(input.provider_message_id.as_deref(), "provider_message_id", 200, &mut errors);
        match (direction, status, errors.is_empty()) {
            (Some(direction), Some(status), true) => Ok(Self { direction, body, status, provider_message_id, campaign: input.campaign_id.clone() }),
            _ => Err(Error::Invalid(errors)),
        }
    }
}

/// Records a message in a conversation and emits its events.
pub async fn record_message(d: &Domain, org: OrgId, conversation: ConversationId, input: &MessageInput) -> Result<Message, Error> {
    let new = NewMessage::parse(input)?;
    d.changes.run(move |tx| Box::pin(record_in(tx, org, conversation, new.clone()))).await
}

async fn record_in(tx: &mut Tx, org: OrgId, conversation: ConversationId, new: NewMessage) -> Result<Message, Error> {
    let conversation = find(tx, org, conversation).await?;
    let campaign_id = campaign_of(tx, org, new.campaign.as_deref()).await?;
    let now = Utc::now();
    let message = Message {
        id: MessageId::new(),
        organization_id: org,
        conversation_id: conversation.id,
        contact_id: conversation.contact_id,
        channel: conversation.channel,
        direction: new.direction,
        body: new.body,
        status: new.status,
        campaign_id,
        provider_message_id: new.provider_message_id,
        created_at: now,
        updated_at: now,
    };
    on_tx!(tx, conn => sqlx::query(&format!("INSERT INTO messages ({MESSAGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
        .bind(message.id)
        .bind(org)
        .bind(message.conversation_id)
        .bind(message.direction.as_str())
        .bind(&message.body)
        .bind(message.status.as_str())
        .bind(message.campaign_id)
        .bind(&message.provider_message_id)
        .bind(now)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    // A message is the conversation's latest activity: the inbox lists by it.
    on_tx!(tx, conn => sqlx::query("UPDATE conversations SET updated_at = $1 WHERE id = $2 AND organization_id = $3")
        .bind(now)
        .bind(message.conversation_id)
        .bind(org)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if message.direction == Direction::Inbound {
        emit(tx, org, EventType::MessageReceived, &message).await?;
        emit(tx, org, EventType::MessageNew, &message).await?;
        if message.campaign_id.is_some() {
            emit(tx, org, EventType::BroadcastResponse, &message).await?;
        }
    } else if let Some(event) = message.status.event() {
        emit(tx, org, event, &message).await?;
    }
    Ok(message)
}

/// Sets an outbound message's status (through the API): any outbound status.
pub async fn set_message_status(d: &Domain, org: OrgId, id: MessageId, status: &str) -> Result<Message, Error> {
    let Some(status) = MessageStatus::parse_outbound(&status.trim().to_lowercase()) else {
        return Err(Error::invalid("status", format!("Use one of: {}.", MessageStatus::outbound_choices())));
    };
    move_status(d, org, id, status, |_, _| true).await.map(|(message, _)| message)
}

/// A provider's receipt for an outbound message: moves it to `status` only when that is
/// further along ([`MessageStatus::advances_to`]); answers whether it moved. Read and
/// changed in one transaction, so two receipts racing cannot move it backwards.
pub async fn receipt_status(d: &Domain, org: OrgId, id: MessageId, status: MessageStatus) -> Result<bool, Error> {
    move_status(d, org, id, status, MessageStatus::advances_to).await.map(|(_, moved)| moved)
}

/// Moves an outbound message to `status` when `allowed(current, status)`, emitting that
/// status's event; answers the message and whether it moved.
async fn move_status(
    d: &Domain,
    org: OrgId,
    id: MessageId,
    status: MessageStatus,
    allowed: impl Fn(MessageStatus, MessageStatus) -> bool + Copy + Send + 'static,
) -> Result<(Message, bool), Error> {
    d.changes.run(move |tx| Box::pin(move_status_in(tx, org, id, status, allowed))).await
}

async fn move_status_in(
    tx: &mut Tx,
    org: OrgId,
    id: MessageId,
    status: MessageStatus,
    allowed: impl Fn(MessageStatus, MessageStatus) -> bool,
) -> Result<(Message, bool), Error> {
    // The message's row only: a conversation's is locked by changes to the conversation.
    let lock = if tx.is_postgres() { " FOR UPDATE OF m" } else { "" };
    let mut message: Message = on_tx!(tx, conn => sqlx::query_as(&format!("{SELECT_MESSAGES} WHERE m.id = $1 AND m.organization_id = $2{lock}"))
        .bind(id)
        .bind(org)
        .fetch_optional(conn)
        .await)?
    .ok_or(Error::NotFound)?;
    if message.direction != Direction::Outbound {
        return Err(Error::invalid("status", "Only outbound messages have a delivery status."));
    }
    if message.status == status || !allowed(message.status, status) {
        return Ok((message, false));
    }
    message.status = status;
    message.updated_at = Utc::now();
    on_tx!(tx, conn => sqlx::query("UPDATE messages SET status = $1, updated_at = $2 WHERE id = $3 AND organization_id = $4")
        .bind(message.status.as_str())
        .bind(message.updated_at)
        .bind(id)
        .bind(org)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if let Some(event) = message.status.event() {
        emit(tx, org, event, &message).await?;
    }
    Ok((message, true))
}

pub async fn messages(d: &Domain, org: OrgId, conversation: ConversationId, cursor: Option<&str>, limit: Option<i64>) -> Result<Page<Message>, Error> {
    get(d, org, conversation).await?;
    let cursor = Cursor::parse(cursor)?;
    let limit = page::limit(limit);
    let sql = format!(
        "SELECT * FROM ({SELECT_MESSAGES} WHERE m.conversation_id = $1 AND m.organization_id = $5) AS messages WHERE {} \
         ORDER BY created_at DESC, id DESC LIMIT $4",
        page::after(2)
    );
    let rows: Vec<Message> = on_db!(&d.db, pool => sqlx::query_as(&sql)
        .bind(conversation)
        .bind(cursor.map(|c| c.created_at))
        .bind(cursor.map(|c| c.id))
        .bind(limit + 1)
        .bind(org)
        .fetch_all(pool)
        .await)?;
    Ok(page::page(rows, limit, |r| (r.created_at, r.id.0)))
}

pub fn parse_message_id(raw: &str) -> Result<MessageId, Error> {
    raw.parse::<Uuid>().map(MessageId).map_err(|_| Error::NotFound)
}

/// The message a provider knows by `provider_message_id` (its receipts name it so).
pub async fn find_by_provider_id(d: &Domain, org: OrgId, provider_message_id: &str) -> Result<Option<Message>, Error> {
    Ok(on_db!(&d.db, pool => sqlx::query_as(&format!(
        "{SELECT_MESSAGES} WHERE m.organization_id = $1 AND m.provider_message_id = $2 ORDER BY m.created_at LIMIT 1"
    ))
    .bind(org)
    .bind(provider_message_id)
    .fetch_optional(pool)
    .await)?)
}

/// The campaign an inbound message on `channel` from `contact` answers: the campaign of the
/// latest outbound message to that contact on that channel carrying one, sent after `since`.
pub async fn campaign_answered(d: &Domain, org: OrgId, contact: ContactId, channel: Channel, since: DateTime<Utc>) -> Result<Option<CampaignId>, Error> {
    Ok(on_db!(&d.db, pool => sqlx::query_scalar(
        "SELECT m.campaign_id FROM messages m JOIN conversations c ON c.id = m.conversation_id \
         WHERE m.organization_id = $1 AND c.organization_id = $1 AND c.contact_id = $2 AND c.channel = $3 \
         AND m.direction = 'outbound' AND m.campaign_id IS NOT NULL AND m.created_at >= $4 \
         ORDER BY m.created_at DESC LIMIT 1",
    )
    .bind(org)
    .bind(contact)
    .bind(channel.as_str())
    .bind(since)
    .fetch_optional(pool)
    .await)?)
}
