//! Thin entry point: parse the command line, dispatch, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: per-thread free lists instead of glibc's shared arenas, which
/// spent about a tenth of the request path in malloc, free and
/// consolidation. Transparent huge pages stay off (`no_thp`), which keeps
/// the resident set near glibc's (README, Footprint).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
