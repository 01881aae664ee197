//! Scan throughput on a deterministic, realistic corpus: mostly everyday
//! work-group chat (~97 %), some risky messages (~3 %), 10–300 characters,
//! mixed CJK, ASCII, digits and emoji.
//!
//! Two benchmarks over the same messages, in the same run:
//! - `full_scan`: normalize + one Aho-Corasick pass + entities + scoring;
//! - `normalize_only`: the normalization step alone, for the breakdown;
//! - `bare_aho_corasick`: one Aho-Corasick DFA pass over the same keywords
//!   on the raw text, counting overlapping matches — the floor.
//!
//! Run: `cargo bench --bench scan`. Time per iteration ÷ messages = ns/message.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use leakguard::normalize::NormalizedText;
use leakguard::scan::{builtin_packs, Scanner};

#[path = "corpus.rs"]
mod corpus;
use corpus::corpus;

fn bench(c: &mut Criterion) {
    let packs = builtin_packs().expect("built-in packs");
    let scanner = Scanner::new(&packs).expect("scanner");
    let messages = corpus(2000);
    let bytes: usize = messages.iter().map(String::len).sum();
    eprintln!(
        "corpus: {} messages, {} bytes ({:.0} bytes/message), {} keywords",
        messages.len(),
        bytes,
        bytes as f64 / messages.len() as f64,
        scanner.keywords().len()
    );
    let bare = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .match_kind(MatchKind::Standard)
        .build(scanner.keywords())
        .expect("automaton");

    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(BenchmarkId::new("bare_aho_corasick", messages.len()), |b| {
        b.iter(|| {
            let mut found = 0;
            for m in &messages {
                found += bare
                    .find_overlapping_iter(std::hint::black_box(m.as_str()))
                    .count();
            }
            found
        })
    });
    group.bench_function(BenchmarkId::new("full_scan", messages.len()), |b| {
        b.iter(|| {
            let mut found = 0;
            for m in &messages {
                found += scanner.scan(std::hint::black_box(m)).findings.len();
            }
            found
        })
    });
    group.bench_function(BenchmarkId::new("normalize_only", messages.len()), |b| {
        b.iter(|| {
            let mut chars = 0;
            for m in &messages {
                chars += NormalizedText::new(std::hint::black_box(m)).char_len();
            }
            chars
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
