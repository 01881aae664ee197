//! Fingerprints that follow one message across groups (issue 19 B): keyed
//! winnowing over 4-character grams, as measured in
//! `../shared/reference/propagation.md` (precision 1.00, recall 0.99 on
//! real near-duplicate forwards, partial forwards included).
//!
//! A message is reduced to its letters and digits (after normalization:
//! full-width, Simplified, spacing), without links, LINE emoticon codes,
//! hashtags and a leading forward prefix (轉傳：, Fwd:); every 4-character
//! gram is hashed with SipHash-2-4 under the agency's key, and in every
//! window of 3 consecutive grams the rightmost smallest hash is kept. Two
//! texts sharing a run of 6 characters share a fingerprint. A message
//! matches a stored one when they share at least [`MIN_SHARED`]
//! fingerprints covering at least [`MIN_CONTAINMENT`] of the smaller set,
//! so a cut, a prefix, emoji or one changed time still match.
//!
//! No text is kept, only the keyed hashes; without the key they say
//! nothing. Pure: nothing of the crate but normalization.

use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::LazyLock;

use regex::Regex;
use siphasher::sip::SipHasher24;

use crate::normalize::NormalizedText;

/// Characters per gram.
pub const GRAM: usize = 4;
/// Grams per winnowing window.
pub const WINDOW: usize = 3;
/// Shortest basis fingerprinted; a shorter text has its exact hash only.
pub const MIN_CHARS: usize = 12;
/// Fewest shared fingerprints for a match.
pub const MIN_SHARED: usize = 4;
/// Least share of the smaller set for a match.
pub const MIN_CONTAINMENT: f64 = 0.6;
/// Most fingerprints kept of one message (a long document is cut).
pub const MAX_PRINTS: usize = 512;

/// The agency's fingerprint key (derived from the hash key).
#[derive(Clone)]
pub struct PrintKey(u64, u64);

impl std::fmt::Debug for PrintKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrintKey(..)")
    }
}

impl PrintKey {
    /// A key from 16 derived bytes.
    pub fn new(bytes: [u8; 16]) -> PrintKey {
        let k0 = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
        let k1 = u64::from_le_bytes(bytes[8..].try_into().expect("8 bytes"));
        PrintKey(k0, k1)
    }

    fn hash(&self, gram: &[char]) -> u64 {
        let mut h = SipHasher24::new_with_keys(self.0, self.1);
        for c in gram {
            h.write_u32(*c as u32);
        }
        h.finish()
    }

    /// The fingerprints of `norm`, sorted and each once; none for a text
    /// whose basis is under [`MIN_CHARS`].
    pub fn prints(&self, norm: &NormalizedText) -> Vec<u64> {
        let chars = basis(norm.as_str());
        if chars.len() < MIN_CHARS {
            return Vec::new();
        }
        let grams: Vec<u64> = chars.windows(GRAM).map(|g| self.hash(g)).collect();
        let mut kept = Vec::with_capacity(grams.len() / 2 + 1);
        let mut last = usize::MAX;
        for (start, window) in grams.windows(WINDOW).enumerate() {
            // The rightmost smallest hash of the window.
            let (offset, _) = window
                .iter()
                .enumerate()
                .rev()
                .min_by_key(|&(_, h)| *h)
                .expect("a window is never empty");
            if start + offset != last {
                last = start + offset;
                kept.push(grams[last]);
            }
        }
        kept.sort_unstable();
        kept.dedup();
        kept.truncate(MAX_PRINTS);
        kept
    }
}

/// Links (ASCII only: normalization joins a link to the Chinese after
/// it), LINE emoticon codes such as `(SUPER ANGRY)` and ASCII hashtags:
/// boilerplate that forwards add or drop.
static NOISE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:https?://|www\.)[!-~]+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/[!-~]*)?|\([a-z][a-z ]{1,24}\)|#[a-z0-9_]+",
    )
    .expect("noise pattern")
});

/// The words a forward starts with.
const FORWARD_MARKS: [&str; 11] = [
    "轉傳", "轉貼", "轉發", "轉載", "轉寄", "轉PO", "轉自", "分享", "FWD", "FW", "RE",
];

/// The letters and digits of a normalized text that fingerprints are
/// taken over.
pub fn basis(normalized: &str) -> Vec<char> {
    let text = NOISE.replace_all(normalized, " ");
    let text = strip_forward_prefix(&text);
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// `text` without a leading forward marker and what follows it up to a
/// colon within 24 characters (轉自其他群組：).
fn strip_forward_prefix(text: &str) -> &str {
    let t = text.trim_start_matches(|c: char| !c.is_alphanumeric());
    let upper = t.to_uppercase();
    let Some(mark) = FORWARD_MARKS.iter().find(|m| upper.starts_with(*m)) else {
        return text;
    };
    let rest = &t[mark.len()..];
    match rest.char_indices().take(24).find(|&(_, c)| c == ':') {
        Some((i, _)) => &rest[i + 1..],
        None if rest.starts_with(|c: char| !c.is_alphanumeric()) => rest,
        None => text,
    }
}

/// How two fingerprint sets overlap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overlap {
    /// Fingerprints in both.
    pub shared: usize,
    /// `shared` over the smaller set's size.
    pub containment: f64,
}

impl Overlap {
    /// The overlap of two sorted sets.
    pub fn of(a: &[u64], b: &[u64]) -> Overlap {
        let (mut i, mut j, mut shared) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        let smaller = a.len().min(b.len()).max(1);
        Overlap {
            shared,
            containment: shared as f64 / smaller as f64,
        }
    }

    /// Whether the overlap makes the two the same message.
    pub fn is_match(self) -> bool {
        self.shared >= MIN_SHARED && self.containment >= MIN_CONTAINMENT
    }
}

/// Stored fingerprint sets, indexed by fingerprint, for finding which of
/// them a new message repeats.
#[derive(Debug, Clone, Default)]
pub struct PrintIndex {
    postings: HashMap<u64, Vec<u32>>,
    sizes: Vec<u32>,
}

impl PrintIndex {
    /// Adds a set (sorted, each once); its number in the index.
    pub fn add(&mut self, prints: &[u64]) -> usize {
        let n = self.sizes.len();
        self.sizes.push(prints.len() as u32);
        for p in prints {
            self.postings.entry(*p).or_default().push(n as u32);
        }
        n
    }

    /// How many sets the index holds.
    pub fn len(&self) -> usize {
        self.sizes.len()
    }

    /// Whether the index holds no set.
    pub fn is_empty(&self) -> bool {
        self.sizes.is_empty()
    }

    /// The sets `prints` matches, by number, with their overlap, the best
    /// first.
    pub fn matches(&self, prints: &[u64]) -> Vec<(usize, Overlap)> {
        let mut counts: HashMap<u32, usize> = HashMap::new();
        for p in prints {
            for &n in self.postings.get(p).map(Vec::as_slice).unwrap_or_default() {
                *counts.entry(n).or_default() += 1;
            }
        }
        let mut found: Vec<(usize, Overlap)> = counts
            .into_iter()
            .map(|(n, shared)| {
                let smaller = prints.len().min(self.sizes[n as usize] as usize).max(1);
                let overlap = Overlap {
                    shared,
                    containment: shared as f64 / smaller as f64,
                };
                (n as usize, overlap)
            })
            .filter(|(_, o)| o.is_match())
            .collect();
        found.sort_by(|a, b| {
            b.1.containment
                .total_cmp(&a.1.containment)
                .then(b.1.shared.cmp(&a.1.shared))
                .then(a.0.cmp(&b.0))
        });
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prints(key: &PrintKey, text: &str) -> Vec<u64> {
        key.prints(&NormalizedText::new(text))
    }

    const LIST: &str = "確診個案足跡：12/3 18:00-19:30 圓環夜市；12/4 09:00 大同區戶政事務所；\
                        12/4 12:10-13:00 民生西路老王牛肉麵。請曾到過的同仁自主健康監測。";

    #[test]
    fn edited_forwards_match_and_other_texts_do_not() {
        let key = PrintKey::new([3; 16]);
        let original = prints(&key, LIST);
        assert!(original.len() >= 10, "{}", original.len());
        let second_half: String = LIST.chars().skip(LIST.chars().count() / 2).collect();
        for copy in [
            LIST.to_string(),
            format!("轉傳：{LIST}😱😱"),
            format!("Fwd: {LIST} https://example.com/a?b=1"),
            second_half,
            LIST.replace("09:00", "09:30"),
            LIST.replace(' ', "\n"),
        ] {
            let o = Overlap::of(&original, &prints(&key, &copy));
            assert!(o.is_match(), "{copy}: {o:?}");
        }
        for other in [
            "明天上午10點稽查大同區三家餐廳：老王牛肉麵、阿美小吃、好味道便當",
            "大家午安，下午三點在三樓會議室開週會，請記得帶簽到表與筆電",
        ] {
            let o = Overlap::of(&original, &prints(&key, other));
            assert!(!o.is_match(), "{other}: {o:?}");
        }
        // Another key gives other fingerprints.
        let other_key = PrintKey::new([4; 16]);
        assert_eq!(Overlap::of(&original, &prints(&other_key, LIST)).shared, 0);
        assert!(prints(&key, "收到，謝謝！").is_empty());
    }

    #[test]
    fn the_basis_drops_links_emoticons_hashtags_and_forward_prefixes() {
        let b = |t: &str| {
            basis(NormalizedText::new(t).as_str())
                .into_iter()
                .collect::<String>()
        };
        assert_eq!(
            b("轉自其他群組：明天停水 (super angry) #LINETODAY"),
            "明天停水"
        );
        assert_eq!(b("【轉發】明天停水 https://goo.gl/x"), "明天停水");
        assert_eq!(b("FW: 明天停水，goo.gl/Fz1 見"), "明天停水見");
        assert_eq!(b("分享：給你們看看"), "給你們看看");
        assert_eq!(b("分享會明天舉行"), "分享會明天舉行");
    }

    #[test]
    fn the_index_finds_the_best_match() {
        let key = PrintKey::new([5; 16]);
        let mut index = PrintIndex::default();
        index.add(&prints(
            &key,
            "大家午安，下午三點在三樓會議室開週會，請記得帶簽到表與筆電",
        ));
        let n = index.add(&prints(&key, LIST));
        let cut: String = LIST.chars().take(40).collect();
        let found = index.matches(&prints(&key, &cut));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, n);
        assert!(index
            .matches(&prints(&key, "今天天氣很好，大家記得多喝水喔，週末愉快"))
            .is_empty());
    }
}
