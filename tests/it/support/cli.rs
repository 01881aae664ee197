//! The real binary as a test runs it.

use std::path::Path;
use std::process::Command;

/// `leakguard ARGS --config CONFIG`, with none of the test process's
/// `LEAKGUARD_*` or `LINE_*` variables: each test says what the command
/// gets.
pub fn leakguard(args: &[&str], config: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("leakguard"));
    cmd.args(args).arg("--config").arg(config);
    for (k, _) in std::env::vars() {
        if k.starts_with("LEAKGUARD_") || k.starts_with("LINE_") {
            cmd.env_remove(k);
        }
    }
    cmd
}
