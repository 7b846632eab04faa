//! Platform admins: created from the command line or the environment, never by signup.

use secrecy::SecretString;

use super::{
    fields::{Email, Password},
    password,
    signup::{insert_user_in, NewUser},
    users, Role, User,
};
use crate::{on_db, Domain, Error};

/// Creates the admin, or resets the password of the existing one. A non-admin account with
/// this e-mail is refused rather than promoted.
pub async fn ensure_admin(d: &Domain, email: &str, secret: &SecretString) -> Result<User, Error> {
    use secrecy::ExposeSecret;
    let email = Email::parse(email).map_err(|m| Error::invalid("email", m))?;
    let checked = Password::parse(secret.expose_secret()).map_err(|m| Error::invalid("password", m))?;
    let hash = password::hash(checked.secret()).await?;
    if let Some((user, _)) = users::find_for_login(&d.db, email.as_str()).await? {
        if user.role != Role::Admin {
            return Err(Error::Conflict(format!("{} is already a user of an organization", email.as_str())));
        }
        on_db!(&d.db, pool => sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(&hash)
            .bind(chrono::Utc::now())
            .bind(user.id)
            .execute(pool)
            .await
            .map(|_| ()))?;
        return Ok(user);
    }
    let mut tx = d.db.begin().await?;
    let user = insert_user_in(
        &mut tx,
        &NewUser { organization_id: None, email: &email, password_hash: &hash, first_name: None, last_name: None, phone: None, role: Role::Admin },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user = %user.id, "platform admin created");
    Ok(user)
}
