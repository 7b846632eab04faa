//! An organization's people, as its owners manage them.

use super::{
    users::{UserRow, USER_COLUMNS},
    Role, User,
};
use crate::{
    db::Topic,
    ids::{OrgId, UserId},
    on_db, on_tx, Domain, Error,
};

pub async fn list(d: &Domain, org: OrgId) -> Result<Vec<User>, Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE organization_id = $1 ORDER BY created_at, email");
    let rows: Vec<UserRow> = on_db!(&d.db, pool => sqlx::query_as(&sql).bind(org).fetch_all(pool).await)?;
    rows.into_iter().map(User::try_from).collect()
}

/// Removes a member of `org`, and their tokens with them on every instance at once. Owners
/// cannot be removed this way; an id from another organization is not found.
pub async fn remove(d: &Domain, org: OrgId, member: UserId) -> Result<(), Error> {
    let role: Option<String> = on_db!(&d.db, pool => sqlx::query_scalar(
        "SELECT role FROM users WHERE id = $1 AND organization_id = $2",
    )
    .bind(member)
    .bind(org)
    .fetch_optional(pool)
    .await)?;
    match role.as_deref() {
        None => Err(Error::NotFound),
        Some(r) if r == Role::Owner.as_str() => Err(Error::Forbidden("Owners cannot be removed.".into())),
        Some(_) => {
            let mut tx = d.db.begin().await?;
            on_tx!(&mut tx, conn => sqlx::query("DELETE FROM users WHERE id = $1 AND organization_id = $2")
                .bind(member)
                .bind(org)
                .execute(conn)
                .await
        .map(drop))?;
            d.invalidations.commit(tx, Topic::Tokens).await?;
            tracing::info!(%org, user = %member, "member removed");
            Ok(())
        }
    }
}
