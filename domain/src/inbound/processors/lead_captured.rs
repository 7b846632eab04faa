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
    ids::OrgId,
    Domain, Error,
};

const MAPPED: [&str; 5] = ["email", "phone", "name", "first_name", "last_name"];

pub async fn process(d: &Domain, org: OrgId, payload: &Value) -> Result<Value, Error> {
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
    let (mut first_name, mut last_name) = match text("name") {
        Some(name) => match name.split_once(' ') {
            Some((first, last)) => (Some(first.to_owned()), Some(last.trim().to_owned())),
            None => (Some(name), None),
        },
        None => (None, None),
    };
    first_name = text("first_name").or(first_name);
    last_name = text("last_name").or(last_name);
    let extra: Map<String, Value> = lead.iter().filter(|(k, _)| !MAPPED.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();

    let existing = match (&email, &phone) {
        (Some(email), _) => contacts::find_by_email(d, org, email).await?,
        (None, Some(phone)) => contacts::find_by_phone(d, org, phone).await?,
        _ => None,
    };
    let mut merged = existing.as_ref().and_then(|c| c.attributes.as_object().cloned()).unwrap_or_default();
    merged.extend(extra);
    let input = ContactInput { first_name, last_name, email, phone, attributes: Some(attributes(Some(&Value::Object(merged)))?), assigned_to: None };
    let (contact, created) = match existing {
        Some(c) => (contacts::update(d, org, c.id, &input).await?, false),
        None if input.email.is_some() => contacts::upsert_by_email(d, org, &input).await?,
        None => (contacts::create(d, org, &input).await?, true),
    };
    Ok(json!({ "contact_id": contact.id, "created": created }))
}
