//! What clients send: one definition for the REST API, the server functions and the pages
//! that build them in the browser. The domain parses each into its own validated types
//! (`connectgain_domain` re-exports them beside the services that take them); a field
//! added here reaches every client at compile time.
//!
//! Inputs that carry a secret print it redacted: none of them may reach a log.

pub mod accounts;
pub mod crm;
pub mod integrations;
pub mod outbound;
pub mod reference;

/// A `Debug` that names the struct and its non-secret fields only.
macro_rules! redacted_debug {
    ($ty:ident { $($field:ident),* }) => {
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($ty))$(.field(stringify!($field), &self.$field))*.finish_non_exhaustive()
            }
        }
    };
}
pub(crate) use redacted_debug;
