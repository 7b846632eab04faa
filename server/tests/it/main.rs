//! The server's integration tests, one binary (each test binary links the whole application,
//! so one link instead of fifteen). Every module drives the real server over HTTP, on SQLite
//! and, when `CONNECTGAIN_TEST_POSTGRES_URL` names a server, on PostgreSQL.

#[macro_use]
extern crate connectgain_testkit;

mod helpers;

mod accounts;
mod admin_page;
mod api_keys;
mod api_reference;
mod callbacks;
mod cli;
mod crash;
mod disconnects;
mod http;
mod inbound;
mod n8n_webhooks;
mod organization;
mod outbound_api;
mod platform;
mod providers;
mod secrets;
mod sessions;
mod webhook_portal;
mod workspace;
