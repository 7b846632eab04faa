//! The domain's integration tests, one binary: the outbound engine against real HTTP
//! receivers on 127.0.0.1 and real databases (SQLite, and PostgreSQL when
//! `CONNECTGAIN_TEST_POSTGRES_URL` names a server).

#[macro_use]
extern crate connectgain_testkit;

mod support;

mod delivery_controls;
mod migrations;
mod outbound;
mod outbound_verify;
mod shared_commit;
mod tokens;
mod workspace;
