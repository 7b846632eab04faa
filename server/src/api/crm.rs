//! The CRM objects of the caller's organization: contacts, deals, conversations and their
//! messages, campaigns. snake_case JSON; lists are `{"data", "next_cursor"}` pages; other
//! organizations' ids answer 404.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use connectgain_domain::crm::{
    campaigns::{self, Campaign},
    contacts::{self, Contact, ContactInput, ContactQuery},
    conversations::{self, Conversation, ConversationFilter, ConversationInput, Message, MessageInput},
    deals::{self, Deal, DealInput},
    page::Page,
    sending::{self, SendInput, Sent},
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{error::ApiError, json::Json, query::Query};
use crate::{
    auth::{MemberOf, OrgCaller},
    state::AppState,
};

/// `GET /api/deals`: filters and paging.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DealQuery {
    /// This contact's deals only.
    contact_id: Option<String>,
    /// This stage's deals only: `lead`, `qualified`, `proposal`, `negotiation`, `won` or `lost`.
    stage: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Rows per page: 1 to 200, 50 when absent.
    limit: Option<i64>,
}

/// `GET /api/conversations`: filters and paging.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConversationQuery {
    /// This contact's conversations only.
    contact_id: Option<String>,
    /// `open` or `closed`.
    status: Option<String>,
    /// `whatsapp`, `sms`, `email` or `web`.
    channel: Option<String>,
    /// A person's id, `none` (unassigned), or `me` (the logged-in person; not for API keys).
    assigned_to: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Rows per page: 1 to 200, 50 when absent.
    limit: Option<i64>,
}

/// The paging of lists that take no filter.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// Rows per page: 1 to 200, 50 when absent.
    limit: Option<i64>,
}

/// The `contact_id` filter: absent or blank is none; anything else must be an id.
fn contact_filter(raw: Option<&str>) -> Result<Option<contacts::ContactId>, ApiError> {
    match raw.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|_| connectgain_domain::Error::invalid("contact_id", "Give a contact's id.").into()),
    }
}

type Created<T> = Result<(StatusCode, Json<T>), ApiError>;
type Answer<T> = Result<Json<T>, ApiError>;

/// `{"user_id": "…"}`, or null / absent to unassign.
#[derive(Default, Deserialize, ToSchema)]
pub struct Assign {
    user_id: Option<String>,
}

/// `{"status": "…"}`.
#[derive(Default, Deserialize, ToSchema)]
pub struct Status {
    #[serde(default)]
    status: String,
}

#[utoipa::path(post, path = "/api/contacts", tag = "Contacts", responses((status = CREATED, description = "The contact, with its `contact.created` event committed.", body = Contact)))]
pub async fn create_contact(State(s): State<AppState>, m: MemberOf, Json(input): Json<ContactInput>) -> Created<Contact> {
    Ok((StatusCode::CREATED, Json(contacts::create(&s.domain, m.org, &input).await?)))
}

/// `?q=` searches names, e-mail addresses and phone numbers; `?email=` finds one.
#[utoipa::path(get, path = "/api/contacts", tag = "Contacts", params(ContactQuery), responses((status = OK, description = "A page of contacts, newest first.", body = Page<Contact>)))]
pub async fn list_contacts(State(s): State<AppState>, m: MemberOf, Query(q): Query<ContactQuery>) -> Answer<Page<Contact>> {
    Ok(Json(contacts::list(&s.domain, m.org, &q).await?))
}

#[utoipa::path(get, path = "/api/contacts/{id}", tag = "Contacts", responses((status = OK, body = Contact)))]
pub async fn get_contact(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>) -> Answer<Contact> {
    Ok(Json(contacts::get(&s.domain, m.org, contacts::parse_id(&id)?).await?))
}

#[utoipa::path(method(put, patch), path = "/api/contacts/{id}", tag = "Contacts", responses((status = OK, description = "The contact after the change; absent fields keep their value, `\"\"` clears one.", body = Contact)))]
pub async fn update_contact(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, Json(input): Json<ContactInput>) -> Answer<Contact> {
    Ok(Json(contacts::update(&s.domain, m.org, contacts::parse_id(&id)?, &input).await?))
}

#[utoipa::path(delete, path = "/api/contacts/{id}", tag = "Contacts", responses((status = NO_CONTENT, description = "Deleted.")))]
pub async fn delete_contact(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    contacts::delete(&s.domain, m.org, contacts::parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/contacts/{id}/assign", tag = "Contacts", responses((status = OK, body = Contact)))]
pub async fn assign_contact(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, Json(a): Json<Assign>) -> Answer<Contact> {
    Ok(Json(contacts::assign(&s.domain, m.org, contacts::parse_id(&id)?, a.user_id.as_deref()).await?))
}

#[utoipa::path(post, path = "/api/deals", tag = "Deals", responses((status = CREATED, body = Deal)))]
pub async fn create_deal(State(s): State<AppState>, m: MemberOf, Json(input): Json<DealInput>) -> Created<Deal> {
    Ok((StatusCode::CREATED, Json(deals::create(&s.domain, m.org, &input).await?)))
}

#[utoipa::path(get, path = "/api/deals", tag = "Deals", params(DealQuery), responses((status = OK, description = "A page of deals, newest first.", body = Page<Deal>)))]
pub async fn list_deals(State(s): State<AppState>, m: MemberOf, Query(q): Query<DealQuery>) -> Answer<Page<Deal>> {
    let filter = deals::DealFilter { contact: contact_filter(q.contact_id.as_deref())?, stage: deals::stage_filter(q.stage.as_deref())? };
    Ok(Json(deals::list(&s.domain, m.org, &filter, q.cursor.as_deref(), q.limit).await?))
}

#[utoipa::path(get, path = "/api/deals/{id}", tag = "Deals", responses((status = OK, body = Deal)))]
pub async fn get_deal(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>) -> Answer<Deal> {
    Ok(Json(deals::get(&s.domain, m.org, deals::parse_id(&id)?).await?))
}

#[utoipa::path(method(put, patch), path = "/api/deals/{id}", tag = "Deals", responses((status = OK, body = Deal)))]
pub async fn update_deal(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, Json(input): Json<DealInput>) -> Answer<Deal> {
    Ok(Json(deals::update(&s.domain, m.org, deals::parse_id(&id)?, &input).await?))
}

/// `{"stage": "…"}` for moving a deal.
#[derive(Default, Deserialize, ToSchema)]
pub struct Stage {
    #[serde(default)]
    stage: String,
}

#[utoipa::path(post, path = "/api/deals/{id}/stage", tag = "Deals", responses((status = OK, description = "The deal in its new stage (a `deal.stage.changed` event when it moved).", body = Deal)))]
pub async fn stage_deal(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, Json(st): Json<Stage>) -> Answer<Deal> {
    let input = DealInput { stage: Some(st.stage), ..Default::default() };
    Ok(Json(deals::update(&s.domain, m.org, deals::parse_id(&id)?, &input).await?))
}

#[utoipa::path(post, path = "/api/deals/{id}/assign", tag = "Deals", responses((status = OK, body = Deal)))]
pub async fn assign_deal(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, Json(a): Json<Assign>) -> Answer<Deal> {
    let input = DealInput { assigned_to: Some(a.user_id.unwrap_or_default()), ..Default::default() };
    Ok(Json(deals::update(&s.domain, m.org, deals::parse_id(&id)?, &input).await?))
}

#[utoipa::path(post, path = "/api/conversations", tag = "Conversations", responses((status = CREATED, body = Conversation)))]
pub async fn create_conversation(State(s): State<AppState>, m: MemberOf, Json(input): Json<ConversationInput>) -> Created<Conversation> {
    Ok((StatusCode::CREATED, Json(conversations::create(&s.domain, m.org, &input).await?)))
}

#[utoipa::path(get, path = "/api/conversations", tag = "Conversations", params(ConversationQuery), responses((status = OK, description = "A page of conversations, newest first.", body = Page<Conversation>)))]
pub async fn list_conversations(State(s): State<AppState>, m: MemberOf, Query(q): Query<ConversationQuery>) -> Answer<Page<Conversation>> {
    let me = match &m.caller {
        OrgCaller::Person(person) => Some(person.user.id),
        OrgCaller::Key(_) => None,
    };
    let filter = ConversationFilter {
        contact: contact_filter(q.contact_id.as_deref())?,
        ..ConversationFilter::parse(q.status.as_deref(), q.channel.as_deref(), q.assigned_to.as_deref(), me)?
    };
    Ok(Json(conversations::list(&s.domain, m.org, &filter, q.cursor.as_deref(), q.limit).await?))
}

#[utoipa::path(get, path = "/api/conversations/{id}", tag = "Conversations", responses((status = OK, body = Conversation)))]
pub async fn get_conversation(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>) -> Answer<Conversation> {
    Ok(Json(conversations::get(&s.domain, m.org, conversations::parse_id(&id)?).await?))
}

#[utoipa::path(post, path = "/api/conversations/{id}/assign", tag = "Conversations", responses((status = OK, body = Conversation)))]
pub async fn assign_conversation(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, Json(a): Json<Assign>) -> Answer<Conversation> {
    Ok(Json(conversations::assign(&s.domain, m.org, conversations::parse_id(&id)?, a.user_id.as_deref()).await?))
}

#[utoipa::path(post, path = "/api/conversations/{id}/status", tag = "Conversations", responses((status = OK, body = Conversation)))]
pub async fn conversation_status(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, Json(st): Json<Status>) -> Answer<Conversation> {
    Ok(Json(conversations::set_status(&s.domain, m.org, conversations::parse_id(&id)?, &st.status).await?))
}

#[utoipa::path(post, path = "/api/conversations/{id}/messages", tag = "Conversations", responses((status = CREATED, body = Message)))]
pub async fn record_message(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, Json(input): Json<MessageInput>) -> Created<Message> {
    let message = conversations::record_message(&s.domain, m.org, conversations::parse_id(&id)?, &input).await?;
    Ok((StatusCode::CREATED, Json(message)))
}

#[utoipa::path(get, path = "/api/conversations/{id}/messages", tag = "Conversations", params(PageQuery), responses((status = OK, description = "A page of the conversation's messages, newest first.", body = Page<Message>)))]
pub async fn list_messages(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, Query(q): Query<PageQuery>) -> Answer<Page<Message>> {
    let page = conversations::messages(&s.domain, m.org, conversations::parse_id(&id)?, q.cursor.as_deref(), q.limit).await?;
    Ok(Json(page))
}

#[utoipa::path(post, path = "/api/messages/{id}/status", tag = "Conversations", responses((status = OK, body = Message)))]
pub async fn message_status(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, Json(st): Json<Status>) -> Answer<Message> {
    Ok(Json(conversations::set_message_status(&s.domain, m.org, conversations::parse_message_id(&id)?, &st.status).await?))
}

#[utoipa::path(get, path = "/api/campaigns", tag = "Campaigns", params(PageQuery), responses((status = OK, description = "A page of sent campaigns, newest first.", body = Page<Campaign>)))]
pub async fn list_campaigns(State(s): State<AppState>, m: MemberOf, Query(q): Query<PageQuery>) -> Answer<Page<Campaign>> {
    Ok(Json(campaigns::list(&s.domain, m.org, q.cursor.as_deref(), q.limit).await?))
}

/// Sends `{"body", "campaign_id"?}` through the tenant's WhatsApp or SMS provider; answers
/// the recorded message (`sent` or `failed`) and the provider's answer.
#[utoipa::path(post, path = "/api/conversations/{id}/send", tag = "Conversations", responses((status = CREATED, description = "The recorded message (`sent` or `failed`) and the provider's answer.", body = Sent)))]
pub async fn send_message(State(s): State<AppState>, m: MemberOf, Path(id): Path<String>, Json(input): Json<SendInput>) -> Created<Sent> {
    let sent = sending::send(&s.domain, m.org, conversations::parse_id(&id)?, &input).await?;
    Ok((StatusCode::CREATED, Json(sent)))
}
