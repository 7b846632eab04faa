//! The login session: who is logged in, and their organization's Appgain credentials.
//!
//! The credentials are loaded at login and whenever the organization's change (a retry
//! succeeded, an owner entered new ones): each request compares a version number. In the
//! session record the API key is a `cg1:` ciphertext bound to the user, never plaintext.

use connectgain_domain::{
    accounts::{users, User},
    appgain::Credentials,
    crypto::SecretBinding,
    ids::UserId,
    organizations, Domain, Error,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

const USER_KEY: &str = "user_id";
const APPGAIN_KEY: &str = "appgain";
/// The binding of the API key's ciphertext inside a session record.
const SESSION_KEY_FIELD: &str = "sessions.appgain_api_key";
const REVEAL_KEY: &str = "revealed_secret";
/// The binding of a just-created secret's ciphertext, kept for the next page.
const REVEAL_FIELD: &str = "sessions.revealed_secret";

/// A secret created by a form posted without JavaScript, for the page the browser is sent
/// to next to show once.
#[derive(Serialize, Deserialize)]
struct Revealed {
    label: String,
    /// A `cg1:` ciphertext.
    secret: String,
}

#[derive(Serialize, Deserialize)]
struct SessionCredentials {
    suit_id: String,
    /// A `cg1:` ciphertext.
    api_key: String,
    version: i64,
}

fn session_error(error: tower_sessions::session::Error) -> Error {
    Error::internal(error)
}

/// Starts a logged-in session: a new session id (so a planted one is useless), the user,
/// and the credentials.
pub async fn log_in(session: &Session, d: &Domain, user: &User) -> Result<(), Error> {
    session.cycle_id().await.map_err(session_error)?;
    session.insert(USER_KEY, user.id).await.map_err(session_error)?;
    refresh_credentials(session, d, user).await
}

pub async fn log_out(session: &Session) -> Result<(), Error> {
    session.flush().await.map_err(session_error)
}

/// The logged-in user, with the session's credentials brought up to date.
pub async fn current_user(session: &Session, d: &Domain) -> Result<Option<User>, Error> {
    let Some(id) = session.get::<UserId>(USER_KEY).await.map_err(session_error)? else { return Ok(None) };
    let Some(user) = users::find(&d.db, id).await? else {
        // The user was removed: the session ends with them.
        log_out(session).await?;
        return Ok(None);
    };
    refresh_credentials(session, d, &user).await?;
    Ok(Some(user))
}

async fn refresh_credentials(session: &Session, d: &Domain, user: &User) -> Result<(), Error> {
    let Some(org) = user.organization_id else { return Ok(()) };
    let version = organizations::appgain_version(&d.db, org).await?;
    let cached: Option<SessionCredentials> = session.get(APPGAIN_KEY).await.map_err(session_error)?;
    if cached.is_some_and(|c| c.version == version) {
        return Ok(());
    }
    match organizations::appgain_credentials(&d.db, &d.keys, org).await? {
        Some(credentials) => {
            let sealed = d.keys.encrypt(credentials.api_key.expose_secret(), &SecretBinding::new(SESSION_KEY_FIELD, user.id));
            let entry = SessionCredentials { suit_id: credentials.suit_id, api_key: sealed, version };
            session.insert(APPGAIN_KEY, entry).await.map_err(session_error)?;
        }
        None => {
            session.remove::<SessionCredentials>(APPGAIN_KEY).await.map_err(session_error)?;
        }
    }
    Ok(())
}

/// The credentials held in the session (for campaign sending), if any.
pub async fn credentials(session: &Session, d: &Domain, user: &User) -> Result<Option<Credentials>, Error> {
    let cached: Option<SessionCredentials> = session.get(APPGAIN_KEY).await.map_err(session_error)?;
    let Some(cached) = cached else { return Ok(None) };
    // A key rotation makes old session copies unreadable: treat them as absent.
    Ok(d.keys
        .decrypt(&cached.api_key, &SecretBinding::new(SESSION_KEY_FIELD, user.id))
        .ok()
        .map(|api_key: SecretString| Credentials { suit_id: cached.suit_id, api_key }))
}

/// Keeps a just-created secret (sealed) for the next page to show once: a form posted
/// without JavaScript is answered with a redirect, and the secret must not travel in the
/// address.
pub async fn keep_to_reveal(session: &Session, d: &Domain, user: &User, label: &str, secret: &SecretString) -> Result<(), Error> {
    let sealed = d.keys.encrypt(secret.expose_secret(), &SecretBinding::new(REVEAL_FIELD, user.id));
    session.insert(REVEAL_KEY, Revealed { label: label.to_owned(), secret: sealed }).await.map_err(session_error)
}

/// The secret [`keep_to_reveal`] kept, removed from the session: it is shown once.
pub async fn take_revealed(session: &Session, d: &Domain, user: &User) -> Result<Option<(String, SecretString)>, Error> {
    let Some(kept) = session.remove::<Revealed>(REVEAL_KEY).await.map_err(session_error)? else { return Ok(None) };
    Ok(d.keys.decrypt(&kept.secret, &SecretBinding::new(REVEAL_FIELD, user.id)).ok().map(|secret: SecretString| (kept.label, secret)))
}
