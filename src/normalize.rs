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
//! 3. fold dash and wave-dash variants to `-` and `~`; ASCII letters upper-cased;
//! 4. Simplified → Traditional (OpenCC s2tw, phrase level) when the message
//!    is written in Simplified script: it has more characters that only
//!    Simplified uses than characters that only Traditional uses;
//! 5. fold 臺→台, 週→周, 身份→身分, ◯→○;
//! 6. runs of seven or more Chinese digits (〇九二七…) become ASCII digits;
//! 7. spacing removed where it carries no meaning: between CJK characters,
//!    next to CJK characters, inside runs of single spaced-out letters or
//!    digits, around a dash between digits; filler punctuation (`. · * _ ‧`)
//!    removed between CJK characters.

use std::sync::OnceLock;

use ferrous_opencc::{config::BuiltinConfig, OpenCC};
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

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
        let t = tables();
        let mut w = Writer::with_capacity(original.len());
        let mut script = Script::default();
        let mut han_digit_run = 0u32;
        let mut long_han_digit_run = false;
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
        while b < bytes.len() {
            // Most of a Chinese message is Han characters that stay as they
            // are: a tight loop counts their script and copies nothing.
            if (0xE4..=0xE9).contains(&bytes[b]) {
                let run = t.han_run(bytes, b);
                if run.chars > 0 {
                    kept[SIMPLIFIED as usize] += run.simplified;
                    kept[TRADITIONAL as usize] += run.traditional;
                    han_digit_run = 0;
                    digit_run = 0;
                    i += run.chars;
                    b = run.end;
                    continue;
                }
            }
            let (cp, width) = decode(bytes, b);
            let cls = t.class_of_code_point(cp);
            if KEPT & (1 << cls) != 0 {
                kept[cls as usize] += 1;
                // Digits are rare and come in runs: these branches predict well.
                if cls == DIGIT {
                    digit_run += 1;
                    longest_digit_run = longest_digit_run.max(digit_run);
                    han_digit_run = 0;
                } else if cls == HAN_DIGIT {
                    han_digit_run += 1;
                    long_han_digit_run |= han_digit_run >= 7;
                    digit_run = 0;
                } else {
                    han_digit_run = 0;
                    digit_run = 0;
                }
                i += 1;
                b += width;
                continue;
            }
            // `original` is a `str`, so every decoded code point is a char.
            let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
            seen |= 1 << cls;
            han_digit_run = 0;
            digit_run = 0;
            w.copy(&original[run_start..b], run_origin, i - run_origin);
            match cls {
                // A zero-width character between digits joins them.
                DROP => w.joined_digits |= w.last().is_ascii_digit(),
                _ if is_gap(cls, fold_simple(cls, c, '\0')) => {
                    let first = fold_simple(cls, c, '\0');
                    let mut it = original[b + width..].chars();
                    gap(t, &mut w, &mut it, &mut i, first);
                    b = original.len() - it.as_str().len();
                    (run_start, run_origin) = (b, i);
                    continue;
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
                    w.push(fold_simple(cls, c, w.last()), i);
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
        }
        if long_han_digit_run {
            w.chinese_digit_runs();
            seen |= 1 << DIGIT;
        }
        let lower = seen & (1 << UPPER) != 0;
        // Digits counted in the loop are exact unless characters that were
        // dropped, removed or folded may have joined or added digits.
        let exact = !w.joined_digits && !long_han_digit_run;
        let counted = exact.then_some((kept[DIGIT as usize], longest_digit_run));
        w.finish(i, lower, counted)
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
}

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

/// Builds the normalized text and its piecewise offset map.
struct Writer {
    text: String,
    pieces: Vec<(u32, u32)>,
    n: u32,
    /// The original index that continues the current piece.
    expected: u32,
    /// The last character written.
    last: char,
    /// Whether the last character written came right after a spacing run
    /// (kept or removed), and whether the next one will.
    gap_before_last: bool,
    pending_gap: bool,
    /// Digit runs must be recounted: a removed gap or a dropped character stood
    /// next to a digit, or a digit was written by folding.
    joined_digits: bool,
}

impl Writer {
    fn with_capacity(bytes: usize) -> Self {
        Writer {
            text: String::with_capacity(bytes),
            pieces: Vec::new(),
            n: 0,
            expected: 0,
            last: '\0',
            gap_before_last: false,
            pending_gap: false,
            joined_digits: false,
        }
    }

    #[inline(always)]
    fn push(&mut self, c: char, origin: u32) {
        if origin != self.expected {
            self.pieces.push((self.n, origin));
        }
        self.expected = origin + 1;
        self.last = c;
        // A digit written one by one (full-width, NFKC) is not in the loop's count.
        self.joined_digits |= c.is_ascii_digit();
        self.text.push(c);
        self.n += 1;
        self.gap_before_last = std::mem::take(&mut self.pending_gap);
    }

    /// Copies `count` characters that normalization keeps, starting at
    /// original character `origin`.
    #[inline(always)]
    fn copy(&mut self, slice: &str, origin: u32, count: u32) {
        if count == 0 {
            return;
        }
        if origin != self.expected {
            self.pieces.push((self.n, origin));
        }
        self.expected = origin + count;
        self.last = slice.chars().next_back().unwrap_or(self.last);
        self.text.push_str(slice);
        self.n += count;
        let pending = std::mem::take(&mut self.pending_gap);
        self.gap_before_last = count == 1 && pending;
    }

    fn last(&self) -> char {
        self.last
    }

    /// The last three characters written, newest first.
    fn recent(&self) -> [char; 3] {
        let mut r = ['\0'; 3];
        for (slot, c) in r.iter_mut().zip(self.text.chars().rev()) {
            *slot = c;
        }
        r
    }

    /// Simplified → Traditional, phrase level; the map stays as it is
    /// because the conversion keeps the character count (else it goes one
    /// character at a time).
    fn convert_to_traditional(&mut self, t: &Tables) {
        let converted = t.s2t.convert(&self.text);
        let mut out = String::with_capacity(converted.len());
        if converted.chars().count() == self.n as usize {
            out = converted;
        } else {
            let mut buf = [0u8; 4];
            for c in self.text.chars() {
                let one = t.s2t.convert(c.encode_utf8(&mut buf));
                let mut it = one.chars();
                match (it.next(), it.next()) {
                    (Some(d), None) => out.push(d),
                    _ => out.push(c),
                }
            }
        }
        let mut prev = '\0';
        self.text = out
            .chars()
            .map(|c| {
                prev = fold_variant(c, prev);
                prev
            })
            .collect();
    }

    /// Runs of seven or more Chinese digits are numbers written out (phones, IDs).
    fn chinese_digit_runs(&mut self) {
        let chars: Vec<char> = self.text.chars().collect();
        let mut out = String::with_capacity(self.text.len());
        let mut i = 0;
        while i < chars.len() {
            let start = i;
            while i < chars.len() && chinese_digit(chars[i]).is_some() {
                i += 1;
            }
            let long = i - start >= 7;
            for &c in &chars[start..i] {
                out.push(if long {
                    chinese_digit(c).unwrap_or(c)
                } else {
                    c
                });
            }
            if i < chars.len() {
                out.push(chars[i]);
                i += 1;
            }
        }
        self.text = out;
    }

    fn finish(
        mut self,
        original_chars: u32,
        lower: bool,
        counted_digits: Option<(u32, u32)>,
    ) -> NormalizedText {
        if lower {
            // Lower-case ASCII letters were copied as they are.
            self.text.make_ascii_uppercase();
        }
        let (digits, digit_run) = counted_digits.unwrap_or_else(|| {
            let (mut digits, mut run, mut longest) = (0, 0, 0);
            for b in self.text.bytes() {
                if b.is_ascii_digit() {
                    digits += 1;
                    run += 1;
                    longest = u32::max(longest, run);
                } else {
                    run = 0;
                }
            }
            (digits, longest)
        });
        NormalizedText {
            text: self.text,
            pieces: self.pieces,
            chars: self.n,
            starts: std::cell::OnceCell::new(),
            original_chars,
            digits,
            digit_run,
        }
    }
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
    /// 雇 or 麽 stays as written.
    fn is_simplified(self) -> bool {
        self.simplified > self.traditional
    }
}

/// The one-for-one fold of a character of a simple class.
#[inline]
fn fold_simple(cls: u8, c: char, prev: char) -> char {
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

/// 臺→台, 週→周, 身份→身分: one spelling for matching, either in the text.
#[inline]
fn fold_variant(c: char, prev: char) -> char {
    match c {
        '臺' => '台',
        '週' => '周',
        '份' if prev == '身' => '分',
        c => c,
    }
}

/// A run of spacing and filler characters (zero-width characters inside it
/// are skipped): removed when it carries no meaning, else kept (spaces
/// collapsed to one). `first` is the folded first character, already read.
fn gap(t: &Tables, w: &mut Writer, it: &mut std::str::Chars<'_>, i: &mut u32, first: char) {
    let start = *i;
    // Removing this gap could join two digit runs ("0 9 1 2").
    w.joined_digits |= w.last().is_ascii_digit();
    // The common case, one space next to a CJK character, decided at once.
    if is_space(first) {
        let p = w.last();
        let next = it.clone().next();
        if let Some(n) = next {
            let ncls = t.class_of(n);
            let n = fold_simple(ncls, n, '\0');
            let single = ncls != DROP && !is_gap(ncls, n);
            if single && p != '\0' && (is_cjk(p) || is_cjk(n)) {
                *i += 1;
                // Next to a CJK character only the CJK rules of drop_gap apply,
                // so the characters further away are not needed.
                if !drop_gap([p, '\0', '\0'], false, true, [n, '\0', '\0']) {
                    w.push(' ', start);
                }
                w.pending_gap = true;
                return;
            }
        }
    }
    let mut run: [(char, u32); 8] = [('\0', 0); 8];
    let mut len = 0usize;
    let mut all_space = true;
    let mut note = |c: char, at: u32, len: &mut usize| {
        all_space &= is_space(c);
        if *len < run.len() {
            run[*len] = (c, at);
            *len += 1;
        }
    };
    note(first, start, &mut len);
    *i += 1;
    // Consume the rest of the run.
    loop {
        let mut peek = it.clone();
        let Some(c) = peek.next() else { break };
        let cls = t.class_of(c);
        let folded = fold_simple(cls, c, '\0');
        if cls != DROP && !is_gap(cls, folded) {
            break;
        }
        if cls != DROP {
            note(folded, *i, &mut len);
        }
        *it = peek;
        *i += 1;
    }
    let after = lookahead(t, it.clone());
    let recent = w.recent();
    let p_single = w.gap_before_last || !recent[1].is_ascii_alphanumeric();
    if !drop_gap(recent, p_single, all_space, after) {
        if all_space {
            w.push(' ', run[0].1);
        } else {
            for &(c, at) in &run[..len] {
                w.push(c, at);
            }
        }
    }
    w.pending_gap = true;
}

/// The next folded characters after a gap: `[next, after next, first
/// non-space after next]`, zero-width characters skipped.
fn lookahead(t: &Tables, mut it: std::str::Chars<'_>) -> [char; 3] {
    let mut out = ['\0'; 3];
    let mut k = 0;
    for c in it.by_ref() {
        let cls = t.class_of(c);
        if cls == DROP {
            continue;
        }
        out[k] = fold_simple(cls, c, '\0');
        k += 1;
        if k == 2 {
            break;
        }
    }
    if out[0] == '-' {
        // For "0915 - 628": the first non-space after the dash.
        let mut third = out[1];
        if is_space(third) {
            third = it
                .map(|c| fold_simple(t.class_of(c), c, '\0'))
                .find(|c| !is_space(*c))
                .unwrap_or('\0');
        }
        out[2] = third;
    }
    out
}

/// Whether a character of class `cls`, folded to `folded`, is spacing or
/// filler (including full-width filler such as ＊).
fn is_gap(cls: u8, folded: char) -> bool {
    matches!(cls, SPACE | FILLER | IDEOGRAPHIC_SPACE) || (cls == FULL_WIDTH && is_filler(folded))
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_filler(c: char) -> bool {
    matches!(c, '.' | '·' | '・' | '*' | '_' | '‧' | '•')
}

/// Whether a spacing or filler run is noise, from the characters around it:
/// `recent` (written before it, newest first; `p_single` when the newest
/// stands alone between gaps) and `next` (read after it).
fn drop_gap(recent: [char; 3], p_single: bool, all_space: bool, next: [char; 3]) -> bool {
    let [p, pp, ppp] = recent;
    let n = next[0];
    if p == '\0' || n == '\0' {
        return false;
    }
    if is_cjk(p) && is_cjk(n) {
        return true;
    }
    if !all_space {
        return false;
    }
    if (is_cjk(p) && (n.is_ascii_alphanumeric() || is_cjk(n)))
        || (is_cjk(n) && p.is_ascii_alphanumeric())
    {
        return true;
    }
    if p.is_ascii_alphanumeric() && n.is_ascii_alphanumeric() {
        // "E 1 6 0 3 …": single characters spaced out one by one.
        return p_single && !next[1].is_ascii_alphanumeric();
    }
    // "0915 - 628": spaces around a dash between digits.
    if n == '-' && p.is_ascii_digit() {
        return next[2].is_ascii_digit();
    }
    if p == '-' && n.is_ascii_digit() {
        let before = if is_space(pp) { ppp } else { pp };
        return before.is_ascii_digit();
    }
    false
}

/// Format characters and combining marks carry no visible meaning for us.
fn is_dropped(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Format | GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark
    )
}

/// Dash and tilde variants that NFKC leaves alone.
fn fold_punct(c: char) -> Option<char> {
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

fn is_han_bmp(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3400}'..='\u{4DBF}').contains(&c)
}

/// Characters written without spaces around them in Chinese text.
pub(crate) fn is_cjk(c: char) -> bool {
    is_han_bmp(c)
        || ('\u{3000}'..='\u{30FF}').contains(&c) // CJK symbols, kana
        || ('\u{3100}'..='\u{312F}').contains(&c) // bopomofo
        || ('\u{F900}'..='\u{FAFF}').contains(&c)
        || ('\u{20000}'..='\u{2FFFF}').contains(&c)
        || c == '○'
}

fn chinese_digit(c: char) -> Option<char> {
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
const SAME: u8 = 0;
/// Unchanged CJK character that marks no script (punctuation, kana, shared Han).
const CJK: u8 = 1;
/// Han character used only in Simplified script (OpenCC s2tw changes it).
const SIMPLIFIED: u8 = 2;
/// Han character used only in Traditional script (OpenCC t2s changes it).
const TRADITIONAL: u8 = 3;
/// 〇零一二三四五六七八九: digits when seven or more stand in a row.
const HAN_DIGIT: u8 = 4;
/// 臺, 週, 份: folded to 台, 周, 分 (after 身).
const VARIANT: u8 = 5;
/// ASCII space or tab.
const SPACE: u8 = 6;
/// Filler punctuation used to split words (`. * _ · ・ ‧ •`).
const FILLER: u8 = 7;
/// ASCII lower-case letter.
const UPPER: u8 = 8;
/// ASCII digit.
const DIGIT: u8 = 9;
/// Format character or combining mark: dropped.
const DROP: u8 = 10;
/// Full-width ASCII (U+FF01..=U+FF5E): NFKC is the ASCII character.
const FULL_WIDTH: u8 = 11;
/// U+3000.
const IDEOGRAPHIC_SPACE: u8 = 12;
/// Dash, wave dash and circle variants NFKC leaves alone.
const PUNCT_FOLD: u8 = 13;
/// Anything else: the general NFKC path.
const COMPLEX: u8 = 14;
/// The classes normalization keeps as they are (lower-case letters are
/// upper-cased at the end, in place), as a bit set.
const KEPT: u32 = 1 << SAME
    | 1 << CJK
    | 1 << SIMPLIFIED
    | 1 << TRADITIONAL
    | 1 << HAN_DIGIT
    | 1 << DIGIT
    | 1 << UPPER;

const HAN_LO: u32 = 0x4E00;
const HAN_HI: u32 = 0x9FFF;

/// Process-wide tables, built once: OpenCC's s2tw converter and one class
/// byte per BMP character.
struct Tables {
    s2t: OpenCC,
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
                    '.' | '*' | '_' => FILLER,
                    'a'..='z' => UPPER,
                    '0'..='9' => DIGIT,
                    _ => SAME,
                }
            } else if chinese_digit(c).is_some() {
                HAN_DIGIT
            } else if matches!(c, '臺' | '週' | '份') {
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
    fn han_run(&self, bytes: &[u8], mut b: usize) -> HanRun {
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
    fn class_of(&self, c: char) -> u8 {
        self.class_of_code_point(c as u32)
    }

    /// [`Tables::class_of`] on a code point decoded from valid UTF-8.
    #[inline(always)]
    fn class_of_code_point(&self, cp: u32) -> u8 {
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
        } else if (0x1F300..=0x1FAFF).contains(&cp) {
            SAME
        } else {
            COMPLEX
        }
    }
}

/// What [`Tables::han_run`] read.
struct HanRun {
    chars: u32,
    simplified: u32,
    traditional: u32,
    /// The byte after the run.
    end: usize,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(Tables::build)
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

    #[test]
    fn normalization_table() {
        let cases: &[(&str, &str)] = &[
            ("Ａ１２３４５６７８９", "A123456789"),
            ("（０２）２３４５－６７８９", "(02)2345-6789"),
            ("k220819374", "K220819374"),
            ("明\u{200B}天\u{200B}稽\u{200B}查", "明天稽查"),
            ("S155\u{200B}204\u{200B}689", "S155204689"),
            ("陳 情 人 是 對 面", "陳情人是對面"),
            ("M 1 9 9 2 3 5 5 7 0 林志豪", "M199235570林志豪"),
            ("0 9 1 8 - 3 3 0 - 2 7 5", "0918-330-275"),
            ("0912 345 678", "0912 345 678"),
            ("12/16 9:00", "12/16 9:00"),
            ("確診者 張某某 住在", "確診者張某某住在"),
            ("刚才通知 确诊者", "剛才通知確診者"),
            ("后天上午十点 突击稽查", "後天上午十點突擊稽查"),
            ("臺北市", "台北市"),
            ("身份證", "身分證"),
            ("下週三", "下周三"),
            ("〇九五二七七一三〇八", "0952771308"),
            ("電話〇九一二三四五六七八給他", "電話0912345678給他"),
            ("請在下週到臺北，确诊者", "請在下周到台北,确诊者"),
            ("十二月十一日", "十二月十一日"),
            ("0912–345–678", "0912-345-678"),
            ("稽.查", "稽查"),
            ("里長說", "里長說"),
            ("a\u{FE0F}b", "AB"),
            ("　全形空白　", " 全形空白 "),
        ];
        for (input, want) in cases {
            assert_eq!(&n(input), want, "normalizing {input:?}");
        }
    }

    #[test]
    fn offsets_point_into_the_original() {
        let original = "😷明\u{200B}天 稽 查ＡＢ";
        let norm = NormalizedText::new(original);
        assert_eq!(norm.as_str(), "😷明天稽查AB");
        let b = norm.as_str().find("稽查").unwrap();
        let (s, e) = norm.original_span_of_bytes(b, b + "稽查".len());
        let quoted: String = original.chars().skip(s).take(e - s).collect();
        assert_eq!(quoted, "稽 查");
        assert_eq!((s, e), (5, 8));
        let b = norm.as_str().find("AB").unwrap();
        let (s, e) = norm.original_span_of_bytes(b, b + 2);
        let quoted: String = original.chars().skip(s).take(e - s).collect();
        assert_eq!(quoted, "ＡＢ");
    }

    #[test]
    fn empty_text_is_empty() {
        let norm = NormalizedText::new("");
        assert_eq!(norm.as_str(), "");
        assert_eq!(norm.original_span(0, 0), (0, 0));
    }
}
