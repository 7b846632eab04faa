//! The CRM core whose changes are the outbound events: contacts, deals, conversations with
//! their messages, and campaigns. Each change and the events it causes are written in one
//! transaction ([`outbound::events::emit`](crate::outbound::events::emit)), so an event is
//! never lost nor sent for a change that did not happen. Changes to contacts, deals,
//! conversations and messages run in the shared commit ([`crate::db::GroupCommit`]): the
//! changes of concurrent requests commit together, each in a savepoint of its own.

pub mod campaigns;
pub mod catalogue;
pub mod contacts;
pub mod conversations;
pub mod deals;
pub mod page;
pub mod sending;
mod table;

use serde_json::Value;

use crate::{
    db::Tx,
    ids::{OrgId, UserId},
    on_tx,
    outbound::events::{self, EventType},
    Domain, Error,
};

/// Starts a change: a write transaction.
pub(crate) async fn begin(d: &Domain) -> Result<Tx, Error> {
    Ok(d.db.begin().await?)
}

/// Commits a change and wakes the delivery worker for the events it emitted.
pub(crate) async fn commit(d: &Domain, tx: Tx) -> Result<(), Error> {
    d.wake(tx.commit_written().await?);
    Ok(())
}

/// Emits `event` with `object` (serialized with snake_case keys) as its data.
pub(crate) async fn emit(tx: &mut Tx, org: OrgId, event: EventType, object: &impl serde::Serialize) -> Result<(), Error> {
    let data = serde_json::to_value(object).map_err(Error::internal)?;
    events::emit(tx, org, event, &data).await
}

/// Whether `user` belongs to `org` (assignments only go to the organization's people).
pub(crate) async fn is_member(tx: &mut Tx, org: OrgId, user: UserId) -> Result<bool, Error> {
    let found: Option<i32> = on_tx!(tx, conn => sqlx::query_scalar("SELECT 1 FROM users WHERE id = $1 AND organization_id = $2")
        .bind(user)
        .bind(org)
        .fetch_optional(conn)
        .await)?;
    Ok(found.is_some())
}

/// An assignee from input: a member's id, or `None` to unassign.
pub(crate) async fn assignee(tx: &mut Tx, org: OrgId, raw: Option<&str>) -> Result<Option<UserId>, Error> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(None) };
    let not_member = || Error::invalid("user_id", "Choose a person of this organization.");
    let user: UserId = raw.parse().map_err(|_| not_member())?;
    if is_member(tx, org, user).await? {
        Ok(Some(user))
    } else {
        Err(not_member())
    }
}

/// Free-form attributes as stored and sent: an object whose numbers JavaScript prints the
/// same way (fractions become strings, so an event body never carries a float).
pub fn attributes(value: Option<&Value>) -> Result<Value, Error> {
    fn clean(v: &Value) -> Value {
        match v {
            Value::Number(n) if n.is_f64() => {
                let f = n.as_f64().unwrap_or_default();
                if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
                    Value::from(f as i64)
                } else {
                    Value::String(n.to_string())
                }
            }
            Value::Number(n) if n.as_i64().is_some_and(|i| i.unsigned_abs() > 9_007_199_254_740_991) => Value::String(n.to_string()),
            Value::Number(n) if n.as_u64().is_some_and(|u| u > 9_007_199_254_740_991) => Value::String(n.to_string()),
            Value::Array(items) => Value::Array(items.iter().map(clean).collect()),
            Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), clean(v))).collect()),
            other => other.clone(),
        }
    }
    match value {
        None | Some(Value::Null) => Ok(Value::Object(Default::default())),
        Some(v @ Value::Object(_)) => Ok(clean(v)),
        Some(_) => Err(Error::invalid("attributes", "Give the attributes as a JSON object.")),
    }
}

/// An optional text field: trimmed, blank is absent, at most `max` characters.
pub(crate) fn optional_text(raw: Option<&str>, field: &'static str, max: usize, errors: &mut crate::error::FieldErrors) -> Option<String> {
    let text = raw.map(str::trim).filter(|t| !t.is_empty())?;
    if text.chars().count() > max {
        errors.insert(field, format!("Keep it under {max} characters."));
    } else if text.chars().any(char::is_control) {
        errors.insert(field, "Control characters are not allowed.".into());
    }
    Some(text.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn attributes_never_carry_a_float() {
        let cleaned = super::attributes(Some(&json!({"budget": 99.5, "seats": 3.0, "big": 9007199254740993u64, "tags": [1.25]}))).unwrap();
        assert_eq!(cleaned, json!({"budget": "99.5", "seats": 3, "big": "9007199254740993", "tags": ["1.25"]}));
        assert!(super::attributes(Some(&json!([1]))).is_err());
        assert_eq!(super::attributes(None).unwrap(), json!({}));
    }
}
