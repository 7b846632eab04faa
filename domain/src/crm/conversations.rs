//! Conversations with a contact on a channel, and their messages. Changes emit
//! conversation.created, .assigned, .status.changed; messages emit message.received and
//! message.new (inbound), message.sent, .delivered, .read and .failed (outbound, as their
//! status moves), and broadcast.response for a reply to a campaign.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    assignee, begin,
    campaigns::CampaignId,
    commit,
    contacts::ContactId,
    emit, optional_text,
    page::{self, Cursor, Page},
    table::{self, Table},
};
use crate::{
    db::Tx,
    error::FieldErrors,
    ids::{OrgId, UserId},
    on_db, on_tx,
    outbound::events::EventType,
    Domain, Error,
};

crate::typed_id!(
    /// A conversation of an organization.
    ConversationId
);
crate::typed_id!(
    /// A message in a conversation.
    MessageId
);

pub const CHANNELS: [&str; 4] = ["whatsapp", "sms", "email", "web"];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Conversation {
    pub id: ConversationId,
    pub organization_id: OrgId,
    pub contact_id: Option<ContactId>,
    pub channel: String,
    pub subject: Option<String>,
    /// `OPEN` or `CLOSED`.
    pub status: String,
    pub assigned_to: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Serialize)]
struct StatusChange<'a> {
    #[serde(flatten)]
    conversation: &'a Conversation,
    previous_status: &'a str,
}

const COLUMNS: &str = "id, organization_id, contact_id, channel, subject, status, assigned_to, created_at, updated_at";

impl Table for Conversation {
    type Row = Conversation;
    type Id = ConversationId;
    const NAME: &'static str = "conversations";
    const COLUMNS: &'static str = COLUMNS;

    fn page_key(&self) -> (DateTime<Utc>, Uuid) {
        (self.created_at, self.id.0)
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ConversationInput {
    pub contact_id: Option<String>,
    pub channel: Option<String>,
    pub subject: Option<String>,
    pub assigned_to: Option<String>,
}

async fn contact_of(tx: &mut Tx, org: OrgId, raw: Option<&str>) -> Result<Option<ContactId>, Error> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(None) };
    let missing = || Error::invalid("contact_id", "No such contact in this organization.");
    let id: ContactId = raw.parse().map_err(|_| missing())?;
    let found: Option<i32> = on_tx!(tx, conn => sqlx::query_scalar("SELECT 1 FROM contacts WHERE id = $1 AND organization_id = $2")
        .bind(id)
        .bind(org)
        .fetch_optional(conn)
        .await)?;
    found.map(|_| Some(id)).ok_or_else(missing)
}

pub async fn create(d: &Domain, org: OrgId, input: &ConversationInput) -> Result<Conversation, Error> {
    let mut errors = FieldErrors::new();
    let channel = input.channel.as_deref().unwrap_or("web").trim().to_lowercase();
    if !CHANNELS.contains(&channel.as_str()) {
        errors.insert("channel", format!("Use one of: {}.", CHANNELS.join(", ")));
    }
    let subject = optional_text(input.subject.as_deref(), "subject", 200, &mut errors);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut tx = begin(d).await?;
    let now = Utc::now();
    let conversation = Conversation {
        id: ConversationId::new(),
        organization_id: org,
        contact_id: contact_of(&mut tx, org, input.contact_id.as_deref()).await?,
        channel,
        subject,
        status: "OPEN".into(),
        assigned_to: assignee(&mut tx, org, input.assigned_to.as_deref()).await?,
        created_at: now,
        updated_at: now,
    };
    on_tx!(&mut tx, conn => sqlx::query(&format!("INSERT INTO conversations ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
        .bind(conversation.id)
        .bind(org)
        .bind(conversation.contact_id)
        .bind(&conversation.channel)
        .bind(&conversation.subject)
        .bind(&conversation.status)
        .bind(conversation.assigned_to)
        .bind(now)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    emit(&mut tx, org, EventType::ConversationCreated, &conversation).await?;
    if conversation.assigned_to.is_some() {
        emit(&mut tx, org, EventType::ConversationAssigned, &conversation).await?;
    }
    commit(d, tx).await?;
    Ok(conversation)
}

async fn find(tx: &mut Tx, org: OrgId, id: ConversationId) -> Result<Conversation, Error> {
    table::find(tx, org, id).await
}

pub async fn get(d: &Domain, org: OrgId, id: ConversationId) -> Result<Conversation, Error> {
    table::get(&d.db, org, id).await
}

pub async fn list(d: &Domain, org: OrgId, cursor: Option<&str>, limit: Option<i64>) -> Result<Page<Conversation>, Error> {
    table::list(&d.db, org, cursor, limit).await
}

async fn save(tx: &mut Tx, c: &Conversation) -> Result<(), Error> {
    on_tx!(tx, conn => sqlx::query("UPDATE conversations SET status = $1, assigned_to = $2, updated_at = $3 WHERE id = $4 AND organization_id = $5")
        .bind(&c.status)
        .bind(c.assigned_to)
        .bind(c.updated_at)
        .bind(c.id)
        .bind(c.organization_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn assign(d: &Domain, org: OrgId, id: ConversationId, user: Option<&str>) -> Result<Conversation, Error> {
    let mut tx = begin(d).await?;
    let mut c = find(&mut tx, org, id).await?;
    let to = assignee(&mut tx, org, user).await?;
    if to == c.assigned_to {
        return Ok(c);
    }
    c.assigned_to = to;
    c.updated_at = Utc::now();
    save(&mut tx, &c).await?;
    if c.assigned_to.is_some() {
        emit(&mut tx, org, EventType::ConversationAssigned, &c).await?;
    }
    commit(d, tx).await?;
    Ok(c)
}

/// Opens or closes the conversation (`OPEN` / `CLOSED`).
pub async fn set_status(d: &Domain, org: OrgId, id: ConversationId, status: &str) -> Result<Conversation, Error> {
    let status = status.trim().to_uppercase();
    if status != "OPEN" && status != "CLOSED" {
        return Err(Error::invalid("status", "Use OPEN or CLOSED."));
    }
    let mut tx = begin(d).await?;
    let mut c = find(&mut tx, org, id).await?;
    if c.status == status {
        return Ok(c);
    }
    let previous = std::mem::replace(&mut c.status, status);
    c.updated_at = Utc::now();
    save(&mut tx, &c).await?;
    emit(&mut tx, org, EventType::ConversationStatusChanged, &StatusChange { conversation: &c, previous_status: &previous }).await?;
    commit(d, tx).await?;
    Ok(c)
}

pub fn parse_id(raw: &str) -> Result<ConversationId, Error> {
    raw.parse::<Uuid>().map(ConversationId).map_err(|_| Error::NotFound)
}

/// A message, as the API answers it and events carry it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Message {
    pub id: MessageId,
    pub organization_id: OrgId,
    pub conversation_id: ConversationId,
    /// `inbound` or `outbound`.
    pub direction: String,
    pub body: String,
    /// `received` (inbound); `pending`, `sent`, `delivered`, `read` or `failed` (outbound).
    pub status: String,
    pub campaign_id: Option<CampaignId>,
    pub provider_message_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const MESSAGE_COLUMNS: &str = "id, organization_id, conversation_id, direction, body, status, campaign_id, provider_message_id, created_at, updated_at";

#[derive(Clone, Debug, Default, Deserialize)]
pub struct MessageInput {
    pub direction: Option<String>,
    pub body: Option<String>,
    /// For outbound messages: `sent` (default), `pending`, `delivered`, `read` or `failed`.
    pub status: Option<String>,
    /// An inbound reply to this campaign (emits broadcast.response).
    pub campaign_id: Option<String>,
    pub provider_message_id: Option<String>,
}

const OUTBOUND_STATUSES: [&str; 5] = ["pending", "sent", "delivered", "read", "failed"];

fn status_event(status: &str) -> Option<EventType> {
    match status {
        "sent" => Some(EventType::MessageSent),
        "delivered" => Some(EventType::MessageDelivered),
        "read" => Some(EventType::MessageRead),
        "failed" => Some(EventType::MessageFailed),
        _ => None,
    }
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

/// Records a message in a conversation and emits its events.
pub async fn record_message(d: &Domain, org: OrgId, conversation: ConversationId, input: &MessageInput) -> Result<Message, Error> {
    let mut errors = FieldErrors::new();
    let direction = input.direction.as_deref().unwrap_or("inbound").trim().to_lowercase();
    if direction != "inbound" && direction != "outbound" {
        errors.insert("direction", "Use inbound or outbound.".into());
    }
    let body = input.body.as_deref().map(str::trim).unwrap_or_default().to_owned();
    if body.is_empty() || body.chars().count() > 10_000 {
        errors.insert("body", "Give the message text (at most 10,000 characters).".into());
    }
    let status = if direction == "inbound" {
        "received".to_owned()
    } else {
        let s = input.status.as_deref().unwrap_or("sent").trim().to_lowercase();
        if !OUTBOUND_STATUSES.contains(&s.as_str()) {
            errors.insert("status", format!("Use one of: {}.", OUTBOUND_STATUSES.join(", ")));
        }
        s
    };
    let provider_message_id = optional_text(input.provider_message_id.as_deref(), "provider_message_id", 200, &mut errors);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut tx = begin(d).await?;
    find(&mut tx, org, conversation).await?;
    let campaign_id = campaign_of(&mut tx, org, input.campaign_id.as_deref()).await?;
    let now = Utc::now();
    let message = Message {
        id: MessageId::new(),
        organization_id: org,
        conversation_id: conversation,
        direction,
        body,
        status,
        campaign_id,
        provider_message_id,
        created_at: now,
        updated_at: now,
    };
    on_tx!(&mut tx, conn => sqlx::query(&format!("INSERT INTO messages ({MESSAGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
        .bind(message.id)
        .bind(org)
        .bind(conversation)
        .bind(&message.direction)
        .bind(&message.body)
        .bind(&message.status)
        .bind(message.campaign_id)
        .bind(&message.provider_message_id)
        .bind(now)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if message.direction == "inbound" {
        emit(&mut tx, org, EventType::MessageReceived, &message).await?;
        emit(&mut tx, org, EventType::MessageNew, &message).await?;
        if message.campaign_id.is_some() {
            emit(&mut tx, org, EventType::BroadcastResponse, &message).await?;
        }
    } else if let Some(event) = status_event(&message.status) {
        emit(&mut tx, org, event, &message).await?;
    }
    commit(d, tx).await?;
    Ok(message)
}

/// Moves an outbound message's status (a provider's receipt): sent → delivered → read, or failed.
pub async fn set_message_status(d: &Domain, org: OrgId, id: MessageId, status: &str) -> Result<Message, Error> {
    let status = status.trim().to_lowercase();
    if !OUTBOUND_STATUSES.contains(&status.as_str()) {
        return Err(Error::invalid("status", format!("Use one of: {}.", OUTBOUND_STATUSES.join(", "))));
    }
    let mut tx = begin(d).await?;
    let mut message: Message =
        on_tx!(&mut tx, conn => sqlx::query_as(&format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = $1 AND organization_id = $2"))
        .bind(id)
        .bind(org)
        .fetch_optional(conn)
        .await)?
        .ok_or(Error::NotFound)?;
    if message.direction != "outbound" {
        return Err(Error::invalid("status", "Only outbound messages have a delivery status."));
    }
    if message.status == status {
        return Ok(message);
    }
    message.status = status;
    message.updated_at = Utc::now();
    on_tx!(&mut tx, conn => sqlx::query("UPDATE messages SET status = $1, updated_at = $2 WHERE id = $3 AND organization_id = $4")
        .bind(&message.status)
        .bind(message.updated_at)
        .bind(id)
        .bind(org)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if let Some(event) = status_event(&message.status) {
        emit(&mut tx, org, event, &message).await?;
    }
    commit(d, tx).await?;
    Ok(message)
}

pub async fn messages(d: &Domain, org: OrgId, conversation: ConversationId, cursor: Option<&str>, limit: Option<i64>) -> Result<Page<Message>, Error> {
    get(d, org, conversation).await?;
    let cursor = Cursor::parse(cursor)?;
    let limit = page::limit(limit);
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND organization_id = $5 AND {} \
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

/// The contact's most recent OPEN conversation on `channel`, if any.
pub async fn find_open(d: &Domain, org: OrgId, contact: ContactId, channel: &str) -> Result<Option<Conversation>, Error> {
    Ok(on_db!(&d.db, pool => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM conversations WHERE organization_id = $1 AND contact_id = $2 AND channel = $3 AND status = 'OPEN' \
         ORDER BY created_at DESC LIMIT 1"
    ))
    .bind(org)
    .bind(contact)
    .bind(channel)
    .fetch_optional(pool)
    .await)?)
}

/// The message a provider knows by `provider_message_id` (its receipts name it so).
pub async fn find_by_provider_id(d: &Domain, org: OrgId, provider_message_id: &str) -> Result<Option<Message>, Error> {
    Ok(on_db!(&d.db, pool => sqlx::query_as(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE organization_id = $1 AND provider_message_id = $2 ORDER BY created_at LIMIT 1"
    ))
    .bind(org)
    .bind(provider_message_id)
    .fetch_optional(pool)
    .await)?)
}

/// The campaign an inbound message on `channel` from `contact` answers: the campaign of the
/// latest outbound message to that contact on that channel carrying one, sent after `since`.
pub async fn campaign_answered(d: &Domain, org: OrgId, contact: ContactId, channel: &str, since: DateTime<Utc>) -> Result<Option<CampaignId>, Error> {
    Ok(on_db!(&d.db, pool => sqlx::query_scalar(
        "SELECT m.campaign_id FROM messages m JOIN conversations c ON c.id = m.conversation_id \
         WHERE m.organization_id = $1 AND c.organization_id = $1 AND c.contact_id = $2 AND c.channel = $3 \
         AND m.direction = 'outbound' AND m.campaign_id IS NOT NULL AND m.created_at >= $4 \
         ORDER BY m.created_at DESC LIMIT 1",
    )
    .bind(org)
    .bind(contact)
    .bind(channel)
    .bind(since)
    .fetch_optional(pool)
    .await)?)
}

/// How far a delivery status has come: a late `delivered` never undoes a `read`.
pub fn status_rank(status: &str) -> u8 {
    match status {
        "pending" => 0,
        "sent" => 1,
        "delivered" => 2,
        "read" => 3,
        "failed" => 4,
        _ => 0,
    }
}
