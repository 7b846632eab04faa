//! Mail to an organization's owners. A mail is written to `mail_outbox` in the transaction
//! of the change that calls for it (so it is sent exactly when the change commits), and
//! [`run`] sends it over SMTP, retrying on a schedule while the mail server is down: a
//! mail server that is down never holds up or loses anything else.

use std::{future::Future, time::Duration};

use chrono::{DateTime, Utc};
use lettre::{message::header::ContentType, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

use crate::{db::Tx, ids::OrgId, on_db, on_tx, Db, Domain};

/// The waits before each retry; a mail still not accepted after the last is given up.
const RETRIES: &[Duration] = &[
    Duration::from_secs(5),
    Duration::from_secs(30),
    Duration::from_secs(120),
    Duration::from_secs(600),
    Duration::from_secs(1800),
    Duration::from_secs(3600),
    Duration::from_secs(3 * 3600),
    Duration::from_secs(6 * 3600),
    Duration::from_secs(12 * 3600),
];
/// The sender looks for due mail at least this often.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// A claimed mail is left alone by other instances for this long.
const LEASE: Duration = Duration::from_secs(120);
/// The time limit of one SMTP exchange.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The SMTP transport of `url` (`smtp://`, `smtps://`, with `?tls=` as lettre reads it).
pub(crate) fn transport(url: &SecretString) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    // The error is not shown: it could repeat a part of the URL, which may hold a password.
    let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
        .map_err(|_| "not an SMTP URL such as smtp://127.0.0.1:2525 or smtps://user:pass@host:465".to_owned())?;
    Ok(builder.timeout(Some(TIMEOUT)).build())
}

/// Queues a plain-text mail to each owner of `org`, in `tx`; does nothing when no SMTP
/// server is configured.
pub(crate) async fn to_owners(tx: &mut Tx, d: &Domain, org: OrgId, subject: &str, body: &str) -> Result<(), sqlx::Error> {
    if d.config.mail.is_none() {
        return Ok(());
    }
    let owners: Vec<String> = on_tx!(tx, conn => sqlx::query_scalar("SELECT email FROM users WHERE organization_id = $1 AND role = 'owner' ORDER BY email")
        .bind(org)
        .fetch_all(conn)
        .await)?;
    let now = Utc::now();
    for to in owners {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO mail_outbox (id, organization_id, recipient, subject, body, status, attempts, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)",
        )
        .bind(uuid::Uuid::now_v7())
        .bind(org)
        .bind(&to)
        .bind(subject)
        .bind(body)
        .bind(now)
        .execute(conn)
        .await
        .map(drop))?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Queued {
    id: uuid::Uuid,
    recipient: String,
    subject: String,
    body: String,
    attempts: i32,
}

/// Sends queued mail until `shutdown` completes (returns at once without SMTP settings).
pub async fn run(d: Domain, shutdown: impl Future<Output = ()>) {
    let Some(config) = d.config.mail.clone() else { return };
    let (transport, from) = match (transport(&config.smtp_url), config.from.parse::<lettre::message::Mailbox>()) {
        (Ok(t), Ok(from)) => (t, from),
        _ => return, // checked when the configuration was read
    };
    tokio::pin!(shutdown);
    loop {
        match claim(&d.db).await {
            Ok(batch) => {
                for mail in batch {
                    let outcome = send(&transport, &from, &mail).await;
                    if let Err(error) = record(&d.db, &mail, outcome).await {
                        tracing::error!(error = %error, "mail: recording a send failed; it is sent again after its lease");
                    }
                }
            }
            Err(error) => tracing::error!(error = %error, "mail: reading the outbox failed"),
        }
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(POLL_EVERY) => {}
        }
    }
}

/// Takes the due mail, leased so that no other instance sends it meanwhile.
async fn claim(db: &Db) -> Result<Vec<Queued>, sqlx::Error> {
    let now = Utc::now();
    let lease = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
    let lock = if matches!(db, Db::Postgres(_)) { " FOR UPDATE SKIP LOCKED" } else { "" };
    let sql = format!(
        "UPDATE mail_outbox SET next_attempt_at = $1 WHERE id IN \
           (SELECT id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= $2 ORDER BY next_attempt_at LIMIT 20{lock}) \
         RETURNING id, recipient, subject, body, attempts"
    );
    let mut tx = db.begin().await?;
    let rows: Vec<Queued> = on_tx!(&mut tx, conn => sqlx::query_as(&sql).bind(lease).bind(now).fetch_all(conn).await)?;
    tx.commit().await?;
    Ok(rows)
}

async fn send(transport: &AsyncSmtpTransport<Tokio1Executor>, from: &lettre::message::Mailbox, mail: &Queued) -> Result<(), String> {
    let to = mail.recipient.parse::<lettre::message::Mailbox>().map_err(|e| format!("the address {} cannot be used: {e}", mail.recipient))?;
    let message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
        .map_err(|e| e.to_string())?;
    transport.send(message).await.map(drop).map_err(|e| e.to_string())
}

/// Sent, or due again after the next wait of the schedule (given up after the last).
async fn record(db: &Db, mail: &Queued, outcome: Result<(), String>) -> Result<(), sqlx::Error> {
    let now = Utc::now();
    let (status, next, error): (&str, DateTime<Utc>, Option<String>) = match outcome {
        Ok(()) => ("sent", now, None),
        Err(error) => {
            let wait = RETRIES.get(usize::try_from(mail.attempts).unwrap_or(usize::MAX));
            tracing::warn!(error = %error, attempt = mail.attempts + 1, given_up = wait.is_none(), "mail: the SMTP server did not take a mail");
            match wait {
                Some(wait) => ("pending", now + chrono::Duration::from_std(*wait).unwrap_or_default(), Some(error)),
                None => ("failed", now, Some(error)),
            }
        }
    };
    on_db!(db, pool => sqlx::query(
        "UPDATE mail_outbox SET status = $1, attempts = attempts + 1, next_attempt_at = $2, last_error = $3, \
         sent_at = CASE WHEN $1 = 'sent' THEN $2 ELSE sent_at END WHERE id = $4",
    )
    .bind(status)
    .bind(next)
    .bind(error)
    .bind(mail.id)
    .execute(pool)
    .await
    .map(drop))
}
