//! Secrets at rest: AES-256-GCM under a master key, with a key ring for rotation.

mod binding;
mod cipher;
mod key;
mod keyring;

pub use binding::SecretBinding;
pub use cipher::DecryptError;
pub use key::{KeyId, MasterKey};
pub use keyring::{KeyRing, KeyRingError, KeySource};
