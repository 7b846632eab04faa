//! The one test harness of the workspace. Each crate's integration tests (one binary per
//! crate, `tests/it/main.rs`) build their own application on top of these parts:
//!
//! - [`Backend`] and [`backend_tests!`]: every test on SQLite, and on PostgreSQL when
//!   `CONNECTGAIN_TEST_POSTGRES_URL` names a server (skipped, and said so, otherwise);
//! - [`TestDatabase`]: a database of the test's own, gone when the test ends;
//! - [`Receiver`]: a real HTTP server on 127.0.0.1 recording what it gets;
//! - [`SmtpSink`]: a real SMTP server (aiosmtpd) keeping what it accepts;
//! - [`eventually`] and [`CEILING`]: wait for a state, never for a time;
//! - [`captured_logs`]: the log lines, for scanning them for secrets.

mod backend;
mod database;
mod logs;
mod receiver;
mod smtp;
mod wait;

pub use backend::{postgres_enabled, Backend, POSTGRES_ENV};
pub use database::TestDatabase;
pub use logs::captured_logs;
pub use receiver::{Received, Receiver, Reply};
pub use smtp::{Mail, SmtpSink};
pub use wait::{eventually, CEILING};

/// Generates, for each named `async fn(Backend)` in scope, one test per backend:
/// `sqlite::<name>` and `postgres::<name>` (which returns at once, saying so, when no
/// PostgreSQL server is given).
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::Backend::Sqlite).await
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if !$crate::postgres_enabled() {
                        return;
                    }
                    super::$name($crate::Backend::Postgres).await
                }
            )+
        }
    };
}
