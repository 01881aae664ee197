//! What the load and footprint examples share: starting the release
//! binary's `serve` and reading a process's peak memory.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The release `leakguard` binary beside this example's directory.
pub fn release_binary() -> PathBuf {
    std::env::current_exe()
        .unwrap()
        .ancestors()
        .nth(2)
        .map(|d| d.join("leakguard"))
        .filter(|p| p.is_file())
        .expect("build the binary first: cargo build --release")
}

/// The channel secret and access token a started server uses.
pub struct Channel<'a> {
    /// `LINE_CHANNEL_SECRET`.
    pub secret: &'a str,
    /// `LINE_CHANNEL_ACCESS_TOKEN`.
    pub token: &'a str,
}

/// The admin token a started server accepts for `/metrics`.
pub const ADMIN_TOKEN: &str = "example-admin-token-0123456789abcdef";

/// Starts `leakguard serve --config CONFIG` with `channel`'s secrets,
/// [`ADMIN_TOKEN`], `log` as `LEAKGUARD_LOG` and `stderr` for its log;
/// returns the child and the address it printed.
pub fn start_serve(config: &Path, channel: Channel, log: &str, stderr: Stdio) -> (Child, String) {
    start(Command::new(release_binary()), config, channel, log, stderr)
}

/// [`start_serve`] with `program`, which runs the binary with the
/// arguments it is given (e.g. another build, under `sh -c`).
pub fn start(
    mut program: Command,
    config: &Path,
    channel: Channel,
    log: &str,
    stderr: Stdio,
) -> (Child, String) {
    let mut child = program
        .args(["serve", "--config"])
        .arg(config)
        .env("LINE_CHANNEL_SECRET", channel.secret)
        .env("LINE_CHANNEL_ACCESS_TOKEN", channel.token)
        .env("LEAKGUARD_HASH_KEY", "example-hash-key-0123456789abcdef")
        .env("LEAKGUARD_ADMIN_TOKEN", ADMIN_TOKEN)
        .env("LEAKGUARD_LOG", log)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("start leakguard serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .expect("address line")
        .to_string();
    (child, addr)
}

/// Peak resident set of `pid` in MiB (`VmHWM`), or NaN when unreadable.
pub fn peak_rss_mib(pid: u32) -> f64 {
    status_mib(pid, "VmHWM:")
}

/// A size in `/proc/PID/status` (`VmRSS:`, `VmHWM:`) in MiB, or NaN.
pub fn status_mib(pid: u32, key: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}
