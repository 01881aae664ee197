//! The command line (SPEC §4): one file per subcommand.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::scan::{self, Scanner, Severity};

pub mod doctor;
pub mod eval;
pub mod officers;
pub mod patterns;
pub mod report;
pub mod scan_cmd;
pub mod scan_file;
pub mod serve;
pub mod simulate;
pub mod watch;

/// leakguard: warns LINE work groups before official secrets and personal data are forwarded.
#[derive(Debug, Parser)]
#[command(name = "leakguard", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan one message and report what it reveals.
    Scan {
        /// Config file (default: config/leakguard.toml, else /etc/leakguard/leakguard.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Print exactly one JSON object.
        #[arg(long)]
        json: bool,
        /// Judge the message as posted in this group (its `allow` list applies).
        #[arg(long, conflicts_with = "file")]
        group: Option<String>,
        /// Scan the text inside a file (a spreadsheet, a document, a zip,
        /// a text or CSV file), or `-` to read it from standard input.
        #[arg(long, conflicts_with = "text")]
        file: Option<PathBuf>,
        /// The message, or `-` to read standard input.
        #[arg(required_unless_present = "file")]
        text: Option<String>,
    },
    /// Measure precision and recall on labelled JSONL files.
    Eval {
        /// Config file (default: config/leakguard.toml, else /etc/leakguard/leakguard.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Lowest severity that counts as a prediction.
        #[arg(long, default_value = "medium")]
        min_severity: Severity,
        /// Also report each file on its own, after the report over all
        /// (with --json: one more JSON object per line, with its "file").
        #[arg(long)]
        by_file: bool,
        /// JSONL files: {"id", "text", "labels": [...]}.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Build the weekly summary for security officers, print it, or send it.
    Report {
        /// Config file (default: config/leakguard.toml, else /etc/leakguard/leakguard.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// ISO week, e.g. 2026-W48 (default: the last complete week).
        #[arg(long)]
        week: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: report::Format,
        /// Push the summary to the officers now (once per week and officer).
        #[arg(long)]
        send: bool,
        /// With --send: send again even to officers who already had it.
        #[arg(long, requires = "send")]
        force: bool,
    },
    /// Run the LINE webhook service.
    Serve {
        /// Config file (default: config/leakguard.toml, else /etc/leakguard/leakguard.toml).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Play a scripted day through the real server and a fake LINE platform.
    Simulate {
        /// Config file (default: config/leakguard.toml, else /etc/leakguard/leakguard.toml).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Read the text inside a file from standard input, in the sandbox
    /// the server and `scan --file` start it in (internal).
    #[command(hide = true)]
    Extract {
        /// The readers' limits, as JSON (`extract::Limits`).
        #[arg(long)]
        limits: Option<String>,
        /// Address space, in MiB.
        #[arg(long, default_value_t = 1024)]
        memory_mib: u64,
        /// CPU time, in seconds.
        #[arg(long, default_value_t = 30)]
        cpu_seconds: u64,
        /// Largest input, in bytes.
        #[arg(long, default_value_t = 20 << 20)]
        max_input: u64,
    },
    /// The officers' watchlist: import terms from a CSV file, list, remove.
    Watch {
        /// What to do with the watchlist.
        #[command(subcommand)]
        action: WatchAction,
    },
    /// Security officers and managers: invite by one-time code, list, remove.
    Officers {
        /// What to do.
        #[command(subcommand)]
        action: OfficersAction,
    },
    /// Check that the guard is ready: config, key, store, the LINE channel
    /// (token, webhook URL, a signed test call), quota, officers.
    Doctor {
        /// Config file (default: config/leakguard.toml, else /etc/leakguard/leakguard.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Read the secrets from this file (KEY=value lines, as systemd's
        /// EnvironmentFile) instead of the environment.
        #[arg(long)]
        env_file: Option<PathBuf>,
        /// Set the channel's webhook URL to [server] public_url + /webhook/line.
        #[arg(long)]
        fix: bool,
    },
    /// Pattern pack tools.
    Patterns {
        /// What to do with the packs.
        #[command(subcommand)]
        action: PatternsAction,
    },
}

/// `patterns` subcommands.
#[derive(Debug, Subcommand)]
pub enum PatternsAction {
    /// Load every pack and run every rule's inline examples.
    Check {
        /// A pack directory instead of the built-in packs.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

/// `officers` subcommands.
#[derive(Debug, Subcommand)]
pub enum OfficersAction {
    /// Print a one-time code (valid 24 hours) for a person to send to the
    /// bot in a 1:1 chat; it enrolls them.
    Invite {
        /// Config file (default: config/leakguard.toml, else /etc/leakguard/leakguard.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// The person's name, as you will know them in `list` (張督導).
        #[arg(long)]
        name: String,
        /// officer: alerts, /summary, the weekly summary, /watch;
        /// manager: /watch only.
        #[arg(long, value_enum, default_value = "officer")]
        role: RoleArg,
        /// A manager's groups: [[groups]] names or ids (repeatable, or
        /// comma-separated).
        #[arg(long = "group", alias = "groups", value_delimiter = ',')]
        groups: Vec<String>,
    },
    /// Names, roles and when they enrolled (never their ids in full).
    List {
        /// Config file (default: config/leakguard.toml, else /etc/leakguard/leakguard.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Remove an invited or enrolled person: they receive nothing more.
    Remove {
        /// Config file (default: config/leakguard.toml, else /etc/leakguard/leakguard.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// The name given to `invite`.
        name: String,
    },
}

/// `--role`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RoleArg {
    /// 政風人員.
    Officer,
    /// 業務主管.
    Manager,
}

/// `watch` subcommands.
#[derive(Debug, Subcommand)]
pub enum WatchAction {
    /// Register one column of a CSV file (e.g. the 稽查名單 saved as CSV)
    /// until a day; the terms themselves are never stored.
    Import {
        /// Config file (default: config/leakguard.toml, else /etc/leakguard/leakguard.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Category id or name (inspection, 採購, 檢舉人…).
        #[arg(long)]
        category: String,
        /// Last day in force: 2026-12-10, 12/10 or 115/12/10.
        #[arg(long)]
        until: String,
        /// Column number (from 1) or the header's name.
        #[arg(long, default_value = "1")]
        column: String,
        /// The first row is a header (implied by --column NAME).
        #[arg(long)]
        header: bool,
        /// A [[groups]] id where the terms are at home (repeatable).
        #[arg(long = "allow-group")]
        allow_groups: Vec<String>,
        /// Register the valid rows even when some are not.
        #[arg(long)]
        skip_invalid: bool,
        /// The CSV or text file.
        file: PathBuf,
    },
    /// List the entries in force by their masked hints.
    List {
        /// Config file (default: config/leakguard.toml, else /etc/leakguard/leakguard.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Remove one entry by its number.
    Remove {
        /// Config file (default: config/leakguard.toml, else /etc/leakguard/leakguard.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// The entry's number, as `list` shows it.
        id: i64,
    },
}

/// An error with the exit code it maps to.
#[derive(Debug)]
pub struct CliError {
    /// Exit status.
    pub code: u8,
    /// One line for stderr.
    pub message: String,
}

impl CliError {
    /// Bad usage or unreadable input: exit 2.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: 2,
            message: message.into(),
        }
    }
    /// A check that failed: exit 1.
    pub fn failed(message: impl Into<String>) -> Self {
        CliError {
            code: 1,
            message: message.into(),
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Scan {
            config,
            json,
            group,
            file,
            text,
        } => {
            let config = load_config(config)?;
            let scanner = build_scanner(&config)?;
            match (file, text) {
                (Some(path), _) => scan_file::run(&scanner, &path, json),
                (None, text) => {
                    let text = text.unwrap_or_default();
                    scan_cmd::run(&scanner, &config, &text, json, group.as_deref())
                }
            }
        }
        Command::Extract {
            limits,
            memory_mib,
            cpu_seconds,
            max_input,
        } => {
            let limits = match limits {
                Some(json) => serde_json::from_str(&json)
                    .map_err(|e| CliError::usage(format!("--limits: {e}")))?,
                None => crate::extract::Limits::default(),
            };
            Ok(crate::extract::child::serve(
                &limits,
                memory_mib,
                cpu_seconds,
                max_input,
            ))
        }
        Command::Eval {
            config,
            json,
            min_severity,
            by_file,
            files,
        } => {
            let config = load_config(config)?;
            let scanner = build_scanner(&config)?;
            eval::run(&scanner, &files, min_severity, json, by_file)
        }
        Command::Patterns {
            action: PatternsAction::Check { dir },
        } => patterns::check(dir.as_deref()),
        Command::Report {
            config,
            week,
            format,
            send,
            force,
        } => report::run(load_config(config)?, week.as_deref(), format, send, force),
        Command::Serve { config } => serve::run(load_config(config)?),
        Command::Watch { action } => match action {
            WatchAction::Import {
                config,
                category,
                until,
                column,
                header,
                allow_groups,
                skip_invalid,
                file,
            } => watch::import(
                load_config(config)?,
                &watch::Import {
                    file: &file,
                    category: &category,
                    until: &until,
                    column: &column,
                    header,
                    allow_groups: &allow_groups,
                    skip_invalid,
                },
            ),
            WatchAction::List { config, json } => watch::list(load_config(config)?, json),
            WatchAction::Remove { config, id } => watch::remove(load_config(config)?, id),
        },
        Command::Simulate { config } => simulate::run(load_config(config)?),
        Command::Officers { action } => match action {
            OfficersAction::Invite {
                config,
                name,
                role,
                groups,
            } => {
                let role = match role {
                    RoleArg::Officer => crate::enrollment::Role::Officer,
                    RoleArg::Manager => crate::enrollment::Role::Manager,
                };
                officers::invite(load_config(config)?, &name, role, &groups)
            }
            OfficersAction::List { config, json } => officers::list(load_config(config)?, json),
            OfficersAction::Remove { config, name } => {
                officers::remove(load_config(config)?, &name)
            }
        },
        Command::Doctor {
            config,
            env_file,
            fix,
        } => doctor::run(load_config(config)?, env_file.as_deref(), fix),
    }
}

/// Writes to standard output; a closed pipe (`leakguard eval … | head`)
/// ends the command quietly instead of panicking.
pub fn write_stdout(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::failed(format!(
            "cannot write to standard output: {e}"
        ))),
    }
}

fn load_config(path: Option<PathBuf>) -> Result<Config, CliError> {
    Config::load(path.as_deref()).map_err(|e| CliError::usage(e.to_string()))
}

/// Packs from the config's `[patterns] dir`, else the built-in ones.
pub fn load_packs(config: &Config) -> Result<Vec<scan::Pack>, CliError> {
    let packs = match config.patterns_dir() {
        Some(dir) => scan::load_dir(dir),
        None => scan::builtin_packs(),
    };
    packs.map_err(|e| CliError::usage(e.to_string()))
}

/// The keys derived from `config`'s hash key (the environment's, else the
/// key file beside the config).
pub(crate) fn master_keys(config: &Config) -> Result<crate::secret::Keys, CliError> {
    let key_file = crate::config::key_file_path(config);
    let (master, _) = crate::config::master_key(&|k: &str| std::env::var(k).ok(), &key_file)
        .map_err(|e| CliError::usage(e.to_string()))?;
    Ok(master.keys(config.report.link_epoch))
}

pub(crate) fn build_scanner(config: &Config) -> Result<Scanner, CliError> {
    let packs = load_packs(config)?;
    Scanner::new(&packs).map_err(|e| CliError::failed(e.to_string()))
}
