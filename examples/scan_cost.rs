//! Instruction counts of the full scan and of the bare Aho-Corasick pass on
//! the benchmark corpus, for a noise-free ratio under callgrind:
//!
//! ```text
//! valgrind --tool=callgrind --toggle-collect='scan_cost::full' target/release/examples/scan_cost
//! valgrind --tool=callgrind --toggle-collect='scan_cost::bare' target/release/examples/scan_cost
//! valgrind --tool=callgrind --toggle-collect='scan_cost::norm' target/release/examples/scan_cost
//! ```

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use leakguard::scan::{builtin_packs, Scanner};

#[path = "../benches/corpus.rs"]
mod corpus;

#[inline(never)]
fn full(scanner: &Scanner, messages: &[String]) -> usize {
    messages
        .iter()
        .map(|m| scanner.scan(m).findings.len())
        .sum()
}

#[inline(never)]
fn norm(messages: &[String]) -> usize {
    messages
        .iter()
        .map(|m| leakguard::normalize::NormalizedText::new(m).char_len())
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
    let ac = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .match_kind(MatchKind::Standard)
        .build(scanner.keywords())
        .expect("automaton");
    let messages = corpus::corpus(2000);
    // Warm both (lazy regex caches, tables), then the measured runs.
    let warm = (
        full(&scanner, &messages),
        bare(&ac, &messages),
        norm(&messages),
    );
    let measured = (
        full(&scanner, &messages),
        bare(&ac, &messages),
        norm(&messages),
    );
    assert_eq!(warm, measured);
    println!("findings {}, keyword matches {}", measured.0, measured.1);
}
