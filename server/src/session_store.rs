//! tower-sessions records in the application database (SQLite or PostgreSQL).
//!
//! The session id (the cookie value) is stored only as a SHA-256 hash, so a copy of the
//! database does not let anyone take over a session. Secrets inside a record are `cg1:`
//! ciphertexts put there by the app, never plaintext.

use async_trait::async_trait;
use connectgain_domain::{accounts::tokens::hash_secret, on_db, Db};
use time::OffsetDateTime;
use tower_sessions::{
    session::{Id, Record},
    session_store::{Error, Result},
    SessionStore,
};

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Removes expired records; run now and then.
    pub async fn delete_expired(&self) -> Result<u64> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        on_db!(&self.db, pool => sqlx::query("DELETE FROM sessions WHERE expiry_date < $1")
            .bind(now)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
        .map_err(backend)
    }
}

fn backend(error: sqlx::Error) -> Error {
    Error::Backend(error.to_string())
}

fn key(id: &Id) -> String {
    hash_secret(&id.to_string())
}

fn encode(record: &Record) -> Result<Vec<u8>> {
    serde_json::to_vec(&record.data).map_err(|e| Error::Encode(e.to_string()))
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let data = encode(record)?;
        loop {
            let inserted = on_db!(&self.db, pool => sqlx::query(
                "INSERT INTO sessions (id, data, expiry_date) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
            )
            .bind(key(&record.id))
            .bind(&data)
            .bind(record.expiry_date.unix_timestamp())
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
            .map_err(backend)?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default(); // a collision of 128 random bits: draw again
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let data = encode(record)?;
        on_db!(&self.db, pool => sqlx::query(
            "INSERT INTO sessions (id, data, expiry_date) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expiry_date = excluded.expiry_date",
        )
        .bind(key(&record.id))
        .bind(&data)
        .bind(record.expiry_date.unix_timestamp())
        .execute(pool)
        .await
        .map(|_| ()))
        .map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let row: Option<(Vec<u8>, i64)> = on_db!(&self.db, pool => sqlx::query_as(
            "SELECT data, expiry_date FROM sessions WHERE id = $1 AND expiry_date > $2",
        )
        .bind(key(id))
        .bind(now)
        .fetch_optional(pool)
        .await)
        .map_err(backend)?;
        let Some((data, expiry)) = row else { return Ok(None) };
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_slice(&data).map_err(|e| Error::Decode(e.to_string()))?,
            expiry_date: OffsetDateTime::from_unix_timestamp(expiry).map_err(|e| Error::Decode(e.to_string()))?,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        on_db!(&self.db, pool => sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(key(id))
            .execute(pool)
            .await
            .map(|_| ()))
        .map_err(backend)
    }
}
