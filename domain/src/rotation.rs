//! Re-encrypting every stored secret under the current master key (`connectgain rotate-key`).

use uuid::Uuid;

use crate::{
    crypto::{KeyRing, SecretBinding},
    on_db, organizations, Db,
};
use secrecy::ExposeSecret;

/// A column that holds `cg1:` ciphertexts.
pub struct EncryptedColumn {
    /// `table.column`; also the field of each value's [`SecretBinding`].
    pub field: &'static str,
    /// The row's primary key.
    pub key_column: &'static str,
    /// The column whose value each ciphertext is bound to as its owner.
    pub owner_column: &'static str,
}

/// An integration secret: keyed by, and bound to, its organization.
const fn integration(field: &'static str) -> EncryptedColumn {
    EncryptedColumn { field, key_column: "organization_id", owner_column: "organization_id" }
}

/// Every column that holds secrets. A capability that stores a new kind adds it here.
pub const ENCRYPTED_COLUMNS: &[EncryptedColumn] = &[
    integration(crate::integrations::whatsapp::ACCESS_TOKEN),
    integration(crate::integrations::whatsapp::VERIFY_TOKEN),
    integration(crate::integrations::whatsapp::APP_SECRET),
    integration(crate::integrations::sms::TWILIO_AUTH_TOKEN),
    integration(crate::integrations::sms::VONAGE_API_SECRET),
    integration(crate::integrations::sms::SNS_SECRET_ACCESS_KEY),
    integration(crate::integrations::n8n::API_KEY),
    integration(crate::inbound::settings::ZOOM_SECRET_TOKEN),
    integration(crate::inbound::settings::VONAGE_SIGNATURE_SECRET),
    EncryptedColumn { field: organizations::APPGAIN_API_KEY_FIELD, key_column: "id", owner_column: "id" },
    EncryptedColumn { field: crate::appgain::provisioning::USER_BACKUP_FIELD, key_column: "id", owner_column: "id" },
    EncryptedColumn { field: crate::outbound::subscriptions::SECRET_FIELD, key_column: "id", owner_column: "organization_id" },
    EncryptedColumn { field: crate::outbound::subscriptions::PREVIOUS_SECRET_FIELD, key_column: "id", owner_column: "organization_id" },
    EncryptedColumn { field: crate::outbound::headers::HEADERS_FIELD, key_column: "id", owner_column: "organization_id" },
    EncryptedColumn { field: crate::appgain::provisioning::PASSWORD_FIELD, key_column: "organization_id", owner_column: "user_id" },
];

const BATCH: i64 = 500;

/// What a re-encryption pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RotationReport {
    /// Values re-encrypted under the current key.
    pub reencrypted: u64,
    /// Values that could not be decrypted with any key of the ring (left untouched).
    pub unreadable: Vec<String>,
}

/// Re-encrypts, under the ring's current key, every stored secret that another key
/// encrypted. Each update is conditional on the value being unchanged since it was read, so
/// a server writing a new secret meanwhile is never overwritten.
pub async fn reencrypt_all(db: &Db, ring: &KeyRing) -> Result<RotationReport, sqlx::Error> {
    let mut report = RotationReport::default();
    let current = format!("cg1:{}:%", ring.current().id());
    for EncryptedColumn { field, key_column, owner_column } in ENCRYPTED_COLUMNS {
        let (table, column) = field.split_once('.').expect("ENCRYPTED_COLUMNS entries are table.column");
        let mut skipped: Vec<Uuid> = Vec::new();
        loop {
            // Unreadable rows stay under their old key; skip past them by id.
            let select = format!(
                "SELECT {key_column}, {owner_column}, {column} FROM {table} \
                 WHERE {column} IS NOT NULL AND {column} NOT LIKE $1 ORDER BY {key_column} LIMIT {}",
                BATCH + skipped.len() as i64
            );
            let rows: Vec<(Uuid, Uuid, String)> = on_db!(db, pool => sqlx::query_as(&select).bind(&current).fetch_all(pool).await)?;
            let pending: Vec<_> = rows.into_iter().filter(|(id, _, _)| !skipped.contains(id)).collect();
            if pending.is_empty() {
                break;
            }
            for (id, owner, sealed) in pending {
                let binding = SecretBinding::new(field, owner);
                let Ok(plain) = ring.decrypt(&sealed, &binding) else {
                    report.unreadable.push(format!("{field} of {id}"));
                    skipped.push(id);
                    continue;
                };
                let resealed = ring.encrypt(plain.expose_secret(), &binding);
                let update = format!("UPDATE {table} SET {column} = $1 WHERE {key_column} = $2 AND {column} = $3");
                let done = on_db!(db, pool => sqlx::query(&update)
                    .bind(resealed)
                    .bind(id)
                    .bind(&sealed)
                    .execute(pool)
                    .await
                    .map(|r| r.rows_affected()))?;
                report.reencrypted += done;
            }
        }
    }
    Ok(report)
}
