//! Events without a processor of their own (`payment.received`, any unknown name) are kept
//! as received and shown to the owner; their `result` says so.

/// The result recorded for them.
pub const RESULT: &str = r#"{"stored":true}"#;
