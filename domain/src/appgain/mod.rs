//! Appgain: credentials provisioned at signup (retried in the background until they
//! arrive) and campaign sending with them.

pub mod client;
pub mod provisioning;

pub use client::{AppgainClient, CallError, Credentials, SignupRequest};
