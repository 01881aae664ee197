//! Text normalization with an offset map back to the original (SPEC §3).
//!
//! Every matcher in leakguard runs on [`NormalizedText::as_str`], a folded form
//! of the message that defeats the cheap evasions seen in chat: full-width
//! characters, zero-width characters, letters spaced out one by one,
//! Simplified script, 臺/台 and 身份/身分 variants, Chinese digits written for
//! phone numbers. Each normalized character remembers which original
//! character produced it, so evidence found on the normalized text can still
//! point at — and quote — exactly what the user typed.
//!
//! The steps, in order:
//! 1. drop format characters (Cf: zero-width space, joiners, bidi controls,
//!    BOM, soft hyphen) and combining marks (variation selectors, accents);
//! 2. NFKC for everything outside the ASCII and CJK fast paths
//!    (full-width → half-width, ideographic space → space);
//! 3. fold dash and wave-dash variants to `-` and `~`; Latin letters
//!    upper-cased (ASCII, and accented ones whose capital is one letter:
//!    ư → Ư, ñ → Ñ, as Vietnamese and Tagalog keywords are written);
//! 4. Simplified → Traditional (OpenCC s2tw, phrase level) when the message
//!    is written in Simplified script: it has more characters that only
//!    Simplified uses than characters that only Traditional uses; in a
//!    Traditional message, its Simplified-only characters, each with its
//!    neighbours as a phrase;
//! 5. fold 臺→台, 週→周, 身份→身分, variant characters (擧→舉, 衞→衛…), ◯→○;
//! 6. runs of seven or more Chinese digits (〇九二七…) become ASCII digits,
//!    also when written in groups of three or more split by a comma, 、 or
//!    a dash (零九一八，三六二，七五零 → 0918-362-750), some groups in ASCII
//!    digits too (0910-二三七-八四五 → 0910-237-845);
//! 7. spacing removed where it carries no meaning: between CJK characters,
//!    next to CJK characters, inside runs of single spaced-out letters or
//!    digits, around a dash between digits; filler punctuation (`. · * _ ‧ /`)
//!    removed between CJK characters;
//! 8. a link read out in lower case (dgpa點gov點tw) gets its dots back;
//! 9. a Bopomofo letter typed alone for a particle becomes it (打來ㄉ人 →
//!    打來的人, see `particles`);
//! 10. an emoji between digits goes (09📞16 → 0916), and a message typed one
//!     word per line is read with its line breaks as spaces (`stacked`);
//! 11. a letter typed or scanned for a digit among ASCII digits becomes
//!     it, O for 0 and l or I for 1 (`letter_digits`), not the letter of a
//!     valid ID (whose check digit `national_id` knows).
//!
//! The character loop, [`NormalizedText::new`], lives here with the offset
//! map; `tables` classifies characters and folds them one for one, `gap`
//! decides what becomes of spacing and filler runs, and `writer` builds the
//! text and its map.

use unicode_normalization::UnicodeNormalization;

mod gap;
pub mod national_id;
mod particles;
mod plate;
mod stacked;
mod tables;
mod writer;
mod letter_digits;

use gap::{gap, is_gap};
pub use tables::chinese_digit;
use tables::{
    fold_char, fold_punct, fold_simple, fold_variant, is_dropped, is_emoji, tables, CAPITAL,
    COMPLEX, DIGIT, DROP, HAN_DIGIT, KEPT, SAME, SIMPLIFIED, TRADITIONAL, UPPER, VARIANT,
};
use writer::Writer;
pub use writer::NUMBER_CONNECTORS;

/// A Han character (CJK Unified Ideographs and Extension A), as the
/// normalizer and the entity recognizers both test it.
pub(crate) use tables::is_han_bmp as is_han;

/// A message in normalized form, with the map back to the original text.
#[derive(Debug, Clone)]
pub struct NormalizedText {
    text: String,
    /// The offset map, piecewise: `(normalized index, original index)` where a
    /// run of one-for-one characters starts; inside a piece the two advance
    /// together. Before the first piece normalized index = original index, so
    /// a message normalization left in place has no piece at all.
    pieces: Vec<(u32, u32)>,
    /// Number of normalized characters.
    chars: u32,
    /// Byte offset in `text` of each normalized character, built on first
    /// use (a harmless message with no keyword hit never needs it).
    starts: std::cell::OnceCell<Vec<u32>>,
    /// Number of characters in the original text.
    original_chars: u32,
    /// ASCII digits in the normalized text: a cheap prefilter for identifiers.
    digits: u32,
    /// The longest run of consecutive ASCII digits.
    digit_run: u32,
}

impl NormalizedText {
    /// Normalizes `original`.
    pub fn new(original: &str) -> Self {
        // A message typed one word per line is read with its line breaks as
        // spaces (the same byte length, so the offsets hold).
        let flat = stacked::flatten(original);
        Self::fold(flat.as_deref().unwrap_or(original))
    }

    /// The character loop of [`NormalizedText::new`].
    fn fold(original: &str) -> Self {
        let t = tables();
        let mut w = Writer::with_capacity(original.len());
        let mut script = Script::default();
        let bytes = original.as_bytes();
        // The classes seen, as a bit set: later passes run only when needed.
        let mut seen = 0u32;
        let mut b = 0usize;
        let mut i = 0u32;
        // A run of characters normalization keeps as they are is copied in
        // one go; it starts where the last changed character ended.
        let (mut run_start, mut run_origin) = (0usize, 0u32);
        // How many kept characters of each class were seen (of the Han
        // characters the fast run takes, only the script classes are counted).
        let mut kept = [0u32; 16];
        // ASCII digits among the kept characters: the identifier prefilters.
        let (mut digit_run, mut longest_digit_run) = (0u32, 0u32);
        // Full-width digits, which the loop folds one by one.
        let mut wide_digits = 0u32;
        // Where the last Latin letter was, and whether a Chinese digit
        // followed one closely: the plate pass runs only then.
        let (mut letter_at, mut plate_hint) = (None::<u32>, false);
        while b < bytes.len() {
            // Most of a Chinese message is Han characters that stay as they
            // are: a tight loop counts their script and copies nothing.
            if (0xE4..=0xE9).contains(&bytes[b]) {
                let run = t.han_run(bytes, b);
                if run.chars > 0 {
                    kept[SIMPLIFIED as usize] += run.simplified;
                    kept[TRADITIONAL as usize] += run.traditional;
                    digit_run = 0;
                    i += run.chars;
                    b = run.end;
                    continue;
                }
            }
            let (cp, width) = decode(bytes, b);
            let cls = t.class_of_code_point(cp);
            // An emoji right after a digit is checked for splitting a number
            // (the test is rare: four-byte characters after a digit).
            let splits =
                width == 4 && digit_run > 0 && cls == SAME && splits_number(original, b, width);
            if KEPT & (1 << cls) != 0 && !splits {
                kept[cls as usize] += 1;
                // Digits are rare and come in runs: these branches predict well.
                if cls == DIGIT {
                    digit_run += 1;
                    longest_digit_run = longest_digit_run.max(digit_run);
                } else {
                    digit_run = 0;
                    // A Chinese digit a few characters after a Latin letter
                    // may be a plate's, read out (NKP二零三八, NKP 20三八).
                    match cls {
                        CAPITAL | UPPER => letter_at = Some(i),
                        HAN_DIGIT => plate_hint |= letter_at.is_some_and(|at| i - at <= 4),
                        _ => {}
                    }
                }
                i += 1;
                b += width;
                continue;
            }
            // `original` is a `str`, so every decoded code point is a char.
            let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
            seen |= 1 << cls;
            let run_before = std::mem::take(&mut digit_run);
            w.copy(&original[run_start..b], run_origin, i - run_origin);
            match cls {
                // A zero-width character between digits joins them.
                DROP => w.joined_digits |= w.last().is_ascii_digit(),
                // An emoji between digits (09📞16-7🙂75-442) splits a number
                // to hide it: it goes, and the digits join (the run goes on,
                // for a skin tone after it and for the mixed-digit pass).
                _ if splits => {
                    w.joined_digits = true;
                    digit_run = run_before;
                }
                _ if is_gap(cls, fold_simple(cls, c, '\0')) => {
                    let first = fold_simple(cls, c, '\0');
                    let mut it = original[b + width..].chars();
                    gap(t, &mut w, &mut it, &mut i, first);
                    b = original.len() - it.as_str().len();
                    (run_start, run_origin) = (b, i);
                    continue;
                }
                // A circled number (① … ⑳) alone opens a list item: it
                // becomes "(1)", as ⑴ does under NFKC, and does not run into
                // the digits after it (①21:03 is item 1 at 21:03). Beside
                // another circled number it is a digit of a number written
                // to dodge a filter (⓪⑨①②…), as NFKC has it.
                COMPLEX
                    if is_circled_number(c)
                        && !original[..b]
                            .chars()
                            .next_back()
                            .is_some_and(is_circled_digit)
                        && !original[b + width..]
                            .chars()
                            .next()
                            .is_some_and(is_circled_digit) =>
                {
                    let n = c as u32 - 0x2460 + 1;
                    for d in format!("({n})").chars() {
                        w.push(d, i);
                    }
                }
                COMPLEX => {
                    for d in std::iter::once(c).nfkc() {
                        if is_dropped(d) {
                            continue;
                        }
                        let d = fold_punct(d).unwrap_or(d).to_ascii_uppercase();
                        script.count(t.class_of(d));
                        w.push(fold_variant(d, w.last()), i);
                    }
                }
                _ => {
                    script.count(cls);
                    let folded = fold_char(cls, c, w.last());
                    // A full-width digit continues a run of digits (for the
                    // mixed numbers below; the identifier counts are redone).
                    if folded.is_ascii_digit() {
                        digit_run = run_before + 1;
                        longest_digit_run = longest_digit_run.max(digit_run);
                        wide_digits += 1;
                    }
                    w.push(folded, i);
                }
            }
            i += 1;
            b += width;
            (run_start, run_origin) = (b, i);
        }
        w.copy(&original[run_start..], run_origin, i - run_origin);
        script.simplified += kept[SIMPLIFIED as usize];
        script.traditional += kept[TRADITIONAL as usize];
        for (cls, &n) in kept.iter().enumerate() {
            if n > 0 {
                seen |= 1 << cls;
            }
        }
        if script.is_simplified() {
            w.convert_to_traditional(t);
        } else if script.simplified > 0 {
            w.convert_simplified_characters(t);
        }
        // Numbers written in Chinese digits, counted as written.
        let digits = kept[DIGIT as usize] + wide_digits;
        let han_digits =
            w.may_hold_written_number(kept[HAN_DIGIT as usize], digits, longest_digit_run);
        // A plate's digits read out after its letters, before the pass
        // that reads long runs (which leaves a run of four alone), only
        // where a Chinese digit came right after a Latin letter.
        let plate = plate_hint && w.plate_digits();
        if han_digits {
            w.chinese_digit_runs();
        }
        if han_digits || plate {
            seen |= 1 << DIGIT;
        }
        let lower = seen & (1 << UPPER) != 0;
        if lower {
            w.spoken_dots();
        }
        // Digits counted in the loop are exact unless characters that were
        // dropped, removed or folded may have joined or added digits.
        let exact = !w.joined_digits && !han_digits && !plate;
        let counted = exact.then_some((kept[DIGIT as usize], longest_digit_run));
        let mut text = w.finish(i, lower, counted);
        if particles::may_hold(bytes) {
            particles::fold(&mut text.text);
        }
        text
    }

    /// Whether normalization kept every character in place (at most ASCII
    /// case and one-for-one folds changed).
    pub fn is_identity(&self) -> bool {
        self.pieces.is_empty() && self.chars == self.original_chars
    }

    /// The normalized text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Number of normalized characters.
    pub fn char_len(&self) -> usize {
        self.chars as usize
    }

    /// Number of characters of the original text.
    pub fn original_char_len(&self) -> usize {
        self.original_chars as usize
    }

    /// How many ASCII digits the normalized text holds.
    pub fn digit_count(&self) -> usize {
        self.digits as usize
    }

    /// The longest run of consecutive ASCII digits (identifiers need one).
    pub fn digit_run(&self) -> usize {
        self.digit_run as usize
    }

    fn starts(&self) -> &[u32] {
        self.starts
            .get_or_init(|| self.text.char_indices().map(|(b, _)| b as u32).collect())
    }

    /// Normalized character index of a byte offset (which must be a char boundary
    /// or the end of the text).
    pub fn char_index(&self, byte: usize) -> usize {
        self.starts().partition_point(|&s| (s as usize) < byte)
    }

    /// Byte offset of a normalized character index (or the text length).
    pub fn byte_index(&self, char_idx: usize) -> usize {
        self.starts()
            .get(char_idx)
            .map(|&b| b as usize)
            .unwrap_or(self.text.len())
    }

    /// Original character index of normalized character `i` (`i < char_len`).
    fn origin(&self, i: usize) -> usize {
        let k = self.pieces.partition_point(|&(n, _)| n as usize <= i);
        if k == 0 {
            return i;
        }
        let (n, o) = self.pieces[k - 1];
        o as usize + (i - n as usize)
    }

    /// Maps a normalized character range `[start, end)` to the original text's
    /// character range. Always in bounds of the original text.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        let len = self.chars as usize;
        if len == 0 || start >= end || start >= len {
            let at = if start < len {
                self.origin(start)
            } else {
                self.original_chars as usize
            };
            return (at, at);
        }
        let end = end.min(len);
        let s = self.origin(start);
        let e = self.origin(end - 1) + 1;
        (
            s.min(self.original_chars as usize),
            e.max(s).min(self.original_chars as usize),
        )
    }

    /// Maps a normalized byte range to the original character range.
    pub fn original_span_of_bytes(&self, start: usize, end: usize) -> (usize, usize) {
        self.original_span(self.char_index(start), self.char_index(end))
    }

    /// The normalized character indices before which characters of the
    /// original were removed (the space in 吳秀琴 郵局, which normalization
    /// takes out between Han characters): where the writer separated words.
    pub fn removed_before(&self) -> impl Iterator<Item = usize> + '_ {
        self.pieces.iter().enumerate().filter_map(|(k, &(n, o))| {
            if n == 0 {
                return None;
            }
            // Where the character before this piece came from.
            let prev = match k.checked_sub(1).map(|j| self.pieces[j]) {
                Some((pn, po)) => po + (n - 1 - pn),
                None => n - 1,
            };
            (o > prev + 1).then_some(n as usize)
        })
    }
}

/// ① to ⑳, the circled numbers of list items.
fn is_circled_number(c: char) -> bool {
    ('\u{2460}'..='\u{2473}').contains(&c)
}

/// A circled number or zero (⓪): what a number written in circled digits
/// to dodge a filter is made of.
fn is_circled_digit(c: char) -> bool {
    is_circled_number(c) || c == '\u{24EA}'
}

/// Whether the emoji at byte `b` (`width` bytes, after a digit) splits a
/// number: a digit follows it, past what normalization drops (variation
/// selectors, joiners) and further emoji (skin tones), and the token it
/// stands in (digits, dashes, emoji) holds at least [`SPLIT_NUMBER_DIGITS`]
/// digits, as a phone or an ID does. An order such as 2🍗3🍔 or a time range
/// 0900📍1030 is no number.
fn splits_number(original: &str, b: usize, width: usize) -> bool {
    let is_digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let is_modifier = |c: char| is_dropped(c) || is_emoji(c);
    let in_token = |c: char| is_digit(c) || is_modifier(c) || matches!(c, '-' | '－');
    let rest = &original[b + width..];
    if !rest
        .chars()
        .find(|&c| !is_modifier(c))
        .is_some_and(is_digit)
    {
        return false;
    }
    let before = original[..b].chars().rev().take_while(|&c| in_token(c));
    let after = rest.chars().take_while(|&c| in_token(c));
    before.chain(after).filter(|&c| is_digit(c)).count() >= SPLIT_NUMBER_DIGITS
}

/// Fewest digits of a number an emoji may split: a national ID's nine.
const SPLIT_NUMBER_DIGITS: usize = 9;

/// Decodes the code point at byte `b` of valid UTF-8 and its width: the
/// hot loop's own decoder, which also yields the byte offset for run copies.
/// Characters normalization keeps are only classified, so the loop turns a
/// code point into a `char` only for the few it changes.
#[inline(always)]
fn decode(bytes: &[u8], b: usize) -> (u32, usize) {
    let x = bytes[b] as u32;
    let cont = |k: usize| bytes[b + k] as u32 & 0x3F;
    let (cp, width) = if x < 0x80 {
        (x, 1)
    } else if x < 0xE0 {
        ((x & 0x1F) << 6 | cont(1), 2)
    } else if x < 0xF0 {
        ((x & 0x0F) << 12 | cont(1) << 6 | cont(2), 3)
    } else {
        ((x & 0x07) << 18 | cont(1) << 12 | cont(2) << 6 | cont(3), 4)
    };
    (cp, width)
}

/// Characters seen that only one script uses.
#[derive(Debug, Default, Clone, Copy)]
struct Script {
    simplified: u32,
    traditional: u32,
}

impl Script {
    #[inline]
    fn count(&mut self, cls: u8) {
        match cls {
            SIMPLIFIED => self.simplified += 1,
            TRADITIONAL | VARIANT => self.traditional += 1,
            _ => {}
        }
    }

    /// A message is Simplified when Simplified-only characters outnumber
    /// Traditional-only ones: a Traditional message with one variant such as
    /// 雇 or 麽 is not converted as a whole phrase by phrase, only that
    /// character is.
    fn is_simplified(self) -> bool {
        self.simplified > self.traditional
    }
}

/// Builds the conversion tables now, so the first message does not pay for it.
pub fn warm_up() {
    tables();
}

/// Normalizes a pattern term the way message text is normalized, so a pack
/// may spell 臺/台, 身份/身分 or full-width characters either way.
pub fn normalize_term(term: &str) -> String {
    NormalizedText::new(term).text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        NormalizedText::new(s).as_str().to_string()
    }

    /// A pack's Vietnamese words in capitals read the same as typed.
    #[test]
    fn accented_latin_letters_are_upper_cased() {
        assert_eq!(n("người gọi 1955 là anh"), "NGƯỜI GỌI 1955 LÀ ANH");
        // Words, not letters spaced out one by one: no TB in luật bảo.
        assert_eq!(n("luật bảo mật"), "LUẬT BẢO MẬT");
    }

    #[test]
    fn normalization_table() {
        let cases: &[(&str, &str)] = &[
            ("Ａ１２３４５６７８９", "A123456789"),
            ("（０２）２３４５－６７８９", "(02)2345-6789"),
            ("k220819374", "K220819374"),
            ("Señora Peña", "SEÑORA PEÑA"),
            ("straße", "STRAßE"),
            ("明\u{200B}天\u{200B}稽\u{200B}查", "明天稽查"),
            ("S155\u{200B}204\u{200B}689", "S155204689"),
            ("陳 情 人 是 對 面", "陳情人是對面"),
            ("M 1 9 9 2 3 5 5 7 0 林志豪", "M199235570林志豪"),
            ("0 9 1 8 - 3 3 0 - 2 7 5", "0918-330-275"),
            // A link spelled out letter by letter keeps its dashes.
            ("p r e s i d e n t - g o v - t w", "PRESIDENT-GOV-TW"),
            ("Plan A - Team", "PLAN A - TEAM"),
            ("0912 345 678", "0912 345 678"),
            ("12/16 9:00", "12/16 9:00"),
            ("確診者 張某某 住在", "確診者張某某住在"),
            ("刚才通知 确诊者", "剛才通知確診者"),
            ("后天上午十点 突击稽查", "後天上午十點突擊稽查"),
            ("臺北市", "台北市"),
            ("身份證", "身分證"),
            ("檢擧人、衞生局的祕密", "檢舉人、衛生局的秘密"),
            ("下週三", "下周三"),
            // A Traditional message keeps its script; its Simplified-only
            // characters are converted one by one.
            ("請在下週到臺北，确诊者", "請在下周到台北,確診者"),
            ("阿伯昨天确诊了，住在中山路", "阿伯昨天確診了,住在中山路"),
            ("十二月十一日", "十二月十一日"),
            ("0912-○○○-678", "0912-○○○-678"),
            ("T１７６‧１４６‧６１０", "T176.146.610"),
            ("0912–345–678", "0912-345-678"),
            ("稽.查", "稽查"),
            // A slash splits a word as a dot does; between digits (a date, a
            // link's path) it stays.
            ("檢/舉人、限 / 閱", "檢舉人、限閱"),
            ("https://reurl.cc/Ab1", "HTTPS://REURL.CC/AB1"),
            // A link read out keeps its dots; a time keeps its 點.
            ("dgpa點gov點tw點info", "DGPA.GOV.TW.INFO"),
            ("明天7點30分", "明天7點30分"),
            ("里長說", "里長說"),
            ("a\u{FE0F}b", "AB"),
            // A circled number opens a list item and keeps apart from the
            // digits after it.
            ("①21:03 進停車場 ②21:07", "(1)21:03進停車場 (2)21:07"),
            ("電話⓪⑨①②③④⑤⑥⑦⑧", "電話0912345678"),
            ("　全形空白　", " 全形空白 "),
            // An emoji inside a phone or an ID number goes, skin tone and
            // all; between the digits of an order or a time range it stays.
            ("家屬電話 09📞16-7🙂75-442", "家屬電話0916-775-442"),
            ("09👍🏻16-775-442", "0916-775-442"),
            ("A12😀\u{FE0F}３45678９", "A123456789"),
            ("2🍗3🍔1🥤", "2🍗3🍔1🥤"),
            ("0900📍1030", "0900📍1030"),
            ("09𝟏2345678", "0912345678"),
        ];
        for (input, want) in cases {
            assert_eq!(&n(input), want, "normalizing {input:?}");
        }
    }

    /// What of `original` the first `needle` of its normalized text quotes,
    /// with its character span.
    fn quote(original: &str, needle: &str) -> (String, (usize, usize)) {
        let norm = NormalizedText::new(original);
        let b = norm
            .as_str()
            .find(needle)
            .expect("needle in the normalized text");
        let (s, e) = norm.original_span_of_bytes(b, b + needle.len());
        (original.chars().skip(s).take(e - s).collect(), (s, e))
    }

    #[test]
    fn offsets_point_into_the_original() {
        let original = "😷明\u{200B}天 稽 查ＡＢ";
        assert_eq!(NormalizedText::new(original).as_str(), "😷明天稽查AB");
        assert_eq!(quote(original, "稽查"), ("稽 查".to_string(), (5, 8)));
        assert_eq!(quote(original, "AB").0, "ＡＢ");
    }

    #[test]
    fn a_dropped_emoji_and_flattened_lines_still_quote_the_original() {
        let original = "電話09📞16-775-442";
        assert_eq!(NormalizedText::new(original).as_str(), "電話0916-775-442");
        assert_eq!(quote(original, "0916").0, "09📞16");

        let original = "告發\n你們\n的\n是\n前員工\n阿凱";
        assert_eq!(
            NormalizedText::new(original).as_str(),
            "告發你們的是前員工阿凱"
        );
        assert_eq!(quote(original, "的是").0, "的\n是");

        let original = "他騎 nkp 二零三八 那台";
        assert_eq!(quote(original, "NKP2038").0, "nkp 二零三八");
    }

    #[test]
    fn empty_text_is_empty() {
        let norm = NormalizedText::new("");
        assert_eq!(norm.as_str(), "");
        assert_eq!(norm.original_span(0, 0), (0, 0));
    }
}
