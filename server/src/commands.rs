//! The command-line tasks besides serving.

use std::sync::Arc;

use connectgain_domain::{
    accounts::admins,
    crypto::{KeyRing, KeySource},
    rotation, Domain,
};
use secrecy::SecretString;

use crate::startup::{Resources, StartupError};

/// `connectgain migrate`: applies pending migrations (start-up does too) and stops.
pub async fn migrate(resources: Resources) -> anyhow::Result<String> {
    let backend = resources.db.backend();
    resources.db.close().await;
    Ok(format!("migrations applied ({backend})"))
}

/// `connectgain rotate-key`: re-encrypts every stored secret under a new master key.
///
/// With the key file, a new key is generated and the old one kept in `master.keyring` until
/// every value is re-encrypted. With `CONNECTGAIN_MASTER_KEY`, the operator sets the new
/// key there and the old ones in `CONNECTGAIN_OLD_MASTER_KEYS`, and this re-encrypts under
/// the new one. Running servers must be restarted afterwards to pick up a new key file.
pub async fn rotate_key(resources: Resources) -> anyhow::Result<String> {
    let Resources { config, db, keys, key_source } = resources;
    let keys = match &key_source {
        KeySource::File { .. } => keys.start_file_rotation(&config.data_dir).map_err(StartupError::Keys)?,
        KeySource::Environment => keys,
    };
    let report = rotation::reencrypt_all(&db, &keys).await?;
    db.close().await;
    if !report.unreadable.is_empty() {
        anyhow::bail!(
            "re-encrypted {} secrets under key {}, but {} could not be read with any known key and still use an old one: {}",
            report.reencrypted,
            keys.current().id(),
            report.unreadable.len(),
            report.unreadable.join(", ")
        );
    }
    KeyRing::finish_file_rotation(&config.data_dir).map_err(StartupError::Keys)?;
    let retired = match key_source {
        KeySource::File { .. } => "the old key file entries are removed".to_owned(),
        KeySource::Environment if config.old_master_keys.is_empty() => "no older keys were configured".to_owned(),
        KeySource::Environment => "CONNECTGAIN_OLD_MASTER_KEYS can now be removed".to_owned(),
    };
    Ok(format!("re-encrypted {} secrets under key {}; {retired}; restart running servers to use the new key", report.reencrypted, keys.current().id()))
}

/// `connectgain create-admin --email E --password P`.
pub async fn create_admin(resources: Resources, email: String, password: String) -> anyhow::Result<String> {
    let Resources { config, db, keys, .. } = resources;
    let domain = Domain::new(db.clone(), Arc::new(keys), config);
    let user = admins::ensure_admin(&domain, &email, &SecretString::from(password)).await.map_err(|e| match e {
        connectgain_domain::Error::Invalid(fields) => {
            anyhow::anyhow!(fields.into_iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("; "))
        }
        other => anyhow::anyhow!("{other}"),
    })?;
    db.close().await;
    Ok(format!("platform admin {} is ready", user.email))
}
