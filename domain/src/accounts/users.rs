//! Users and their roles.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    ids::{OrgId, UserId},
    on_db, Db, Error,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Uses the CRM of their organization.
    Member,
    /// Also manages the organization's settings (the user who signed it up).
    Owner,
    /// Manages every tenant's integrations; belongs to no organization.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Owner => "owner",
            Role::Admin => "admin",
        }
    }

    fn from_db(text: &str) -> Result<Self, Error> {
        match text {
            "member" => Ok(Role::Member),
            "owner" => Ok(Role::Owner),
            "admin" => Ok(Role::Admin),
            other => Err(Error::internal(anyhow::anyhow!("unknown role `{other}` in the database"))),
        }
    }
}

#[derive(Clone, Debug)]
pub struct User {
    pub id: UserId,
    pub organization_id: Option<OrgId>,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

impl User {
    /// "First Last", or the e-mail address when no name was given.
    pub fn display_name(&self) -> String {
        let name = [self.first_name.as_deref(), self.last_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            self.email.clone()
        } else {
            name
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: UserId,
    organization_id: Option<OrgId>,
    email: String,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    role: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<UserRow> for User {
    type Error = Error;
    fn try_from(row: UserRow) -> Result<Self, Error> {
        Ok(User {
            id: row.id,
            organization_id: row.organization_id,
            email: row.email,
            first_name: row.first_name,
            last_name: row.last_name,
            phone: row.phone,
            role: Role::from_db(&row.role)?,
            created_at: row.created_at,
        })
    }
}

pub(crate) const USER_COLUMNS: &str = "id, organization_id, email, first_name, last_name, phone, role, created_at";

pub async fn find(db: &Db, id: UserId) -> Result<Option<User>, Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row: Option<UserRow> = on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await)?;
    row.map(User::try_from).transpose()
}

/// The user with this (already lower-cased) e-mail and their password hash.
pub async fn find_for_login(db: &Db, email: &str) -> Result<Option<(User, String)>, Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        password_hash: String,
    }
    let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1");
    let row: Option<Row> = on_db!(db, pool => sqlx::query_as(&sql).bind(email).fetch_optional(pool).await)?;
    row.map(|r| Ok((User::try_from(r.user)?, r.password_hash))).transpose()
}

pub async fn email_taken(db: &Db, email: &str) -> Result<bool, Error> {
    let found: Option<i32> = on_db!(db, pool => sqlx::query_scalar("SELECT 1 FROM users WHERE email = $1").bind(email).fetch_optional(pool).await)?;
    Ok(found.is_some())
}

/// user.created: a person joined an organization (signup, accepted invitation), in the
/// transaction that added them. Never carries the password hash.
pub(crate) async fn emit_created(tx: &mut crate::db::Tx, user: &User) -> Result<(), Error> {
    let Some(org) = user.organization_id else { return Ok(()) };
    let data = serde_json::json!({
        "id": user.id,
        "organization_id": org,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "role": user.role.as_str(),
        "created_at": user.created_at,
    });
    crate::outbound::events::emit(tx, org, crate::outbound::events::EventType::UserCreated, &data).await
}
