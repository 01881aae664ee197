//! One integration test binary: detection tables, the command line through
//! the real binary, property tests, and the webhook service end to end
//! (the real `serve` binary, a real database, a loopback fake of LINE).

mod architecture;
mod at_rest;
mod attachment_service;
mod attachments;
mod chains;
mod cli;
mod clock;
mod content;
mod delivery;
mod detection;
mod doctor;
mod enrollment;
mod events;
mod line;
mod message_schema;
mod pdfs;
mod port;
mod properties;
mod report_page;
mod resilience;
mod second_platform;
mod service;
mod summary;
mod support;
mod watchlist;

use std::sync::OnceLock;

use leakguard::scan::{builtin_packs, Scanner};

/// The scanner over the built-in packs, built once per test binary.
pub fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| Scanner::new(&builtin_packs().expect("packs")).expect("scanner"))
}
