//! Signing up: a user, their organization, and its Appgain credentials — provisioned now
//! when the webhook answers, or later by the retry job when it does not.

use std::net::IpAddr;

use chrono::Utc;
use serde::Deserialize;

use super::{
    fields::{E164Phone, Email, Name, Password},
    password, users, Role, User,
};
use crate::{
    appgain::{provisioning, Credentials, SignupRequest},
    db::Tx,
    error::{is_unique_violation, FieldErrors},
    ids::{OrgId, UserId},
    on_tx,
    organizations::{self, ProvisioningStatus},
    Domain, Error,
};

pub const EMAIL_TAKEN: &str = "An account with this e-mail address already exists.";
const NAME_MAX: usize = 100;

/// The signup form as typed.
#[derive(Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SignupForm {
    pub email: String,
    pub password: String,
    pub organization_name: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

impl std::fmt::Debug for SignupForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignupForm").field("email", &self.email).finish_non_exhaustive()
    }
}

/// A valid signup.
#[derive(Debug)]
pub struct Signup {
    pub email: Email,
    pub password: Password,
    pub organization_name: Name,
    pub first_name: Option<Name>,
    pub last_name: Option<Name>,
    pub phone: Option<E164Phone>,
}

impl Signup {
    /// Every field's problem at once, so a form can show them all.
    pub fn parse(form: &SignupForm) -> Result<Self, Error> {
        let mut errors = FieldErrors::new();
        let email = Email::parse(&form.email).map_err(|m| errors.insert("email", m)).ok();
        let password = Password::parse(&form.password).map_err(|m| errors.insert("password", m)).ok();
        let organization_name = Name::parse(&form.organization_name, "organization name", NAME_MAX).map_err(|m| errors.insert("organization_name", m)).ok();
        let first_name = Name::parse_optional(form.first_name.as_deref(), "first name", NAME_MAX).map_err(|m| errors.insert("first_name", m)).ok();
        let last_name = Name::parse_optional(form.last_name.as_deref(), "last name", NAME_MAX).map_err(|m| errors.insert("last_name", m)).ok();
        let phone = match form.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => Some(None),
            Some(p) => E164Phone::parse(p).map(Some).map_err(|m| errors.insert("phone", m)).ok(),
        };
        match (email, password, organization_name, first_name, last_name, phone) {
            (Some(email), Some(password), Some(organization_name), Some(first_name), Some(last_name), Some(phone)) if errors.is_empty() => {
                Ok(Self { email, password, organization_name, first_name, last_name, phone })
            }
            _ => Err(Error::Invalid(errors)),
        }
    }

    fn display_name(&self) -> String {
        [self.first_name.as_ref(), self.last_name.as_ref()].into_iter().flatten().map(Name::as_str).collect::<Vec<_>>().join(" ")
    }
}

/// How provisioning went at signup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Provisioning {
    Provisioned,
    /// The webhook failed; retries run in the background. `warning` is for the user.
    Pending {
        warning: String,
    },
}

#[derive(Debug)]
pub struct SignupOutcome {
    pub user: User,
    pub organization_id: OrgId,
    pub provisioning: Provisioning,
}

pub const PENDING_WARNING: &str = "Your account is ready, but your Appgain credentials could not be set up yet. \
     We keep retrying in the background; you can also enter them in Settings.";

/// Signs up; `client` is the caller's address, for the signup quota (charged before the
/// e-mail check, so probing which addresses have accounts is limited too).
pub async fn signup(d: &Domain, signup: Signup, client: Option<IpAddr>) -> Result<SignupOutcome, Error> {
    d.quotas.signup(client)?;
    let email_taken = || Error::Conflict(EMAIL_TAKEN.into());
    if users::email_taken(&d.db, signup.email.as_str()).await? {
        return Err(email_taken());
    }
    let password_hash = password::hash(signup.password.secret()).await?;
    let name = signup.display_name();
    let request = SignupRequest {
        phone: signup.phone.as_ref().map(E164Phone::as_str),
        email: signup.email.as_str(),
        name: &name,
        password: signup.password.secret(),
        org: signup.organization_name.as_str(),
    };
    let provisioned = d.appgain.provision(&request).await;

    let mut tx = d.db.begin().await?;
    let status = if provisioned.is_ok() { ProvisioningStatus::Provisioned } else { ProvisioningStatus::Pending };
    let org = organizations::create_in(&mut tx, signup.organization_name.as_str(), status).await?;
    let new_user = NewUser {
        organization_id: Some(org.id),
        email: &signup.email,
        password_hash: &password_hash,
        first_name: signup.first_name.as_ref(),
        last_name: signup.last_name.as_ref(),
        phone: signup.phone.as_ref(),
        role: Role::Owner,
    };
    let user = match insert_user_in(&mut tx, &new_user).await {
        Err(e) if is_unique_violation(&e) => return Err(email_taken()),
        other => other?,
    };
    let provisioning = match &provisioned {
        Ok(credentials) => {
            store_credentials_in(&mut tx, d, org.id, user.id, credentials).await?;
            Provisioning::Provisioned
        }
        Err(error) => {
            let message = error.to_string();
            provisioning::enqueue_in(&mut tx, d, org.id, user.id, signup.password.secret(), &message).await?;
            on_tx!(&mut tx, conn => sqlx::query("UPDATE organizations SET provisioning_error = $1 WHERE id = $2")
                .bind(&message)
                .bind(org.id)
                .execute(conn)
                .await
                .map(|_| ()))?;
            Provisioning::Pending { warning: PENDING_WARNING.into() }
        }
    };
    // A new organization has no subscriptions yet, so this stores nothing; it keeps every
    // way a user is added emitting the event.
    super::users::emit_created(&mut tx, &user).await?;
    tx.commit().await?;

    match &provisioned {
        Ok(_) => tracing::info!(org = %org.id, user = %user.id, "signup: provisioned"),
        Err(error) => {
            tracing::warn!(org = %org.id, user = %user.id, error = %error, "signup: provisioning failed; retrying in the background");
            d.provisioning_wake.notify_one();
        }
    }
    Ok(SignupOutcome { user, organization_id: org.id, provisioning })
}

async fn store_credentials_in(tx: &mut Tx, d: &Domain, org: OrgId, user: UserId, credentials: &Credentials) -> Result<(), sqlx::Error> {
    organizations::store_credentials_in(tx, &d.keys, org, credentials, ProvisioningStatus::Provisioned).await?;
    provisioning::store_user_backup_in(tx, &d.keys, user, credentials).await
}

pub(crate) struct NewUser<'a> {
    pub organization_id: Option<OrgId>,
    pub email: &'a Email,
    pub password_hash: &'a str,
    pub first_name: Option<&'a Name>,
    pub last_name: Option<&'a Name>,
    pub phone: Option<&'a E164Phone>,
    pub role: Role,
}

pub(crate) async fn insert_user_in(tx: &mut Tx, new: &NewUser<'_>) -> Result<User, sqlx::Error> {
    let now = Utc::now();
    let user = User {
        id: UserId::new(),
        organization_id: new.organization_id,
        email: new.email.as_str().to_owned(),
        first_name: new.first_name.map(|n| n.as_str().to_owned()),
        last_name: new.last_name.map(|n| n.as_str().to_owned()),
        phone: new.phone.map(|p| p.as_str().to_owned()),
        role: new.role,
        created_at: now,
    };
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO users (id, organization_id, email, password_hash, first_name, last_name, phone, role, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(user.id)
    .bind(user.organization_id)
    .bind(&user.email)
    .bind(new.password_hash)
    .bind(&user.first_name)
    .bind(&user.last_name)
    .bind(&user.phone)
    .bind(user.role.as_str())
    .bind(now)
    .execute(conn)
    .await
    .map(|_| ()))?;
    Ok(user)
}
