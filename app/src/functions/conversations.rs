//! The inbox and a conversation's thread (members and owners): read, reply through the
//! tenant's provider, assign, close and reopen. Thin wrappers over the same domain
//! services as `/api/conversations`.

use leptos::prelude::*;

use crate::{
    error::AppError,
    models::conversations::{InboxPage, InboxQuery, MessagePage, ThreadHead},
};

#[cfg(feature = "ssr")]
use crate::server::{
    form_failed, is_plain_form_post, redirect,
    webhooks::{member, member_org},
};

/// Messages a thread shows at once; "Show earlier" goes further back.
#[cfg(feature = "ssr")]
const MESSAGES_PER_PAGE: i64 = 50;

/// Where a form about conversation `id` sends the browser back to (its id checked first).
#[cfg(feature = "ssr")]
fn page_of(id: &str) -> Result<(connectgain_domain::crm::conversations::ConversationId, String), AppError> {
    let id = connectgain_domain::crm::conversations::parse_id(id)?;
    Ok((id, format!("/conversations/{id}")))
}

/// The conversations the query asks for, the most recently active first.
#[server(endpoint = "conversations/inbox")]
pub async fn get_inbox(query: InboxQuery) -> Result<InboxPage, AppError> {
    use crate::models::conversations::InboxRow;
    use connectgain_domain::crm::conversations::{self, ConversationFilter};
    let (d, user, org) = member().await?;
    // Open unless asked otherwise: the inbox is what still needs an answer.
    let status = match query.status.as_str() {
        "" => Some("open"),
        "all" => None,
        given => Some(given),
    };
    let contact = match query.contact.trim() {
        "" => None,
        id => Some(connectgain_domain::crm::contacts::parse_id(id)?),
    };
    let filter = ConversationFilter { contact, ..ConversationFilter::parse(status, Some(&query.channel), Some(&query.assigned), Some(user.id))? };
    let page = conversations::inbox(&d, org, &filter, query.cursor.as_deref(), Some(50)).await?;
    let data = page
        .data
        .into_iter()
        .map(|entry| {
            let waiting = !entry.last_was_outbound() && entry.last_message.is_some();
            let preview = entry.last_message.as_deref().map(|body| {
                let words: String = body.chars().take(120).collect();
                let cut = if body.chars().count() > 120 { "…" } else { "" };
                if entry.last_was_outbound() {
                    format!("You: {words}{cut}")
                } else {
                    format!("{words}{cut}")
                }
            });
            let c = entry.conversation;
            InboxRow {
                id: c.id.to_string(),
                contact: entry.contact_name.unwrap_or_else(|| "No contact".into()),
                channel: c.channel.as_str().to_owned(),
                subject: c.subject,
                open: c.status == conversations::ConversationStatus::Open,
                assigned_to: c.assigned_to.map(|u| u.to_string()),
                preview,
                waiting,
                updated_at: crate::server::views::minute(c.updated_at),
            }
        })
        .collect();
    Ok(InboxPage { data, next_cursor: page.next_cursor })
}

/// A conversation: who it is with, its state, and whether a reply can go out.
#[server(endpoint = "conversations/head")]
pub async fn get_thread_head(id: String) -> Result<ThreadHead, AppError> {
    use connectgain_domain::{
        accounts::members,
        crm::{
            contacts,
            conversations::{self, ConversationStatus},
            sending,
        },
    };
    let (d, org) = member_org().await?;
    let (id, _) = page_of(&id)?;
    let conversation = conversations::get(&d, org, id).await?;
    let contact = match conversation.contact_id {
        Some(c) => contacts::get(&d, org, c).await.ok(),
        None => None,
    };
    // Why no reply can go out, as the send itself would say it.
    let cannot_reply = sending::recipient(&conversation, contact.as_ref()).err().map(|e| {
        let e = AppError::from(e);
        e.fields.into_values().next().unwrap_or(e.message)
    });
    let people = members::list(&d, org).await?;
    Ok(ThreadHead {
        id: id.to_string(),
        contact: contact.map(|c| (c.id.to_string(), c.display_name())),
        channel: conversation.channel.as_str().to_owned(),
        subject: conversation.subject,
        open: conversation.status == ConversationStatus::Open,
        assigned_to: conversation.assigned_to.map(|u| u.to_string()),
        members: people.into_iter().map(|u| (u.id.to_string(), u.display_name())).collect(),
        cannot_reply,
    })
}

/// A conversation's latest messages (before `earlier`, when given), oldest first.
#[server(endpoint = "conversations/messages")]
pub async fn get_messages(id: String, earlier: Option<String>) -> Result<MessagePage, AppError> {
    use crate::models::conversations::MessageRow;
    use connectgain_domain::crm::conversations::{self, Direction};
    let (d, org) = member_org().await?;
    let (id, _) = page_of(&id)?;
    let page = conversations::messages(&d, org, id, earlier.as_deref(), Some(MESSAGES_PER_PAGE)).await?;
    Ok(MessagePage {
        messages: page
            .data
            .into_iter()
            .rev()
            .map(|m| MessageRow {
                id: m.id.to_string(),
                inbound: m.direction == Direction::Inbound,
                body: m.body,
                status: m.status.as_str().to_owned(),
                at: crate::server::views::minute(m.created_at),
            })
            .collect(),
        earlier_cursor: page.next_cursor,
    })
}

/// Sends a reply through the tenant's WhatsApp or SMS provider. A provider that refuses
/// it is an error saying why (the message is kept, as failed).
#[server(endpoint = "conversations/reply")]
pub async fn send_reply(id: String, body: String) -> Result<(), AppError> {
    use connectgain_domain::crm::sending::{self, SendInput};
    let (id, page) = page_of(&id)?;
    let (d, org) = member_org().await.map_err(|e| form_failed(&page, e))?;
    let input = SendInput { body: Some(body), campaign_id: None };
    let sent = sending::send(&d, org, id, &input).await.map_err(|e| form_failed(&page, e.into()))?;
    if !sent.provider.ok {
        let answer = sent.provider.status.map_or_else(|| "did not answer".to_owned(), |s| format!("answered HTTP {s}"));
        let problem = sent.provider.problem.map(|p| format!(": {p}")).unwrap_or_default();
        let message = format!("Not sent: {} {answer}{problem}.", sent.provider.provider);
        return Err(form_failed(&page, AppError::new(crate::error::ErrorKind::Conflict, message)));
    }
    if is_plain_form_post() {
        redirect(&format!("{page}?sent=1"));
    }
    Ok(())
}

/// Assigns the conversation to a person of the organization, or to nobody (blank).
#[server(endpoint = "conversations/assign")]
pub async fn assign_conversation(id: String, user_id: String) -> Result<(), AppError> {
    use connectgain_domain::crm::conversations;
    let (id, page) = page_of(&id)?;
    let (d, org) = member_org().await.map_err(|e| form_failed(&page, e))?;
    conversations::assign(&d, org, id, Some(user_id.as_str())).await.map_err(|e| form_failed(&page, e.into()))?;
    if is_plain_form_post() {
        redirect(&format!("{page}?assigned=1"));
    }
    Ok(())
}

/// Closes (`closed`) or reopens (`open`) the conversation.
#[server(endpoint = "conversations/status")]
pub async fn set_conversation_status(id: String, status: String) -> Result<(), AppError> {
    use connectgain_domain::crm::conversations;
    let (id, page) = page_of(&id)?;
    let (d, org) = member_org().await.map_err(|e| form_failed(&page, e))?;
    conversations::set_status(&d, org, id, &status).await.map_err(|e| form_failed(&page, e.into()))?;
    if is_plain_form_post() {
        redirect(&page);
    }
    Ok(())
}
