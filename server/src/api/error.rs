//! The REST API's one error type: `{"error": {"code", "message", "fields"?}}` with the
//! status PRODUCT.md's Decisions give. Internal errors are logged with their cause and
//! answered with an opaque 500.

use axum::{
    extract::rejection::JsonRejection,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use connectgain_domain::{error::FieldErrors, Error};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    fields: Option<FieldErrors>,
    retry_after: Option<u64>,
    /// Where a JSON body stopped parsing: `line` and `column` in the error object.
    position: Option<(usize, usize)>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), fields: None, retry_after: None, position: None }
    }

    /// Adds the line and column where a JSON body went wrong.
    pub fn with_position(self, line: usize, column: usize) -> Self {
        Self { position: Some((line, column)), ..self }
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "Log in, or send a valid bearer token.")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Nothing was found at this address.")
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        match error {
            Error::Invalid(fields) => {
                Self { fields: Some(fields), ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_fields", "Some fields are invalid.") }
            }
            Error::Conflict(message) => Self::new(StatusCode::CONFLICT, "conflict", message),
            Error::Unavailable { code, message } => Self::new(StatusCode::CONFLICT, code, message),
            Error::LimitReached(message) => Self::new(StatusCode::UNPROCESSABLE_ENTITY, "limit_reached", message),
            Error::NotFound => Self::not_found(),
            Error::Unauthorized(message) => Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message),
            Error::Forbidden(message) => Self::forbidden(message),
            Error::Upstream(message) => Self::new(StatusCode::BAD_GATEWAY, "upstream_failed", message),
            Error::RateLimited { retry_after_secs } => Self {
                retry_after: Some(retry_after_secs),
                ..Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", format!("Too many attempts. Try again in {retry_after_secs} seconds."))
            },
            Error::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Something went wrong on our side.")
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => {
                Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "Send the body as JSON with Content-Type: application/json.")
            }
            JsonRejection::JsonSyntaxError(e) => Self::new(StatusCode::BAD_REQUEST, "malformed_json", e.body_text()),
            JsonRejection::JsonDataError(e) => Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", e.body_text()),
            JsonRejection::BytesRejection(_) => Self::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "The request body is too large."),
            other => Self::new(StatusCode::BAD_REQUEST, "bad_request", other.body_text()),
        }
    }
}

/// Every error the API answers: `{"error": {"code", "message", "fields"?}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable and machine-readable, e.g. `invalid_fields`, `not_found`, `rate_limited`.
    pub code: &'static str,
    /// For people.
    pub message: String,
    /// With `invalid_fields`: what is wrong with each field, by its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<std::collections::BTreeMap<String, String>>)]
    pub fields: Option<FieldErrors>,
    /// With `malformed_json`: where the body stopped parsing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (line, column) = self.position.unzip();
        let body = ErrorBody { error: ErrorDetail { code: self.code, message: self.message, fields: self.fields, line, column } };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
