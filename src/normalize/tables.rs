//! What normalization does with each character: the character classes, the
//! process-wide class table (one byte per BMP character, two bits per
//! common Han character), OpenCC's converter, and the one-for-one folds.
//!
//! The tables are built once ([`super::warm_up`]); the character loop then
//! classifies a character with one lookup.

use std::sync::OnceLock;

use ferrous_opencc::{config::BuiltinConfig, OpenCC};
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use super::gap::is_filler;

/// The one-for-one fold of a character of a simple class.
#[inline]
pub(super) fn fold_simple(cls: u8, c: char, prev: char) -> char {
    match cls {
        UPPER => c.to_ascii_uppercase(),
        FULL_WIDTH => char::from_u32(c as u32 - 0xFEE0)
            .unwrap_or(c)
            .to_ascii_uppercase(),
        IDEOGRAPHIC_SPACE => ' ',
        SPACE => ' ',
        PUNCT_FOLD => fold_punct(c).unwrap_or(c),
        VARIANT => fold_variant(c, prev),
        _ => c,
    }
}

/// [`fold_simple`], and an accented Latin letter upper-cased: the
/// character loop's fold. The rare letters stay out of `fold_simple`,
/// which the gap lookahead calls for every character (with them it grew
/// by half under callgrind).
#[inline]
pub(super) fn fold_char(cls: u8, c: char, prev: char) -> char {
    if cls == LATIN_LOWER {
        upper_one(c)
    } else {
        fold_simple(cls, c, prev)
    }
}

/// The capital of a lower-case letter when it is one character (ư → Ư,
/// ñ → Ñ; ß, whose capital is two, stays).
#[cold]
#[inline(never)]
fn upper_one(c: char) -> char {
    let mut u = c.to_uppercase();
    match (u.next(), u.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

/// Whether `c` is a lower-case Latin letter with a diacritic that has a
/// one-character capital (Latin-1 to Latin Extended-B, and Latin Extended
/// Additional, where Vietnamese has its letters).
fn is_latin_lower(c: char) -> bool {
    is_latin_extended(c) && c.is_lowercase() && upper_one(c) != c
}

/// Whether `c` lies where Latin letters with diacritics do: Latin-1 to
/// Latin Extended-B, and Latin Extended Additional (Vietnamese).
pub(super) fn is_latin_extended(c: char) -> bool {
    ('\u{C0}'..='\u{24F}').contains(&c) || ('\u{1E00}'..='\u{1EFF}').contains(&c)
}

/// 臺→台, 週→周, 身份→身分, and the variant characters (異體字) an input
/// method or an old document still gives (擧舉, 衞衛, 祕秘, 爲為…): one
/// spelling for matching, either in the text.
#[inline]
pub(super) fn fold_variant(c: char, prev: char) -> char {
    match c {
        '臺' => '台',
        '週' => '周',
        '份' if prev == '身' => '分',
        '擧' => '舉',
        '衞' => '衛',
        '祕' => '秘',
        '爲' => '為',
        '衆' => '眾',
        '綫' => '線',
        '裏' => '裡',
        '啓' => '啟',
        '麪' => '麵',
        '鷄' => '雞',
        '僞' => '偽',
        c => c,
    }
}

/// Format characters and combining marks carry no visible meaning for us.
pub(super) fn is_dropped(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Format | GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark
    )
}

/// Dash and tilde variants that NFKC leaves alone.
pub(super) fn fold_punct(c: char) -> Option<char> {
    match c {
        '\u{2010}'..='\u{2015}'
        | '\u{2212}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{30FC}'
        | '\u{2500}' => Some('-'),
        '\u{301C}' | '\u{FF5E}' | '\u{223C}' => Some('~'),
        '\u{25EF}' => Some('○'),
        _ => None,
    }
}

pub(crate) fn is_han_bmp(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// Characters written without spaces around them in Chinese text.
pub(super) fn is_cjk(c: char) -> bool {
    is_han_bmp(c)
        || ('\u{3000}'..='\u{30FF}').contains(&c) // CJK symbols, kana
        || ('\u{3100}'..='\u{312F}').contains(&c) // bopomofo
        || ('\u{F900}'..='\u{FAFF}').contains(&c)
        || ('\u{20000}'..='\u{2FFFF}').contains(&c)
        || c == '○'
}

/// The ASCII digit a Chinese digit (〇 or 零 to 九) stands for.
pub fn chinese_digit(c: char) -> Option<char> {
    Some(match c {
        '〇' | '零' => '0',
        '一' => '1',
        '二' => '2',
        '三' => '3',
        '四' => '4',
        '五' => '5',
        '六' => '6',
        '七' => '7',
        '八' => '8',
        '九' => '9',
        _ => return None,
    })
}

// Character classes: what normalization does with a BMP character.
/// Unchanged, not CJK (ASCII punctuation and upper-case letters, symbols, emoji).
pub(super) const SAME: u8 = 0;
/// Unchanged CJK character that marks no script (punctuation, kana, shared Han).
const CJK: u8 = 1;
/// Han character used only in Simplified script (OpenCC s2tw changes it).
pub(super) const SIMPLIFIED: u8 = 2;
/// Han character used only in Traditional script (OpenCC t2s changes it).
pub(super) const TRADITIONAL: u8 = 3;
/// 〇零一二三四五六七八九: digits when seven or more stand in a row.
pub(super) const HAN_DIGIT: u8 = 4;
/// 臺, 週, 份: folded to 台, 周, 分 (after 身).
pub(super) const VARIANT: u8 = 5;
/// ASCII space or tab.
pub(super) const SPACE: u8 = 6;
/// Filler punctuation used to split words (`. * _ · ・ ‧ •`).
pub(super) const FILLER: u8 = 7;
/// ASCII lower-case letter.
pub(super) const UPPER: u8 = 8;
/// ASCII digit.
pub(super) const DIGIT: u8 = 9;
/// Format character or combining mark: dropped.
pub(super) const DROP: u8 = 10;
/// Full-width ASCII (U+FF01..=U+FF5E): NFKC is the ASCII character.
pub(super) const FULL_WIDTH: u8 = 11;
/// U+3000.
pub(super) const IDEOGRAPHIC_SPACE: u8 = 12;
/// Dash, wave dash and circle variants NFKC leaves alone.
const PUNCT_FOLD: u8 = 13;
/// Anything else: the general NFKC path.
pub(super) const COMPLEX: u8 = 14;
/// ASCII capital letter: kept as it is, and counted (a plate's letters).
pub(super) const CAPITAL: u8 = 15;
/// A lower-case Latin letter with a diacritic (ư, ờ, ñ, é): upper-cased
/// like ASCII, so that a pack's Vietnamese, Indonesian or Tagalog words,
/// written in capitals, match as people type them.
pub(super) const LATIN_LOWER: u8 = 16;
/// The classes normalization keeps as they are (lower-case letters are
/// upper-cased at the end, in place), as a bit set.
pub(super) const KEPT: u32 = 1 << SAME
    | 1 << CJK
    | 1 << SIMPLIFIED
    | 1 << TRADITIONAL
    | 1 << HAN_DIGIT
    | 1 << DIGIT
    | 1 << UPPER
    | 1 << CAPITAL;

/// The emoji blocks outside the BMP (pictographs, emoticons, transport,
/// supplemental symbols, skin tones): kept as they are.
const EMOJI: std::ops::RangeInclusive<u32> = 0x1F300..=0x1FAFF;

/// Whether `c` is in the emoji blocks normalization keeps ([`EMOJI`]).
pub(super) fn is_emoji(c: char) -> bool {
    EMOJI.contains(&(c as u32))
}

const HAN_LO: u32 = 0x4E00;
const HAN_HI: u32 = 0x9FFF;

/// Process-wide tables, built once: OpenCC's s2tw converter and one class
/// byte per BMP character.
pub(super) struct Tables {
    pub(super) s2t: OpenCC,
    class: Box<[u8]>,
    /// The classes of U+4E00..=U+9FFF again, two bits each (CJK, SIMPLIFIED,
    /// TRADITIONAL, or 3 = look in `class`): 5 KiB that stay in the L1 cache
    /// where the full table would not.
    han: Box<[u8]>,
}

/// Characters that OpenCC's STCharacters.txt converts by default but also
/// lists as a Traditional form of themselves (里 → 裏 or 里, 后 → 後 or 后 …):
/// they appear in Traditional text too, so they do not mark a message as
/// Simplified. Extracted from OpenCC's STCharacters.txt (Apache-2.0).
const AMBIGUOUS: &str = "万丑丰于云亘仆价伙余佣党准几凶划占厂厘台叶吁吃后咨咸唇夸尸岩岳帘干广征愿托挂据斗朴杠杰极柜涂涌淀游熏皂确种筑胜腊腌膻苹范荐虫蚝蜡蝎跖辟适郁采里";

/// Whether `c` is one of the characters both scripts use (see [`AMBIGUOUS`]).
pub(super) fn is_ambiguous(c: char) -> bool {
    AMBIGUOUS.contains(c)
}

impl Tables {
    fn build() -> Self {
        let s2t = OpenCC::from_config(BuiltinConfig::S2tw)
            .expect("the built-in OpenCC s2tw configuration loads");
        let t2s = OpenCC::from_config(BuiltinConfig::T2s)
            .expect("the built-in OpenCC t2s configuration loads");
        let mut class = vec![COMPLEX; 0x10000].into_boxed_slice();
        let mut buf = [0u8; 4];
        for cp in 0u32..0x10000 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            class[cp as usize] = if c.is_ascii() {
                match c {
                    ' ' | '\t' => SPACE,
                    '.' | '*' | '_' | '/' => FILLER,
                    'a'..='z' => UPPER,
                    'A'..='Z' => CAPITAL,
                    '0'..='9' => DIGIT,
                    _ => SAME,
                }
            } else if chinese_digit(c).is_some() {
                HAN_DIGIT
            } else if fold_variant(c, '身') != c {
                VARIANT
            } else if is_han_bmp(c) {
                let s = c.encode_utf8(&mut buf);
                if t2s.convert(s) != *s {
                    TRADITIONAL
                } else if !AMBIGUOUS.contains(c) && s2t.convert(s) != *s {
                    SIMPLIFIED
                } else {
                    CJK
                }
            } else if c == '\u{3000}' {
                IDEOGRAPHIC_SPACE
            } else if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
                FULL_WIDTH
            } else if is_filler(c) {
                FILLER
            } else if fold_punct(c).is_some() {
                PUNCT_FOLD
            } else if is_dropped(c) {
                DROP
            } else if std::iter::once(c).nfkc().eq(std::iter::once(c)) {
                if is_cjk(c) {
                    CJK
                } else if is_latin_lower(c) {
                    LATIN_LOWER
                } else {
                    SAME
                }
            } else {
                COMPLEX
            };
        }
        let mut han = vec![0u8; (HAN_HI - HAN_LO + 1) as usize / 4].into_boxed_slice();
        for cp in HAN_LO..=HAN_HI {
            let code = match class[cp as usize] {
                CJK => 0,
                SIMPLIFIED => 1,
                TRADITIONAL => 2,
                _ => 3,
            };
            let k = (cp - HAN_LO) as usize;
            han[k / 4] |= code << ((k % 4) * 2);
        }
        Tables { s2t, class, han }
    }

    /// The two-bit code of Han character `HAN_LO + k` in [`Tables::han`]:
    /// 0 CJK, 1 SIMPLIFIED, 2 TRADITIONAL, 3 look in `class`.
    #[inline(always)]
    fn han_code(&self, k: usize) -> u8 {
        (self.han[k / 4] >> ((k % 4) * 2)) & 3
    }

    /// The run of Han characters (U+4E00..=U+9FFF) of class CJK, SIMPLIFIED
    /// or TRADITIONAL starting at byte `b`, which must be a char boundary of
    /// valid UTF-8. Any other character ends it, to go the general way.
    #[inline(always)]
    pub(super) fn han_run(&self, bytes: &[u8], mut b: usize) -> HanRun {
        // Simplified count in the low half, Traditional in the high half.
        const STEP: [u64; 4] = [0, 1, 1 << 32, 0];
        let (mut chars, mut script) = (0u32, 0u64);
        while let [x @ 0xE4..=0xE9, y, z, ..] = bytes[b..] {
            let cp = (x as u32 & 0x0F) << 12 | (y as u32 & 0x3F) << 6 | (z as u32 & 0x3F);
            let k = cp.wrapping_sub(HAN_LO);
            if k > HAN_HI - HAN_LO {
                break;
            }
            let code = self.han_code(k as usize);
            if code == 3 {
                break;
            }
            script += STEP[code as usize];
            chars += 1;
            b += 3;
        }
        HanRun {
            chars,
            simplified: script as u32,
            traditional: (script >> 32) as u32,
            end: b,
        }
    }

    /// The class of a character; outside the BMP only emoji skip NFKC.
    #[inline]
    pub(super) fn class_of(&self, c: char) -> u8 {
        self.class_of_code_point(c as u32)
    }

    /// [`Tables::class_of`] on a code point decoded from valid UTF-8.
    #[inline(always)]
    pub(super) fn class_of_code_point(&self, cp: u32) -> u8 {
        if cp.wrapping_sub(HAN_LO) <= HAN_HI - HAN_LO {
            let code = self.han_code((cp - HAN_LO) as usize);
            // A lookup, not a match: a jump table here mispredicts per character.
            const CODES: [u8; 4] = [CJK, SIMPLIFIED, TRADITIONAL, COMPLEX];
            let cls = CODES[code as usize];
            return if code == 3 {
                self.class[cp as usize]
            } else {
                cls
            };
        }
        if cp < 0x10000 {
            self.class[cp as usize]
        } else if EMOJI.contains(&cp) {
            SAME
        } else {
            COMPLEX
        }
    }
}

/// What [`Tables::han_run`] read.
pub(super) struct HanRun {
    pub(super) chars: u32,
    pub(super) simplified: u32,
    pub(super) traditional: u32,
    /// The byte after the run.
    pub(super) end: usize,
}

pub(super) fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(Tables::build)
}
