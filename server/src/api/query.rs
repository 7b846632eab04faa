//! A query-string extractor whose rejections are API errors (`{"error": …}` with 422), not
//! axum's plain text. Called `Query` so that `#[utoipa::path]` reads its parameters.

use axum::{
    extract::{FromRequestParts, Query as AxumQuery},
    http::{request::Parts, StatusCode},
};
use serde::de::DeserializeOwned;

use super::error::ApiError;

pub struct Query<T>(pub T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let AxumQuery(value) = AxumQuery::<T>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_query", e.body_text()))?;
        Ok(Query(value))
    }
}
