//! Appgain: credentials provisioned at signup (retried in the background until they
//! arrive) and campaign sending with them.

pub mod campaigns;
pub mod client;
pub mod provisioning;
pub mod settings;

pub use client::{AppgainClient, CallError, Credentials, SignupRequest};
