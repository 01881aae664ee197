//! One integration test binary: detection tables, the command line through
//! the real binary, and property tests.

mod cli;
mod detection;
mod line;
mod properties;

use std::sync::OnceLock;

use leakguard::scan::{builtin_packs, Scanner};

/// The scanner over the built-in packs, built once per test binary.
pub fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| Scanner::new(&builtin_packs().expect("packs")).expect("scanner"))
}
