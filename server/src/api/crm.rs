//! The CRM objects of the caller's organization: contacts, deals, conversations and their
//! messages, campaigns. snake_case JSON; lists are `{"data", "next_cursor"}` pages; other
//! organizations' ids answer 404.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    Json,
};
use connectgain_domain::crm::{
    campaigns,
    contacts::{self, ContactInput, ContactQuery},
    conversations::{self, ConversationFilter, ConversationInput, MessageInput},
    deals::{self, DealInput},
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{error::ApiError, json::ApiJson};
use crate::{
    auth::{MemberOf, OrgCaller},
    state::AppState,
};

#[derive(Deserialize)]
pub struct ListQuery {
    /// Deals and conversations: this contact's only.
    contact_id: Option<String>,
    /// Deals: this stage's only.
    stage: Option<String>,
    /// Conversations: `open` or `closed`.
    status: Option<String>,
    /// Conversations: this channel's only.
    channel: Option<String>,
    /// Conversations: a person's id, `none`, or `me`.
    assigned_to: Option<String>,
    cursor: Option<String>,
    limit: Option<i64>,
}

impl ListQuery {
    fn contact(&self) -> Result<Option<contacts::ContactId>, ApiError> {
        match self.contact_id.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => Ok(None),
            Some(raw) => raw.parse().map(Some).map_err(|_| connectgain_domain::Error::invalid("contact_id", "Give a contact's id.").into()),
        }
    }
}

type Created = Result<(StatusCode, Json<Value>), ApiError>;
type Answer = Result<Json<Value>, ApiError>;

/// `{"user_id": "…"}`, or null / absent to unassign.
#[derive(Default, Deserialize)]
pub struct Assign {
    user_id: Option<String>,
}

/// `{"status": "…"}`.
#[derive(Default, Deserialize)]
pub struct Status {
    #[serde(default)]
    status: String,
}

pub async fn create_contact(State(s): State<AppState>, m: MemberOf, ApiJson(input): ApiJson<ContactInput>) -> Created {
    Ok((StatusCode::CREATED, Json(json!(contacts::create(&s.domain, m.org, &input).await?))))
}

/// `?q=` searches names, e-mail addresses and phone numbers; `?email=` finds one.
pub async fn list_contacts(State(s): State<AppState>, m: MemberOf, Query(q): Query<ContactQuery>) -> Answer {
    Ok(Json(json!(contacts::list(&s.domain, m.org, &q).await?)))
}

pub async fn get_contact(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>) -> Answer {
    Ok(Json(json!(contacts::get(&s.domain, m.org, contacts::parse_id(&id)?).await?)))
}

pub async fn update_contact(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, ApiJson(input): ApiJson<ContactInput>) -> Answer {
    Ok(Json(json!(contacts::update(&s.domain, m.org, contacts::parse_id(&id)?, &input).await?)))
}

pub async fn delete_contact(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    contacts::delete(&s.domain, m.org, contacts::parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn assign_contact(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, ApiJson(a): ApiJson<Assign>) -> Answer {
    Ok(Json(json!(contacts::assign(&s.domain, m.org, contacts::parse_id(&id)?, a.user_id.as_deref()).await?)))
}

pub async fn create_deal(State(s): State<AppState>, m: MemberOf, ApiJson(input): ApiJson<DealInput>) -> Created {
    Ok((StatusCode::CREATED, Json(json!(deals::create(&s.domain, m.org, &input).await?))))
}

pub async fn list_deals(State(s): State<AppState>, m: MemberOf, Query(q): Query<ListQuery>) -> Answer {
    let filter = deals::DealFilter { contact: q.contact()?, stage: deals::stage_filter(q.stage.as_deref())? };
    Ok(Json(json!(deals::list(&s.domain, m.org, &filter, q.cursor.as_deref(), q.limit).await?)))
}

pub async fn get_deal(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>) -> Answer {
    Ok(Json(json!(deals::get(&s.domain, m.org, deals::parse_id(&id)?).await?)))
}

pub async fn update_deal(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, ApiJson(input): ApiJson<DealInput>) -> Answer {
    Ok(Json(json!(deals::update(&s.domain, m.org, deals::parse_id(&id)?, &input).await?)))
}

/// `{"stage": "…"}` for moving a deal.
#[derive(Default, Deserialize)]
pub struct Stage {
    #[serde(default)]
    stage: String,
}

pub async fn stage_deal(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, ApiJson(st): ApiJson<Stage>) -> Answer {
    let input = DealInput { stage: Some(st.stage), ..Default::default() };
    Ok(Json(json!(deals::update(&s.domain, m.org, deals::parse_id(&id)?, &input).await?)))
}

pub async fn assign_deal(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, ApiJson(a): ApiJson<Assign>) -> Answer {
    let input = DealInput { assigned_to: Some(a.user_id.unwrap_or_default()), ..Default::default() };
    Ok(Json(json!(deals::update(&s.domain, m.org, deals::parse_id(&id)?, &input).await?)))
}

pub async fn create_conversation(State(s): State<AppState>, m: MemberOf, ApiJson(input): ApiJson<ConversationInput>) -> Created {
    Ok((StatusCode::CREATED, Json(json!(conversations::create(&s.domain, m.org, &input).await?))))
}

pub async fn list_conversations(State(s): State<AppState>, m: MemberOf, Query(q): Query<ListQuery>) -> Answer {
    let me = match &m.caller {
        OrgCaller::Person(person) => Some(person.user.id),
        OrgCaller::Key(_) => None,
    };
    let filter =
        ConversationFilter { contact: q.contact()?, ..ConversationFilter::parse(q.status.as_deref(), q.channel.as_deref(), q.assigned_to.as_deref(), me)? };
    Ok(Json(json!(conversations::list(&s.domain, m.org, &filter, q.cursor.as_deref(), q.limit).await?)))
}

pub async fn get_conversation(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>) -> Answer {
    Ok(Json(json!(conversations::get(&s.domain, m.org, conversations::parse_id(&id)?).await?)))
}

pub async fn assign_conversation(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, ApiJson(a): ApiJson<Assign>) -> Answer {
    Ok(Json(json!(conversations::assign(&s.domain, m.org, conversations::parse_id(&id)?, a.user_id.as_deref()).await?)))
}

pub async fn conversation_status(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, ApiJson(st): ApiJson<Status>) -> Answer {
    Ok(Json(json!(conversations::set_status(&s.domain, m.org, conversations::parse_id(&id)?, &st.status).await?)))
}

pub async fn record_message(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, ApiJson(input): ApiJson<MessageInput>) -> Created {
    let message = conversations::record_message(&s.domain, m.org, conversations::parse_id(&id)?, &input).await?;
    Ok((StatusCode::CREATED, Json(json!(message))))
}

pub async fn list_messages(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, Query(q): Query<ListQuery>) -> Answer {
    let page = conversations::messages(&s.domain, m.org, conversations::parse_id(&id)?, q.cursor.as_deref(), q.limit).await?;
    Ok(Json(json!(page)))
}

pub async fn message_status(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, ApiJson(st): ApiJson<Status>) -> Answer {
    Ok(Json(json!(conversations::set_message_status(&s.domain, m.org, conversations::parse_message_id(&id)?, &st.status).await?)))
}

pub async fn list_campaigns(State(s): State<AppState>, m: MemberOf, Query(q): Query<ListQuery>) -> Answer {
    Ok(Json(json!(campaigns::list(&s.domain, m.org, q.cursor.as_deref(), q.limit).await?)))
}

/// Sends `{"body", "campaign_id"?}` through the tenant's WhatsApp or SMS provider; answers
/// the recorded message (`sent` or `failed`) and the provider's answer.
pub async fn send_message(
    State(s): State<AppState>,
    m: MemberOf,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<connectgain_domain::crm::sending::SendInput>,
) -> Created {
    let sent = connectgain_domain::crm::sending::send(&s.domain, m.org, conversations::parse_id(&id)?, &input).await?;
    Ok((StatusCode::CREATED, Json(json!(sent))))
}
