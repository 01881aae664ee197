//! Scan cost against the floor a minimal scanner pays, on a deterministic,
//! realistic corpus (`corpus.rs`: ~97 % everyday work-group chat, ~3 %
//! risky, 10–300 characters, mixed CJK, ASCII, digits and emoji).
//!
//! Group `scan`, all over the same 2,000 messages in one run:
//! - `bare_aho_corasick`: one Aho-Corasick DFA pass over the packs'
//!   keywords on the raw text, counting overlapping matches (the
//!   `aho-corasick` crate's DFA: the floor issue 16 measures against);
//! - `bare_double_array`: the same pass with the double-array automaton
//!   (`daachorse`, by character) the scanner itself uses;
//! - `floor_ac_regexset`: that pass plus a `RegexSet` of every entity
//!   pattern on the raw text — what a minimal keyword-and-regex scanner
//!   pays before it scores anything;
//! - `full_scan`: normalize + keywords + entities + scoring (the product);
//! - `normalize_only`: normalization alone, for the breakdown.
//!
//! Group `length`: the same 100,000 characters of the corpus scanned as
//! messages of 10, 100, 1,000 and 10,000 characters (time per character
//! should stay flat if cost is linear in length), and the worst case for
//! scoring: one keyword repeated over 1,000 and 10,000 characters.
//!
//! Group `keywords`: the full scan of the corpus with the packs as shipped
//! and with ten times as many distinct keyword terms (synthetic terms
//! added round-robin to every keyword group).
//!
//! Group `watchlist`: the full scan plus the officers' watchlist (issue
//! 19) with 0, 100 and 10,000 registered terms of 3–8 characters drawn
//! from the corpus's own CJK characters by frequency, so the two-character
//! lead filter passes as often as real names would make it.
//!
//! Run: `cargo bench --bench scan`. Time per iteration ÷ messages = time
//! per message.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use leakguard::normalize::NormalizedText;
use leakguard::scan::watch::{WatchEntry, WatchKey, Watchlist};
use leakguard::scan::{builtin_packs, entity, Pack, Scanner};
use regex::RegexSet;

/// The allocator the `leakguard` binary ships with (`src/main.rs`), so that
/// the scan is measured as the product runs it.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "corpus.rs"]
mod corpus;
use corpus::corpus;

fn scan_all(scanner: &Scanner, messages: &[String]) -> usize {
    let mut found = 0;
    for m in messages {
        found += scanner.scan(std::hint::black_box(m)).findings.len();
    }
    found
}

fn floor(c: &mut Criterion, scanner: &Scanner, messages: &[String]) {
    let bytes: usize = messages.iter().map(String::len).sum();
    let patterns = entity::patterns();
    eprintln!(
        "corpus: {} messages, {} bytes ({:.0} bytes/message), {} keywords, {} entity patterns",
        messages.len(),
        bytes,
        bytes as f64 / messages.len() as f64,
        scanner.keywords().len(),
        patterns.len()
    );
    let bare = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .match_kind(MatchKind::Standard)
        .build(scanner.keywords())
        .expect("automaton");
    let set = RegexSet::new(&patterns).expect("entity patterns compile as a set");

    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(BenchmarkId::new("bare_aho_corasick", messages.len()), |b| {
        b.iter(|| {
            let mut found = 0;
            for m in messages {
                found += bare
                    .find_overlapping_iter(std::hint::black_box(m.as_str()))
                    .count();
            }
            found
        })
    });
    // The same pass with the automaton the scanner itself uses (a
    // double-array Aho-Corasick automaton stepping by character): the floor
    // measured with the faster matcher, for the ratio against it too.
    let double_array = daachorse::CharwiseDoubleArrayAhoCorasick::<u32>::new(scanner.keywords())
        .expect("double-array automaton");
    group.bench_function(BenchmarkId::new("bare_double_array", messages.len()), |b| {
        b.iter(|| {
            let mut found = 0;
            for m in messages {
                found += double_array
                    .find_overlapping_iter(std::hint::black_box(m.as_str()))
                    .count();
            }
            found
        })
    });
    group.bench_function(BenchmarkId::new("floor_ac_regexset", messages.len()), |b| {
        b.iter(|| {
            let mut found = 0;
            for m in messages {
                let m = std::hint::black_box(m.as_str());
                found += bare.find_overlapping_iter(m).count();
                found += set.matches(m).iter().count();
            }
            found
        })
    });
    group.bench_function(BenchmarkId::new("full_scan", messages.len()), |b| {
        b.iter(|| scan_all(scanner, messages))
    });
    // The same scan without the homophone variants of the anchor keywords
    // (the phonetic matching): what they cost is the difference.
    let exact =
        Scanner::exact_only(&leakguard::scan::builtin_packs().expect("packs")).expect("scanner");
    eprintln!(
        "keywords without homophone variants: {}",
        exact.keywords().len()
    );
    group.bench_function(
        BenchmarkId::new("full_scan_exact_only", messages.len()),
        |b| b.iter(|| scan_all(&exact, messages)),
    );
    group.bench_function(BenchmarkId::new("normalize_only", messages.len()), |b| {
        b.iter(|| {
            let mut chars = 0;
            for m in messages {
                chars += NormalizedText::new(std::hint::black_box(m)).char_len();
            }
            chars
        })
    });
    group.finish();
}

fn length(c: &mut Criterion, scanner: &Scanner, messages: &[String]) {
    const TOTAL: usize = 100_000;
    let all: Vec<char> = messages.concat().chars().take(TOTAL).collect();
    assert_eq!(all.len(), TOTAL, "the corpus holds enough text");
    let mut group = c.benchmark_group("length");
    group.throughput(Throughput::Elements(TOTAL as u64));
    for chars in [10usize, 100, 1_000, 10_000] {
        let pieces: Vec<String> = all.chunks(chars).map(|c| c.iter().collect()).collect();
        group.bench_function(BenchmarkId::new("corpus_as_messages_of", chars), |b| {
            b.iter(|| scan_all(scanner, &pieces))
        });
    }
    for chars in [1_000usize, 10_000] {
        let text: String = "稽查".repeat(chars / 2);
        group.throughput(Throughput::Elements(chars as u64));
        group.bench_function(BenchmarkId::new("one_keyword_repeated", chars), |b| {
            b.iter(|| scanner.scan(std::hint::black_box(&text)).findings.len())
        });
    }
    group.finish();
}

/// The packs with `extra` synthetic keyword terms added round-robin to
/// every keyword group: three or four CJK characters drawn from the whole
/// unified block, so they grow the automaton without matching everyday chat.
fn with_extra_terms(packs: &[Pack], extra: usize) -> Vec<Pack> {
    let mut state: u64 = 0x5eed_1234;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as u32
    };
    let mut packs = packs.to_vec();
    let mut groups: Vec<&mut Vec<String>> = packs
        .iter_mut()
        .flat_map(|p| p.rules.iter_mut())
        .flat_map(|r| r.keywords.iter_mut())
        .map(|g| &mut g.terms)
        .filter(|t| !t.is_empty())
        .collect();
    let n = groups.len();
    for i in 0..extra {
        let len = 3 + next() % 2;
        let term: String = (0..len)
            .map(|_| char::from_u32(0x4E00 + next() % 0x5000).expect("CJK"))
            .collect();
        groups[i % n].push(term);
    }
    packs
}

fn keywords(c: &mut Criterion, packs: &[Pack], messages: &[String]) {
    let shipped = Scanner::new(packs).expect("scanner");
    let extra = shipped.keywords().len() * 9;
    let bigger =
        Scanner::new(&with_extra_terms(packs, extra)).expect("scanner with ten times the terms");
    eprintln!(
        "keywords: {} shipped, {} with synthetic terms",
        shipped.keywords().len(),
        bigger.keywords().len()
    );
    let mut group = c.benchmark_group("keywords");
    group.bench_function(BenchmarkId::new("full_scan", "x1"), |b| {
        b.iter(|| scan_all(&shipped, messages))
    });
    group.bench_function(BenchmarkId::new("full_scan", "x10"), |b| {
        b.iter(|| scan_all(&bigger, messages))
    });
    group.finish();
}

/// `n` terms of 3–8 characters drawn from the CJK characters of
/// `messages`, as often as they occur there.
fn watch_terms(messages: &[String], n: usize) -> Vec<String> {
    let pool: Vec<char> = messages
        .iter()
        .flat_map(|m| m.chars())
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .collect();
    let mut state: u64 = 0x0bad_cafe;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    (0..n)
        .map(|_| {
            let len = 3 + next() % 6;
            (0..len).map(|_| pool[next() % pool.len()]).collect()
        })
        .collect()
}

fn watchlist(c: &mut Criterion, scanner: &Scanner, messages: &[String]) {
    let key = WatchKey::new([7; 16], [9; 32]);
    let mut group = c.benchmark_group("watchlist");
    for n in [0usize, 100, 10_000] {
        let entries = watch_terms(messages, n)
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let print = key.print(t).ok()?;
                Some(WatchEntry::new(
                    i as i64,
                    "inspection",
                    print,
                    i64::MAX,
                    "bench",
                ))
            })
            .collect();
        let list = Watchlist::new(key.clone(), entries);
        let hits: usize = messages
            .iter()
            .map(|m| list.find(&NormalizedText::new(m), 0).len())
            .sum();
        eprintln!("watchlist: {n} entries, {hits} hits in the corpus");
        group.bench_function(BenchmarkId::new("full_scan_and_watchlist", n), |b| {
            b.iter(|| {
                let mut found = 0;
                for m in messages {
                    let m = std::hint::black_box(m);
                    let norm = NormalizedText::new(m);
                    found += scanner.scan_normalized(m, &norm).findings.len();
                    found += list.find(&norm, 0).len();
                }
                found
            })
        });
    }
    group.finish();
}

fn bench(c: &mut Criterion) {
    let packs = builtin_packs().expect("built-in packs");
    let scanner = Scanner::new(&packs).expect("scanner");
    let messages = corpus(2000);
    floor(c, &scanner, &messages);
    length(c, &scanner, &messages);
    keywords(c, &packs, &messages);
    watchlist(c, &scanner, &messages);
}

criterion_group!(benches, bench);
criterion_main!(benches);
