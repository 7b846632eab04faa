//! Contacts: people an organization talks to. Changes emit contact.created, .updated,
//! .assigned and .deleted with the whole contact as the event's data.

use std::{collections::HashMap, sync::LazyLock};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::{
    assignee, attributes, emit, optional_text,
    page::Page,
    table::{self, Table},
};
use crate::{
    accounts::fields::{E164Phone, Email},
    db::Tx,
    error::{is_unique_violation, FieldErrors},
    ids::{OrgId, UserId},
    on_db, on_tx,
    outbound::events::EventType,
    Domain, Error,
};

crate::typed_id!(
    /// A contact of an organization.
    ContactId
);

/// A contact as the API answers it and as events carry it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contact {
    pub id: ContactId,
    pub organization_id: OrgId,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Other fields, e.g. from a captured lead.
    pub attributes: Value,
    pub assigned_to: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    id: ContactId,
    organization_id: OrgId,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    attributes: String,
    assigned_to: Option<UserId>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// What a person calls a contact: its name, else its e-mail address or phone number.
pub fn display_name(first: Option<&str>, last: Option<&str>, email: Option<&str>, phone: Option<&str>) -> String {
    let name = [first, last].into_iter().flatten().map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
    match (name.is_empty(), email.or(phone)) {
        (false, _) => name,
        (true, Some(reach)) => reach.to_owned(),
        (true, None) => "Unnamed contact".to_owned(),
    }
}

impl Contact {
    pub fn display_name(&self) -> String {
        display_name(self.first_name.as_deref(), self.last_name.as_deref(), self.email.as_deref(), self.phone.as_deref())
    }
}

impl From<Row> for Contact {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            organization_id: r.organization_id,
            first_name: r.first_name,
            last_name: r.last_name,
            email: r.email,
            phone: r.phone,
            attributes: serde_json::from_str(&r.attributes).unwrap_or_else(|_| Value::Object(Default::default())),
            assigned_to: r.assigned_to,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

const COLUMNS: &str = "id, organization_id, first_name, last_name, email, phone, attributes, assigned_to, created_at, updated_at";

impl Table for Contact {
    type Row = Row;
    type Id = ContactId;
    const NAME: &'static str = "contacts";
    const COLUMNS: &'static str = COLUMNS;

    fn page_key(&self) -> (DateTime<Utc>, Uuid) {
        (self.created_at, self.id.0)
    }
}

pub use connectgain_types::crm::ContactInput;

/// The input's fields, parsed; `None` = not given.
#[derive(Clone)]
pub(crate) struct Parsed {
    first_name: Option<Option<String>>,
    last_name: Option<Option<String>>,
    email: Option<Option<String>>,
    phone: Option<Option<String>>,
    attributes: Option<Value>,
    /// A member's id as given (checked within the change), blank to unassign.
    assigned_to: Option<String>,
}

/// The input of a new contact: what [`parse`] checks, and at least one way to reach them.
pub(crate) fn parse_new(input: &ContactInput) -> Result<Parsed, Error> {
    let p = parse(input)?;
    let given = |f: &Option<Option<String>>| f.as_ref().is_some_and(Option::is_some);
    if !(given(&p.first_name) || given(&p.last_name) || given(&p.email) || given(&p.phone)) {
        return Err(Error::invalid("email", "Give at least a name, an e-mail address or a phone number."));
    }
    Ok(p)
}

pub(crate) fn parse(input: &ContactInput) -> Result<Parsed, Error> {
    let mut errors = FieldErrors::new();
    let name = |raw: &Option<String>, field: &'static str, errors: &mut FieldErrors| raw.as_ref().map(|r| optional_text(Some(r), field, 100, errors));
    let first_name = name(&input.first_name, "first_name", &mut errors);
    let last_name = name(&input.last_name, "last_name", &mut errors);
    let email = input.email.as_ref().map(|raw| match raw.trim() {
        "" => None,
        text => Email::parse(text).map_err(|m| errors.insert("email", m)).ok().map(|e| e.as_str().to_owned()),
    });
    let phone = input.phone.as_ref().map(|raw| match raw.trim() {
        "" => None,
        text => E164Phone::parse(text).map_err(|m| errors.insert("phone", m)).ok().map(|p| p.as_str().to_owned()),
    });
    let attributes = match input.attributes.as_ref().map(|a| attributes(Some(a))).transpose() {
        Ok(a) => a,
        Err(Error::Invalid(e)) => {
            errors.extend(e);
            None
        }
        Err(other) => return Err(other),
    };
    if errors.is_empty() {
        Ok(Parsed { first_name, last_name, email, phone, attributes, assigned_to: input.assigned_to.clone() })
    } else {
        Err(Error::Invalid(errors))
    }
}

fn taken(email: &Option<String>) -> Error {
    Error::Conflict(format!("A contact with the e-mail {} already exists.", email.as_deref().unwrap_or_default()))
}

/// Creates a contact: contact.created (and contact.assigned when it has an assignee).
pub async fn create(d: &Domain, org: OrgId, input: &ContactInput) -> Result<Contact, Error> {
    let new = parse_new(input)?;
    d.changes.run(move |tx| Box::pin(create_in(tx, org, new.clone()))).await
}

/// [`create`] within a change, from input [`parse_new`] accepted.
pub(crate) async fn create_in(tx: &mut Tx, org: OrgId, p: Parsed) -> Result<Contact, Error> {
    let assigned_to = assignee(tx, org, p.assigned_to.as_deref()).await?;
    let now = Utc::now();
    let contact = Contact {
        id: ContactId::new(),
        organization_id: org,
        first_name: p.first_name.flatten(),
        last_name: p.last_name.flatten(),
        email: p.email.flatten(),
        phone: p.phone.flatten(),
        attributes: p.attributes.unwrap_or_else(|| Value::Object(Default::default())),
        assigned_to,
        created_at: now,
        updated_at: now,
    };
    insert(tx, &contact).await?;
    emit(tx, org, EventType::ContactCreated, &contact).await?;
    if contact.assigned_to.is_some() {
        emit(tx, org, EventType::ContactAssigned, &contact).await?;
    }
    Ok(contact)
}

async fn insert(tx: &mut Tx, c: &Contact) -> Result<(), Error> {
    let result = on_tx!(tx, conn => sqlx::query(&format!("INSERT INTO contacts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"))
        .bind(c.id)
        .bind(c.organization_id)
        .bind(&c.first_name)
        .bind(&c.last_name)
        .bind(&c.email)
        .bind(&c.phone)
        .bind(c.attributes.to_string())
        .bind(c.assigned_to)
        .bind(c.created_at)
        .bind(c.updated_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()));
    match result {
        Err(e) if is_unique_violation(&e) => Err(taken(&c.email)),
        other => other.map(drop).map_err(Error::from),
    }
}

async fn find(tx: &mut Tx, org: OrgId, id: ContactId) -> Result<Contact, Error> {
    table::find(tx, org, id).await
}

pub async fn get(d: &Domain, org: OrgId, id: ContactId) -> Result<Contact, Error> {
    table::get(&d.db, org, id).await
}

/// The contact with this e-mail address, if any.
pub async fn find_by_email(d: &Domain, org: OrgId, email: &str) -> Result<Option<Contact>, Error> {
    let Ok(email) = Email::parse(email) else { return Ok(None) };
    let row: Option<Row> = on_db!(&d.db, pool => sqlx::query_as(&BY_EMAIL).bind(org).bind(email.as_str()).fetch_optional(pool).await)?;
    Ok(row.map(Contact::from))
}

static BY_EMAIL: LazyLock<String> = LazyLock::new(|| format!("SELECT {COLUMNS} FROM contacts WHERE organization_id = $1 AND email = $2"));
static BY_PHONE: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {COLUMNS} FROM contacts WHERE organization_id = $1 AND phone = $2 ORDER BY created_at LIMIT 1"));

/// [`find_by_email`] within a change (it sees the change's own writes and its batch's).
pub(crate) async fn find_by_email_in(tx: &mut Tx, org: OrgId, email: &str) -> Result<Option<Contact>, Error> {
    let Ok(email) = Email::parse(email) else { return Ok(None) };
    let sql = format!("{}{}", *BY_EMAIL, table::for_update(tx));
    let row: Option<Row> = on_tx!(tx, conn => sqlx::query_as(&sql).bind(org).bind(email.as_str()).fetch_optional(conn).await)?;
    Ok(row.map(Contact::from))
}

/// [`find_by_phone`] within a change.
pub(crate) async fn find_by_phone_in(tx: &mut Tx, org: OrgId, phone: &str) -> Result<Option<Contact>, Error> {
    let Ok(phone) = E164Phone::parse(phone) else { return Ok(None) };
    let sql = format!("{}{}", *BY_PHONE, table::for_update(tx));
    let row: Option<Row> = on_tx!(tx, conn => sqlx::query_as(&sql).bind(org).bind(phone.as_str()).fetch_optional(conn).await)?;
    Ok(row.map(Contact::from))
}

/// Which contacts a list shows.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct ContactQuery {
    /// The one with this e-mail address.
    pub email: Option<String>,
    /// Those whose name or e-mail address contains this text (any case), or whose phone
    /// number contains its digits (when it has three or more).
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// Contacts newest first, in pages.
pub async fn list(d: &Domain, org: OrgId, query: &ContactQuery) -> Result<Page<Contact>, Error> {
    if let Some(email) = query.email.as_deref().filter(|e| !e.trim().is_empty()) {
        let found = find_by_email(d, org, email).await?;
        return Ok(Page { data: found.into_iter().collect(), next_cursor: None });
    }
    let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) else {
        return table::list(&d.db, org, query.cursor.as_deref(), query.limit).await;
    };
    if q.chars().count() > 200 {
        return Err(Error::invalid("q", "Search for at most 200 characters."));
    }
    let text = format!("%{}%", like_escaped(&q.to_lowercase()));
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    // Too few digits to mean a number: a pattern no stored (E.164) number matches.
    let phone = if digits.len() >= 3 { format!("%{digits}%") } else { "-".to_owned() };
    let matching = table::Matching { sql: SEARCH, binds: &[table::Bind::Text(text), table::Bind::Text(phone)] };
    table::list_matching(&d.db, org, &matching, query.cursor.as_deref(), query.limit).await
}

/// The name (first, last, or both as written), the e-mail address, the phone number.
const SEARCH: &str = "lower(COALESCE(first_name, '') || ' ' || COALESCE(last_name, '')) LIKE $5 ESCAPE '\\' \
     OR lower(COALESCE(email, '')) LIKE $5 ESCAPE '\\' OR COALESCE(phone, '') LIKE $6";

/// `text` matching itself in a LIKE pattern with `\` as the escape character.
fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Changes the given fields; emits contact.updated (and contact.assigned when the assignee
/// changed). Nothing changed, nothing emitted.
pub async fn update(d: &Domain, org: OrgId, id: ContactId, input: &ContactInput) -> Result<Contact, Error> {
    let p = parse(input)?;
    d.changes.run(move |tx| Box::pin(update_in(tx, org, id, p.clone()))).await
}

/// [`update`] within a change.
pub(crate) async fn update_in(tx: &mut Tx, org: OrgId, id: ContactId, p: Parsed) -> Result<Contact, Error> {
    let before = find(tx, org, id).await?;
    let mut after = before.clone();
    if let Some(v) = p.first_name {
        after.first_name = v;
    }
    if let Some(v) = p.last_name {
        after.last_name = v;
    }
    if let Some(v) = p.email {
        after.email = v;
    }
    if let Some(v) = p.phone {
        after.phone = v;
    }
    if let Some(v) = p.attributes {
        after.attributes = v;
    }
    if p.assigned_to.is_some() {
        after.assigned_to = assignee(tx, org, p.assigned_to.as_deref()).await?;
    }
    if after == before {
        return Ok(before);
    }
    // As when it was created: a contact stays someone a person can name or reach.
    if [&after.first_name, &after.last_name, &after.email, &after.phone].iter().all(|f| f.is_none()) {
        return Err(Error::invalid("email", "Keep at least a name, an e-mail address or a phone number."));
    }
    after.updated_at = Utc::now();
    save(tx, &after).await?;
    emit(tx, org, EventType::ContactUpdated, &after).await?;
    if after.assigned_to != before.assigned_to && after.assigned_to.is_some() {
        emit(tx, org, EventType::ContactAssigned, &after).await?;
    }
    Ok(after)
}

async fn save(tx: &mut Tx, c: &Contact) -> Result<(), Error> {
    let result = on_tx!(tx, conn => sqlx::query(
        "UPDATE contacts SET first_name = $1, last_name = $2, email = $3, phone = $4, attributes = $5, assigned_to = $6, updated_at = $7 \
         WHERE id = $8 AND organization_id = $9",
    )
    .bind(&c.first_name)
    .bind(&c.last_name)
    .bind(&c.email)
    .bind(&c.phone)
    .bind(c.attributes.to_string())
    .bind(c.assigned_to)
    .bind(c.updated_at)
    .bind(c.id)
    .bind(c.organization_id)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()));
    match result {
        Err(e) if is_unique_violation(&e) => Err(taken(&c.email)),
        other => other.map(drop).map_err(Error::from),
    }
}

/// Assigns the contact to a member (or nobody, with `None`).
pub async fn assign(d: &Domain, org: OrgId, id: ContactId, user: Option<&str>) -> Result<Contact, Error> {
    let input = ContactInput { assigned_to: Some(user.unwrap_or_default().to_owned()), ..Default::default() };
    update(d, org, id, &input).await
}

/// Deletes the contact; contact.deleted carries it as it was.
pub async fn delete(d: &Domain, org: OrgId, id: ContactId) -> Result<(), Error> {
    d.changes.run(move |tx| Box::pin(delete_in(tx, org, id))).await
}

async fn delete_in(tx: &mut Tx, org: OrgId, id: ContactId) -> Result<(), Error> {
    let contact = find(tx, org, id).await?;
    on_tx!(tx, conn => sqlx::query("DELETE FROM contacts WHERE id = $1 AND organization_id = $2")
        .bind(id)
        .bind(org)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    emit(tx, org, EventType::ContactDeleted, &contact).await
}

/// A contact id from a path or body; malformed ids are simply not found.
pub fn parse_id(raw: &str) -> Result<ContactId, Error> {
    raw.parse::<Uuid>().map(ContactId).map_err(|_| Error::NotFound)
}

/// The contact with this phone number (any formatting [`E164Phone`] accepts), if any.
pub async fn find_by_phone(d: &Domain, org: OrgId, phone: &str) -> Result<Option<Contact>, Error> {
    let Ok(phone) = E164Phone::parse(phone) else { return Ok(None) };
    let row: Option<Row> = on_db!(&d.db, pool => sqlx::query_as(&BY_PHONE).bind(org).bind(phone.as_str()).fetch_optional(pool).await)?;
    Ok(row.map(Contact::from))
}

/// The contact a person means by an e-mail address, a phone number or its id, if any.
pub async fn find_by_address(d: &Domain, org: OrgId, address: &str) -> Result<Option<Contact>, Error> {
    if let Ok(id) = address.trim().parse::<ContactId>() {
        return match get(d, org, id).await {
            Err(Error::NotFound) => Ok(None),
            found => found.map(Some),
        };
    }
    if address.contains('@') {
        find_by_email(d, org, address).await
    } else {
        find_by_phone(d, org, address).await
    }
}

/// What each of these contacts is called ([`Contact::display_name`]); ids of other
/// organizations or of deleted contacts are left out.
pub async fn names(d: &Domain, org: OrgId, ids: &[ContactId]) -> Result<HashMap<ContactId, String>, Error> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let placeholders = (2..ids.len() + 2).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
    let sql = format!("SELECT {COLUMNS} FROM contacts WHERE organization_id = $1 AND id IN ({placeholders})");
    let rows: Vec<Row> = on_db!(&d.db, pool => {
        let mut q = sqlx::query_as(&sql).bind(org);
        for id in &ids {
            q = q.bind(*id);
        }
        q.fetch_all(pool).await
    })?;
    Ok(rows.into_iter().map(Contact::from).map(|c| (c.id, c.display_name())).collect())
}
