//! A contact's page (members and owners): read, change, assign, delete. Thin wrappers over
//! the same domain services as `/api/contacts/:id`.

use leptos::prelude::*;

use crate::{error::AppError, models::contacts::ContactDetail};

#[cfg(feature = "ssr")]
use crate::server::{form_failed, is_plain_form_post, redirect, webhooks::member_org};

/// Where a form about contact `id` sends the browser back to (its id checked first).
#[cfg(feature = "ssr")]
fn page_of(id: &str) -> Result<(connectgain_domain::crm::contacts::ContactId, String), AppError> {
    let id = connectgain_domain::crm::contacts::parse_id(id)?;
    Ok((id, format!("/contacts/{id}")))
}

#[server(endpoint = "contacts/page")]
pub async fn get_contact_page(id: String) -> Result<ContactDetail, AppError> {
    use crate::models::contacts::{ConversationSummary, DealSummary};
    use connectgain_domain::{
        accounts::members,
        crm::{contacts, conversations, deals},
    };
    let (d, org) = member_org().await?;
    let (id, _) = page_of(&id)?;
    let contact = contacts::get(&d, org, id).await?;
    // The first 50 of each: the deals board and the inbox page through the rest.
    let deals = deals::list(&d, org, &deals::DealFilter { contact: Some(id), ..Default::default() }, None, Some(50)).await?;
    let mine = conversations::ConversationFilter { contact: Some(id), ..Default::default() };
    let conversations = conversations::list(&d, org, &mine, None, Some(50)).await?;
    let people = members::list(&d, org).await?;
    let time = crate::server::views::minute;
    let attributes = contact.attributes.as_object().filter(|a| !a.is_empty()).map(|a| serde_json::to_string_pretty(a).unwrap_or_default());
    Ok(ContactDetail {
        id: contact.id.to_string(),
        name: contact.display_name(),
        first_name: contact.first_name,
        last_name: contact.last_name,
        email: contact.email,
        phone: contact.phone,
        attributes,
        assigned_to: contact.assigned_to.map(|u| u.to_string()),
        created_at: time(contact.created_at),
        updated_at: time(contact.updated_at),
        members: people.into_iter().map(|u| (u.id.to_string(), u.display_name())).collect(),
        deals: deals
            .data
            .into_iter()
            .map(|deal| DealSummary {
                id: deal.id.to_string(),
                value: deals::money(deal.value_cents, &deal.currency),
                title: deal.title,
                stage: deal.stage.as_str().to_owned(),
                updated_at: time(deal.updated_at),
            })
            .collect(),
        conversations: conversations
            .data
            .into_iter()
            .map(|c| ConversationSummary {
                id: c.id.to_string(),
                channel: c.channel.as_str().to_owned(),
                subject: c.subject,
                status: c.status.as_str().to_owned(),
                updated_at: time(c.updated_at),
            })
            .collect(),
    })
}

/// Saves the fields as given (a blank one is cleared); contact.updated when one changed.
#[server(endpoint = "contacts/update")]
pub async fn update_contact(id: String, first_name: String, last_name: String, email: String, phone: String) -> Result<(), AppError> {
    use connectgain_domain::crm::contacts::{self, ContactInput};
    let (id, page) = page_of(&id)?;
    let (d, org) = member_org().await.map_err(|e| form_failed(&page, e))?;
    let input = ContactInput { first_name: Some(first_name), last_name: Some(last_name), email: Some(email), phone: Some(phone), ..Default::default() };
    contacts::update(&d, org, id, &input).await.map_err(|e| form_failed(&page, e.into()))?;
    if is_plain_form_post() {
        redirect(&format!("{page}?saved=1"));
    }
    Ok(())
}

/// Assigns the contact to a person of the organization, or to nobody (blank).
#[server(endpoint = "contacts/assign")]
pub async fn assign_contact(id: String, user_id: String) -> Result<(), AppError> {
    use connectgain_domain::crm::contacts;
    let (id, page) = page_of(&id)?;
    let (d, org) = member_org().await.map_err(|e| form_failed(&page, e))?;
    contacts::assign(&d, org, id, Some(user_id.as_str())).await.map_err(|e| form_failed(&page, e.into()))?;
    if is_plain_form_post() {
        redirect(&format!("{page}?assigned=1"));
    }
    Ok(())
}

/// Deletes the contact (contact.deleted); the browser goes back to the list.
#[server(endpoint = "contacts/delete")]
pub async fn delete_contact(id: String) -> Result<(), AppError> {
    use connectgain_domain::crm::contacts;
    let (id, page) = page_of(&id)?;
    let (d, org) = member_org().await.map_err(|e| form_failed(&page, e))?;
    contacts::delete(&d, org, id).await.map_err(|e| form_failed(&page, e.into()))?;
    if is_plain_form_post() {
        redirect("/contacts?deleted=1");
    }
    Ok(())
}
