//! Secrets at rest: encrypted in the database, bound to their row, rotatable.

use std::process::Command;

use crate::helpers::{Backend, TestApp, TestEnv};
use connectgain_domain::{
    crypto::{DecryptError, KeyRing},
    ids::OrgId,
    on_db,
    organizations::{self, StoreError},
    secret::{ExposeSecret, SecretString},
    Db,
};

const API_KEY: &str = "appgain-live-key-5b1f0c9e2d7a4c3b8e6f";

async fn stored_api_key(db: &Db, org: OrgId) -> String {
    on_db!(db, pool => sqlx::query_scalar::<_, String>("SELECT appgain_api_key FROM organizations WHERE id = $1")
        .bind(org)
        .fetch_one(pool)
        .await)
    .unwrap()
}

async fn overwrite_api_key(db: &Db, org: OrgId, value: &str) {
    on_db!(db, pool => sqlx::query("UPDATE organizations SET appgain_api_key = $1 WHERE id = $2")
        .bind(value)
        .bind(org)
        .execute(pool)
        .await
        .map(|_| ()))
    .unwrap();
}

async fn org_with_key(db: &Db, keys: &KeyRing, name: &str, key: &str) -> OrgId {
    let org = organizations::create(db, name).await.unwrap();
    assert!(organizations::set_appgain_credentials(db, keys, org.id, "suit-123", &SecretString::from(key)).await.unwrap());
    org.id
}

async fn read_key(db: &Db, keys: &KeyRing, org: OrgId) -> Result<String, StoreError> {
    let creds = organizations::appgain_credentials(db, keys, org).await?;
    Ok(creds.expect("credentials stored").api_key.expose_secret().to_owned())
}

async fn secrets_are_never_stored_in_plaintext(backend: Backend) {
    let env = TestEnv::new(backend).await;
    let (db, keys) = env.open().await;
    let org = org_with_key(&db, &keys, "Acme", API_KEY).await;

    let stored = stored_api_key(&db, org).await;
    assert!(stored.starts_with("cg1:"), "{stored}");
    assert!(!stored.contains(API_KEY));
    assert_eq!(read_key(&db, &keys, org).await.unwrap(), API_KEY);

    if backend == Backend::Sqlite {
        // Look at every byte SQLite wrote: the database, its write-ahead log and shared memory.
        db.close().await;
        let mut files = 0;
        for entry in std::fs::read_dir(&env.data_dir).unwrap() {
            let path = entry.unwrap().path();
            if path.to_string_lossy().contains("connectgain.db") {
                // The write-ahead log may be checkpointed and removed as the pool closes.
                let Ok(bytes) = std::fs::read(&path) else { continue };
                files += 1;
                assert!(!contains(&bytes, API_KEY.as_bytes()), "plaintext found in {}", path.display());
                assert!(!contains(&bytes, b"appgain-live-key"), "part of the plaintext found in {}", path.display());
            }
        }
        assert!(files >= 1);
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn a_tampered_ciphertext_fails_with_a_clear_error(backend: Backend) {
    let env = TestEnv::new(backend).await;
    let (db, keys) = env.open().await;
    let org = org_with_key(&db, &keys, "Acme", API_KEY).await;
    let stored = stored_api_key(&db, org).await;

    // Change one character of the encoded body, keeping it valid base64url: one near the end
    // of the body, whose six bits all count (the last character's low bits may be padding,
    // and changing only those makes the text malformed rather than the ciphertext altered:
    // that made this test fail about once in sixteen runs).
    let mut bytes = stored.into_bytes();
    let inner = bytes.len() - 10;
    bytes[inner] = if bytes[inner] == b'A' { b'B' } else { b'A' };
    overwrite_api_key(&db, org, std::str::from_utf8(&bytes).unwrap()).await;

    let err = read_key(&db, &keys, org).await.unwrap_err();
    assert!(matches!(err, StoreError::Secret { source: DecryptError::Tampered, .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("organizations.appgain_api_key") && message.contains("altered"), "{message}");
    assert!(!message.contains(API_KEY));
}

async fn a_ciphertext_copied_to_another_organization_does_not_decrypt(backend: Backend) {
    let env = TestEnv::new(backend).await;
    let (db, keys) = env.open().await;
    let victim = org_with_key(&db, &keys, "Victim", API_KEY).await;
    let attacker = org_with_key(&db, &keys, "Attacker", "attacker-own-key-0000000000000").await;

    overwrite_api_key(&db, attacker, &stored_api_key(&db, victim).await).await;
    let err = read_key(&db, &keys, attacker).await.unwrap_err();
    assert!(matches!(err, StoreError::Secret { source: DecryptError::Tampered, .. }), "{err:?}");
    assert_eq!(read_key(&db, &keys, victim).await.unwrap(), API_KEY);
}

fn run_cli(env: &TestEnv, args: &[&str], extra: &[(&str, &str)]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_connectgain"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.vars(extra))
        .output()
        .expect("the connectgain binary runs")
}

async fn rotate_key_with_the_key_file_keeps_every_secret_readable(backend: Backend) {
    let env = TestEnv::new(backend).await;
    let (db, keys) = env.open().await;
    let mut orgs = Vec::new();
    for i in 0..7 {
        let key = format!("{API_KEY}-{i}");
        orgs.push((org_with_key(&db, &keys, &format!("Org {i}"), &key).await, key));
    }
    let old_id = keys.current().id();

    let output = run_cli(&env, &["rotate-key"], &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout} {}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("re-encrypted 7 secrets"), "{stdout}");
    assert!(!env.data_dir.join("master.keyring").exists(), "older keys are retired once rotation finished");

    let (rotated, _) = KeyRing::load(&env.config(&[])).unwrap();
    assert_ne!(rotated.current().id(), old_id);
    assert!(rotated.older().is_empty());
    for (org, key) in &orgs {
        assert!(stored_api_key(&db, *org).await.starts_with(&format!("cg1:{}:", rotated.current().id())));
        assert_eq!(&read_key(&db, &rotated, *org).await.unwrap(), key);
    }
    assert!(matches!(read_key(&db, &keys, orgs[0].0).await, Err(StoreError::Secret { source: DecryptError::UnknownKey(_), .. })));

    // A second rotation right away works the same.
    assert!(run_cli(&env, &["rotate-key"], &[]).status.success());
}

async fn rotate_key_from_the_environment_uses_the_old_keys_to_read(backend: Backend) {
    let env = TestEnv::new(backend).await;
    let old = connectgain_domain::crypto::MasterKey::generate();
    let new = connectgain_domain::crypto::MasterKey::generate();
    let db = env.open().await.0;
    let old_ring = KeyRing::new(old.clone(), vec![]);
    let org = org_with_key(&db, &old_ring, "Acme", API_KEY).await;

    let output = run_cli(&env, &["rotate-key"], &[("CONNECTGAIN_MASTER_KEY", &new.to_hex()), ("CONNECTGAIN_OLD_MASTER_KEYS", &old.to_hex())]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("CONNECTGAIN_OLD_MASTER_KEYS can now be removed"));
    assert_eq!(read_key(&db, &KeyRing::new(new, vec![]), org).await.unwrap(), API_KEY);
}

async fn rotate_key_reports_values_no_key_can_read(backend: Backend) {
    let env = TestEnv::new(backend).await;
    let (db, keys) = env.open().await;
    let good = org_with_key(&db, &keys, "Good", API_KEY).await;
    let lost = org_with_key(&db, &KeyRing::new(connectgain_domain::crypto::MasterKey::generate(), vec![]), "Lost", API_KEY).await;

    let output = run_cli(&env, &["rotate-key"], &[]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("organizations.appgain_api_key of {lost}")), "{stderr}");
    assert!(env.data_dir.join("master.keyring").exists(), "older keys are kept while anything is unreadable");
    let (ring, _) = KeyRing::load(&env.config(&[])).unwrap();
    assert_eq!(read_key(&db, &ring, good).await.unwrap(), API_KEY);
}

async fn a_restarted_server_reads_the_secrets_it_stored(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (db, keys) = app.env.open().await;
    let org = org_with_key(&db, &keys, "Acme", API_KEY).await;
    db.close().await;
    let env = app.stop().await;

    let app = TestApp::spawn_with(env, &[]).await;
    let (db, keys) = app.env.open().await;
    assert_eq!(read_key(&db, &keys, org).await.unwrap(), API_KEY);
    assert_eq!(organizations::find(&db, org).await.unwrap().unwrap().name, "Acme");
    app.stop().await;
}

backend_tests!(
    secrets_are_never_stored_in_plaintext,
    a_tampered_ciphertext_fails_with_a_clear_error,
    a_ciphertext_copied_to_another_organization_does_not_decrypt,
    rotate_key_with_the_key_file_keeps_every_secret_readable,
    rotate_key_from_the_environment_uses_the_old_keys_to_read,
    rotate_key_reports_values_no_key_can_read,
    a_restarted_server_reads_the_secrets_it_stored,
);

/// The values shown once on a page must serialize, so only their `Debug` guards the logs.
#[test]
fn secrets_revealed_once_are_redacted_in_debug_output() {
    use connectgain_app::models::{inbound::RevealedKey, webhooks::RevealedSecret};
    let secret = RevealedSecret { subscription: "crm".into(), secret: "whsec_c2VjcmV0LXZhbHVl".into(), row: Default::default() };
    let key = RevealedKey { api_key: "cgin_live_0123456789abcdef".into(), key_hint: Some("cgin_liv…".into()), key_created_at: None };
    let printed = format!("{secret:?} {key:?} {secret:#?}");
    assert!(!printed.contains("whsec_c2VjcmV0LXZhbHVl") && !printed.contains("cgin_live_0123456789abcdef"), "{printed}");
    assert!(printed.contains("crm"), "the non-secret field stays visible: {printed}");
    assert!(serde_json::to_string(&secret).unwrap().contains("whsec_c2VjcmV0LXZhbHVl"), "the page still receives it");
}
