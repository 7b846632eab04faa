use std::time::{Duration, Instant};

/// How long a test waits for a state before it fails. Generous on purpose: the suite runs
/// on busy two-core machines, and a test that passes only when the machine is idle is a bug.
pub const CEILING: Duration = Duration::from_secs(60);

/// Polls `check` until it answers `Some`; panics naming `what` after `within`.
pub async fn eventually<T, F, Fut>(within: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out after {within:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
