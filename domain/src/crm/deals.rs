//! Deals moving through the pipeline's stages. Changes emit deal.created, .updated,
//! .stage.changed (with `previous_stage`) and .assigned.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    assignee,
    contacts::ContactId,
    emit, optional_text,
    page::Page,
    table::{self, Table},
};
use crate::{
    db::Tx,
    error::FieldErrors,
    ids::{OrgId, UserId},
    on_db, on_tx,
    outbound::events::EventType,
    text_enum::text_enum,
    Domain, Error,
};

crate::typed_id!(
    /// A deal of an organization.
    DealId
);

/// Where a deal is in the pipeline (in order; a deal may move to any stage).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Lead,
    Qualified,
    Proposal,
    Negotiation,
    Won,
    Lost,
}

text_enum!(Stage, "deal stage", {
    Lead => "lead", Qualified => "qualified", Proposal => "proposal", Negotiation => "negotiation", Won => "won", Lost => "lost",
});

/// A deal as the API answers it and events carry it. Money is in integer minor units
/// (`value_cents`), never a float.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Deal {
    pub id: DealId,
    pub organization_id: OrgId,
    pub title: String,
    pub value_cents: i64,
    pub currency: String,
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    pub contact_id: Option<ContactId>,
    pub assigned_to: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// deal.stage.changed's data: the deal and the stage it left.
#[derive(Serialize)]
struct StageChange<'a> {
    #[serde(flatten)]
    deal: &'a Deal,
    previous_stage: Stage,
}

const COLUMNS: &str = "id, organization_id, title, value_cents, currency, stage, contact_id, assigned_to, created_at, updated_at";

impl Table for Deal {
    type Row = Deal;
    type Id = DealId;
    const NAME: &'static str = "deals";
    const COLUMNS: &'static str = COLUMNS;

    fn page_key(&self) -> (DateTime<Utc>, Uuid) {
        (self.created_at, self.id.0)
    }
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct DealInput {
    pub title: Option<String>,
    pub value_cents: Option<i64>,
    pub currency: Option<String>,
    pub stage: Option<String>,
    pub contact_id: Option<String>,
    pub assigned_to: Option<String>,
}

fn parse_stage(raw: &str, errors: &mut FieldErrors) -> Option<Stage> {
    let stage = Stage::parse(&raw.trim().to_lowercase());
    if stage.is_none() {
        errors.insert("stage", format!("Use one of the pipeline's stages: {}.", Stage::choices()));
    }
    stage
}

async fn parse_contact(tx: &mut Tx, org: OrgId, raw: &str) -> Result<Option<ContactId>, Error> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let missing = || Error::invalid("contact_id", "No such contact in this organization.");
    let id: ContactId = raw.parse().map_err(|_| missing())?;
    let found: Option<i32> = on_tx!(tx, conn => sqlx::query_scalar("SELECT 1 FROM contacts WHERE id = $1 AND organization_id = $2")
        .bind(id)
        .bind(org)
        .fetch_optional(conn)
        .await)?;
    found.map(|_| Some(id)).ok_or_else(missing)
}

/// Applies the input's given fields to `deal`.
async fn apply(tx: &mut Tx, org: OrgId, deal: &mut Deal, input: &DealInput) -> Result<(), Error> {
    let mut errors = FieldErrors::new();
    if let Some(title) = &input.title {
        match optional_text(Some(title), "title", 200, &mut errors) {
            Some(t) => deal.title = t,
            None => drop(errors.insert("title", "Give the deal a title.".into())),
        }
    }
    if let Some(value) = input.value_cents {
        if value < 0 {
            errors.insert("value_cents", "The value cannot be negative.".into());
        }
        deal.value_cents = value;
    }
    if let Some(currency) = &input.currency {
        let c = currency.trim().to_uppercase();
        if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) {
            deal.currency = c;
        } else {
            errors.insert("currency", "Use a three-letter currency code such as USD.".into());
        }
    }
    if let Some(stage) = &input.stage {
        if let Some(s) = parse_stage(stage, &mut errors) {
            deal.stage = s;
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    if let Some(contact) = &input.contact_id {
        deal.contact_id = parse_contact(tx, org, contact).await?;
    }
    if input.assigned_to.is_some() {
        deal.assigned_to = assignee(tx, org, input.assigned_to.as_deref()).await?;
    }
    Ok(())
}

pub async fn create(d: &Domain, org: OrgId, input: &DealInput) -> Result<Deal, Error> {
    if input.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        return Err(Error::invalid("title", "Give the deal a title."));
    }
    let input = input.clone();
    d.changes.run(move |tx| Box::pin(create_in(tx, org, input.clone()))).await
}

async fn create_in(tx: &mut Tx, org: OrgId, input: DealInput) -> Result<Deal, Error> {
    let now = Utc::now();
    let mut deal = Deal {
        id: DealId::new(),
        organization_id: org,
        title: String::new(),
        value_cents: 0,
        currency: "USD".into(),
        stage: Stage::Lead,
        contact_id: None,
        assigned_to: None,
        created_at: now,
        updated_at: now,
    };
    apply(tx, org, &mut deal, &input).await?;
    on_tx!(tx, conn => sqlx::query(&format!("INSERT INTO deals ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
        .bind(deal.id)
        .bind(org)
        .bind(&deal.title)
        .bind(deal.value_cents)
        .bind(&deal.currency)
        .bind(deal.stage.as_str())
        .bind(deal.contact_id)
        .bind(deal.assigned_to)
        .bind(deal.created_at)
        .bind(deal.updated_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    emit(tx, org, EventType::DealCreated, &deal).await?;
    if deal.assigned_to.is_some() {
        emit(tx, org, EventType::DealAssigned, &deal).await?;
    }
    Ok(deal)
}

async fn find(tx: &mut Tx, org: OrgId, id: DealId) -> Result<Deal, Error> {
    table::find(tx, org, id).await
}

pub async fn get(d: &Domain, org: OrgId, id: DealId) -> Result<Deal, Error> {
    table::get(&d.db, org, id).await
}

/// Which deals a list holds: all, or those of a contact, at a stage, or both.
#[derive(Clone, Copy, Debug, Default)]
pub struct DealFilter {
    pub contact: Option<ContactId>,
    pub stage: Option<Stage>,
}

/// Deals newest first, in pages, that match `filter`.
pub async fn list(d: &Domain, org: OrgId, filter: &DealFilter, cursor: Option<&str>, limit: Option<i64>) -> Result<Page<Deal>, Error> {
    let mut conditions = table::Conditions::default();
    if let Some(contact) = filter.contact {
        conditions.equal("contact_id", table::Bind::Id(contact.0));
    }
    if let Some(stage) = filter.stage {
        conditions.equal("stage", table::Bind::Text(stage.as_str().to_owned()));
    }
    table::list_matching(&d.db, org, &conditions.matching(), cursor, limit).await
}

/// A stage from a query's `?stage=` (any case), or `None` when absent or blank.
pub fn stage_filter(raw: Option<&str>) -> Result<Option<Stage>, Error> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(None) };
    let mut errors = FieldErrors::new();
    match parse_stage(raw, &mut errors) {
        Some(stage) => Ok(Some(stage)),
        None => Err(Error::Invalid(errors)),
    }
}

/// How many deals a stage holds and what they are worth, in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StageTotal {
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    pub currency: String,
    pub count: i64,
    pub value_cents: i64,
}

/// Every stage's deals counted and summed per currency (a pipeline's money is only added
/// up within a currency), in the pipeline's order, then by currency.
pub async fn totals(d: &Domain, org: OrgId) -> Result<Vec<StageTotal>, Error> {
    let mut rows: Vec<StageTotal> = on_db!(&d.db, pool => sqlx::query_as(
        "SELECT stage, currency, COUNT(*) AS count, CAST(COALESCE(SUM(value_cents), 0) AS BIGINT) AS value_cents \
         FROM deals WHERE organization_id = $1 GROUP BY stage, currency",
    )
    .bind(org)
    .fetch_all(pool)
    .await)?;
    rows.sort_by(|a, b| (a.stage, &a.currency).cmp(&(b.stage, &b.currency)));
    Ok(rows)
}

/// A deal as a person fills in its form: the amount as written in its currency, the
/// contact by an e-mail address or phone number (blank: none).
#[derive(Clone, Debug, Default)]
pub struct DealForm {
    pub title: String,
    pub amount: String,
    pub currency: String,
    pub stage: String,
    pub contact: String,
    /// A person's id or blank for nobody; `None` leaves the assignment as it is.
    pub assigned_to: Option<String>,
}

impl DealForm {
    /// The [`DealInput`] this form means, with every field set; the errors name the form's
    /// fields (`amount`, `contact`).
    pub async fn input(&self, d: &Domain, org: OrgId) -> Result<DealInput, Error> {
        let currency = match self.currency.trim() {
            "" => "USD".to_owned(),
            given => given.to_uppercase(),
        };
        let mut errors = FieldErrors::new();
        let value_cents = match self.amount.trim() {
            "" => Some(0),
            written => parse_money(written, &currency),
        };
        if value_cents.is_none() {
            let example = if decimals(&currency) == 0 { "1,200" } else { "1,200.50" };
            errors.insert("amount", format!("Write the amount in {currency}, such as {example}."));
        }
        let contact_id = match self.contact.trim() {
            "" => Some(String::new()),
            address => match super::contacts::find_by_address(d, org, address).await? {
                Some(contact) => Some(contact.id.to_string()),
                None => {
                    errors.insert("contact", "No contact has this e-mail address or phone number.".into());
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        Ok(DealInput {
            title: Some(self.title.clone()),
            value_cents,
            currency: Some(currency),
            stage: Some(self.stage.clone()),
            contact_id,
            assigned_to: self.assigned_to.clone(),
        })
    }
}

/// Changes the given fields: deal.updated, plus deal.stage.changed and deal.assigned when
/// those changed.
pub async fn update(d: &Domain, org: OrgId, id: DealId, input: &DealInput) -> Result<Deal, Error> {
    let input = input.clone();
    d.changes.run(move |tx| Box::pin(update_in(tx, org, id, input.clone()))).await
}

async fn update_in(tx: &mut Tx, org: OrgId, id: DealId, input: DealInput) -> Result<Deal, Error> {
    let before = find(tx, org, id).await?;
    let mut deal = before.clone();
    apply(tx, org, &mut deal, &input).await?;
    if deal == before {
        return Ok(before);
    }
    deal.updated_at = Utc::now();
    on_tx!(tx, conn => sqlx::query(
        "UPDATE deals SET title = $1, value_cents = $2, currency = $3, stage = $4, contact_id = $5, assigned_to = $6, updated_at = $7 \
         WHERE id = $8 AND organization_id = $9",
    )
    .bind(&deal.title)
    .bind(deal.value_cents)
    .bind(&deal.currency)
    .bind(deal.stage.as_str())
    .bind(deal.contact_id)
    .bind(deal.assigned_to)
    .bind(deal.updated_at)
    .bind(deal.id)
    .bind(org)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    emit(tx, org, EventType::DealUpdated, &deal).await?;
    if deal.stage != before.stage {
        emit(tx, org, EventType::DealStageChanged, &StageChange { deal: &deal, previous_stage: before.stage }).await?;
    }
    if deal.assigned_to != before.assigned_to && deal.assigned_to.is_some() {
        emit(tx, org, EventType::DealAssigned, &deal).await?;
    }
    Ok(deal)
}

pub fn parse_id(raw: &str) -> Result<DealId, Error> {
    raw.parse::<Uuid>().map(DealId).map_err(|_| Error::NotFound)
}

/// How many decimals an amount in `currency` is written with: none for the ISO 4217
/// currencies without minor units, two otherwise.
fn decimals(currency: &str) -> u32 {
    const NO_DECIMALS: [&str; 16] = ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF"];
    if NO_DECIMALS.contains(&currency) {
        0
    } else {
        2
    }
}

/// An amount in minor units as people write it in `currency`, e.g. `1,200.00 USD`.
pub fn money(minor_units: i64, currency: &str) -> String {
    format!("{} {currency}", amount(minor_units, currency))
}

/// [`money`] without the currency: digits grouped by thousands and the currency's decimals.
pub fn amount(minor_units: i64, currency: &str) -> String {
    let decimals = decimals(currency);
    let sign = if minor_units < 0 { "-" } else { "" };
    let units = minor_units.unsigned_abs();
    let scale = 10u64.pow(decimals);
    let whole = (units / scale).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match decimals {
        0 => format!("{sign}{grouped}"),
        _ => format!("{sign}{grouped}.{:02}", units % scale),
    }
}

/// An amount as a person types it in `currency` ("1,200.50", "1200", "0.5") in minor
/// units; `None` when it is not a non-negative amount with at most the currency's
/// decimals, or too large to keep.
pub fn parse_money(raw: &str, currency: &str) -> Option<i64> {
    let decimals = decimals(currency);
    let raw = raw.trim().replace([',', ' '], "");
    let (whole, fraction) = raw.split_once('.').unwrap_or((&raw, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > decimals as usize {
        return None;
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let fraction: i64 = if fraction.is_empty() { 0 } else { format!("{fraction:0<width$}", width = decimals as usize).parse().ok()? };
    whole.checked_mul(10i64.pow(decimals))?.checked_add(fraction)
}

#[cfg(test)]
mod tests {
    #[test]
    fn money_is_written_in_the_currency() {
        assert_eq!(super::money(120_000, "USD"), "1,200.00 USD");
        assert_eq!(super::money(5, "EUR"), "0.05 EUR");
        assert_eq!(super::money(-123_456_789, "EGP"), "-1,234,567.89 EGP");
        assert_eq!(super::money(1_500_000, "JPY"), "1,500,000 JPY");
    }

    #[test]
    fn money_is_read_as_people_type_it() {
        use super::parse_money;
        assert_eq!(parse_money("1,200.50", "USD"), Some(120_050));
        assert_eq!(parse_money(" 1200 ", "USD"), Some(120_000));
        assert_eq!(parse_money("0.5", "EUR"), Some(50));
        assert_eq!(parse_money(".05", "EUR"), Some(5));
        assert_eq!(parse_money("1500000", "JPY"), Some(1_500_000));
        for bad in ["", ".", "-5", "1.005", "12a", "1e3", "99999999999999999999"] {
            assert_eq!(parse_money(bad, "USD"), None, "{bad}");
        }
        assert_eq!(parse_money("10.5", "JPY"), None, "yen has no decimals");
        for cents in [0, 5, 120_050, 123_456_789] {
            assert_eq!(parse_money(&super::amount(cents, "EGP"), "EGP"), Some(cents));
        }
    }
}
