//! Adding members: an owner creates a one-use invitation link that expires; whoever opens
//! it sets up their own login and joins the organization as a member.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{
    fields::{Email, Name, Password},
    password,
    signup::{insert_user_in, NewUser, EMAIL_TAKEN},
    tokens::{hash_secret, random_secret},
    Role, User,
};
use crate::{
    error::{is_unique_violation, FieldErrors},
    ids::{OrgId, UserId},
    on_db, on_tx, Domain, Error,
};

/// How long an invitation link works.
pub const VALID_FOR: chrono::Duration = chrono::Duration::days(7);
pub const INVALID_LINK: &str = "This invitation link is invalid, has expired, or was already used.";

/// A freshly created invitation: the only time its token exists outside the caller.
pub struct Invitation {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// The prefix of invitation tokens, apart from inbound keys' `cgi_` so that neither can be
/// taken for the other. Tokens are looked up by the hash of the whole token, so links
/// issued with the former `cgi_` prefix keep working until they expire.
pub const PREFIX: &str = "cgv_";

pub async fn create(d: &Domain, org: OrgId, created_by: UserId) -> Result<Invitation, Error> {
    let token = random_secret(PREFIX);
    let now = Utc::now();
    let expires_at = now + VALID_FOR;
    on_db!(&d.db, pool => sqlx::query(
        "INSERT INTO invitations (id, organization_id, token_hash, created_by, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(uuid::Uuid::new_v4())
    .bind(org)
    .bind(hash_secret(&token))
    .bind(created_by)
    .bind(expires_at)
    .bind(now)
    .execute(pool)
    .await
    .map(|_| ()))?;
    Ok(Invitation { token, expires_at })
}

/// The name of the organization a live invitation is for.
pub async fn preview(d: &Domain, token: &str) -> Result<String, Error> {
    let name: Option<String> = on_db!(&d.db, pool => sqlx::query_scalar(
        "SELECT o.name FROM invitations i JOIN organizations o ON o.id = i.organization_id \
         WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2",
    )
    .bind(hash_secret(token))
    .bind(Utc::now())
    .fetch_optional(pool)
    .await)?;
    name.ok_or(Error::NotFound)
}

/// The form an invited person fills in.
#[derive(Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AcceptForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
}

/// Uses the invitation (once) and creates the member. `client` is the caller's address:
/// accepts share the signup quota, since each costs a password hash.
pub async fn accept(d: &Domain, token: &str, form: &AcceptForm, client: Option<std::net::IpAddr>) -> Result<User, Error> {
    let mut errors = FieldErrors::new();
    let email = Email::parse(&form.email).map_err(|m| errors.insert("email", m)).ok();
    let secret = Password::parse(&form.password).map_err(|m| errors.insert("password", m)).ok();
    let first = Name::parse_optional(form.first_name.as_deref(), "first name", 100).map_err(|m| errors.insert("first_name", m)).ok();
    let last = Name::parse_optional(form.last_name.as_deref(), "last name", 100).map_err(|m| errors.insert("last_name", m)).ok();
    let (Some(email), Some(secret), Some(first), Some(last)) = (email, secret, first, last) else {
        return Err(Error::Invalid(errors));
    };
    d.quotas.signup(client)?;
    let hash = password::hash(secret.secret()).await?;

    let mut tx = d.db.begin().await?;
    let org: Option<OrgId> = on_tx!(&mut tx, conn => sqlx::query_scalar(
        "UPDATE invitations SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
         RETURNING organization_id",
    )
    .bind(Utc::now())
    .bind(hash_secret(token))
    .fetch_optional(conn)
    .await)?;
    let org = org.ok_or(Error::NotFound)?;
    let new = NewUser {
        organization_id: Some(org),
        email: &email,
        password_hash: &hash,
        first_name: first.as_ref(),
        last_name: last.as_ref(),
        phone: None,
        role: Role::Member,
    };
    let user = match insert_user_in(&mut tx, &new).await {
        Err(e) if is_unique_violation(&e) => return Err(Error::Conflict(EMAIL_TAKEN.into())),
        other => other?,
    };
    super::users::emit_created(&mut tx, &user).await?;
    tx.commit().await?;
    d.outbound_wake();
    tracing::info!(org = %org, user = %user.id, "member joined by invitation");
    Ok(user)
}
