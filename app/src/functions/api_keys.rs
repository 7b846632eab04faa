//! Settings → API keys (owners): list, create (the key shown once), revoke. Thin wrappers
//! over the same domain services as `/api/v1/api-keys`.

use leptos::prelude::*;

use crate::{
    error::AppError,
    models::api_keys::{ApiKeysPage, RevealedApiKey},
};

#[cfg(feature = "ssr")]
use crate::server::{form_failed, is_plain_form_post, redirect, require_owner, session, session_handle};

#[cfg(feature = "ssr")]
const PAGE: &str = "/settings/api-keys";

/// The keys, and the one a form posted without JavaScript just created (shown this once).
#[server(endpoint = "api-keys/page")]
pub async fn get_api_keys() -> Result<ApiKeysPage, AppError> {
    use secrecy::ExposeSecret;
    let (d, user, org) = require_owner().await?;
    let keys = connectgain_domain::accounts::api_keys::list(&d, org).await?;
    let revealed = session::take_revealed(&session_handle().await?, &d, &user).await?;
    Ok(ApiKeysPage {
        keys: keys.into_iter().map(Into::into).collect(),
        revealed: revealed.map(|(name, key)| RevealedApiKey { name, key: key.expose_secret().to_owned() }),
    })
}

/// Creates a key; answers it, this once. Without JavaScript the browser is sent back to the
/// page, which shows it.
#[server(endpoint = "api-keys/create")]
pub async fn create_api_key(name: String, scope: String, #[server(default)] expires_at: Option<String>) -> Result<RevealedApiKey, AppError> {
    use secrecy::ExposeSecret;
    let (d, user, org) = require_owner().await.map_err(|e| form_failed(PAGE, e))?;
    let input = connectgain_domain::accounts::api_keys::ApiKeyInput { name: Some(name), scope: Some(scope), expires_at };
    let issued = connectgain_domain::accounts::api_keys::create(&d, org, user.id, &input).await.map_err(|e| form_failed(PAGE, e.into()))?;
    if is_plain_form_post() {
        session::keep_to_reveal(&session_handle().await?, &d, &user, &issued.view.name, &issued.key).await?;
        redirect(PAGE);
    }
    Ok(RevealedApiKey { name: issued.view.name, key: issued.key.expose_secret().to_owned() })
}

/// Revokes a key: it stops working at once. Answers its id, for the page to drop the row.
#[server(endpoint = "api-keys/revoke")]
pub async fn revoke_api_key(key_id: String) -> Result<String, AppError> {
    use connectgain_domain::accounts::api_keys;
    let (d, _, org) = require_owner().await.map_err(|e| form_failed(PAGE, e))?;
    let id = api_keys::parse_id(&key_id).map_err(|e| form_failed(PAGE, e.into()))?;
    api_keys::revoke(&d, org, id).await.map_err(|e| form_failed(PAGE, e.into()))?;
    if is_plain_form_post() {
        redirect(&format!("{PAGE}?revoked=1"));
    }
    Ok(key_id)
}
