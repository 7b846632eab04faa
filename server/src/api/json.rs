//! The API's JSON in both directions. As an extractor its rejections are API errors, and it
//! takes an empty body as `{}` (endpoints that need no input accept an empty body). It is
//! called `Json` so that `#[utoipa::path]` reads a handler's request body from its argument.

use axum::{
    extract::{FromRequest, Request},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{de::DeserializeOwned, Serialize};

use super::error::ApiError;

pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let declared_json = req.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().is_ok_and(names_json));
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "The request body is too large."))?;
        let unsupported =
            || ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
        match declared_json {
            // No content type: fine when there is no body either, which means `{}`.
            None if body.is_empty() => {
                return serde_json::from_str("{}").map(Json).map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", e.to_string()))
            }
            None | Some(false) => return Err(unsupported()),
            Some(true) => {}
        }
        // Every body the API takes is an object. serde would also read a struct from an
        // array of its fields in order, so `[null, null]` would pass as "change nothing".
        if body.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|b| *b != b'{') {
            return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", "Send a JSON object."));
        }
        let axum::Json(value) = axum::Json::<T>::from_bytes(&body)?;
        Ok(Json(value))
    }
}

/// `application/json` or an `application/…+json`, with any parameters.
pub(crate) fn names_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}
