//! The detection engine, pure and synchronous: no IO, no async, so the
//! webhook, the command line and the benches share it.
//!
//! ```
//! use leakguard::scan::{builtin_packs, Scanner};
//! let scanner = Scanner::new(&builtin_packs().unwrap()).unwrap();
//! let result = scanner.scan("明天上午10點稽查大同區三家餐廳：老王牛肉麵、阿美小吃");
//! assert_eq!(result.findings[0].category, "inspection");
//! ```

pub mod engine;
pub mod fingerprint;
pub mod entity;
mod finding;
pub mod marking;
pub mod pack;
mod phonetic;
mod rule;
mod sentence;
mod syllable_set;
mod toml_error;
pub mod watch;
mod zhuyin;

pub use engine::{Contribution, Evidence, EvidenceKind, Finding, ScanResult, Scanner};
pub use pack::{builtin_packs, load_dir, Pack, PackError, Severity};
pub use toml_error::describe_toml_error;
