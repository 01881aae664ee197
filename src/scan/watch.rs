//! Watchlists (issue 19 A): terms an officer registers as confidential
//! for a while (the businesses on tomorrow's inspection list, a protected
//! complainant's name, a tender's 底價), found in any message whatever
//! words surround them.
//!
//! A term is never kept. What is kept of it ([`TermPrint`]) is its length,
//! a masked hint for display (老○牛○麵) and three keyed values of its
//! normalized form: the HMAC-SHA256 that identifies it, a 64-bit SipHash
//! that finds it fast, and a 16-bit SipHash tag of its first two
//! characters that lets most positions of a message be skipped. Without
//! the key none of them says anything about the term, even to someone who
//! knows other registered terms (a keyed PRF, unlike a polynomial rolling
//! hash, whose secret base a few known terms give away).
//!
//! Matching walks the normalized message once: at a position whose first
//! two characters carry a registered tag, it hashes the substrings of the
//! registered lengths, and a probe that hits is confirmed by its HMAC.
//! With no entry registered nothing is done at all.
//!
//! Pure: no IO, no clock (the caller gives `now`), nothing of the crate but
//! normalization.

use std::collections::HashMap;
use std::hash::Hasher;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use siphasher::sip::SipHasher13;

use super::pack::Pack;
use crate::normalize::NormalizedText;

/// Shortest term, in normalized characters: one character would match
/// everywhere.
pub const MIN_CHARS: usize = 2;
/// Longest term, in normalized characters.
pub const MAX_CHARS: usize = 40;

/// Domain bytes, so a tag and a probe of the same bytes differ.
const LEAD: u8 = 1;
const PROBE: u8 = 2;

/// The keys of one agency's watchlist, derived from its hash key.
#[derive(Clone)]
pub struct WatchKey {
    probe: (u64, u64),
    mac: [u8; 32],
}

impl std::fmt::Debug for WatchKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WatchKey(..)")
    }
}

/// Why a term cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermError {
    /// Nothing left after normalization.
    #[error("the term is empty")]
    Empty,
    /// Under [`MIN_CHARS`].
    #[error("the term has {0} character; at least {MIN_CHARS} are needed")]
    TooShort(usize),
    /// Over [`MAX_CHARS`].
    #[error("the term has {0} characters; at most {MAX_CHARS} are allowed")]
    TooLong(usize),
}

/// What is kept of a registered term: never the term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermPrint {
    /// HMAC-SHA256 of the normalized term, hex: the entry's identity.
    pub mac: String,
    /// Keyed 64-bit SipHash of the normalized term.
    pub probe: u64,
    /// Keyed 16-bit tag of its first two characters.
    pub lead: u16,
    /// Its length in normalized characters.
    pub chars: u16,
    /// Every other character masked, for display: 老○牛○麵; numbers keep
    /// only their first and last digit.
    pub hint: String,
}

impl WatchKey {
    /// Keys from bytes derived for this purpose (16 for the probes and
    /// tags, 32 for the HMAC).
    pub fn new(probe: [u8; 16], mac: [u8; 32]) -> WatchKey {
        let k0 = u64::from_le_bytes(probe[..8].try_into().expect("8 bytes"));
        let k1 = u64::from_le_bytes(probe[8..].try_into().expect("8 bytes"));
        WatchKey {
            probe: (k0, k1),
            mac,
        }
    }

    /// What is kept of `term`, normalized as message text is.
    pub fn print(&self, term: &str) -> Result<TermPrint, TermError> {
        let norm = NormalizedText::new(term.trim());
        let text = norm.as_str().trim();
        let chars = text.chars().count();
        match chars {
            0 => return Err(TermError::Empty),
            n if n < MIN_CHARS => return Err(TermError::TooShort(n)),
            n if n > MAX_CHARS => return Err(TermError::TooLong(n)),
            _ => {}
        }
        let lead_end = text.char_indices().nth(2).map_or(text.len(), |(b, _)| b);
        Ok(TermPrint {
            mac: hex::encode(self.mac(text.as_bytes())),
            probe: self.sip(PROBE, text.as_bytes()),
            lead: self.lead(&text.as_bytes()[..lead_end]),
            chars: chars as u16,
            hint: hint(text),
        })
    }

    fn sip(&self, domain: u8, bytes: &[u8]) -> u64 {
        let mut h = SipHasher13::new_with_keys(self.probe.0, self.probe.1);
        h.write_u8(domain);
        h.write(bytes);
        h.finish()
    }

    fn lead(&self, bigram: &[u8]) -> u16 {
        (self.sip(LEAD, bigram) >> 48) as u16
    }

    fn mac(&self, bytes: &[u8]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.mac).expect("any key length");
        mac.update(bytes);
        mac.finalize().into_bytes().into()
    }
}

/// The masked form of a normalized term shown to officers and in
/// warnings: enough to recognise an entry one registered, not enough to
/// learn one.
pub fn hint(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let digits = chars.iter().filter(|c| c.is_ascii_digit()).count();
    let last = chars.len().saturating_sub(1);
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let keep = if digits * 2 >= chars.len() {
                i == 0 || i == last || !c.is_ascii_alphanumeric()
            } else {
                i % 2 == 0
            };
            if keep {
                c
            } else {
                '○'
            }
        })
        .collect()
}

/// What a category's pack says of its watchlist entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryWatch {
    /// What an entry is called (稽查對象).
    pub noun: String,
    /// The laws the pack's rules cite, in their order, each once.
    pub laws: Vec<String>,
}

impl CategoryWatch {
    /// The watchlist words of `pack`.
    pub fn of(pack: &Pack) -> CategoryWatch {
        let mut laws: Vec<String> = Vec::new();
        for law in pack.rules.iter().flat_map(|r| &r.laws) {
            if !laws.contains(law) {
                laws.push(law.clone());
            }
        }
        CategoryWatch {
            noun: pack.watch.clone().unwrap_or_else(|| "保密事項".to_string()),
            laws,
        }
    }
}

/// One registered entry, as the matcher holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchEntry {
    /// Store id.
    pub id: i64,
    /// Category id (a pack's).
    pub category: String,
    /// The HMAC, hex.
    pub mac: String,
    /// The probe.
    pub probe: u64,
    /// The lead tag.
    pub lead: u16,
    /// Length in normalized characters.
    pub chars: u16,
    /// Masked hint.
    pub hint: String,
    /// Matches until this time (ms, exclusive).
    pub until: i64,
    /// Chats where the term is at home (the team's own group).
    pub allowed: Vec<String>,
    /// Who registered it.
    pub added_by: String,
}

impl WatchEntry {
    /// An entry of `category` for `print`, in force until `until` (ms),
    /// at home nowhere.
    pub fn new(id: i64, category: &str, print: TermPrint, until: i64, added_by: &str) -> Self {
        WatchEntry {
            id,
            category: category.to_string(),
            mac: print.mac,
            probe: print.probe,
            lead: print.lead,
            chars: print.chars,
            hint: print.hint,
            until,
            allowed: Vec::new(),
            added_by: added_by.to_string(),
        }
    }
}

/// A registered term found in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchHit<'a> {
    /// The entry.
    pub entry: &'a WatchEntry,
    /// Original character offset, inclusive.
    pub start: usize,
    /// Original character offset, exclusive.
    pub end: usize,
}

/// Bits in the lead filter, one per 16-bit tag.
const LEAD_WORDS: usize = (1 << 16) / 64;

/// The registered entries, ready to match.
#[derive(Debug, Clone)]
pub struct Watchlist {
    key: WatchKey,
    entries: Vec<WatchEntry>,
    by_probe: HashMap<u64, Vec<usize>>,
    macs: Vec<[u8; 32]>,
    leads: Box<[u64; LEAD_WORDS]>,
    /// Registered lengths, ascending.
    lengths: Vec<usize>,
}

impl Watchlist {
    /// A list with no entry: matching costs nothing.
    pub fn empty(key: WatchKey) -> Watchlist {
        Watchlist::new(key, Vec::new())
    }

    /// A list of `entries`; one whose HMAC is not 64 hex digits never matches.
    pub fn new(key: WatchKey, entries: Vec<WatchEntry>) -> Watchlist {
        let mut by_probe: HashMap<u64, Vec<usize>> = HashMap::new();
        let mut leads = Box::new([0u64; LEAD_WORDS]);
        let mut lengths = Vec::new();
        let mut macs = Vec::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            let mut mac = [0u8; 32];
            if hex::decode_to_slice(&e.mac, &mut mac).is_err() {
                macs.push(mac);
                continue;
            }
            macs.push(mac);
            by_probe.entry(e.probe).or_default().push(i);
            leads[usize::from(e.lead) / 64] |= 1u64 << (e.lead % 64);
            lengths.push(usize::from(e.chars));
        }
        lengths.sort_unstable();
        lengths.dedup();
        Watchlist {
            key,
            entries,
            by_probe,
            macs,
            leads,
            lengths,
        }
    }

    /// The key terms are printed with.
    pub fn key(&self) -> &WatchKey {
        &self.key
    }

    /// Every entry, expired ones included.
    pub fn entries(&self) -> &[WatchEntry] {
        &self.entries
    }

    /// Whether no entry is registered.
    pub fn is_empty(&self) -> bool {
        self.by_probe.is_empty()
    }

    /// The entries in force at `now` (ms) found in `norm`, each once, in
    /// the order of their first occurrence.
    pub fn find<'a>(&'a self, norm: &NormalizedText, now: i64) -> Vec<WatchHit<'a>> {
        let mut hits: Vec<WatchHit<'a>> = Vec::new();
        if self.is_empty() {
            return hits;
        }
        let text = norm.as_str().as_bytes();
        let mut bounds: Vec<usize> = norm.as_str().char_indices().map(|(b, _)| b).collect();
        bounds.push(text.len());
        let n = bounds.len() - 1;
        for i in 0..n.saturating_sub(1) {
            let tag = self.key.lead(&text[bounds[i]..bounds[i + 2]]);
            if self.leads[usize::from(tag) / 64] & (1u64 << (tag % 64)) == 0 {
                continue;
            }
            for &len in self.lengths.iter().take_while(|&&l| i + l <= n) {
                let bytes = &text[bounds[i]..bounds[i + len]];
                let Some(found) = self.by_probe.get(&self.key.sip(PROBE, bytes)) else {
                    continue;
                };
                for &k in found {
                    let e = &self.entries[k];
                    let fresh = !hits.iter().any(|h| std::ptr::eq(h.entry, e));
                    if fresh
                        && usize::from(e.chars) == len
                        && e.until > now
                        && self.key.mac(bytes) == self.macs[k]
                    {
                        let (start, end) = norm.original_span(i, i + len);
                        hits.push(WatchHit {
                            entry: e,
                            start,
                            end,
                        });
                    }
                }
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> WatchKey {
        WatchKey::new([seed; 16], [seed.wrapping_add(1); 32])
    }

    fn entry(key: &WatchKey, id: i64, term: &str, until: i64) -> WatchEntry {
        WatchEntry::new(id, "inspection", key.print(term).unwrap(), until, "U1")
    }

    fn found(list: &Watchlist, text: &str, now: i64) -> Vec<(i64, String)> {
        let norm = NormalizedText::new(text);
        list.find(&norm, now)
            .iter()
            .map(|h| {
                let t: String = text.chars().skip(h.start).take(h.end - h.start).collect();
                (h.entry.id, t)
            })
            .collect()
    }

    #[test]
    fn a_registered_term_is_found_in_its_evasions_and_quoted_as_typed() {
        let k = key(7);
        let list = Watchlist::new(
            k.clone(),
            vec![entry(&k, 1, "老王牛肉麵", 100), entry(&k, 2, "陳美玲", 100)],
        );
        assert_eq!(
            found(&list, "明天先去老王牛肉麵，再去別家", 0),
            [(1, "老王牛肉麵".to_string())]
        );
        assert_eq!(
            found(&list, "老 王 牛 肉 麵要小心", 0),
            [(1, "老 王 牛 肉 麵".to_string())]
        );
        assert_eq!(
            found(&list, "老王牛肉面那边要注意", 0),
            [(1, "老王牛肉面".to_string())]
        );
        assert_eq!(
            found(&list, "ＯＫ，陳美玲那件再說", 0),
            [(2, "陳美玲".to_string())]
        );
        assert!(found(&list, "老王牛肉湯很好吃", 0).is_empty());
        assert!(found(&list, "", 0).is_empty());
    }

    #[test]
    fn an_entry_stops_matching_at_its_end_and_under_another_key() {
        let k = key(7);
        let list = Watchlist::new(k.clone(), vec![entry(&k, 1, "阿美小吃", 100)]);
        assert_eq!(found(&list, "阿美小吃", 99).len(), 1);
        assert!(found(&list, "阿美小吃", 100).is_empty());
        let other = Watchlist::new(key(8), vec![entry(&k, 1, "阿美小吃", 100)]);
        assert!(found(&other, "阿美小吃", 0).is_empty());
    }

    #[test]
    fn what_is_kept_holds_nothing_of_the_term() {
        let p = key(1).print("老王牛肉麵").unwrap();
        assert_eq!(p.chars, 5);
        assert_eq!(p.hint, "老○牛○麵");
        assert!(!p.mac.contains("老"));
        assert_ne!(p, key(2).print("老王牛肉麵").unwrap());
        assert_eq!(hint("3850000"), "3○○○○○0");
        assert_eq!(hint("王明"), "王○");
        assert_eq!(key(1).print(" 王 "), Err(TermError::TooShort(1)));
        assert_eq!(key(1).print("  "), Err(TermError::Empty));
        assert_eq!(key(1).print(&"長".repeat(41)), Err(TermError::TooLong(41)));
    }
}
