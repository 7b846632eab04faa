//! What a ciphertext belongs to: bound in as AES-GCM associated data, so a value copied to
//! another row or another column no longer decrypts.

/// The owner and field of one stored secret, e.g. the Appgain API key of organization X.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretBinding {
    /// The table and column (or logical field) the secret is stored in.
    pub field: &'static str,
    /// The id of the row that owns the secret.
    pub owner: String,
}

impl SecretBinding {
    pub fn new(field: &'static str, owner: impl ToString) -> Self {
        Self { field, owner: owner.to_string() }
    }

    pub(super) fn associated_data(&self) -> Vec<u8> {
        format!("connectgain/v1\0{}\0{}", self.field, self.owner).into_bytes()
    }
}
