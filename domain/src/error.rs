//! The domain's one error type. Each boundary (REST, server functions) maps it to its own
//! client-safe form; `Internal` is logged there with its cause and answered opaquely.

use std::collections::BTreeMap;

/// Messages per input field, for forms and 422 answers.
pub type FieldErrors = BTreeMap<&'static str, String>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("some fields are invalid")]
    Invalid(FieldErrors),
    #[error("{0}")]
    Conflict(String),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// A service we depend on (Appgain, a provider) failed.
    #[error("{0}")]
    Upstream(String),
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    /// What the request needs is turned off or not set up (a messaging channel): `code`
    /// names which, for clients to tell the cases apart.
    #[error("{message}")]
    Unavailable { code: &'static str, message: String },
    /// A cap on how many of something an organization may have (e.g. subscriptions).
    #[error("{0}")]
    LimitReached(String),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl Error {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid(BTreeMap::from([(field, message.into())]))
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(error.into())
    }
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(error.into())
    }
}

impl Error {
    /// Whether the database gave up on the transaction for reasons of its own (PostgreSQL
    /// chose it as a deadlock's victim, or could not serialize it): run again, it succeeds.
    pub fn is_transient(&self) -> bool {
        let Self::Internal(cause) = self else { return false };
        match cause.downcast_ref::<sqlx::Error>() {
            Some(sqlx::Error::Database(e)) => matches!(e.code().as_deref(), Some("40P01" | "40001")),
            _ => false,
        }
    }
}

/// Whether a database error is a unique-constraint violation (on either backend).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}
