//! The writer of a normalized text: it appends characters and copied runs,
//! and records where each run came from, so the result carries its
//! piecewise offset map back to the original.
//!
//! Also the whole-text passes that run after the character loop when
//! needed: Simplified → Traditional, Chinese digit runs, plates read
//! out and a letter O among digits.

use super::tables::{chinese_digit, fold_variant, is_ambiguous, Tables, SIMPLIFIED};
use super::NormalizedText;

/// Builds the normalized text and its piecewise offset map.
pub(super) struct Writer {
    text: String,
    pieces: Vec<(u32, u32)>,
    n: u32,
    /// The original index that continues the current piece.
    expected: u32,
    /// The last character written.
    last: char,
    /// Whether the last character written came right after a spacing run
    /// (kept or removed), and whether the next one will.
    pub(super) gap_before_last: bool,
    pub(super) pending_gap: bool,
    /// Digit runs must be recounted: a removed gap or a dropped character stood
    /// next to a digit, or a digit was written by folding.
    pub(super) joined_digits: bool,
}

/// Digits as they are read out over a radio or a phone so that they are
/// not misheard (洞 for zero, 么 or 幺 for one, 兩 for two, 拐 for seven,
/// 勾 for nine; 麼 is 么 folded from the simplified form): each is also
/// a common word, so a number holding them needs two Chinese digits too.
const SPOKEN: [(char, char); 7] = [
    ('洞', '0'),
    ('么', '1'),
    ('幺', '1'),
    ('麼', '1'),
    ('兩', '2'),
    ('拐', '7'),
    ('勾', '9'),
];

/// Whether `text` holds 洞, 拐 or 勾 (zero, seven, nine read out): a
/// number read out over a radio holds one of them, as every phone number
/// starts with a zero. Three searches of the bytes: looking for all the
/// read-out digits character by character, in every message with two
/// Chinese digits, cost a tenth of normalization.
fn holds_radio_digit(text: &str) -> bool {
    static FINDERS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 3]> =
        std::sync::LazyLock::new(|| ["洞", "拐", "勾"].map(memchr::memmem::Finder::new));
    FINDERS.iter().any(|f| f.find(text.as_bytes()).is_some())
}

pub(super) fn spoken_digit(c: char) -> Option<char> {
    SPOKEN.iter().find(|&&(s, _)| s == c).map(|&(_, d)| d)
}

impl Writer {
    pub(super) fn with_capacity(bytes: usize) -> Self {
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
    pub(super) fn push(&mut self, c: char, origin: u32) {
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
    pub(super) fn copy(&mut self, slice: &str, origin: u32, count: u32) {
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

    /// The last character written.
    pub(super) fn last(&self) -> char {
        self.last
    }

    /// The last three characters written, newest first.
    // `#[inline]`: the gap logic calls it; it was inlined there when both
    // lived in one module, and this keeps it so.
    #[inline]
    pub(super) fn recent(&self) -> [char; 3] {
        let mut r = ['\0'; 3];
        for (slot, c) in r.iter_mut().zip(self.text.chars().rev()) {
            *slot = c;
        }
        r
    }

    /// Simplified → Traditional, phrase level; the map stays as it is
    /// because the conversion keeps the character count (else it goes one
    /// character at a time).
    // `#[inline]`: the pass is cold, but it is inlined into
    // `NormalizedText::new` only if visible in its codegen unit, as it was
    // when all of it was one module. Called out of line instead, it changes
    // register allocation in the Han run loop, which then reloads two
    // registers from the stack per Han character (about +2.7% instructions
    // for normalization under callgrind). `chinese_digit_runs`, grown with
    // the digits read out, is the other way round: out of line it saves
    // 0.8% (11.92M against 12.01M instructions on the bench corpus,
    // 2026-12-07).
    #[inline]
    pub(super) fn convert_to_traditional(&mut self, t: &Tables) {
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
        self.text = fold_variants(out.chars());
    }

    /// The Simplified-only characters of a message written in Traditional
    /// script (a phrase pasted from elsewhere, 确诊 typed on a phone set
    /// to Simplified), each converted with its neighbours as a phrase, so
    /// that a neighbour both scripts use (确, 后, 里) is converted where the
    /// phrase says so; other characters stay. The character count stays,
    /// so the map holds.
    #[inline]
    pub(super) fn convert_simplified_characters(&mut self, t: &Tables) {
        let chars: Vec<char> = self.text.chars().collect();
        let mut out = chars.clone();
        for (i, &c) in chars.iter().enumerate() {
            if t.class_of(c) != SIMPLIFIED {
                continue;
            }
            let (lo, hi) = (i.saturating_sub(1), (i + 2).min(chars.len()));
            let phrase: String = chars[lo..hi].iter().collect();
            let converted: Vec<char> = t.s2t.convert(&phrase).chars().collect();
            if converted.len() != hi - lo {
                continue;
            }
            for (at, &d) in (lo..hi).zip(&converted) {
                if at == i || is_ambiguous(chars[at]) {
                    out[at] = d;
                }
            }
        }
        self.text = fold_variants(out.into_iter());
    }

    /// Whether the pass below may find a number: seven Chinese digits in
    /// all, in one run or split into groups (〇九三二 七一五 四〇八); three
    /// that finish a number whose other digits are ASCII, in groups of
    /// three or more in a row (0910-二三七-八四五) or one by one between
    /// them (0九1八-4四7-2六5); or two beside digits read out (洞九拐兩…).
    /// `han` counts the Chinese digits, `digits` the ASCII ones and
    /// `longest_run` their longest run, all as written.
    #[inline]
    pub(super) fn may_hold_written_number(&self, han: u32, digits: u32, longest_run: u32) -> bool {
        let mixed = han >= 3 && (longest_run >= 3 || digits >= 4) && han + digits >= 7;
        han >= 7 || mixed || han >= 2 && holds_radio_digit(&self.text)
    }

    /// Runs of seven or more Chinese digits are numbers written out (phones,
    /// IDs), also when split into groups of three or more by one separator
    /// each (零九一八，三六二，七五零) and when some groups are in ASCII
    /// digits (0910-二三七-八四五); the separators become dashes, so the
    /// text keeps its length and the offset map holds. A number written in
    /// ASCII digits alone (100,000,000) is left as it is.
    #[inline(never)]
    pub(super) fn chinese_digit_runs(&mut self) {
        let chars: Vec<char> = self.text.chars().collect();
        // A white circle typed for 〇 among the digits (二六一○八八) is a
        // zero when it stands alone; a run of them masks digits (○○○).
        let lone_circle = |j: usize| {
            chars[j] == '○' && chars.get(j + 1) != Some(&'○') && (j == 0 || chars[j - 1] != '○')
        };
        // A digit read out (G 么〇五…, 洞九拐兩…); 么 after 什, 怎… is the
        // word's.
        let spoken = |j: usize| {
            let word = j > 0 && "什怎這那多要幹甚".contains(chars[j - 1]);
            spoken_digit(chars[j]).is_some() && !word
        };
        // A letter O typed for 〇 beside a Chinese digit (O九一二), not
        // inside a word.
        let letter_o = |j: usize| {
            let letter = |k: usize| chars.get(k).is_some_and(char::is_ascii_alphabetic);
            let han = |k: usize| chars.get(k).is_some_and(|&c| chinese_digit(c).is_some());
            matches!(chars[j], 'O' | 'o')
                && !letter(j.wrapping_sub(1))
                && !letter(j + 1)
                && (han(j.wrapping_sub(1)) || han(j + 1))
        };
        let numeral = |j: usize| {
            chars[j].is_ascii_digit()
                || chinese_digit(chars[j]).is_some()
                || lone_circle(j)
                || letter_o(j)
                || spoken(j)
        };
        let group_at = |i: usize| (i..chars.len()).take_while(|&j| numeral(j)).count();
        // The end and the digits of a number whose first group, `first`
        // digits long, starts at `i`: the groups that follow, each after
        // one separator or after a word said between the groups (然後,
        // 再來…), which stays.
        let follow = |i: usize, first: usize| {
            let (mut end, mut digits) = (i + first, first);
            if first >= 2 {
                loop {
                    let between = match chars.get(end) {
                        Some(',' | '、' | '-') if first >= 3 => 1,
                        _ => connector_len(&chars[end..]),
                    };
                    let next = if between > 0 {
                        group_at(end + between)
                    } else {
                        0
                    };
                    if next < 3 {
                        break;
                    }
                    end += between + next;
                    digits += next;
                }
            }
            (end, digits)
        };
        // The numbers written out, as character ranges: most messages that
        // come here (一 and 三 are common words) have none, and are left as
        // they are without being copied.
        let mut numbers = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let first = group_at(i);
            if first == 0 {
                i += 1;
                continue;
            }
            let (mut end, mut digits) = follow(i, first);
            // A mobile's first four read out, a remark, then its last six
            // (零九二一…嗯後面是五八三、四零七): the remark stays.
            if digits == 4 && matches!(chars[i], '零' | '〇') && chars[i + 1] == '九' {
                let tail = (end..chars.len().min(end + 12))
                    .take_while(|&k| chars[k] != '\n')
                    .find(|&k| numeral(k));
                if let Some(k) = tail {
                    let (tail_end, six) = follow(k, group_at(k));
                    if six == 6 {
                        numbers.push(i..end);
                        numbers.push(k..tail_end);
                        i = tail_end;
                        continue;
                    }
                }
            }
            if first == 1 {
                // Digits spelled one by one, each set off (一、七、二，三…);
                // counted up in order (一、二、三…) they number a list.
                let value = |j: usize| chinese_digit(chars[j]).map(|d| d as u32);
                let mut counting = true;
                while end + 2 <= chars.len()
                    && matches!(chars[end], ',' | '、')
                    && group_at(end + 1) == 1
                {
                    counting &= value(end + 1).is_some_and(|b| value(end - 1) == Some(b - 1));
                    end += 2;
                    digits += 1;
                }
                if counting {
                    (end, digits) = (i + 1, 1);
                }
            }
            // Chinese digits make it a number written out: one among ASCII
            // digits, two among digits read out (each also a common word).
            let han = chars[i..end]
                .iter()
                .filter(|&&c| chinese_digit(c).is_some());
            let read = (i..end).any(&spoken);
            if digits >= 7 && han.count() > usize::from(read) {
                numbers.push(i..end);
                i = end;
            } else {
                i += first;
            }
        }
        if numbers.is_empty() {
            return;
        }
        let mut chars = chars;
        for r in numbers {
            for c in &mut chars[r] {
                *c = match chinese_digit(*c) {
                    Some(d) => d,
                    None if c.is_ascii_digit() => *c,
                    None if matches!(*c, '○' | 'O' | 'o') => '0',
                    None if matches!(*c, ',' | '、' | '-') => '-',
                    None => spoken_digit(*c).unwrap_or(*c),
                };
            }
        }
        self.text = chars.into_iter().collect();
    }

    /// A plate's digits read out in Chinese become ASCII digits (see
    /// [`super::plate`]); one character for one, so the map holds.
    #[inline]
    pub(super) fn plate_digits(&mut self) -> bool {
        super::plate::read_out(&mut self.text)
    }

    /// A link read out: 點 after an ASCII letter and before a letter or a
    /// digit (dgpa點gov點tw) is the dot it stands for; a time (7點30, 7點
    /// line我) keeps its 點. One character for one, so the map holds.
    #[inline]
    pub(super) fn spoken_dots(&mut self) {
        if !self.text.contains('點') {
            return;
        }
        let chars: Vec<char> = self.text.chars().collect();
        let spoken = |i: usize| {
            let (Some(&a), Some(&b)) = (
                i.checked_sub(1).and_then(|p| chars.get(p)),
                chars.get(i + 1),
            ) else {
                return false;
            };
            a.is_ascii_alphabetic() && b.is_ascii_alphanumeric()
        };
        self.text = chars
            .iter()
            .enumerate()
            .map(|(i, &c)| if c == '點' && spoken(i) { '.' } else { c })
            .collect();
    }

    pub(super) fn finish(
        mut self,
        original_chars: u32,
        lower: bool,
        counted_digits: Option<(u32, u32)>,
    ) -> NormalizedText {
        if lower {
            // Lower-case ASCII letters were copied as they are.
            self.text.make_ascii_uppercase();
        }
        // A letter typed or scanned for a digit among ASCII digits (O for
        // 0, l or I for 1) becomes the digit (see [`super::letter_digits`]),
        // one byte for one; the digits are then recounted.
        let read = counted_digits.is_none_or(|(d, _)| d >= 2)
            && super::letter_digits::letter_digits(&mut self.text);
        let (digits, digit_run) = counted_digits.filter(|_| !read).unwrap_or_else(|| {
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

/// The words one says between the groups of a number read out (零九八八
/// 然後二四一 再來七零五), each of them at times with 是 after it; the
/// scanner reads phone numbers said with the same words.
pub const NUMBER_CONNECTORS: [&str; 5] = ["然後", "再來", "接著", "後面", "最後"];

/// The length in characters of the connector `chars` starts with (its 是
/// included), or 0.
fn connector_len(chars: &[char]) -> usize {
    NUMBER_CONNECTORS
        .iter()
        .find_map(|w| {
            let n = w.chars().count();
            (chars.len() >= n && w.chars().zip(chars).all(|(a, &b)| a == b)).then_some(n)
        })
        .map_or(0, |n| n + usize::from(chars.get(n) == Some(&'是')))
}

/// Folds the variant characters of converted text (臺→台, 身份→身分…),
/// each after the one written before it.
#[inline]
fn fold_variants(chars: impl Iterator<Item = char>) -> String {
    let mut prev = '\0';
    chars
        .map(|c| {
            prev = fold_variant(c, prev);
            prev
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::normalize::NormalizedText;

    #[test]
    fn digits_written_out_become_a_number() {
        let cases: &[(&str, &str)] = &[
            ("〇九五二七七一三〇八", "0952771308"),
            ("電話〇九一二三四五六七八給他", "電話0912345678給他"),
            ("手機〇九三二 七一五 四〇八", "手機0932715408"),
            ("零九一八，三六二，七五零", "0918-362-750"),
            // Groups in ASCII digits finish a number written out; a number in
            // ASCII digits alone keeps its commas.
            ("電話：0910-二三七-八四五（吳）", "電話:0910-237-845(吳)"),
            ("電話是09七七-２１５-八三０", "電話是0977-215-830"),
            ("手機 0九1八-4四7-2六5", "手機0918-447-265"),
            // A lone white circle among Chinese digits is a zero (么 a one);
            // a run of them masks digits. A middle dot between digits is a dot.
            ("字號 S 二六一 ○八八 八八○", "字號S261088880"),
            ("字號 G 么〇五二七六三九六", "字號G105276396"),
            ("手機 O九一二-四O五-七八三", "手機0912-405-783"),
            // Digits read out over a radio (洞, 拐, 兩, 勾) beside Chinese
            // ones; the same words elsewhere stay.
            ("手機洞九拐兩 三五六 么八勾", "手機0972356189"),
            ("三三兩兩去拐彎那個洞", "三三兩兩去拐彎那個洞"),
            ("一二三組，共100,000,000元", "一二三組,共100,000,000元"),
            ("一、二、三、四、五、六、七", "一、二、三、四、五、六、七"),
            ("第一二三組，四五六組", "第一二三組,四五六組"),
            // Groups read out with a word between them keep the word.
            ("零九八八 然後二四一 然後七零五", "0988然後241然後705"),
            (
                "台北的零二 然後二七六三 再來五八一九",
                "台北的02然後2763再來5819",
            ),
            ("三個然後四個", "三個然後四個"),
            // A mobile's first four, a remark, then the last six.
            ("零九二一…嗯後面是五八三、四零七", "0921...嗯後面是583-407"),
            ("零九二一，八點再打", "零九二一,八點再打"),
        ];
        for (input, want) in cases {
            assert_eq!(
                NormalizedText::new(input).as_str(),
                *want,
                "normalizing {input:?}"
            );
        }
    }
}
