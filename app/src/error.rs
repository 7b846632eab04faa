//! The error server functions answer: a message for the page, and messages per field.
//! Never carries internals: the server logs those and sends a generic message. Its kind is
//! also the answer's HTTP status (see [`ErrorKind::status`]).

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
    /// The request body was larger than the server reads.
    TooLarge,
    Internal,
}

impl ErrorKind {
    /// The HTTP status a server function answers with this error.
    pub fn status(self) -> u16 {
        match self {
            Self::Invalid => 422,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Conflict => 409,
            Self::RateLimited => 429,
            Self::TooLarge => 413,
            Self::Internal => 500,
        }
    }
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
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => Self::new(ErrorKind::Invalid, format!("The request could not be read: {value}")),
            // server_fn passes the body limit's error on as text only ("length limit exceeded").
            ServerFnErrorErr::Deserialization(ref m) if m.contains("length limit") => Self::new(ErrorKind::TooLarge, "The request is too large."),
            // On the server, what fails to deserialize is the request: arguments that are not
            // the function's input shape (a missing field, a wrong type) are the caller's error.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(m) => Self::new(ErrorKind::Invalid, format!("The request could not be read: {m}")),
            _ => Self::new(ErrorKind::Internal, format!("The request failed: {value}")),
        }
    }

    /// Called once per failed server function, to write its body: the one place where the
    /// error's status is given to the response.
    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        crate::server::set_error_status(self.kind);
        <JsonEncoding as leptos::server_fn::Encodes<Self>>::encode(self).unwrap_or_default()
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
            E::Conflict(m) | E::Unavailable { message: m, .. } => Self::new(ErrorKind::Conflict, m),
            E::LimitReached(m) => Self::new(ErrorKind::Invalid, m),
            E::NotFound => Self::new(ErrorKind::NotFound, "Not found."),
            E::Unauthorized(m) => Self::new(ErrorKind::Unauthorized, m),
            E::Forbidden(m) => Self::new(ErrorKind::Forbidden, m),
            E::Upstream(m) => Self::new(ErrorKind::Internal, m),
            E::RateLimited { retry_after_secs } => {
                let wait = match retry_after_secs {
                    0..=90 => format!("{retry_after_secs} seconds"),
                    _ => format!("{} minutes", retry_after_secs.div_ceil(60)),
                };
                Self::new(ErrorKind::RateLimited, format!("Too many attempts. Try again in {wait}."))
            }
            E::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error in a server function");
                Self::new(ErrorKind::Internal, "Something went wrong on our side. Please try again.")
            }
        }
    }
}
