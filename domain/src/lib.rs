//! ConnectGain's domain: configuration, storage and secrets at rest.
//!
//! Everything here is framework-free: the Leptos server functions, the axum REST handlers
//! and the background workers all call into this crate, and it builds and tests without
//! either framework.

pub mod config;
pub mod crypto;
pub mod db;
pub mod ids;
pub mod organizations;
pub mod rotation;
pub mod secret;

pub use config::{Config, ConfigError};
pub use db::Db;
