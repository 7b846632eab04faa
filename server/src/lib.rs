//! The ConnectGain server: configuration and start-up, the HTTP router (Leptos pages, server
//! functions, REST API, health) behind its CSRF guard and security headers, and the
//! command-line tasks (`migrate`, `rotate-key`).

pub mod api;
pub mod auth;
pub mod commands;
pub mod csrf;
pub mod health;
pub mod security_headers;
pub mod session_store;
pub mod startup;
pub mod state;
pub mod telemetry;
mod unread_body;

pub use startup::{Application, StartupError};
