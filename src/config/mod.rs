//! Typed settings (SPEC §6): a TOML file, then environment overrides.
//!
//! Every command works without a file: `--config` defaults to
//! `config/leakguard.toml` when it exists, else the package's
//! `/etc/leakguard/leakguard.toml` when that exists, else the built-in
//! defaults. An unknown key or a bad value is an error naming the file,
//! the key and the reason. Secrets never live in the file; they are read
//! from the environment by the commands that need them.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::calendar::WeeklyAt;
pub use crate::scan::describe_toml_error;
use crate::scan::Severity;

mod content;
mod secrets;
mod watch;

pub use content::ContentStage;
pub use watch::Watch;

pub use secrets::{key_file_path, master_key, SecretError, Secrets};

/// The default config file, used when it exists and no `--config` is given.
pub const DEFAULT_PATH: &str = "config/leakguard.toml";

/// The config file the Debian package installs, used when no `--config`
/// is given and [`DEFAULT_PATH`] does not exist.
pub const INSTALLED_PATH: &str = "/etc/leakguard/leakguard.toml";

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
    /// The officers' watchlist.
    pub watch: Watch,
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
    /// How long a connection may take to send a request's head, counted
    /// from when the server waits for it: on a new connection and between
    /// keep-alive requests, so it is also the idle timeout.
    pub header_timeout_seconds: u64,
    /// How long a webhook body may take, waiting for room in the body
    /// budget included, before the request is answered 408 (or 503) and
    /// the connection closed.
    pub body_timeout_seconds: u64,
    /// Connections served at once; past it the server stops accepting
    /// until one closes (the rest wait in the listen queue).
    pub max_connections: usize,
    /// MiB of webhook bodies being read or held at once, over all
    /// connections; a body waits for its declared length (1 MiB when it
    /// declares none) to fit.
    pub body_buffer_mib: usize,
    /// After a shutdown signal, how long requests in flight may take to
    /// finish before their connections are closed.
    pub shutdown_grace_seconds: u64,
}

impl Default for Server {
    fn default() -> Self {
        Server {
            listen: "127.0.0.1:8080".into(),
            public_url: "http://127.0.0.1:8080".into(),
            header_timeout_seconds: 10,
            body_timeout_seconds: 10,
            max_connections: 4096,
            body_buffer_mib: 16,
            shutdown_grace_seconds: 10,
        }
    }
}

impl Server {
    /// The bounds of the public port, each within what makes sense.
    fn validate(&self, bad: &dyn Fn(&str, String) -> ConfigError) -> Result<(), ConfigError> {
        let seconds = [
            ("header_timeout_seconds", self.header_timeout_seconds, 1),
            ("body_timeout_seconds", self.body_timeout_seconds, 1),
            ("shutdown_grace_seconds", self.shutdown_grace_seconds, 0),
        ];
        for (key, value, least) in seconds {
            if !(least..=MAX_SECONDS).contains(&value) {
                return Err(bad(
                    &format!("server.{key}"),
                    format!("{value} is not between {least} and {MAX_SECONDS} seconds"),
                ));
            }
        }
        if !(1..=1_000_000).contains(&self.max_connections) {
            return Err(bad(
                "server.max_connections",
                format!("{} is not between 1 and 1000000", self.max_connections),
            ));
        }
        if !(1..=4096).contains(&self.body_buffer_mib) {
            return Err(bad(
                "server.body_buffer_mib",
                format!(
                    "{} is not between 1 (one largest body) and 4096 MiB",
                    self.body_buffer_mib
                ),
            ));
        }
        Ok(())
    }
}

/// The longest timeout or grace period accepted, in seconds.
const MAX_SECONDS: u64 = 300;

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
    /// The epoch of the report link key (env `LEAKGUARD_LINK_EPOCH`):
    /// raising it revokes every link signed before, and nothing else.
    pub link_epoch: u32,
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
            link_epoch: 1,
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
    /// Members (LINE user ids) who lead the group's work and may register
    /// watchlist entries, as officers may.
    #[serde(default)]
    pub managers: Vec<String>,
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
        let chosen = match path {
            Some(p) => Some(p.to_path_buf()),
            None => [DEFAULT_PATH, INSTALLED_PATH]
                .iter()
                .map(Path::new)
                .find(|p| p.is_file())
                .map(Path::to_path_buf),
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
        self.server.validate(&bad)?;
        self.content.validate(&bad)?;
        self.watch.validate(&bad)?;
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
            self.content.workers = env_count("LEAKGUARD_CONTENT_WORKERS", &v, "number of workers")?;
        }
        if let Some(v) = var("LEAKGUARD_EXTRACTIONS") {
            self.content.extractions =
                env_count("LEAKGUARD_EXTRACTIONS", &v, "number of extractions")?.max(1);
        }
        if let Some(v) = var("LEAKGUARD_LINK_EPOCH") {
            self.report.link_epoch = env_count("LEAKGUARD_LINK_EPOCH", &v, "link key epoch")?;
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

    /// Whether `user` may change the watchlist: an officer, or a manager
    /// of a configured group.
    pub fn may_watch(&self, user: &str) -> bool {
        self.report.officers.iter().any(|o| o == user)
            || self
                .groups
                .iter()
                .any(|g| g.managers.iter().any(|m| m == user))
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

/// A whole number from the environment variable `name`.
fn env_count(name: &str, value: &str, what: &str) -> Result<u32, ConfigError> {
    value.trim().parse().map_err(|_| ConfigError::Invalid {
        path: "environment".into(),
        message: format!("{name}: {value:?} is not a {what} (0 or more)"),
    })
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
        let text = include_str!("../../config/leakguard.example.toml");
        let c = Config::parse("config/leakguard.example.toml", text).unwrap();
        assert_eq!(c.store.retention_days, 180);
        assert_eq!(c.content.workers, 1);
        assert_eq!(c.groups.len(), 1);
    }

    #[test]
    fn environment_overrides_the_file() {
        let mut c = Config::default();
        c.apply_env(|k| (k == "LEAKGUARD_OFFICERS").then(|| "U1, U2".to_string()))
            .unwrap();
        assert_eq!(c.report.officers, ["U1", "U2"]);
        assert_eq!(c.content.workers, 1);
        c.apply_env(|k| (k == "LEAKGUARD_CONTENT_WORKERS").then(|| "0".to_string()))
            .unwrap();
        assert_eq!(c.content.workers, 0);
        let err = c
            .apply_env(|k| (k == "LEAKGUARD_CONTENT_WORKERS").then(|| "two".to_string()))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("LEAKGUARD_CONTENT_WORKERS") && err.contains("\"two\""),
            "{err}"
        );
    }
}
