//! `leakguard doctor [--env-file FILE] [--fix]`: prints whether the guard
//! is ready, one check per line in zh-TW and English, and exits 0 when it
//! is, 1 when something must be done (see [`crate::doctor`]).

use std::path::Path;
use std::process::ExitCode;

use super::CliError;
use crate::config::Config;
use crate::doctor::{self, Setup};

/// Largest environment file read.
const MAX_ENV_FILE: u64 = 64 << 10;

/// Runs the checks and prints them.
pub fn run(config: Config, env_file: Option<&Path>, fix: bool) -> Result<ExitCode, CliError> {
    let vars = match env_file {
        Some(path) => {
            let shown = path.display().to_string();
            let cannot = |e: std::io::Error| CliError::usage(format!("{shown}: cannot read: {e}"));
            if std::fs::metadata(path).map_err(cannot)?.len() > MAX_ENV_FILE {
                return Err(CliError::usage(format!(
                    "{shown}: larger than {MAX_ENV_FILE} bytes; not an environment file"
                )));
            }
            let text = std::fs::read_to_string(path).map_err(cannot)?;
            doctor::parse_env_file(&text, &shown).map_err(CliError::usage)?
        }
        None => Vec::new(),
    };
    let setup = Setup { config, vars, fix };
    let rt = super::serve::runtime()?;
    let checks = rt.block_on(doctor::run(&setup));
    super::write_stdout(&doctor::render(&checks))?;
    Ok(if doctor::ready(&checks) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
