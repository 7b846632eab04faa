//! Provisioning retries: when the signup webhook fails, a durable job calls it again with
//! exponential backoff (first retry after `provisioning_retry_base`, doubling, capped at
//! `provisioning_retry_max`) until it succeeds, an owner enters credentials by hand, or
//! 7 days pass. The signup password the webhook needs lives, encrypted and bound to the
//! user, only in the job row, and goes with it.

use std::{future::Future, time::Duration};

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

use super::{Credentials, SignupRequest};
use crate::{
    crypto::{KeyRing, SecretBinding},
    db::Tx,
    ids::{OrgId, UserId},
    on_db, on_tx,
    organizations::{self, ProvisioningStatus},
    Db, Domain, Error,
};

/// The users column holding the seed's backup copy of the credentials (encrypted JSON).
pub const USER_BACKUP_FIELD: &str = "users.appgain_backup";
/// The job column holding the signup password while provisioning is pending.
pub const PASSWORD_FIELD: &str = "provisioning_jobs.password_enc";

/// How long the password is kept for retries.
const KEEP_PASSWORD_FOR: chrono::Duration = chrono::Duration::days(7);
/// A claimed job is left alone this long by other workers (longer than any call takes).
const CLAIM_FOR: chrono::Duration = chrono::Duration::minutes(2);
/// The worker looks for due jobs at least this often, even without a wake-up.
const POLL_EVERY: Duration = Duration::from_secs(30);

/// Adds the retry job in the signup transaction.
pub(crate) async fn enqueue_in(tx: &mut Tx, d: &Domain, org: OrgId, user: UserId, password: &SecretString, first_error: &str) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    let sealed = d.keys.encrypt(password.expose_secret(), &SecretBinding::new(PASSWORD_FIELD, user));
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO provisioning_jobs (organization_id, user_id, password_enc, attempts, next_attempt_at, last_error, expires_at, created_at) \
         VALUES ($1, $2, $3, 0, $4, $5, $6, $7)",
    )
    .bind(org)
    .bind(user)
    .bind(sealed)
    .bind(now + backoff(d, 0))
    .bind(first_error)
    .bind(now + KEEP_PASSWORD_FOR)
    .bind(now)
    .execute(conn)
    .await
    .map(|_| ()))
}

/// Stores the seed's backup copy of the credentials in the user's record.
pub(crate) async fn store_user_backup_in(tx: &mut Tx, keys: &KeyRing, user: UserId, credentials: &Credentials) -> Result<(), sqlx::Error> {
    let json = serde_json::json!({ "suitId": credentials.suit_id, "apiKey": credentials.api_key.expose_secret() }).to_string();
    let sealed = keys.encrypt(&json, &SecretBinding::new(USER_BACKUP_FIELD, user));
    on_tx!(tx, conn => sqlx::query("UPDATE users SET appgain_backup = $1 WHERE id = $2")
        .bind(sealed)
        .bind(user)
        .execute(conn)
        .await
        .map(|_| ()))
}

/// The wait before retry number `attempts + 1`.
fn backoff(d: &Domain, attempts: u32) -> chrono::Duration {
    let base = d.config.appgain.provisioning_retry_base;
    let wait = base.checked_mul(1u32 << attempts.min(20)).unwrap_or(d.config.appgain.provisioning_retry_max);
    chrono::Duration::from_std(wait.min(d.config.appgain.provisioning_retry_max)).unwrap_or(chrono::Duration::hours(1))
}

#[derive(sqlx::FromRow)]
struct ClaimedJob {
    organization_id: OrgId,
    user_id: UserId,
    password_enc: String,
    attempts: i32,
    expires_at: DateTime<Utc>,
}

/// Takes one due job for this worker. On PostgreSQL, `SKIP LOCKED` lets several instances
/// claim different jobs at once; on SQLite the single writer serializes claims.
async fn claim(db: &Db) -> Result<Option<ClaimedJob>, sqlx::Error> {
    let now = Utc::now();
    let lock = if matches!(db, Db::Postgres(_)) { "FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = format!(
        "UPDATE provisioning_jobs SET locked_until = $1 WHERE organization_id = ( \
           SELECT organization_id FROM provisioning_jobs \
           WHERE next_attempt_at <= $2 AND (locked_until IS NULL OR locked_until < $2) \
           ORDER BY next_attempt_at LIMIT 1 {lock}) \
         RETURNING organization_id, user_id, password_enc, attempts, expires_at"
    );
    on_db!(db, pool => sqlx::query_as(&sql).bind(now + CLAIM_FOR).bind(now).fetch_optional(pool).await)
}

/// Runs one due job, if any. Returns whether there was one.
#[tracing::instrument(level = "debug", skip_all, err)]
pub async fn process_one(d: &Domain) -> Result<bool, Error> {
    let Some(job) = claim(&d.db).await? else { return Ok(false) };
    let org = job.organization_id;
    if job.expires_at <= Utc::now() {
        give_up(d, org).await?;
        return Ok(true);
    }
    let password = match d.keys.decrypt(&job.password_enc, &SecretBinding::new(PASSWORD_FIELD, job.user_id)) {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(%org, error = %e, "provisioning: the stored signup password cannot be read");
            give_up(d, org).await?;
            return Ok(true);
        }
    };
    let (user, organization) = match (crate::accounts::users::find(&d.db, job.user_id).await?, organizations::find(&d.db, org).await?) {
        (Some(u), Some(o)) => (u, o),
        _ => return Ok(true), // deleted meanwhile; the job went with them (ON DELETE CASCADE)
    };
    let name = user.display_name();
    let request = SignupRequest { phone: user.phone.as_deref(), email: &user.email, name: &name, password: &password, org: &organization.name };
    match d.appgain.provision(&request).await {
        Ok(credentials) => {
            let mut tx = d.db.begin().await?;
            organizations::store_credentials_in(&mut tx, &d.keys, org, &credentials, ProvisioningStatus::Provisioned).await?;
            store_user_backup_in(&mut tx, &d.keys, user.id, &credentials).await?;
            on_tx!(&mut tx, conn => sqlx::query("DELETE FROM provisioning_jobs WHERE organization_id = $1")
                .bind(org)
                .execute(conn)
                .await
                .map(|_| ()))?;
            tx.commit().await?;
            tracing::info!(%org, attempts = job.attempts + 1, "provisioning: credentials stored");
        }
        Err(error) => {
            let attempts = u32::try_from(job.attempts).unwrap_or(0) + 1;
            let message = error.to_string();
            let next = Utc::now() + backoff(d, attempts);
            on_db!(&d.db, pool => sqlx::query(
                "UPDATE provisioning_jobs SET attempts = $1, next_attempt_at = $2, last_error = $3, locked_until = NULL \
                 WHERE organization_id = $4",
            )
            .bind(attempts as i32)
            .bind(next)
            .bind(&message)
            .bind(org)
            .execute(pool)
            .await
            .map(|_| ()))?;
            organizations::set_provisioning_status(&d.db, org, ProvisioningStatus::Pending, Some(&message)).await?;
            tracing::warn!(%org, attempts, error = %message, next_attempt_at = %next, "provisioning: retry failed");
        }
    }
    Ok(true)
}

async fn give_up(d: &Domain, org: OrgId) -> Result<(), Error> {
    on_db!(&d.db, pool => sqlx::query("DELETE FROM provisioning_jobs WHERE organization_id = $1")
        .bind(org)
        .execute(pool)
        .await
        .map(|_| ()))?;
    let message = "Automatic provisioning stopped after 7 days; enter the Appgain credentials by hand.";
    organizations::set_provisioning_status(&d.db, org, ProvisioningStatus::Failed, Some(message)).await?;
    tracing::warn!(%org, "provisioning: gave up; the signup password is deleted");
    Ok(())
}

/// Makes the organization's pending job due now (the owner's "retry provisioning").
pub async fn retry_now(d: &Domain, org: OrgId) -> Result<(), Error> {
    let updated = on_db!(&d.db, pool => sqlx::query(
        "UPDATE provisioning_jobs SET next_attempt_at = $1 WHERE organization_id = $2",
    )
    .bind(Utc::now())
    .bind(org)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    if updated == 0 {
        return Err(Error::Conflict("There is no pending provisioning to retry. Enter the credentials by hand instead.".into()));
    }
    d.provisioning_wake.notify_one();
    Ok(())
}

/// When the next job is due, if any.
async fn next_due(db: &Db) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM provisioning_jobs").fetch_one(pool).await)
}

/// Processes jobs as they fall due until `shutdown` completes.
pub async fn run_worker(d: Domain, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        loop {
            match process_one(&d).await {
                Ok(true) => continue,
                Ok(false) => break,
                Err(error) => {
                    tracing::error!(error = ?error, "provisioning worker");
                    break;
                }
            }
        }
        let wait = match next_due(&d.db).await {
            Ok(Some(due)) => (due - Utc::now()).to_std().unwrap_or(Duration::ZERO).min(POLL_EVERY),
            _ => POLL_EVERY,
        };
        tokio::select! {
            _ = &mut shutdown => return,
            _ = d.provisioning_wake.notified() => {}
            _ = tokio::time::sleep(wait.max(Duration::from_millis(50))) => {}
        }
    }
}
