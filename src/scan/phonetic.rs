//! Homophone typos of anchor keywords.
//!
//! Taiwanese users type Chinese by sound (注音, tone included), so a typo
//! is most often another character of the same syllable and tone picked
//! from the input method's list: 減舉人 for 檢舉人, 陳晴 for 陳情, 稽茶 for
//! 稽查, 結和 for 結核. Each Han character is folded to its Mandarin
//! syllable with its tone (the `pinyin` crate's reading data, MIT), and
//! every anchor keyword of two or more Han characters gets its *variants*:
//! the keyword with exactly one character replaced by another common
//! character of the same syllable and tone. The variants go into the one
//! keyword automaton with the exact keywords, so the scan finds them in the
//! same pass, at almost no cost.
//!
//! - *Exactly one* character: two would be another word that merely sounds
//!   alike (案件 is not 安檢).
//! - *The tone kept*: on the real forwarded messages, a toneless view
//!   matched 留言 as 留驗, 病理 as 病歷, 會看 as 會勘 and 抽煙 as 抽驗 (9 false
//!   alarms in 2,840 messages; none with the tone). The cost is the typos
//!   that change the tone too (確真 for 確診).
//! - *Common* characters: those of Big5's first level (常用字, the 5,401
//!   an input method offers first; `encoding_rs`'s Big5 table), so that a
//!   keyword does not grow hundreds of variants in characters nobody types.

use std::collections::HashMap;
use std::sync::OnceLock;

use pinyin::ToPinyin;

use crate::normalize::NormalizedText;

/// The first and last code points with a reading here: CJK Unified
/// Ideographs Extension A through the basic block.
const FIRST: u32 = 0x3400;
const LAST: u32 = 0x9FFF;

/// The id of "no reading".
const NONE: u16 = u16::MAX;

/// Syllable ids by code point, `FIRST..=LAST`, and the common characters
/// of each syllable.
struct Readings {
    ids: Vec<u16>,
    common: HashMap<u16, Vec<char>>,
}

fn readings() -> &'static Readings {
    static READINGS: OnceLock<Readings> = OnceLock::new();
    READINGS.get_or_init(|| {
        let mut names: HashMap<&'static str, u16> = HashMap::new();
        let mut common: HashMap<u16, Vec<char>> = HashMap::new();
        let ids = (FIRST..=LAST)
            .map(|cp| {
                let Some((c, p)) = char::from_u32(cp).and_then(|c| Some((c, c.to_pinyin()?)))
                else {
                    return NONE;
                };
                let next = names.len() as u16;
                let id = *names.entry(p.with_tone_num_end()).or_insert(next);
                if is_common(c) {
                    common.entry(id).or_default().push(c);
                }
                id
            })
            .collect();
        Readings { ids, common }
    })
}

/// Whether `c` is in Big5's first level (0xA440..=0xC67E), the common
/// characters.
fn is_common(c: char) -> bool {
    let mut buf = [0u8; 4];
    let (bytes, _, unmappable) = encoding_rs::BIG5.encode(c.encode_utf8(&mut buf));
    !unmappable
        && bytes.len() == 2
        && (0xA440..=0xC67E).contains(&u16::from_be_bytes([bytes[0], bytes[1]]))
}

/// The syllable id of `c`, or [`NONE`].
fn syllable(c: char) -> u16 {
    let cp = c as u32;
    if (FIRST..=LAST).contains(&cp) {
        readings().ids[(cp - FIRST) as usize]
    } else {
        NONE
    }
}

/// Builds the reading tables now rather than with the first scanner.
pub(super) fn warm_up() {
    readings();
}

/// The homophone variants of `keyword`: each string that differs from it
/// in exactly one character, replaced by a common character of the same
/// syllable and tone. None for a keyword shorter than two characters or
/// with a character that is not a Han character with a reading.
pub(super) fn variants(keyword: &str) -> Vec<String> {
    let chars: Vec<char> = keyword.chars().collect();
    if chars.len() < 2 || chars.iter().any(|&c| syllable(c) == NONE) {
        return Vec::new();
    }
    let common = &readings().common;
    let mut out = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        for &other in common.get(&syllable(c)).map_or(&[][..], Vec::as_slice) {
            if other != c {
                let mut v = chars.clone();
                v[i] = other;
                out.push(v.into_iter().collect());
            }
        }
    }
    out
}

/// The points a rule's own keywords must give it before the homophone
/// variants of its anchors are looked for: a variant counts at most four
/// fifths of the strongest anchor weight (24 of 30), and a finding needs
/// 50, so a typo with less context around it could not make one without
/// entities to help; this spares the pass to the many messages that only
/// share a common word with a rule (就是, 那間, 學生).
pub(super) const VARIANT_CONTEXT: i32 = 30;

/// Whether normalized bytes `[start, end)` were one run of characters in
/// the message: a homophone typo is made inside a word, so a match over
/// characters the normalizer brought together (a space or a line break
/// between them) is two words that happen to sound like one (林美惠 同事
/// is not 會同).
pub(super) fn within_one_word(norm: &NormalizedText, start: usize, end: usize) -> bool {
    let (start, end) = (norm.char_index(start), norm.char_index(end));
    let (os, oe) = norm.original_span(start, end);
    oe - os == end - start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_of_the_same_syllable_and_tone_is_a_variant() {
        for (keyword, typed) in [
            ("檢舉人", "減舉人"),
            ("結核", "結和"),
            ("投訴", "頭訴"),
            ("陳情", "陳晴"),
            ("稽查", "稽茶"),
        ] {
            assert!(
                variants(keyword).iter().any(|v| v == typed),
                "{typed} for {keyword}"
            );
        }
    }

    #[test]
    fn another_word_of_another_tone_or_two_characters_away_is_not() {
        // 留言 (yan2) is not 留驗 (yan4); 會看 is not 會勘; 病理 is not 病歷.
        for (keyword, other) in [("留驗", "留言"), ("會勘", "會看"), ("病歷", "病理")] {
            assert!(!variants(keyword).iter().any(|v| v == other), "{other}");
        }
        // 案件 sounds like 安檢 but shares no character with it.
        assert!(!variants("安檢").iter().any(|v| v == "案件"));
        assert!(!variants("檢舉").iter().any(|v| v == "檢舉"), "not itself");
    }

    #[test]
    fn only_han_keywords_of_two_or_more_characters_have_variants() {
        assert!(variants("檢").is_empty());
        assert!(variants("COVID").is_empty());
        assert!(variants("A肝").is_empty());
        let n = variants("檢舉人").len();
        assert!((3..200).contains(&n), "{n} variants");
    }
}
