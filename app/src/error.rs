//! The error server functions answer: a message for the page, and messages per field.
//! Never carries internals: the server logs those and sends a generic message.

use std::collections::BTreeMap;

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: String,
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorKind {
    Invalid,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    RateLimited,
    Internal,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), fields: BTreeMap::new() }
    }

    pub fn field(&self, name: &str) -> Option<String> {
        self.fields.get(name).cloned()
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::new(ErrorKind::Internal, format!("The request failed: {value}"))
    }
}

#[cfg(feature = "ssr")]
impl From<connectgain_domain::Error> for AppError {
    fn from(error: connectgain_domain::Error) -> Self {
        use connectgain_domain::Error as E;
        match error {
            E::Invalid(fields) => Self {
                kind: ErrorKind::Invalid,
                message: "Please correct the highlighted fields.".into(),
                fields: fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            },
            E::Conflict(m) => Self::new(ErrorKind::Conflict, m),
            E::NotFound => Self::new(ErrorKind::NotFound, "Not found."),
            E::Unauthorized(m) => Self::new(ErrorKind::Unauthorized, m),
            E::Forbidden(m) => Self::new(ErrorKind::Forbidden, m),
            E::Upstream(m) => Self::new(ErrorKind::Internal, m),
            E::RateLimited { retry_after_secs } => Self::new(
                ErrorKind::RateLimited,
                format!("Too many attempts. Try again in {} minutes.", retry_after_secs.div_ceil(60)),
            ),
            E::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error in a server function");
                Self::new(ErrorKind::Internal, "Something went wrong on our side. Please try again.")
            }
        }
    }
}
