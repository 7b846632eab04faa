//! A JSON body extractor whose rejections are API errors, and which takes an empty body
//! as `{}` (endpoints that need no input accept an empty body).

use axum::{
    extract::{FromRequest, Request},
    http::header,
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
        let empty = req.headers().get(header::CONTENT_LENGTH).is_some_and(|v| v == "0")
            && !req.headers().contains_key(header::CONTENT_TYPE);
        if empty {
            return serde_json::from_str("{}")
                .map(ApiJson)
                .map_err(|e| ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", e.to_string()));
        }
        let Json(value) = Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(value))
    }
}
