//! Checking an e-mail and password, with the same answer for an unknown account and a
//! wrong password, and a limit on guessing.

use secrecy::SecretString;

use super::{password, users, User};
use crate::{Domain, Error};

pub const WRONG_CREDENTIALS: &str = "The e-mail address or password is not correct.";

/// The user whose e-mail and password these are. `client` is the caller's address, for
/// the per-address limit.
pub async fn check_password(d: &Domain, email: &str, secret: &SecretString, client: Option<&str>) -> Result<User, Error> {
    let email = email.trim().to_lowercase();
    d.login_limiter
        .check(&email, client)
        .map_err(|retry_after_secs| Error::RateLimited { retry_after_secs })?;
    let found = users::find_for_login(&d.db, &email).await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    if password::verify(secret, hash).await? {
        d.login_limiter.record_success(&email);
        return user.ok_or_else(|| Error::Unauthorized(WRONG_CREDENTIALS.into()));
    }
    d.login_limiter.record_failure(&email, client);
    tracing::info!(client = client.unwrap_or("-"), "failed login");
    Err(Error::Unauthorized(WRONG_CREDENTIALS.into()))
}
