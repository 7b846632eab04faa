//! The deals board and a deal's page (members and owners): thin wrappers over the same
//! domain services as `/api/deals`. Every form also works as a plain post.

use leptos::prelude::*;

use crate::{
    error::AppError,
    models::deals::{Board, DealDetail},
};

#[cfg(feature = "ssr")]
use crate::server::{form_failed, is_plain_form_post, redirect, webhooks::member_org};

/// Cards a column shows at once; "Show more" goes on from the last.
#[cfg(feature = "ssr")]
const CARDS_PER_COLUMN: i64 = 25;

/// Every stage's column with its count and sums; the column `stage` starts at `cursor`.
#[server(endpoint = "deals/board")]
pub async fn get_board(stage: Option<String>, cursor: Option<String>) -> Result<Board, AppError> {
    use crate::models::deals::{DealCard, StageColumn};
    use connectgain_domain::crm::{
        contacts,
        deals::{self, DealFilter, Stage},
    };
    let (d, org) = member_org().await?;
    let paged = deals::stage_filter(stage.as_deref())?;
    let totals = deals::totals(&d, org).await?;
    let mut pages = Vec::with_capacity(Stage::ALL.len());
    for &stage in Stage::ALL {
        let from = cursor.as_deref().filter(|_| paged == Some(stage));
        let page = deals::list(&d, org, &DealFilter { stage: Some(stage), contact: None }, from, Some(CARDS_PER_COLUMN)).await?;
        pages.push((stage, from.map(str::to_owned), page));
    }
    let contact_ids: Vec<_> = pages.iter().flat_map(|(_, _, page)| page.data.iter().filter_map(|deal| deal.contact_id)).collect();
    let names = contacts::names(&d, org, &contact_ids).await?;
    let columns = pages
        .into_iter()
        .map(|(stage, cursor, page)| {
            let sums = totals.iter().filter(|t| t.stage == stage);
            StageColumn {
                stage: stage.as_str().to_owned(),
                count: sums.clone().map(|t| t.count).sum(),
                totals: sums.map(|t| deals::money(t.value_cents, &t.currency)).collect(),
                cards: page
                    .data
                    .into_iter()
                    .map(|deal| DealCard {
                        id: deal.id.to_string(),
                        value: deals::money(deal.value_cents, &deal.currency),
                        contact: deal.contact_id.and_then(|c| names.get(&c).cloned()),
                        title: deal.title,
                        stage: deal.stage.as_str().to_owned(),
                    })
                    .collect(),
                cursor,
                next_cursor: page.next_cursor,
            }
        })
        .collect();
    Ok(Board { columns })
}

/// Moves a deal to another stage (deal.stage.changed); a plain post returns to the board.
#[server(endpoint = "deals/move")]
pub async fn move_deal(id: String, stage: String) -> Result<(), AppError> {
    use connectgain_domain::crm::deals::{self, DealInput};
    let (d, org) = member_org().await.map_err(|e| form_failed("/deals", e))?;
    let id = deals::parse_id(&id).map_err(|e| form_failed("/deals", e.into()))?;
    let input = DealInput { stage: Some(stage), ..Default::default() };
    deals::update(&d, org, id, &input).await.map_err(|e| form_failed("/deals", e.into()))?;
    if is_plain_form_post() {
        redirect("/deals?moved=1");
    }
    Ok(())
}

/// Adds a deal (deal.created); answers its id.
#[server(endpoint = "deals/create")]
pub async fn create_deal(title: String, amount: String, currency: String, stage: String, contact: String) -> Result<String, AppError> {
    use connectgain_domain::crm::deals::{self, DealForm};
    let (d, org) = member_org().await.map_err(|e| form_failed("/deals", e))?;
    let form = DealForm { title, amount, currency, stage, contact, assigned_to: None };
    let input = form.input(&d, org).await.map_err(|e| form_failed("/deals", e.into()))?;
    let deal = deals::create(&d, org, &input).await.map_err(|e| form_failed("/deals", e.into()))?;
    if is_plain_form_post() {
        redirect("/deals?created=1");
    }
    Ok(deal.id.to_string())
}

/// A deal, ready to edit.
#[server(endpoint = "deals/page")]
pub async fn get_deal_page(id: String) -> Result<DealDetail, AppError> {
    use connectgain_domain::{
        accounts::members,
        crm::{contacts, deals},
    };
    let (d, org) = member_org().await?;
    let deal = deals::get(&d, org, deals::parse_id(&id)?).await?;
    let contact = match deal.contact_id {
        Some(id) => contacts::get(&d, org, id).await.ok(),
        None => None,
    };
    let people = members::list(&d, org).await?;
    Ok(DealDetail {
        id: deal.id.to_string(),
        amount: deals::amount(deal.value_cents, &deal.currency),
        value: deals::money(deal.value_cents, &deal.currency),
        title: deal.title,
        currency: deal.currency,
        stage: deal.stage.as_str().to_owned(),
        // How the form names the contact: its address, else its number, else its id.
        contact_address: contact.as_ref().map(|c| c.email.clone().or_else(|| c.phone.clone()).unwrap_or_else(|| c.id.to_string())).unwrap_or_default(),
        contact: contact.map(|c| (c.id.to_string(), c.display_name())),
        assigned_to: deal.assigned_to.map(|u| u.to_string()),
        members: people.into_iter().map(|u| (u.id.to_string(), u.display_name())).collect(),
        created_at: crate::server::views::minute(deal.created_at),
        updated_at: crate::server::views::minute(deal.updated_at),
    })
}

/// Saves every field of the deal's form (deal.updated, and .stage.changed or .assigned
/// when those changed).
#[server(endpoint = "deals/update")]
#[allow(clippy::too_many_arguments)]
pub async fn update_deal(
    id: String,
    title: String,
    amount: String,
    currency: String,
    stage: String,
    contact: String,
    assigned_to: String,
) -> Result<(), AppError> {
    use connectgain_domain::crm::deals::{self, DealForm};
    let page = format!("/deals/{}", deals::parse_id(&id)?);
    let (d, org) = member_org().await.map_err(|e| form_failed(&page, e))?;
    let form = DealForm { title, amount, currency, stage, contact, assigned_to: Some(assigned_to) };
    let input = form.input(&d, org).await.map_err(|e| form_failed(&page, e.into()))?;
    deals::update(&d, org, deals::parse_id(&id)?, &input).await.map_err(|e| form_failed(&page, e.into()))?;
    if is_plain_form_post() {
        redirect(&format!("{page}?saved=1"));
    }
    Ok(())
}
