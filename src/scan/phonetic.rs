//! Homophone typos of anchor keywords.
//!
//! Taiwanese users type Chinese by sound (注音, tone included), so a typo
//! is most often another character of the same syllable and tone picked
//! from the input method's list: 減舉人 for 檢舉人, 陳晴 for 陳情, 稽茶 for
//! 稽查, 結和 for 結核. Each Han character is folded to its Mandarin
//! syllable with its tone (the `pinyin` crate's reading data, MIT). A
//! *typo* of an anchor keyword of two or more Han characters is a run of
//! the message with the keyword's syllables that differs from it in
//! exactly one character, a common one.
//!
//! The scan finds them without listing them: [`SoundIndex`] files each
//! keyword under a hash of its first two syllables, and one pass over the
//! message's characters looks each adjacent pair up there; only the
//! keywords filed under a pair are compared with the characters that
//! follow. (Listing every variant instead, 8,000 strings for 1,000 anchor
//! keywords, took an automaton of 8 MiB and 50 ms to build.) The engine
//! makes the pass only for a rule close to a finding without its anchor
//! ([`TYPO_CONTEXT`]).
//!
//! - *Exactly one* character: two would be another word that merely sounds
//!   alike (案件 is not 安檢).
//! - *The tone kept*: on the real forwarded messages, a toneless view
//!   matched 留言 as 留驗, 病理 as 病歷, 會看 as 會勘 and 抽煙 as 抽驗 (9 false
//!   alarms in 2,840 messages; none with the tone). The cost is the typos
//!   that change the tone too (確真 for 確診). Toneless matching of
//!   three-character keywords alone read 活動時(間) as 活動史 on the same
//!   corpus.
//! - *Common* characters: the typed character is in Big5's first level
//!   (常用字, the 5,401 an input method offers first; `encoding_rs`'s Big5
//!   table), not one nobody types.
//! - *Not a word of its own*: a run that is itself a keyword of any pack is
//!   that word (病例 is not a typo of 病歷).
//! - *Not another word's character*: a typed character that a keyword found
//!   as written holds, reaching past the run, is that word's (簽 of 還沒簽
//!   in 還沒簽出去 is no typo of 遷出); the engine drops such a typo.

use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, OnceLock};

use pinyin::ToPinyin;

use super::syllable_set::SyllableSet;
use super::zhuyin;
use crate::normalize::NormalizedText;

/// The first and last code points with a reading here: CJK Unified
/// Ideographs Extension A through the basic block.
const FIRST: u32 = 0x3400;
const LAST: u32 = 0x9FFF;

/// The id of "no reading".
const NONE: u16 = u16::MAX;

/// Syllable ids by code point, `FIRST..=LAST`, and which characters are
/// common (a bit each).
struct Readings {
    ids: Vec<u16>,
    common: Vec<u64>,
    /// Syllable ids by name (`que4`), and the id of each one's toneless
    /// name (`que`) by syllable id, for syllables spelled in 注音.
    names: HashMap<&'static str, u16>,
    bases: Vec<u16>,
    base_names: HashMap<&'static str, u16>,
}

fn readings() -> &'static Readings {
    static READINGS: OnceLock<Readings> = OnceLock::new();
    READINGS.get_or_init(|| {
        let mut names: HashMap<&'static str, u16> = HashMap::new();
        let mut common = vec![0u64; ((LAST - FIRST) / 64 + 1) as usize];
        let ids = (FIRST..=LAST)
            .map(|cp| {
                let Some((c, p)) = char::from_u32(cp).and_then(|c| Some((c, c.to_pinyin()?)))
                else {
                    return NONE;
                };
                if is_big5_level_one(c) {
                    let i = (cp - FIRST) as usize;
                    common[i / 64] |= 1 << (i % 64);
                }
                let next = names.len() as u16;
                *names.entry(p.with_tone_num_end()).or_insert(next)
            })
            .collect();
        let mut base_names: HashMap<&'static str, u16> = HashMap::new();
        let mut bases = vec![NONE; names.len()];
        for (&name, &id) in &names {
            let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
            let next = base_names.len() as u16;
            bases[id as usize] = *base_names.entry(base).or_insert(next);
        }
        Readings {
            ids,
            common,
            names,
            bases,
            base_names,
        }
    })
}

/// Whether `c` is in Big5's first level (0xA440..=0xC67E), the common
/// characters.
fn is_big5_level_one(c: char) -> bool {
    let mut buf = [0u8; 4];
    let (bytes, _, unmappable) = encoding_rs::BIG5.encode(c.encode_utf8(&mut buf));
    !unmappable
        && bytes.len() == 2
        && (0xA440..=0xC67E).contains(&u16::from_be_bytes([bytes[0], bytes[1]]))
}

/// The syllable id of code point `cp`, or [`NONE`].
#[inline]
fn syllable(r: &Readings, cp: u32) -> u16 {
    if (FIRST..=LAST).contains(&cp) {
        r.ids[(cp - FIRST) as usize]
    } else {
        NONE
    }
}

/// Whether code point `cp` is a common character.
fn is_common(r: &Readings, cp: u32) -> bool {
    (FIRST..=LAST).contains(&cp) && {
        let i = (cp - FIRST) as usize;
        r.common[i / 64] & (1 << (i % 64)) != 0
    }
}

/// Builds the reading tables now rather than with the first scanner.
pub(super) fn warm_up() {
    readings();
}

/// Slots in the table of first syllable pairs: 2^14; a thousand anchor
/// keywords fill 6 % of them, and the table fits in the first-level cache.
const PAIR_BITS: u32 = 14;

/// The table slot of a syllable pair.
#[inline]
fn pair_slot(a: u16, b: u16) -> usize {
    let h = (u32::from(a).wrapping_mul(0x9E37_79B1) ^ u32::from(b)).wrapping_mul(0x85EB_CA6B);
    (h >> (32 - PAIR_BITS)) as usize
}

/// The character at byte `i` of valid UTF-8 `b`: its code point when it is
/// a Han character with a reading, its syllable (or [`NONE`]) and its
/// length in bytes. Decoding by hand: every Han character here is three
/// bytes, and the pass runs over every message.
#[inline]
fn sound_at(r: &Readings, b: &[u8], i: usize) -> (u32, u16, usize) {
    let lead = b[i];
    if lead & 0xF0 != 0xE0 {
        let len = match lead {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            _ => 4,
        };
        return (0, NONE, len);
    }
    let cp = (u32::from(lead & 0x0F) << 12)
        | (u32::from(b[i + 1] & 0x3F) << 6)
        | u32::from(b[i + 2] & 0x3F);
    (cp, syllable(r, cp), 3)
}

/// One anchor keyword by its characters and their syllables.
#[derive(Debug)]
struct Keyword {
    text: String,
    chars: Vec<u32>,
    sounds: Vec<u16>,
}

/// The anchor keywords whose homophone typos the scan looks for.
#[derive(Debug)]
pub(super) struct SoundIndex {
    keywords: Vec<Keyword>,
    ids: HashMap<String, u32>,
    /// The keyword ids of each [`pair_slot`] of their first two syllables:
    /// those of slot `i` are `slotted[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    slotted: Vec<u32>,
    /// Every keyword of every pack: a run that is one is not a typo.
    words: HashSet<String>,
    /// The keyword ids by the toneless syllable they start with, for words
    /// spelled in 注音.
    by_base: HashMap<u16, Vec<u32>>,
    /// For each rule, the syllables its keywords start with, a bit each:
    /// a pair is looked up only when a rule looked for starts a keyword
    /// with its first syllable.
    rule_firsts: Vec<SyllableSet>,
}

impl SoundIndex {
    /// An index of `keywords` (normalized anchor keywords; those that can
    /// have no typo here are left out: shorter than two characters, or with
    /// a character that is not a Han character with a reading); `words`
    /// are all the packs' keywords, normalized.
    pub(super) fn new<'a>(
        keywords: impl IntoIterator<Item = &'a str>,
        words: HashSet<String>,
    ) -> SoundIndex {
        let r = readings();
        let mut index = SoundIndex {
            keywords: Vec::new(),
            ids: HashMap::new(),
            starts: Vec::new(),
            slotted: Vec::new(),
            words,
            by_base: HashMap::new(),
            rule_firsts: Vec::new(),
        };
        for k in keywords {
            let chars: Vec<u32> = k.chars().map(u32::from).collect();
            let sounds: Vec<u16> = chars.iter().map(|&cp| syllable(r, cp)).collect();
            if chars.len() < 2 || sounds.contains(&NONE) || index.ids.contains_key(k) {
                continue;
            }
            index.ids.insert(k.to_string(), index.keywords.len() as u32);
            index.keywords.push(Keyword {
                text: k.to_string(),
                chars,
                sounds,
            });
        }
        let slot_of = |k: &Keyword| pair_slot(k.sounds[0], k.sounds[1]);
        let mut order: Vec<u32> = (0..index.keywords.len() as u32).collect();
        order.sort_by_key(|&id| slot_of(&index.keywords[id as usize]));
        let mut starts = vec![0u32; (1 << PAIR_BITS) + 1];
        for &id in &order {
            starts[slot_of(&index.keywords[id as usize]) + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        index.starts = starts;
        index.slotted = order;
        for (id, k) in index.keywords.iter().enumerate() {
            let base = r.bases[k.sounds[0] as usize];
            index.by_base.entry(base).or_default().push(id as u32);
        }
        index
    }

    /// Files keyword `id` under `rule`, for [`SoundIndex::firsts_of`].
    pub(super) fn add_rule(&mut self, id: u32, rule: u32) {
        if self.rule_firsts.len() <= rule as usize {
            self.rule_firsts
                .resize(rule as usize + 1, SyllableSet::default());
        }
        let first = self.keywords[id as usize].sounds[0];
        self.rule_firsts[rule as usize].insert(first);
    }

    /// The first syllables of the keywords of `rules`, for [`SoundIndex::find`].
    pub(super) fn firsts_of(&self, rules: impl Iterator<Item = u32>) -> SyllableSet {
        let mut firsts = SyllableSet::default();
        for rule in rules {
            if let Some(own) = self.rule_firsts.get(rule as usize) {
                firsts.union(own);
            }
        }
        firsts
    }

    /// The id of anchor keyword `keyword`, if it is indexed.
    pub(super) fn id(&self, keyword: &str) -> Option<u32> {
        self.ids.get(keyword).copied()
    }

    /// The keyword of id `id`.
    pub(super) fn keyword(&self, id: u32) -> &str {
        &self.keywords[id as usize].text
    }

    /// How many keywords are indexed (their ids are `0..len`).
    pub(super) fn len(&self) -> usize {
        self.keywords.len()
    }

    /// Whether no keyword is indexed (a scanner built without homophones).
    pub(super) fn is_empty(&self) -> bool {
        self.keywords.is_empty()
    }

    /// Calls `found(start, end, typed, id)` with the normalized byte span of
    /// every homophone typo of keyword `id` in `norm` that starts with a
    /// syllable of `firsts` (from [`SoundIndex::firsts_of`]), and the byte
    /// where its typed character (the one that is not the keyword's) starts.
    pub(super) fn find(
        &self,
        norm: &NormalizedText,
        firsts: &SyllableSet,
        mut found: impl FnMut(usize, usize, usize, u32),
    ) {
        let r = readings();
        let b = norm.as_str().as_bytes();
        let (mut prev, mut prev_at) = (NONE, 0);
        let mut i = 0;
        while i < b.len() {
            let (_, sound, len) = sound_at(r, b, i);
            if prev != NONE && sound != NONE && firsts.may_hold(prev) {
                let slot = pair_slot(prev, sound);
                let (lo, hi) = (self.starts[slot], self.starts[slot + 1]);
                for &id in &self.slotted[lo as usize..hi as usize] {
                    if let Some((end, typed)) = self.typo_at(r, norm, prev_at, id) {
                        found(prev_at, end, typed, id);
                    }
                }
            }
            (prev, prev_at) = (sound, i);
            i += len;
        }
    }

    /// Calls `found(start, end, id)` with the normalized byte span of every
    /// keyword `id` spelled in 注音 in `norm`, all or part of it
    /// (ㄑㄩㄝˋ ㄓㄣˇ, 確ㄓㄣˇ for 確診): each syllable as the keyword's
    /// reading, with its tone when a mark gives one; the characters typed
    /// as characters are the keyword's own. Messages without a Bopomofo
    /// letter (nearly all) cost one byte search.
    pub(super) fn find_spelled(
        &self,
        norm: &NormalizedText,
        mut found: impl FnMut(usize, usize, u32),
    ) {
        let text = norm.as_str();
        // U+3100..=U+313F all start with these two bytes in UTF-8.
        static BOPOMOFO: LazyLock<memchr::memmem::Finder<'static>> =
            LazyLock::new(|| memchr::memmem::Finder::new(&[0xE3, 0x84]));
        if BOPOMOFO.find(text.as_bytes()).is_none() {
            return;
        }
        let r = readings();
        let units = units(r, text);
        for i in 0..units.len() {
            let Some(first) = units[i].base(r) else {
                continue;
            };
            for &id in self.by_base.get(&first).into_iter().flatten() {
                let k = &self.keywords[id as usize];
                let Some(run) = units.get(i..i + k.chars.len()) else {
                    continue;
                };
                let matches = run
                    .iter()
                    .zip(k.chars.iter().zip(&k.sounds))
                    .all(|(u, (&kc, &ks))| u.reads_as(r, kc, ks));
                if matches && run.iter().any(|u| matches!(u.sound, Sound::Spelled { .. })) {
                    found(run[0].start, run[run.len() - 1].end, id);
                }
            }
        }
    }

    /// The end of a typo of keyword `id` starting at byte `start` and where
    /// its typed character starts, if one is there: the keyword's
    /// syllables, one common character other than the keyword's, not a
    /// keyword itself, typed as one word.
    fn typo_at(
        &self,
        r: &Readings,
        norm: &NormalizedText,
        start: usize,
        id: u32,
    ) -> Option<(usize, usize)> {
        let k = &self.keywords[id as usize];
        let b = norm.as_str().as_bytes();
        let (mut at, mut typed) = (start, None);
        for (&kc, &ks) in k.chars.iter().zip(&k.sounds) {
            if at >= b.len() {
                return None;
            }
            let (cp, sound, len) = sound_at(r, b, at);
            if sound != ks {
                return None;
            }
            if cp != kc {
                if typed.is_some() {
                    return None;
                }
                typed = Some((cp, at));
            }
            at += len;
        }
        let (cp, typed_at) = typed?;
        (is_common(r, cp)
            && !self.words.contains(&norm.as_str()[start..at])
            && within_one_word(norm, start, at))
        .then_some((at, typed_at))
    }
}

/// What one unit of a message sounds like: a Han character with its
/// reading, a syllable spelled in 注音 (its syllable id, or its toneless
/// id when no tone mark was typed), or anything else.
#[derive(Debug, Clone, Copy)]
enum Sound {
    Char(u32, u16),
    Spelled { id: u16, loose: bool },
    Other,
}

/// A character or a spelled syllable at bytes `[start, end)`.
#[derive(Debug, Clone, Copy)]
struct Unit {
    start: usize,
    end: usize,
    sound: Sound,
}

impl Unit {
    /// The toneless syllable id of the unit.
    fn base(&self, r: &Readings) -> Option<u16> {
        match self.sound {
            Sound::Char(_, s) => Some(r.bases[s as usize]),
            Sound::Spelled { id, loose } if id != NONE => {
                Some(if loose { id } else { r.bases[id as usize] })
            }
            _ => None,
        }
    }

    /// Whether the unit stands for a keyword's character `kc` of reading
    /// `ks`: that very character, or its syllable spelled.
    fn reads_as(&self, r: &Readings, kc: u32, ks: u16) -> bool {
        match self.sound {
            Sound::Char(cp, _) => cp == kc,
            Sound::Spelled { id, loose: true } => id != NONE && id == r.bases[ks as usize],
            Sound::Spelled { id, loose: false } => id == ks,
            Sound::Other => false,
        }
    }
}

/// `text` as characters and spelled syllables, with their byte spans.
fn units(r: &Readings, text: &str) -> Vec<Unit> {
    let b = text.as_bytes();
    let mut units = Vec::new();
    let mut at = 0;
    while at < b.len() {
        let c = text[at..].chars().next().unwrap_or('\0');
        // A space after a tone mark (ㄑㄩㄝˋ ㄓㄣˇ) parts two syllables
        // of one word.
        if c == ' '
            && matches!(
                units.last(),
                Some(Unit {
                    sound: Sound::Spelled { .. },
                    ..
                })
            )
        {
            at += 1;
            continue;
        }
        let (end, sound) = if zhuyin::is_letter(c) {
            let (end, syllable) = zhuyin::syllable_at(text, at);
            let sound = syllable.map_or(Sound::Other, |s| {
                let table = if s.loose { &r.base_names } else { &r.names };
                let id = table.get(s.name.as_str()).copied().unwrap_or(NONE);
                Sound::Spelled { id, loose: s.loose }
            });
            (end, sound)
        } else {
            let (cp, sound, len) = sound_at(r, b, at);
            let sound = if sound == NONE {
                Sound::Other
            } else {
                Sound::Char(cp, sound)
            };
            (at + len, sound)
        };
        units.push(Unit {
            start: at,
            end,
            sound,
        });
        at = end;
    }
    units
}

/// The points a rule's own keywords must give it before the homophone
/// typos of its anchors are looked for: a typo counts at most four fifths
/// of the strongest anchor weight (24 of 30), and a finding needs 50, so a
/// typo with less context around it could not make one without entities
/// to help; this spares the pass to the many messages that only share a
/// common word with a rule (就是, 那間). 25 points cost 4.6 % of the full
/// scan for five typos more (docs/benchmarks.md, twenty-first session).
pub(super) const TYPO_CONTEXT: i32 = 30;

/// Whether normalized bytes `[start, end)` were one run of characters in
/// the message: a homophone typo is made inside a word, so a match over
/// characters the normalizer brought together (a space or a line break
/// between them) is two words that happen to sound like one (林美惠 同事
/// is not 會同).
fn within_one_word(norm: &NormalizedText, start: usize, end: usize) -> bool {
    let (start, end) = (norm.char_index(start), norm.char_index(end));
    let (os, oe) = norm.original_span(start, end);
    oe - os == end - start
}

#[cfg(test)]
mod tests;
