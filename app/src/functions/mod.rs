//! Server functions: thin — authenticate, parse, call one domain function, map the error.

pub mod auth;
pub mod campaigns;
pub mod members;
pub mod settings;
