//! Server functions: thin — authenticate, parse, call one domain function, map the error.

pub mod auth;
pub mod campaigns;
pub mod members;
pub mod admin;
pub mod settings;
pub mod inbound;
pub mod webhooks;
