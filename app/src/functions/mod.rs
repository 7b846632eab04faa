//! Server functions: thin — authenticate, parse, call one domain function, map the error.

pub mod admin;
pub mod api_keys;
pub mod auth;
pub mod campaigns;
pub mod contacts;
pub mod conversations;
pub mod deals;
pub mod inbound;
pub mod members;
pub mod settings;
pub mod webhooks;
