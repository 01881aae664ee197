//! Thin entry point: parse the command line, dispatch, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = leakguard::cli::Cli::parse();
    match leakguard::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("leakguard: {}", err.message);
            ExitCode::from(err.code)
        }
    }
}
