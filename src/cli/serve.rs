//! `leakguard serve`: the webhook service until SIGINT or SIGTERM.
//!
//! Start-up checks everything before it listens and stops with one line
//! naming what is wrong (a missing secret, a bad config key or value, a
//! broken pack, an unreachable database): it never runs half-configured.
//! SIGHUP, or a change in `[patterns] dir` (looked at every two seconds),
//! reloads the pattern packs: the new scanner is compiled aside and
//! swapped in atomically, so scans in flight finish on the old one; a
//! broken pack is rejected and the packs in force stay.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use super::CliError;
use crate::app::{self, Options, Server};
use crate::clock::Clock;
use crate::config::{self, Config, Secrets};
use crate::scan::Scanner;
use crate::workers::outbox;

/// How long the outbox may keep sending after a shutdown signal.
pub const DRAIN: Duration = Duration::from_secs(5);

/// Logs to stderr: ids and counts, never message text (SPEC §9). The
/// filter is `LEAKGUARD_LOG`, else `RUST_LOG`, else `info` for leakguard
/// and warnings from the libraries.
pub fn init_logging() {
    let filter = ["LEAKGUARD_LOG", "RUST_LOG"]
        .into_iter()
        .find_map(|var| tracing_subscriber::EnvFilter::try_from_env(var).ok())
        .unwrap_or_else(|| {
            tracing_subscriber::EnvFilter::new("info,sqlx=warn,hyper=warn,reqwest=warn,h2=warn")
        });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

/// A multi-threaded runtime for the service commands.
pub fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failed(format!("cannot start the async runtime: {e}")))
}

/// Runs `serve`.
pub fn run(config: Config) -> Result<ExitCode, CliError> {
    init_logging();
    let key_file = config::key_file_path(&config);
    let (secrets, created) = Secrets::load(|k| std::env::var(k).ok(), &key_file)
        .map_err(|e| CliError::usage(e.to_string()))?;
    if let Some(path) = created {
        tracing::warn!(
            path = %path.display(),
            "created a new hash key; back it up apart from the database (without it the stored fingerprints cannot be matched)"
        );
    }
    let scanner = Arc::new(super::build_scanner(&config)?);
    raise_open_files(config.server.max_connections);
    let config = Arc::new(config);
    let rt = runtime()?;
    rt.block_on(async move {
        let platforms =
            app::platforms(&config, &secrets).map_err(|e| CliError::failed(e.to_string()))?;
        let server = Server::start(Options {
            config: config.clone(),
            secrets,
            scanner,
            platforms,
            outbox: outbox::Settings::default(),
            drain: DRAIN,
            clock: Clock::system(),
        })
        .await
        .map_err(|e| CliError::failed(e.to_string()))?;
        super::write_stdout(&format!("listening on {}\n", server.addr()))?;
        wait_for_signals(&server, &config).await;
        tracing::info!("shutting down: finishing requests and draining the outbox");
        server.shutdown().await;
        Ok(ExitCode::SUCCESS)
    })
}

/// Descriptors the service needs besides its connections: the database,
/// outbound calls, logs, the content stage's children.
const OTHER_FILES: u64 = 256;

/// Raises the soft limit of open files to the hard limit, so that the
/// connection cap, not a default of 1024 descriptors, bounds the public
/// port; warns when the limit is still below what the cap needs.
fn raise_open_files(max_connections: usize) {
    let before = rlimit::getrlimit(rlimit::Resource::NOFILE).map(|(soft, _)| soft);
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => {
            let needed = max_connections as u64 + OTHER_FILES;
            if before.as_ref().is_ok_and(|b| *b != limit) {
                tracing::info!(
                    from = before.unwrap_or(0),
                    to = limit,
                    "open file limit raised"
                );
            }
            if limit < needed {
                tracing::warn!(
                    limit,
                    needed,
                    "the open file limit is below server.max_connections plus {OTHER_FILES}; \
                     connections past it fail to be accepted (logged)"
                );
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot raise the open file limit"),
    }
}

#[cfg(unix)]
async fn wait_for_signals(server: &Server, config: &Config) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) else {
        let _ = tokio::signal::ctrl_c().await;
        return;
    };
    let dir = config.patterns_dir().map(Path::to_path_buf);
    let mut seen = dir.as_deref().map(pack_files);
    let mut poll = tokio::time::interval(PACK_POLL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = term.recv() => return,
            _ = int.recv() => return,
            _ = hup.recv() => reload(server, config),
            _ = poll.tick(), if dir.is_some() => {
                let now = dir.as_deref().map(pack_files);
                if now != seen {
                    tracing::info!("pack directory changed");
                    seen = now;
                    reload(server, config);
                }
            }
        }
    }
}

/// How often the pack directory is looked at for changes.
const PACK_POLL: Duration = Duration::from_secs(2);

/// Path, size and modification time of every pack file in `dir` (the
/// files `load_dir` reads): what changes when a pack is added, edited,
/// renamed or removed.
fn pack_files(dir: &Path) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    crate::scan::pack::pack_paths(dir)
        .unwrap_or_default()
        .into_iter()
        .map(|p| {
            let meta = std::fs::metadata(&p).ok();
            let len = meta.as_ref().map_or(0, |m| m.len());
            let modified = meta.and_then(|m| m.modified().ok());
            (p, len, modified)
        })
        .collect()
}

#[cfg(not(unix))]
async fn wait_for_signals(_server: &Server, _config: &Config) {
    let _ = tokio::signal::ctrl_c().await;
}

/// Recompiles the packs and swaps them in; on error the old ones stay.
fn reload(server: &Server, config: &Config) {
    let started = std::time::Instant::now();
    match super::load_packs(config)
        .and_then(|packs| Scanner::new(&packs).map_err(|e| CliError::failed(e.to_string())))
    {
        Ok(scanner) => {
            let rules = scanner.rule_count();
            server.pipeline().replace_scanner(Arc::new(scanner));
            tracing::info!(
                rules,
                elapsed_us = started.elapsed().as_micros() as u64,
                "packs reloaded"
            );
        }
        Err(e) => {
            tracing::error!(error = %e.message, "packs not reloaded; the previous packs stay in force")
        }
    }
}
