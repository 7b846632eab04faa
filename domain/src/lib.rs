//! ConnectGain's domain: configuration, storage and secrets at rest.
//!
//! Everything here is framework-free: the Leptos server functions, the axum REST handlers
//! and the background workers all call into this crate, and it builds and tests without
//! either framework.

pub mod accounts;
pub mod api_reference;
pub mod appgain;
pub mod config;
pub mod context;
pub mod crm;
pub mod crypto;
pub mod db;
pub mod error;
pub mod ids;
pub mod inbound;
pub mod integrations;
pub mod mail;
pub mod organizations;
pub mod origin;
pub mod outbound;
pub mod providers;
pub mod quotas;
pub mod rotation;
pub mod secret;
pub mod text;
pub mod text_enum;
pub mod trusted_proxies;

pub use config::{Config, ConfigError};
pub use context::Domain;
pub use db::Db;
pub use error::Error;
