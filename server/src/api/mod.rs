//! The JSON API under `/api`.

pub mod auth;
pub mod error;
pub mod json;

use axum::{
    routing::{get, post},
    Router,
};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/signup", post(auth::signup))
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/auth/me", get(auth::me))
        .route("/api/v1/auth/me", get(auth::me))
}
