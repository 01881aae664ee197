//! Instruction counts of the full scan, normalization alone and the bare
//! Aho-Corasick pass on the benchmark corpus, for a noise-free ratio under
//! callgrind. Everything is warmed first (tables, the regexes' lazy DFAs), as
//! in a running server; only the measured pass of each function is counted:
//!
//! ```text
//! cargo build --release --example scan_cost
//! valgrind --tool=callgrind --toggle-collect='scan_cost::full' target/release/examples/scan_cost
//! valgrind --tool=callgrind --toggle-collect='scan_cost::bare' target/release/examples/scan_cost
//! valgrind --tool=callgrind --toggle-collect='scan_cost::norm' target/release/examples/scan_cost
//! valgrind --tool=callgrind --toggle-collect='scan_cost::exact' target/release/examples/scan_cost
//! ```

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use leakguard::normalize::NormalizedText;
use leakguard::scan::{builtin_packs, Scanner};

/// The allocator the `leakguard` binary ships with (`src/main.rs`).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../benches/corpus.rs"]
mod corpus;

#[inline(never)]
fn full(scanner: &Scanner, messages: &[String]) -> usize {
    messages
        .iter()
        .map(|m| scanner.scan(m).findings.len())
        .sum()
}

/// The full scan without the homophone variants of the anchor keywords.
#[inline(never)]
fn exact(scanner: &Scanner, messages: &[String]) -> usize {
    // A loop of its own, so that the compiler does not fold it into `full`.
    let mut found = 0;
    for m in messages {
        found += scanner.scan(std::hint::black_box(m)).findings.len();
    }
    found
}

#[inline(never)]
fn norm(messages: &[String]) -> usize {
    messages
        .iter()
        .map(|m| NormalizedText::new(m).char_len())
        .sum()
}

#[inline(never)]
fn bare(ac: &AhoCorasick, messages: &[String]) -> usize {
    messages
        .iter()
        .map(|m| ac.find_overlapping_iter(m.as_str()).count())
        .sum()
}

fn main() {
    let scanner = Scanner::new(&builtin_packs().expect("packs")).expect("scanner");
    let exact_only = Scanner::exact_only(&builtin_packs().expect("packs")).expect("scanner");
    let ac = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .match_kind(MatchKind::Standard)
        .build(scanner.keywords())
        .expect("automaton");
    let messages = corpus::corpus(2000);
    let mut warm = 0;
    for _ in 0..5 {
        warm = messages
            .iter()
            .map(|m| scanner.scan(m).findings.len())
            .sum::<usize>();
        for m in &messages {
            exact_only.scan(m);
        }
    }
    let without_sounds = exact(&exact_only, &messages);
    let counted = (
        full(&scanner, &messages),
        norm(&messages),
        bare(&ac, &messages),
    );
    assert_eq!(warm, counted.0);
    println!(
        "findings {} ({without_sounds} without homophones), characters {}, keyword matches {}",
        counted.0, counted.1, counted.2
    );
}
