//! `lead.captured`: creates or updates the contact with the lead's e-mail (or, without one,
//! its phone number), which emits contact.created or contact.updated.
//!
//! Mapping: `email`, `phone`; `name` splits at the first space into first and last name
//! (`first_name` / `last_name` when given win); every other field is kept in the contact's
//! attributes, merged over the attributes it already has.

use serde_json::{json, Map, Value};

use crate::{
    crm::{
        attributes,
        contacts::{self, ContactInput},
    },
    db::Tx,
    ids::OrgId,
    Domain, Error,
};

const MAPPED: [&str; 5] = ["email", "phone", "name", "first_name", "last_name"];

/// Processes a lead in a change of its own.
pub async fn process(d: &Domain, org: OrgId, payload: &Value) -> Result<Value, Error> {
    let lead = Lead::parse(payload)?;
    d.changes.run(move |tx| Box::pin(lead.clone().upsert(tx, org))).await
}

/// A lead as received: the fields that find and fill the contact, and the rest.
#[derive(Clone)]
pub(crate) struct Lead {
    email: Option<String>,
    phone: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    extra: Map<String, Value>,
}

impl Lead {
    pub(crate) fn parse(payload: &Value) -> Result<Self, Error> {
        let Value::Object(lead) = payload else {
            return Err(Error::invalid("payload", "A lead is a JSON object."));
        };
        let text = |key: &str| match lead.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let (email, phone) = (text("email"), text("phone"));
        if email.is_none() && phone.is_none() {
            return Err(Error::invalid("email", "A lead needs an email (or a phone)."));
        }
        let (first_name, last_name) = match text("name") {
            Some(name) => match name.split_once(' ') {
                Some((first, last)) => (Some(first.to_owned()), Some(last.trim().to_owned())),
                None => (Some(name), None),
            },
            None => (None, None),
        };
        Ok(Self {
            first_name: text("first_name").or(first_name),
            last_name: text("last_name").or(last_name),
            email,
            phone,
            extra: lead.iter().filter(|(k, _)| !MAPPED.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect(),
        })
    }

    /// Creates or updates the lead's contact within a change; answers the event's result.
    pub(crate) async fn upsert(self, tx: &mut Tx, org: OrgId) -> Result<Value, Error> {
        let existing = match (&self.email, &self.phone) {
            (Some(email), _) => contacts::find_by_email_in(tx, org, email).await?,
            (None, Some(phone)) => contacts::find_by_phone_in(tx, org, phone).await?,
            _ => None,
        };
        let mut merged = existing.as_ref().and_then(|c| c.attributes.as_object().cloned()).unwrap_or_default();
        merged.extend(self.extra);
        let input = ContactInput {
            first_name: self.first_name,
            last_name: self.last_name,
            email: self.email,
            phone: self.phone,
            attributes: Some(attributes(Some(&Value::Object(merged)))?),
            assigned_to: None,
        };
        let (contact, created) = match existing {
            Some(c) => (contacts::update_in(tx, org, c.id, contacts::parse(&input)?).await?, false),
            None => (contacts::create_in(tx, org, contacts::parse_new(&input)?).await?, true),
        };
        Ok(json!({ "contact_id": contact.id, "created": created }))
    }
}
