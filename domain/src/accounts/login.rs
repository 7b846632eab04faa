//! Checking an e-mail and password, with the same answer for an unknown account and a
//! wrong password, and a limit on guessing.

use secrecy::SecretString;

use super::{password, users, User};
use crate::{Domain, Error};

pub const WRONG_CREDENTIALS: &str = "The e-mail address or password is not correct.";

/// The user whose e-mail and password these are. `client` is the caller's address (see
/// [`crate::trusted_proxies`]), for the per-address limits.
pub async fn check_password(d: &Domain, email: &str, secret: &SecretString, client: Option<&str>) -> Result<User, Error> {
    let email = email.trim().to_lowercase();
    // Reserved before the slow hash, in the same step as the check: concurrent guesses
    // each take a slot, so no more of them are verified than the limit allows.
    let attempt = d.login_limiter.reserve(&email, client).map_err(|retry_after_secs| Error::RateLimited { retry_after_secs })?;
    if !attempt.delay().is_zero() {
        tokio::time::sleep(attempt.delay()).await;
    }
    let found = users::find_for_login(&d.db, &email).await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    d.login_limiter.note_verification();
    if password::verify(secret, hash).await? {
        attempt.succeeded();
        return user.ok_or_else(|| Error::Unauthorized(WRONG_CREDENTIALS.into()));
    }
    drop(attempt); // recorded as a failure
    tracing::info!(client = client.unwrap_or("-"), "failed login");
    Err(Error::Unauthorized(WRONG_CREDENTIALS.into()))
}
