use std::sync::Once;

/// Names the PostgreSQL server the tests may create databases on (a URL whose database
/// is only used to connect, e.g. `postgres://postgres@127.0.0.1:5432/postgres`).
pub const POSTGRES_ENV: &str = "CONNECTGAIN_TEST_POSTGRES_URL";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Whether PostgreSQL tests run; says once per test binary when they are skipped.
pub fn postgres_enabled() -> bool {
    static SAY: Once = Once::new();
    let enabled = std::env::var(POSTGRES_ENV).is_ok_and(|v| !v.is_empty());
    if !enabled {
        SAY.call_once(|| eprintln!("PostgreSQL tests skipped: {POSTGRES_ENV} is not set"));
    }
    enabled
}
