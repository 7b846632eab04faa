//! Owners' manual entry of Appgain credentials, and what the settings page shows.

use secrecy::SecretString;

use crate::{error::FieldErrors, ids::OrgId, organizations, Domain, Error};

const SUIT_ID_MAX: usize = 200;
const API_KEY_MAX: usize = 1000;

/// Stores credentials an owner typed. A blank API key keeps the stored one.
pub async fn update(d: &Domain, org: OrgId, suit_id: &str, api_key: &str) -> Result<(), Error> {
    let mut errors = FieldErrors::new();
    let suit_id = suit_id.trim();
    if suit_id.is_empty() {
        errors.insert("suit_id", "Enter the Suit ID.".into());
    } else if suit_id.len() > SUIT_ID_MAX || suit_id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        errors.insert("suit_id", "A Suit ID is a single word of at most 200 characters.".into());
    }
    let api_key = api_key.trim();
    let key = if api_key.is_empty() {
        match organizations::appgain_credentials(&d.db, &d.keys, org).await? {
            Some(existing) => Some(existing.api_key),
            None => {
                errors.insert("api_key", "Enter the API key.".into());
                None
            }
        }
    } else if api_key.len() > API_KEY_MAX || api_key.chars().any(|c| c.is_whitespace() || c.is_control()) {
        errors.insert("api_key", "An API key is a single word of at most 1000 characters.".into());
        None
    } else {
        Some(SecretString::from(api_key))
    };
    match key {
        Some(key) if errors.is_empty() => {
            if !organizations::set_appgain_credentials(&d.db, &d.keys, org, suit_id, &key).await? {
                return Err(Error::NotFound);
            }
            tracing::info!(%org, "Appgain credentials entered by an owner");
            Ok(())
        }
        _ => Err(Error::Invalid(errors)),
    }
}
