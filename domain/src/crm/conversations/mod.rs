//! Conversations with a contact on a channel ([`messages`] holds what is said in them).
//! Changes emit conversation.created, .assigned and .status.changed.

mod messages;
mod status;

pub use messages::{
    campaign_answered, find_by_provider_id, messages, parse_message_id, receipt_status, record_message, set_message_status, Message, MessageId, MessageInput,
};
pub use status::{Channel, ConversationStatus, Direction, MessageStatus};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    assignee,
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Conversation {
    pub id: ConversationId,
    pub organization_id: OrgId,
    pub contact_id: Option<ContactId>,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub subject: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ConversationStatus,
    pub assigned_to: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Serialize)]
struct StatusChange<'a> {
    #[serde(flatten)]
    conversation: &'a Conversation,
    previous_status: ConversationStatus,
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

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
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
    let channel = Channel::parse(&input.channel.as_deref().unwrap_or("web").trim().to_lowercase());
    if channel.is_none() {
        errors.insert("channel", format!("Use one of: {}.", Channel::choices()));
    }
    let subject = optional_text(input.subject.as_deref(), "subject", 200, &mut errors);
    let Some(channel) = channel.filter(|_| errors.is_empty()) else { return Err(Error::Invalid(errors)) };
    let input = input.clone();
    d.changes.run(move |tx| Box::pin(create_in(tx, org, channel, subject.clone(), input.clone()))).await
}

async fn create_in(tx: &mut Tx, org: OrgId, channel: Channel, subject: Option<String>, input: ConversationInput) -> Result<Conversation, Error> {
    let now = Utc::now();
    let conversation = Conversation {
        id: ConversationId::new(),
        organization_id: org,
        contact_id: contact_of(tx, org, input.contact_id.as_deref()).await?,
        channel,
        subject,
        status: ConversationStatus::Open,
        assigned_to: assignee(tx, org, input.assigned_to.as_deref()).await?,
        created_at: now,
        updated_at: now,
    };
    on_tx!(tx, conn => sqlx::query(&format!("INSERT INTO conversations ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
        .bind(conversation.id)
        .bind(org)
        .bind(conversation.contact_id)
        .bind(conversation.channel.as_str())
        .bind(&conversation.subject)
        .bind(conversation.status.as_str())
        .bind(conversation.assigned_to)
        .bind(now)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    emit(tx, org, EventType::ConversationCreated, &conversation).await?;
    if conversation.assigned_to.is_some() {
        emit(tx, org, EventType::ConversationAssigned, &conversation).await?;
    }
    Ok(conversation)
}

async fn find(tx: &mut Tx, org: OrgId, id: ConversationId) -> Result<Conversation, Error> {
    table::find(tx, org, id).await
}

pub async fn get(d: &Domain, org: OrgId, id: ConversationId) -> Result<Conversation, Error> {
    table::get(&d.db, org, id).await
}

/// Whose conversations a list holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Assignee {
    #[default]
    Anyone,
    Nobody,
    Person(UserId),
}

/// Which conversations a list holds: any combination of a contact's, a status, a channel
/// and an assignee.
#[derive(Clone, Copy, Debug, Default)]
pub struct ConversationFilter {
    pub contact: Option<ContactId>,
    pub status: Option<ConversationStatus>,
    pub channel: Option<Channel>,
    pub assigned: Assignee,
}

impl ConversationFilter {
    /// The filter a query asks for: `status` (`open`, `closed`), `channel`, `assigned_to`
    /// (a person's id, `none`, or `me` for `me` when the caller is a person). Blank means
    /// any.
    pub fn parse(status: Option<&str>, channel: Option<&str>, assigned_to: Option<&str>, me: Option<UserId>) -> Result<Self, Error> {
        let given = |raw: Option<&str>| raw.map(str::trim).filter(|r| !r.is_empty()).map(str::to_lowercase);
        let mut errors = FieldErrors::new();
        let mut filter = Self::default();
        if let Some(raw) = given(status) {
            filter.status = ConversationStatus::parse(&raw.to_uppercase());
            if filter.status.is_none() {
                errors.insert("status", "Use open or closed.".into());
            }
        }
        if let Some(raw) = given(channel) {
            filter.channel = Channel::parse(&raw);
            if filter.channel.is_none() {
                errors.insert("channel", format!("Use one of: {}.", Channel::choices()));
            }
        }
        if let Some(raw) = given(assigned_to) {
            filter.assigned = match (raw.as_str(), me) {
                ("none" | "unassigned", _) => Assignee::Nobody,
                ("me", Some(me)) => Assignee::Person(me),
                (raw, _) => match raw.parse() {
                    Ok(user) => Assignee::Person(user),
                    Err(_) => {
                        errors.insert("assigned_to", "Use a person's id, none, or me (when logged in as a person).".into());
                        Assignee::Anyone
                    }
                },
            };
        }
        if errors.is_empty() {
            Ok(filter)
        } else {
            Err(Error::Invalid(errors))
        }
    }

    /// The filter as SQL on the conversations' columns, written `{table}column`.
    fn conditions(&self, table: &str) -> table::Conditions {
        let mut conditions = table::Conditions::default();
        if let Some(contact) = self.contact {
            conditions.equal(&format!("{table}contact_id"), table::Bind::Id(contact.0));
        }
        if let Some(status) = self.status {
            conditions.equal(&format!("{table}status"), table::Bind::Text(status.as_str().to_owned()));
        }
        if let Some(channel) = self.channel {
            conditions.equal(&format!("{table}channel"), table::Bind::Text(channel.as_str().to_owned()));
        }
        match self.assigned {
            Assignee::Anyone => {}
            Assignee::Nobody => conditions.holds(&format!("{table}assigned_to IS NULL")),
            Assignee::Person(user) => conditions.equal(&format!("{table}assigned_to"), table::Bind::Id(user.0)),
        }
        conditions
    }
}

/// Conversations newest first, in pages, that match `filter`.
pub async fn list(d: &Domain, org: OrgId, filter: &ConversationFilter, cursor: Option<&str>, limit: Option<i64>) -> Result<Page<Conversation>, Error> {
    table::list_matching(&d.db, org, &filter.conditions("").matching(), cursor, limit).await
}

/// A conversation as an inbox lists it: who it is with and what was said last.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InboxEntry {
    #[sqlx(flatten)]
    pub conversation: Conversation,
    /// The contact's name, e-mail address or number (`None` without a contact).
    #[sqlx(skip)]
    pub contact_name: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    pub last_message: Option<String>,
    last_direction: Option<String>,
}

impl InboxEntry {
    /// Whether the last message was ours (the contact is waiting for nothing).
    pub fn last_was_outbound(&self) -> bool {
        self.last_direction.as_deref() == Some(Direction::Outbound.as_str())
    }
}

/// The inbox: conversations that match `filter`, the most recently active (a message or a
/// change) first, in pages.
pub async fn inbox(d: &Domain, org: OrgId, filter: &ConversationFilter, cursor: Option<&str>, limit: Option<i64>) -> Result<Page<InboxEntry>, Error> {
    let cursor = Cursor::parse(cursor)?;
    let limit = page::limit(limit);
    let conditions = filter.conditions("c.");
    let matching = conditions.matching();
    let last = |column: &str| {
        format!("(SELECT m.{column} FROM messages m WHERE m.conversation_id = c.id ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS last_{column}")
    };
    let sql = format!(
        "SELECT c.id, c.organization_id, c.contact_id, c.channel, c.subject, c.status, c.assigned_to, c.created_at, c.updated_at, \
         ct.first_name, ct.last_name, ct.email, ct.phone, {}, {} \
         FROM conversations c LEFT JOIN contacts ct ON ct.id = c.contact_id AND ct.organization_id = c.organization_id \
         WHERE c.organization_id = $1 AND {} AND ({}) ORDER BY c.updated_at DESC, c.id DESC LIMIT $4",
        last("body").replace("AS last_body", "AS last_message"),
        last("direction"),
        page::after_on("c.updated_at", "c.id", 2),
        matching.sql,
    );
    let mut rows: Vec<InboxEntry> = on_db!(&d.db, pool => {
        let q = sqlx::query_as(&sql).bind(org).bind(cursor.map(|c| c.created_at)).bind(cursor.map(|c| c.id)).bind(limit + 1);
        table::bind_all(q, matching.binds).fetch_all(pool).await
    })?;
    for row in &mut rows {
        if row.conversation.contact_id.is_some() {
            row.contact_name =
                Some(super::contacts::display_name(row.first_name.as_deref(), row.last_name.as_deref(), row.email.as_deref(), row.phone.as_deref()));
        }
    }
    Ok(page::page(rows, limit, |r| (r.conversation.updated_at, r.conversation.id.0)))
}

async fn save(tx: &mut Tx, c: &Conversation) -> Result<(), Error> {
    on_tx!(tx, conn => sqlx::query("UPDATE conversations SET status = $1, assigned_to = $2, updated_at = $3 WHERE id = $4 AND organization_id = $5")
        .bind(c.status.as_str())
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
    let user = user.map(str::to_owned);
    d.changes.run(move |tx| Box::pin(assign_in(tx, org, id, user.clone()))).await
}

async fn assign_in(tx: &mut Tx, org: OrgId, id: ConversationId, user: Option<String>) -> Result<Conversation, Error> {
    let mut c = find(tx, org, id).await?;
    let to = assignee(tx, org, user.as_deref()).await?;
    if to == c.assigned_to {
        return Ok(c);
    }
    c.assigned_to = to;
    c.updated_at = Utc::now();
    save(tx, &c).await?;
    if c.assigned_to.is_some() {
        emit(tx, org, EventType::ConversationAssigned, &c).await?;
    }
    Ok(c)
}

/// Opens or closes the conversation (`OPEN` / `CLOSED`).
pub async fn set_status(d: &Domain, org: OrgId, id: ConversationId, status: &str) -> Result<Conversation, Error> {
    let Some(status) = ConversationStatus::parse(&status.trim().to_uppercase()) else {
        return Err(Error::invalid("status", "Use OPEN or CLOSED."));
    };
    d.changes.run(move |tx| Box::pin(set_status_in(tx, org, id, status))).await
}

async fn set_status_in(tx: &mut Tx, org: OrgId, id: ConversationId, status: ConversationStatus) -> Result<Conversation, Error> {
    let mut c = find(tx, org, id).await?;
    if c.status == status {
        return Ok(c);
    }
    let previous = std::mem::replace(&mut c.status, status);
    c.updated_at = Utc::now();
    save(tx, &c).await?;
    emit(tx, org, EventType::ConversationStatusChanged, &StatusChange { conversation: &c, previous_status: previous }).await?;
    Ok(c)
}

pub fn parse_id(raw: &str) -> Result<ConversationId, Error> {
    raw.parse::<Uuid>().map(ConversationId).map_err(|_| Error::NotFound)
}

/// The contact's most recent OPEN conversation on `channel`, if any.
pub async fn find_open(d: &Domain, org: OrgId, contact: ContactId, channel: Channel) -> Result<Option<Conversation>, Error> {
    Ok(on_db!(&d.db, pool => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM conversations WHERE organization_id = $1 AND contact_id = $2 AND channel = $3 AND status = 'OPEN' \
         ORDER BY created_at DESC LIMIT 1"
    ))
    .bind(org)
    .bind(contact)
    .bind(channel.as_str())
    .fetch_optional(pool)
    .await)?)
}
