//! A JSON body extractor whose rejections are API errors, and which takes an empty body
//! as `{}` (endpoints that need no input accept an empty body).

use axum::{
    extract::{FromRequest, Request},
    http::{header, StatusCode},
    Json,
};
use serde::de::DeserializeOwned;

use super::error::ApiError;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        if !req.headers().contains_key(header::CONTENT_TYPE) {
            // No content type: fine when there is no body either, which means `{}`.
            let body = axum::body::Bytes::from_request(req, state)
                .await
                .map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "The request body is too large."))?;
            if !body.is_empty() {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "Send the body as JSON with Content-Type: application/json.",
                ));
            }
            return serde_json::from_str("{}").map(ApiJson).map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", e.to_string()));
        }
        let Json(value) = Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(value))
    }
}
