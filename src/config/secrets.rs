//! Secrets (SPEC §6): from the environment only, each `NAME` or a
//! `NAME_FILE` holding a path; the hash key, when not given, from a key
//! file beside the config file (created on first start, mode 0600), never
//! in the data directory. A key file that other users may read stops
//! start-up.

use std::path::{Path, PathBuf};

use super::Config;
use crate::secret::MasterKey;

/// Secrets, from the environment only (SPEC §6): each `NAME` or
/// `NAME_FILE` holding a path.
#[derive(Clone)]
pub struct Secrets {
    /// `LINE_CHANNEL_SECRET`: the webhook signature key.
    pub channel_secret: String,
    /// `LINE_CHANNEL_ACCESS_TOKEN`: the Messaging API bearer token.
    pub channel_access_token: String,
    /// `LEAKGUARD_HASH_KEY`, or the key file beside the config file: the
    /// master key every other key is derived from.
    pub master_key: MasterKey,
    /// `LEAKGUARD_ADMIN_TOKEN`, if set.
    pub admin_token: Option<String>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(..)")
    }
}

/// A secret that is missing or unreadable.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// Neither `NAME` nor `NAME_FILE` is set.
    #[error("{0} is not set (set it, or {0}_FILE to a file holding it)")]
    Missing(&'static str),
    /// Set but empty.
    #[error("{0} is empty")]
    Empty(&'static str),
    /// `NAME_FILE` names a file that cannot be read.
    #[error("{name}_FILE={path}: cannot read: {source}")]
    File {
        /// The variable.
        name: &'static str,
        /// The path.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The hash key is too short.
    #[error("{0} must be at least 16 bytes")]
    WeakKey(&'static str),
    /// The key file can be read or written by other users.
    #[error(
        "the hash key file {path} is open to other users (mode {mode:04o}); \
         make it readable by this user alone: chmod 600 {path}"
    )]
    KeyFileOpen {
        /// The path.
        path: String,
        /// Its permission bits.
        mode: u32,
    },
    /// The key file could not be created.
    #[error("cannot create the hash key file {path}: {source}")]
    KeyFile {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Where the hash key file lives when `LEAKGUARD_HASH_KEY` is not given:
/// beside the config file, never in the data directory.
pub fn key_file_path(config: &Config) -> PathBuf {
    let dir = config
        .source
        .as_deref()
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("config"));
    dir.join("leakguard.key")
}

fn secret(
    name: &'static str,
    var: &impl Fn(&str) -> Option<String>,
) -> Result<Option<String>, SecretError> {
    let value = match var(name) {
        Some(v) => v,
        None => match var(&format!("{name}_FILE")) {
            Some(path) => {
                if name == "LEAKGUARD_HASH_KEY" {
                    private_to_owner(Path::new(&path))?;
                }
                std::fs::read_to_string(&path).map_err(|source| SecretError::File {
                    name,
                    path,
                    source,
                })?
            }
            None => return Ok(None),
        },
    };
    let value = value.trim().to_string();
    if value.is_empty() {
        return Err(SecretError::Empty(name));
    }
    Ok(Some(value))
}

impl Secrets {
    /// Reads the secrets; a missing hash key is created in `key_file`
    /// (mode 0600) on first start, and `created` tells the caller to say so.
    pub fn load(
        var: impl Fn(&str) -> Option<String>,
        key_file: &Path,
    ) -> Result<(Secrets, Option<PathBuf>), SecretError> {
        let channel_secret = secret("LINE_CHANNEL_SECRET", &var)?
            .ok_or(SecretError::Missing("LINE_CHANNEL_SECRET"))?;
        let channel_access_token = secret("LINE_CHANNEL_ACCESS_TOKEN", &var)?
            .ok_or(SecretError::Missing("LINE_CHANNEL_ACCESS_TOKEN"))?;
        let admin_token = secret("LEAKGUARD_ADMIN_TOKEN", &var)?;
        let (master_key, created) = master_key(&var, key_file)?;
        Ok((
            Secrets {
                channel_secret,
                channel_access_token,
                master_key,
                admin_token,
            },
            created,
        ))
    }
}

/// The master key: `LEAKGUARD_HASH_KEY` (or `_FILE`), else the key file,
/// created on first start; the path when it was created, for the caller
/// to say so.
pub fn master_key(
    var: &impl Fn(&str) -> Option<String>,
    key_file: &Path,
) -> Result<(MasterKey, Option<PathBuf>), SecretError> {
    match secret("LEAKGUARD_HASH_KEY", var)? {
        Some(k) => Ok((
            MasterKey::new(k.into_bytes()).ok_or(SecretError::WeakKey("LEAKGUARD_HASH_KEY"))?,
            None,
        )),
        None => load_or_create_key(key_file),
    }
}

/// Refuses a key file that users other than its owner may read or write:
/// whoever reads it can open every sealed record of the store.
fn private_to_owner(path: &Path) -> Result<(), SecretError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                return Err(SecretError::KeyFileOpen {
                    path: path.display().to_string(),
                    mode,
                });
            }
        }
    }
    Ok(())
}

fn load_or_create_key(path: &Path) -> Result<(MasterKey, Option<PathBuf>), SecretError> {
    let err = |source| SecretError::KeyFile {
        path: path.to_path_buf(),
        source,
    };
    private_to_owner(path)?;
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let key = MasterKey::new(text.trim().as_bytes().to_vec())
                .ok_or(SecretError::WeakKey("the hash key file"))?;
            return Ok((key, None));
        }
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(err(e)),
        Err(_) => {}
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| err(std::io::Error::other(e.to_string())))?;
    let text = hex::encode(bytes);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    let mut f = options.open(path).map_err(err)?;
    f.write_all(format!("{text}\n").as_bytes()).map_err(err)?;
    f.sync_all().map_err(err)?;
    let key = MasterKey::new(text.into_bytes()).expect("64 hex characters");
    Ok((key, Some(path.to_path_buf())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_come_from_the_environment_or_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let token_file = dir.path().join("token");
        std::fs::write(&token_file, "tok\n").unwrap();
        let key = dir.path().join("k/leakguard.key");
        let env = |k: &str| match k {
            "LINE_CHANNEL_SECRET" => Some("s3cret".to_string()),
            "LINE_CHANNEL_ACCESS_TOKEN_FILE" => Some(token_file.display().to_string()),
            _ => None,
        };
        let (s, created) = Secrets::load(env, &key).unwrap();
        assert_eq!(s.channel_access_token, "tok");
        assert_eq!(created.as_deref(), Some(key.as_path()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // The second start reads the same key and says nothing.
        let (s2, created) = Secrets::load(env, &key).unwrap();
        assert!(created.is_none());
        assert_eq!(
            s.master_key.keys(1).text.hash(b"x"),
            s2.master_key.keys(1).text.hash(b"x")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_open_to_other_users_stops_start_up() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("leakguard.key");
        std::fs::write(&key, "0123456789abcdef0123456789abcdef\n").unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let env = |k: &str| match k {
            "LINE_CHANNEL_SECRET" | "LINE_CHANNEL_ACCESS_TOKEN" => Some("x".to_string()),
            _ => None,
        };
        let e = Secrets::load(env, &key).unwrap_err().to_string();
        assert!(e.contains("chmod 600") && e.contains("0644"), "{e}");
        // The same file named by LEAKGUARD_HASH_KEY_FILE is refused too.
        let named = |k: &str| match k {
            "LEAKGUARD_HASH_KEY_FILE" => Some(key.display().to_string()),
            other => env(other),
        };
        let e = Secrets::load(named, Path::new("/nonexistent/k")).unwrap_err();
        assert!(e.to_string().contains("chmod 600"), "{e}");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(Secrets::load(env, &key).is_ok());
        assert!(Secrets::load(named, Path::new("/nonexistent/k")).is_ok());
    }

    #[test]
    fn a_missing_secret_is_named() {
        let e = Secrets::load(|_| None, Path::new("/nonexistent/k")).unwrap_err();
        assert!(e.to_string().contains("LINE_CHANNEL_SECRET"), "{e}");
        let e = Secrets::load(
            |k| (k == "LINE_CHANNEL_SECRET").then(|| "x".to_string()),
            Path::new("/nonexistent/k"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("LINE_CHANNEL_ACCESS_TOKEN"), "{e}");
    }
}
