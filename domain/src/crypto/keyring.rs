//! The key ring: the current master key, which encrypts, and older keys, which still decrypt
//! until a rotation has re-encrypted everything.
//!
//! Keys come from `CONNECTGAIN_MASTER_KEY` (+ `CONNECTGAIN_OLD_MASTER_KEYS`) or from files in
//! the data directory: `master.key` (created with mode 0600 on first start) and
//! `master.keyring` (older keys, one per line, present only while a rotation is unfinished).

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use super::MasterKey;
use crate::Config;

pub const KEY_FILE: &str = "master.key";
pub const RING_FILE: &str = "master.keyring";

pub struct KeyRing {
    current: MasterKey,
    older: Vec<MasterKey>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing").field("current", &self.current.id()).field("older", &self.older.iter().map(MasterKey::id).collect::<Vec<_>>()).finish()
    }
}

/// Where the current key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    File { path: PathBuf, created: bool },
}

#[derive(Debug, thiserror::Error)]
pub enum KeyRingError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{path} does not hold a valid key: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl KeyRing {
    pub fn new(current: MasterKey, older: Vec<MasterKey>) -> Self {
        let current_id = current.id();
        let mut older: Vec<MasterKey> = older.into_iter().filter(|k| k.id() != current_id).collect();
        older.dedup_by_key(|k| k.id());
        Self { current, older }
    }

    pub fn current(&self) -> &MasterKey {
        &self.current
    }

    pub fn older(&self) -> &[MasterKey] {
        &self.older
    }

    pub(super) fn find(&self, id: super::KeyId) -> Option<&MasterKey> {
        std::iter::once(&self.current).chain(&self.older).find(|k| k.id() == id)
    }

    /// Loads the ring as configured, creating `master.key` when neither the environment nor
    /// the data directory has one.
    pub fn load(config: &Config) -> Result<(Self, KeySource), KeyRingError> {
        let mut older = config.old_master_keys.clone();
        older.extend(read_ring_file(&config.data_dir)?);
        if let Some(key) = &config.master_key {
            return Ok((Self::new(key.clone(), older), KeySource::Environment));
        }
        let path = config.data_dir.join(KEY_FILE);
        let (current, created) = match fs::read_to_string(&path) {
            Ok(text) => (parse_key_file(&path, &text)?, false),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = MasterKey::generate();
                fs::create_dir_all(&config.data_dir).map_err(|source| KeyRingError::Write { path: config.data_dir.clone(), source })?;
                write_private_file(&path, &format!("{}\n", key.to_hex()), true)?;
                (key, true)
            }
            Err(source) => return Err(KeyRingError::Read { path, source }),
        };
        Ok((Self::new(current, older), KeySource::File { path, created }))
    }

    /// First half of a file-key rotation: keeps the current key readable in `master.keyring`,
    /// then makes a fresh key current in `master.key`. Crash-safe in this order: at every
    /// moment each stored value's key is in one of the two files.
    pub fn start_file_rotation(self, data_dir: &Path) -> Result<Self, KeyRingError> {
        let mut older = vec![self.current.clone()];
        older.extend(self.older);
        write_ring_file(data_dir, &older)?;
        let new_key = MasterKey::generate();
        let key_path = data_dir.join(KEY_FILE);
        let tmp = data_dir.join(format!("{KEY_FILE}.new"));
        write_private_file(&tmp, &format!("{}\n", new_key.to_hex()), false)?;
        fs::rename(&tmp, &key_path).map_err(|source| KeyRingError::Write { path: key_path, source })?;
        Ok(Self::new(new_key, older))
    }

    /// Second half: once nothing is encrypted under an older key, forget the older keys.
    pub fn finish_file_rotation(data_dir: &Path) -> Result<(), KeyRingError> {
        let path = data_dir.join(RING_FILE);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(KeyRingError::Write { path, source }),
        }
    }
}

fn parse_key_file(path: &Path, text: &str) -> Result<MasterKey, KeyRingError> {
    MasterKey::parse(text).map_err(|message| KeyRingError::Invalid { path: path.to_owned(), message })
}

fn read_ring_file(data_dir: &Path) -> Result<Vec<MasterKey>, KeyRingError> {
    let path = data_dir.join(RING_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(|l| parse_key_file(&path, l)).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(source) => Err(KeyRingError::Read { path, source }),
    }
}

fn write_ring_file(data_dir: &Path, keys: &[MasterKey]) -> Result<(), KeyRingError> {
    let mut text = String::from("# Older ConnectGain master keys, kept until `connectgain rotate-key` finishes.\n");
    for key in keys {
        text.push_str(&key.to_hex());
        text.push('\n');
    }
    let path = data_dir.join(RING_FILE);
    let tmp = data_dir.join(format!("{RING_FILE}.new"));
    write_private_file(&tmp, &text, false)?;
    fs::rename(&tmp, &path).map_err(|source| KeyRingError::Write { path, source })
}

/// Writes a file only its owner can read (mode 0600), synced to disk.
fn write_private_file(path: &Path, text: &str, must_be_new: bool) -> Result<(), KeyRingError> {
    let err = |source| KeyRingError::Write { path: path.to_owned(), source };
    let mut options = fs::OpenOptions::new();
    options.write(true);
    if must_be_new {
        options.create_new(true);
    } else {
        options.create(true).truncate(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(err)?;
    file.write_all(text.as_bytes()).map_err(err)?;
    file.sync_all().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SecretBinding;
    use secrecy::ExposeSecret;

    fn temp_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cg-keyring-{}", uuid::Uuid::new_v4()));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn config_for(dir: &Path) -> Config {
        let dir = dir.to_owned();
        Config::from_lookup(move |name| (name == "CONNECTGAIN_DATA_DIR").then(|| dir.display().to_string())).unwrap()
    }

    #[test]
    fn first_load_creates_a_private_key_file_and_later_loads_reuse_it() {
        let dir = temp_dir().join("nested");
        let (ring, source) = KeyRing::load(&config_for(&dir)).unwrap();
        assert_eq!(source, KeySource::File { path: dir.join(KEY_FILE), created: true });
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.join(KEY_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (again, source) = KeyRing::load(&config_for(&dir)).unwrap();
        assert!(matches!(source, KeySource::File { created: false, .. }));
        assert_eq!(again.current().id(), ring.current().id());
    }

    #[test]
    fn environment_key_wins_over_the_file() {
        let dir = temp_dir();
        let key = MasterKey::generate();
        let hex = key.to_hex();
        let dir_text = dir.display().to_string();
        let config = Config::from_lookup(|name| match name {
            "CONNECTGAIN_DATA_DIR" => Some(dir_text.clone()),
            "CONNECTGAIN_MASTER_KEY" => Some(hex.clone()),
            _ => None,
        })
        .unwrap();
        let (ring, source) = KeyRing::load(&config).unwrap();
        assert_eq!(source, KeySource::Environment);
        assert_eq!(ring.current().id(), key.id());
        assert!(!dir.join(KEY_FILE).exists());
    }

    #[test]
    fn a_corrupt_key_file_is_an_error_naming_the_file() {
        let dir = temp_dir();
        fs::write(dir.join(KEY_FILE), "garbage").unwrap();
        let err = KeyRing::load(&config_for(&dir)).unwrap_err().to_string();
        assert!(err.contains("master.key"), "{err}");
    }

    #[test]
    fn file_rotation_keeps_old_values_readable_until_finished() {
        let dir = temp_dir();
        let (ring, _) = KeyRing::load(&config_for(&dir)).unwrap();
        let binding = SecretBinding::new("t.f", "1");
        let stored = ring.encrypt("v", &binding);
        let old_id = ring.current().id();

        let rotated = ring.start_file_rotation(&dir).unwrap();
        assert_ne!(rotated.current().id(), old_id);
        let (reloaded, _) = KeyRing::load(&config_for(&dir)).unwrap();
        assert_eq!(reloaded.current().id(), rotated.current().id());
        assert_eq!(reloaded.decrypt(&stored, &binding).unwrap().expose_secret(), "v");

        KeyRing::finish_file_rotation(&dir).unwrap();
        let (finished, _) = KeyRing::load(&config_for(&dir)).unwrap();
        assert!(finished.older().is_empty());
    }
}
