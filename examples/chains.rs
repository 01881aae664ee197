//! Forward chains (issue 19 B), measured on the shared corpora: how often
//! an edited forward is linked back to its original, how often an
//! unrelated line is linked to anything, what a message's fingerprints
//! weigh, and what a lookup costs against 100,000 stored sets.
//!
//! The edits are those of `../shared/reference/propagation.md` §3, applied
//! to every forward of 20–300 basis characters in
//! `real-forwards-dev.jsonl`: identical; a forward prefix; emoji and LINE
//! emoticons with the line breaks changed; one number changed; the first
//! half, the last half and the middle 40 % (cut at sentence ends); 5 % of
//! the characters re-typed wrong; the whole text in Simplified; and
//! prefix, emoji, layout and 3 % typos together. An edit succeeds when its
//! original is among the matches of the index holding every forward.
//! Every line of `real-chat-dev.jsonl` is then queried as an unrelated
//! text.
//!
//! ```text
//! cargo run --release --example chains -- ../shared/corpus
//! ```

use std::time::Instant;

use leakguard::normalize::NormalizedText;
use leakguard::scan::fingerprint::{basis, PrintIndex, PrintKey};

fn texts(path: &std::path::Path) -> Vec<String> {
    let body = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
    body.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            v["text"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

/// A small deterministic generator, so every run edits the same way.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

/// The text cut at sentence ends to keep `[from, to)` of its characters.
fn cut(text: &str, from: f64, to: f64) -> String {
    let chars: Vec<char> = text.chars().collect();
    let ends: Vec<usize> = std::iter::once(0)
        .chain(
            chars
                .iter()
                .enumerate()
                .filter(|(_, c)| "。！？!?\n；;".contains(**c))
                .map(|(i, _)| i + 1),
        )
        .chain(std::iter::once(chars.len()))
        .collect();
    let near = |x: f64| {
        let target = (x * chars.len() as f64) as usize;
        *ends
            .iter()
            .min_by_key(|&&e| e.abs_diff(target))
            .expect("never empty")
    };
    let (s, e) = (near(from), near(to));
    if e <= s {
        return String::new();
    }
    chars[s..e].iter().collect()
}

fn typos(text: &str, share: f64, rng: &mut Rng) -> String {
    const WRONG: &[char] = &['的', '是', '了', '在', '有', '人', '這', '我', '不', '大'];
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() && (rng.next() % 1000) < (share * 1000.0) as usize {
                WRONG[rng.next() % WRONG.len()]
            } else {
                c
            }
        })
        .collect()
}

fn one_number_changed(text: &str) -> Option<String> {
    let i = text.find(|c: char| c.is_ascii_digit())?;
    let d = text.as_bytes()[i];
    let mut s = text.to_string();
    s.replace_range(i..i + 1, if d == b'9' { "1" } else { "9" });
    Some(s)
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/corpus".into());
    let dir = std::path::Path::new(&dir);
    let forwards = texts(&dir.join("real-forwards-dev.jsonl"));
    let chat = texts(&dir.join("real-chat-dev.jsonl"));
    let key = PrintKey::new(*b"chains-eval-key!");
    let t2s = ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::T2s)
        .expect("t2s tables");
    let prints = |t: &str| key.prints(&NormalizedText::new(t));

    let mut index = PrintIndex::default();
    let stored: Vec<Vec<u64>> = forwards.iter().map(|t| prints(t)).collect();
    for p in &stored {
        index.add(p);
    }
    let printed: Vec<&Vec<u64>> = stored.iter().filter(|p| !p.is_empty()).collect();
    let bytes = printed.iter().map(|p| p.len() * 8).sum::<usize>() as f64 / printed.len() as f64;
    println!(
        "{} forwards ({} fingerprinted), {} chat lines; {:.1} fingerprints, {bytes:.0} B per fingerprinted forward",
        forwards.len(),
        printed.len(),
        chat.len(),
        bytes / 8.0
    );

    let mut rng = Rng(0x00c0_ffee);
    type Edit = Box<dyn Fn(&str, &mut Rng) -> Option<String>>;
    let edits: Vec<(&str, Edit)> = vec![
        ("identical forward", Box::new(|t, _| Some(t.to_string()))),
        ("prefix 轉傳：", Box::new(|t, _| Some(format!("轉傳：{t}")))),
        (
            "emoji, emoticons, line breaks",
            Box::new(|t, _| {
                Some(format!(
                    "😱(super angry) {}‼️",
                    t.replace('\n', " ").replace('。', "。\n")
                ))
            }),
        ),
        ("one number changed", Box::new(|t, _| one_number_changed(t))),
        ("first half", Box::new(|t, _| Some(cut(t, 0.0, 0.5)))),
        ("last half", Box::new(|t, _| Some(cut(t, 0.5, 1.0)))),
        ("middle 40 %", Box::new(|t, _| Some(cut(t, 0.3, 0.7)))),
        (
            "5 % re-typed wrong",
            Box::new(|t, r| Some(typos(t, 0.05, r))),
        ),
        (
            "whole text in Simplified",
            Box::new(move |t, _| Some(t2s.convert(t))),
        ),
        (
            "prefix + emoji + layout + 3 % typos",
            Box::new(|t, r| {
                Some(format!(
                    "【轉發】😊{}",
                    typos(&t.replace('\n', ""), 0.03, r)
                ))
            }),
        ),
    ];
    println!("\n| edit | queried | linked to the original | extra links per query |");
    println!("|---|---|---|---|");
    for (name, edit) in &edits {
        let (mut queried, mut found, mut extra) = (0usize, 0usize, 0usize);
        for (i, text) in forwards.iter().enumerate() {
            let n = basis(NormalizedText::new(text).as_str()).len();
            if !(20..=300).contains(&n) || stored[i].is_empty() {
                continue;
            }
            let Some(copy) = edit(text, &mut rng) else {
                continue;
            };
            if basis(NormalizedText::new(&copy).as_str()).len() < 12 {
                continue;
            }
            queried += 1;
            let hits = index.matches(&prints(&copy));
            if hits.iter().any(|(n, _)| *n == i) {
                found += 1;
            }
            // Exact repeats in the corpus are the same message, not extra.
            extra += hits
                .iter()
                .filter(|(n, _)| *n != i && stored[*n] != stored[i])
                .count();
        }
        println!(
            "| {name} | {queried} | {:.3} | {:.3} |",
            found as f64 / queried.max(1) as f64,
            extra as f64 / queried.max(1) as f64
        );
    }

    let mut linked = 0;
    for line in &chat {
        if !index.matches(&prints(line)).is_empty() {
            linked += 1;
        }
    }
    println!(
        "\nunrelated chat lines linked to a forward: {linked} of {} ({:.2} %)",
        chat.len(),
        linked as f64 * 100.0 / chat.len() as f64
    );

    // 100,000 stored sets: every forward and chat line, then pairs of chat
    // lines joined, until there are enough.
    let mut big = PrintIndex::default();
    let mut all: Vec<String> = forwards.iter().chain(&chat).cloned().collect();
    while all.len() < 100_000 {
        let a = &chat[rng.next() % chat.len()];
        let b = &chat[rng.next() % chat.len()];
        all.push(format!("{a}{b}"));
    }
    for t in &all {
        big.add(&prints(t));
    }
    let queries: Vec<String> = forwards.iter().map(|t| cut(t, 0.0, 0.6)).collect();
    let started = Instant::now();
    let mut hits = 0;
    for q in &queries {
        hits += big.matches(&prints(q)).len();
    }
    let per = started.elapsed().as_secs_f64() * 1e6 / queries.len() as f64;
    println!(
        "lookup against {} stored sets: {per:.1} µs per message, fingerprinting included ({hits} matches for {} queries)",
        big.len(),
        queries.len()
    );
}
