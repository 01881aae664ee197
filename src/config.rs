//! Typed settings (SPEC §6): a TOML file, then environment overrides.
//!
//! Every command works without a file: `--config` defaults to
//! `config/leakguard.toml` when it exists, else the built-in defaults. An
//! unknown key or a bad value is an error naming the file, the key and the
//! reason. Secrets never live in the file; they are read from the
//! environment by the commands that need them.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::calendar::WeeklyAt;
pub use crate::scan::describe_toml_error;
use crate::scan::Severity;
use crate::secret::HashKey;

/// The default config file, used when it exists and no `--config` is given.
pub const DEFAULT_PATH: &str = "config/leakguard.toml";

/// All settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// HTTP server.
    pub server: Server,
    /// LINE platform endpoints.
    pub line: Line,
    /// Storage.
    pub store: Store,
    /// Pattern packs.
    pub patterns: Patterns,
    /// What to do with findings.
    pub policy: Policy,
    /// Weekly summary.
    pub report: Report,
    /// The content stage.
    pub content: ContentStage,
    /// Per-group settings.
    pub groups: Vec<GroupConfig>,
    /// The file the settings came from, if any.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// `[server]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Server {
    /// Listen address (env `LEAKGUARD_LISTEN`).
    pub listen: String,
    /// Public base URL used in report links.
    pub public_url: String,
}

impl Default for Server {
    fn default() -> Self {
        Server {
            listen: "127.0.0.1:8080".into(),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

/// `[line]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Line {
    /// Messaging API base (env `LEAKGUARD_LINE_API_BASE`).
    pub api_base: String,
    /// Data API base (env `LEAKGUARD_LINE_DATA_API_BASE`).
    pub data_api_base: String,
}

impl Default for Line {
    fn default() -> Self {
        Line {
            api_base: "https://api.line.me".into(),
            data_api_base: "https://api-data.line.me".into(),
        }
    }
}

/// `[store]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Store {
    /// Database URL (env `LEAKGUARD_DATABASE_URL`): `sqlite://…` or `postgres://…`.
    pub url: String,
    /// Days incidents are kept.
    pub retention_days: u32,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            url: "sqlite://data/leakguard.db".into(),
            retention_days: 180,
        }
    }
}

/// `[content]`: the stage that reads what a message carries besides its
/// text (a file's name today), after the webhook has answered.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ContentStage {
    /// Content workers in this process (env `LEAKGUARD_CONTENT_WORKERS`).
    /// 0 records the jobs for another replica on the same database to do.
    pub workers: u32,
}

impl Default for ContentStage {
    fn default() -> Self {
        ContentStage { workers: 1 }
    }
}

/// `[patterns]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Patterns {
    /// A directory of packs that replaces the built-in ones.
    pub dir: Option<PathBuf>,
}

/// `[policy]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// Lowest severity that warns the group.
    pub warn_at: Severity,
    /// Lowest severity that alerts the officers.
    pub alert_at: Severity,
    /// Per group and rule; incidents are still recorded.
    pub cooldown_seconds: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            warn_at: Severity::Medium,
            alert_at: Severity::High,
            cooldown_seconds: 60,
        }
    }
}

/// `[report]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Report {
    /// Officers' LINE user ids (env `LEAKGUARD_OFFICERS`, comma-separated).
    pub officers: Vec<String>,
    /// When the weekly summary goes out, e.g. `Mon 09:00`.
    pub weekly_at: WeeklyAt,
    /// Time zone of `weekly_at` and of report weeks, e.g. `Asia/Taipei`.
    #[serde(deserialize_with = "time_zone")]
    pub timezone: jiff::tz::TimeZone,
}

/// An IANA time zone name, looked up in the bundled database.
fn time_zone<'de, D: serde::Deserializer<'de>>(d: D) -> Result<jiff::tz::TimeZone, D::Error> {
    let name = String::deserialize(d)?;
    jiff::tz::TimeZone::get(&name)
        .map_err(|_| serde::de::Error::custom(format!("unknown time zone {name:?}")))
}

impl Default for Report {
    fn default() -> Self {
        Report {
            officers: Vec::new(),
            weekly_at: "Mon 09:00".parse().expect("a valid default"),
            timezone: jiff::tz::TimeZone::get("Asia/Taipei").expect("bundled tzdb"),
        }
    }
}

/// `[[groups]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupConfig {
    /// LINE group or room id.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Categories this group legitimately handles.
    #[serde(default)]
    pub allow: Vec<String>,
}

/// A config that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Bad TOML, an unknown key or a bad value.
    #[error("{path}: {message}")]
    Invalid {
        /// The file (or `environment`).
        path: String,
        /// The key and the reason.
        message: String,
    },
}

impl Config {
    /// Loads `path`, or `config/leakguard.toml` if it exists, or defaults;
    /// then applies environment overrides.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let default = Path::new(DEFAULT_PATH);
        let chosen = match path {
            Some(p) => Some(p.to_path_buf()),
            None if default.is_file() => Some(default.to_path_buf()),
            None => None,
        };
        let mut config = match &chosen {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|source| ConfigError::Read {
                    path: p.clone(),
                    source,
                })?;
                Config::parse(&p.display().to_string(), &text)?
            }
            None => Config::default(),
        };
        config.source = chosen;
        config.apply_env(|k| std::env::var(k).ok())?;
        Ok(config)
    }

    /// Parses settings from TOML text; `name` is used in errors.
    pub fn parse(name: &str, text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: name.to_string(),
            message: describe_toml_error(text, &e),
        })?;
        config.validate(name)?;
        Ok(config)
    }

    fn validate(&self, name: &str) -> Result<(), ConfigError> {
        let bad = |key: &str, reason: String| ConfigError::Invalid {
            path: name.to_string(),
            message: format!("key {key}: {reason}"),
        };
        if self.policy.alert_at < self.policy.warn_at {
            return Err(bad(
                "policy.alert_at",
                "must not be lower than policy.warn_at".into(),
            ));
        }
        if self.store.retention_days == 0 {
            return Err(bad("store.retention_days", "must be at least 1".into()));
        }
        for (i, g) in self.groups.iter().enumerate() {
            if g.id.trim().is_empty() {
                return Err(bad(&format!("groups[{i}].id"), "must not be empty".into()));
            }
        }
        Ok(())
    }

    /// Applies the environment overrides SPEC §6 names.
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        if let Some(v) = var("LEAKGUARD_LISTEN") {
            self.server.listen = v;
        }
        if let Some(v) = var("LEAKGUARD_LINE_API_BASE") {
            self.line.api_base = v;
        }
        if let Some(v) = var("LEAKGUARD_LINE_DATA_API_BASE") {
            self.line.data_api_base = v;
        }
        if let Some(v) = var("LEAKGUARD_DATABASE_URL") {
            self.store.url = v;
        }
        if let Some(v) = var("LEAKGUARD_CONTENT_WORKERS") {
            self.content.workers = v.trim().parse().map_err(|_| ConfigError::Invalid {
                path: "environment".into(),
                message: format!(
                    "LEAKGUARD_CONTENT_WORKERS: {v:?} is not a number of workers (0 or more)"
                ),
            })?;
        }
        if let Some(v) = var("LEAKGUARD_OFFICERS") {
            self.report.officers = v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
        }
        Ok(())
    }

    /// The settings of a group, if configured.
    pub fn group(&self, id: &str) -> Option<&GroupConfig> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// The pattern directory that replaces the built-in packs, if set
    /// (a relative path is taken from the working directory).
    pub fn patterns_dir(&self) -> Option<&Path> {
        self.patterns.dir.as_deref()
    }
}

/// Secrets, from the environment only (SPEC §6): each `NAME` or
/// `NAME_FILE` holding a path.
#[derive(Clone)]
pub struct Secrets {
    /// `LINE_CHANNEL_SECRET`: the webhook signature key.
    pub channel_secret: String,
    /// `LINE_CHANNEL_ACCESS_TOKEN`: the Messaging API bearer token.
    pub channel_access_token: String,
    /// `LEAKGUARD_HASH_KEY`, or the key file beside the config file.
    pub hash_key: HashKey,
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
    let value =
        match var(name) {
            Some(v) => v,
            None => match var(&format!("{name}_FILE")) {
                Some(path) => std::fs::read_to_string(&path)
                    .map_err(|source| SecretError::File { name, path, source })?,
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
        let (hash_key, created) = match secret("LEAKGUARD_HASH_KEY", &var)? {
            Some(k) => (
                HashKey::new(k.into_bytes()).ok_or(SecretError::WeakKey("LEAKGUARD_HASH_KEY"))?,
                None,
            ),
            None => load_or_create_key(key_file)?,
        };
        Ok((
            Secrets {
                channel_secret,
                channel_access_token,
                hash_key,
                admin_token,
            },
            created,
        ))
    }
}

fn load_or_create_key(path: &Path) -> Result<(HashKey, Option<PathBuf>), SecretError> {
    let err = |source| SecretError::KeyFile {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let key = HashKey::new(text.trim().as_bytes().to_vec())
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
    let key = HashKey::new(text.into_bytes()).expect("64 hex characters");
    Ok((key, Some(path.to_path_buf())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_example_parses() {
        let text = r#"
[server]
listen = "127.0.0.1:8080"
public_url = "https://guard.example.gov.tw"
[line]
api_base = "https://api.line.me"
data_api_base = "https://api-data.line.me"
[store]
url = "sqlite://data/leakguard.db"
retention_days = 180
[patterns]
[policy]
warn_at = "medium"
alert_at = "high"
cooldown_seconds = 60
[report]
officers = []
weekly_at = "Mon 09:00"
timezone = "Asia/Taipei"
[[groups]]
id = "C0123456789abcdef0123456789abcdef"
name = "稽查小組"
allow = ["inspection"]
"#;
        let c = Config::parse("leakguard.toml", text).unwrap();
        assert_eq!(
            c.group("C0123456789abcdef0123456789abcdef").unwrap().allow,
            ["inspection"]
        );
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_file_and_key() {
        let e = Config::parse("a.toml", "[policy]\nwarn_at = \"loud\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("a.toml:") && e.contains("warn_at"), "{e}");
        let e = Config::parse("a.toml", "[server]\nlisten_on = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("listen_on"), "{e}");
        let e = Config::parse(
            "a.toml",
            "[policy]\nwarn_at = \"high\"\nalert_at = \"low\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("policy.alert_at"), "{e}");
        for (text, key, reason) in [
            (
                "[report]\ntimezone = \"Asia/Taipeii\"\n",
                "report.timezone",
                "unknown time zone",
            ),
            (
                "[report]\nweekly_at = \"Monday 9am\"\n",
                "report.weekly_at",
                "Mon 09:00",
            ),
        ] {
            let e = Config::parse("a.toml", text).unwrap_err().to_string();
            assert!(
                e.contains("line 2") && e.contains(key) && e.contains(reason),
                "{e}"
            );
        }
        let c = Config::parse(
            "a.toml",
            "[report]\ntimezone = \"UTC\"\nweekly_at = \"Fri 17:30\"\n",
        )
        .unwrap();
        assert_eq!(c.report.weekly_at.to_string(), "Fri 17:30");
        assert_eq!(c.report.timezone.iana_name(), Some("UTC"));
    }

    #[test]
    fn the_shipped_example_config_parses() {
        let text = include_str!("../config/leakguard.example.toml");
        let c = Config::parse("config/leakguard.example.toml", text).unwrap();
        assert_eq!(c.store.retention_days, 180);
        assert_eq!(c.groups.len(), 1);
    }

    #[test]
    fn environment_overrides_the_file() {
        let mut c = Config::default();
        c.apply_env(|k| (k == "LEAKGUARD_OFFICERS").then(|| "U1, U2".to_string()))
            .unwrap();
        assert_eq!(c.report.officers, ["U1", "U2"]);
    }

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
        assert_eq!(s.hash_key.hash(b"x"), s2.hash_key.hash(b"x"));
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
