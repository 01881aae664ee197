//! Identifier numbers: the patterns of national IDs and resident
//! certificates (checked in [`super::national_ids`]), and passports, NHI
//! cards, bank accounts, licence plates, medical record and case numbers.
//!
//! Formats follow `reference/tw-identifiers.md` (plates: 公路總局 rules).
//! Most of these need a run of digits, so the digit counts of
//! [`NormalizedText`](crate::normalize::NormalizedText) gate them before any
//! regex runs.

use regex::Regex;

use super::national_ids::validate_id;
use super::{
    alnum_bounded, compile, digit_bounded, preceded_by, DigitGate, EntityKind, Extraction,
};

/// The digits each identifier needs before its pattern runs (see
/// [`DigitGate`]): a national or resident ID's eight or more, a passport's
/// six in runs of three, an NHI card's twelve in runs of four, an account's ten, a
/// plate's run of three.
pub(super) const ID_DIGITS: DigitGate = DigitGate::new(8, 0);
pub(super) const PASSPORT_DIGITS: DigitGate = DigitGate::new(6, 3);
pub(super) const NHI_DIGITS: DigitGate = DigitGate::new(12, 4);
pub(super) const ACCOUNT_DIGITS: DigitGate = DigitGate::new(10, 3);
pub(super) const PLATE_DIGITS: DigitGate = DigitGate::new(0, 3);

/// This family's recognizers, compiled once with the others (see
/// [`super::warm_up`]).
pub(super) struct Recognizers {
    pub(super) id: Regex,
    pub(super) id_grouped: Regex,
    pub(super) id_spelled: Regex,
    pub(super) passport_number: Regex,
    pub(super) twelve_digits: Regex,
    pub(super) account: Regex,
    pub(super) postal_account: Regex,
    pub(super) plate: Regex,
    pub(super) medical_record: Regex,
    pub(super) case_number: Regex,
}

pub(super) fn build() -> Recognizers {
    Recognizers {
        id: compile("[A-Z][0-9A-D][0-9]{8}"),
        // A123-456-789, V 223 109 150, C143.270.830, B1-5285-0514,
        // N189_883_752: the letter, then the nine characters in groups split
        // by one dash, space, dot, underscore or slash each (a slash may have
        // a space on either side or both: F2176 / 84069, F2176 /84069), or
        // over two lines (K2569\n66942).
        id_grouped: compile("[A-Z](?:[ ._/\n-]| ?[/-] ?)?[0-9A-D](?:(?:[ ._/\n-]| ?[/-] ?)?[0-9]){8}"),
        // The letter said on its own, then the digits read out (英文 E，然後
        // 1 6 1 8 1 6 7 0 1; APPLE 的 A，後面 9 4 9…): the last lone letter
        // before nine digits, a few words apart on one line.
        // The letter may be spelled by a word (Q AS IN QUEEN).
        id_spelled: compile(
            "([A-Z])(?: AS IN [A-Z]+)?[^0-9A-Z\n]{1,12}([1289](?:[ -]?[0-9]){8})",
        ),
        // Taiwan's nine digits, also read out in threes (312-458-907, 315 /
        // 028 / 774); other countries' one or two letters, six to eight
        // digits and at times a letter (C8835172, C 9127463, P2946185A):
        // next to 護照 either way.
        passport_number: compile(
            "[0-9]{9}|[0-9]{3}(?: ?[-/、,] ?| )[0-9]{3}(?: ?[-/、,] ?| )[0-9]{3}|[A-Z]{1,2} ?[0-9]{6,8}[A-Z]?",
        ),
        // Twelve digits in groups of four split by a space, a dash, a
        // slash or a line break (0000 3318 2046, 0000/7319/2058).
        twelve_digits: compile("[0-9]{4}[ /\\-\n]?[0-9]{4}[ /\\-\n]?[0-9]{4}"),
        // Ten to sixteen digits, in groups split by one dash or space each
        // (0520-0123-9587, 700 0001 2345 678).
        account: compile("[0-9](?:[ -]?[0-9]){9,16}"),
        // A post office account written as its two labelled halves:
        // 局號0061283 帳號0457219.
        postal_account: compile("局號[:： ]?([0-9]{7})[ ,，、]*帳號[:： ]?([0-9]{7})"),
        // Also three letters spelled one by one (B、A、K,7582; M-K-V0852),
        // and, dashed, an older scooter's ABC-123 and a micro electric
        // scooter's AB-12345 (the five digits tried before an old car's four).
        plate: compile(
            "[A-Z]{3}(?: ?- ?| )?[0-9]{4}|[A-Z]{3}-[0-9]{3}|[A-Z]{2}-[0-9]{5}|[A-Z]{2}-[0-9]{4}|[0-9]{4}-[A-Z]{2}|[0-9]{3}-[A-Z]{3}|[A-Z]([、,-])[A-Z]([、,-])[A-Z](?:[、,-]| )?[0-9]{4}",
        ),
        medical_record: compile("病歷(?:號碼|編號|號)?[:： ]?([A-Z]{0,2}[0-9]{5,12})"),
        case_number: compile(
            r"案 ?[0-9]{2,6}|CASE ?[0-9]{2,6}|個案編號 ?[A-Z]?-?[0-9]{2,6}|第[0-9]{1,5}[個例位]|個案[A-Z](?:[^A-Z]|$)",
        ),
    }
}

/// How far before a number its English label may stand: English says in
/// a sentence what Chinese says in a few characters ("NHI card no. for the
/// fisherman admitted last night (…) is …").
const ENGLISH_REACH: usize = 100;

/// What names a passport number: 護照, PASSPORT, 戶照 (the 注音 typo of
/// 護照: the same syllables and tones), or the word of the migrant workers
/// who carry one: PASPOR (Indonesian), หนังสือเดินทาง (Thai).
const PASSPORT_LABELS: [&str; 5] = ["護照", "戶照", "PASSPORT", "PASPOR", "หนังสือเดินทาง"];

/// Passport numbers next to their label: Taiwan's nine digits, or a
/// foreign passport's letters and digits. A list counts too: a number in
/// the row right under a line that names passports (護照號碼…⏎廖○○
/// 358172604), each number that follows a labelled one closely, one row
/// after another, and a run of numbers the label follows (李○○ 318564207、
/// 郭○○ 352107846，護照效期…).
#[inline]
pub(super) fn passports(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if !cx.admits(PASSPORT_DIGITS) || !kinds.contains(EntityKind::Passport) {
        return;
    }
    let found = kept_matches(&r.passport_number, s, |a, b| alnum_bounded(s, a, b));
    let close = |a: usize, b: usize| s[a..b].chars().count() <= 16;
    let mut start = 0;
    while start < found.len() {
        // A run of numbers, each close after the one before.
        let mut end = start + 1;
        while end < found.len() && close(found[end - 1].end(), found[end].start()) {
            end += 1;
        }
        let run = &found[start..end];
        // The label right after the run: its next eight characters.
        let after = &s[run[run.len() - 1].end()..];
        let next8 = after
            .char_indices()
            .nth(8)
            .map_or(after, |(i, _)| &after[..i]);
        let mut listed = PASSPORT_LABELS.iter().any(|l| next8.contains(l));
        for m in run {
            listed |= preceded_by(s, m.start(), 16, &PASSPORT_LABELS)
                || preceded_by(s, m.start(), ENGLISH_REACH, &["PASSPORT"])
                || under_header(s, m.start(), &PASSPORT_LABELS);
            if listed {
                let v: String = m
                    .as_str()
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect();
                cx.push(EntityKind::Passport, m.start(), m.end(), Some(v));
            }
        }
        start = end;
    }
}

/// Whether the line holding `at` starts with a few characters only (a
/// name) and the line above it holds one of `labels`: a row under its
/// header.
fn under_header(s: &str, at: usize, labels: &[&str]) -> bool {
    let Some(line_start) = s[..at].rfind('\n') else {
        return false;
    };
    let lead = s[line_start + 1..at].chars().count();
    let header_start = s[..line_start].rfind('\n').map_or(0, |i| i + 1);
    lead <= 12
        && labels
            .iter()
            .any(|l| s[header_start..line_start].contains(l))
}

/// Twelve-digit NHI card numbers next to 健保 or a card number's label.
#[inline]
pub(super) fn nhi_cards(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if cx.admits(NHI_DIGITS) && kinds.contains(EntityKind::NhiCard) {
        for m in r.twelve_digits.find_iter(s) {
            if digit_bounded(s, m.start(), m.end())
                && (preceded_by(s, m.start(), 16, &["健保", "卡號"])
                    || preceded_by(s, m.start(), ENGLISH_REACH, &["NHI", "CARD NUMBER"]))
            {
                let v: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
                cx.push(EntityKind::NhiCard, m.start(), m.end(), Some(v));
            }
        }
    }
}

/// What stands before an account number: its label, a bank's or the
/// post office's name (台銀, 玉山, 郵局…).
const ACCOUNT_LABELS: &[&str] = &[
    "帳號", "帳戶", "戶頭", "匯款", "轉帳", "匯入", "匯到", "銀行", "台銀", "土銀", "一銀", "華銀",
    "彰銀", "郵局", "郵政", "農會", "合庫", "中信", "國泰", "玉山", "富邦", "台新", "兆豐", "永豐",
    "ACCOUNT", "ACCT",
];

/// Bank and postal account numbers: ten to seventeen digits (a post
/// office account with the bank code 700 in front has seventeen) after an
/// account's label, a bank's name or its three-digit code in brackets
/// (台銀(004)), and not a phone number; also a post office account's
/// two labelled halves.
#[inline]
pub(super) fn bank_accounts(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if cx.admits(ACCOUNT_DIGITS) && kinds.contains(EntityKind::BankAccount) {
        for m in r.account.find_iter(s) {
            let v: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
            // A phone number after the same words: a mobile, +886, or an
            // area code's nine or ten digits.
            let phone = v.starts_with("886") || (v.len() <= 10 && v.starts_with('0'));
            if !phone
                && digit_bounded(s, m.start(), m.end())
                && (preceded_by(s, m.start(), 12, ACCOUNT_LABELS) || bank_code_before(s, m.start()))
            {
                cx.push(EntityKind::BankAccount, m.start(), m.end(), Some(v));
            }
        }
        for c in r.postal_account.captures_iter(s) {
            let (Some(office), Some(number)) = (c.get(1), c.get(2)) else {
                continue;
            };
            if digit_bounded(s, office.start(), number.end()) {
                let v = format!("{}{}", office.as_str(), number.as_str());
                cx.push(
                    EntityKind::BankAccount,
                    office.start(),
                    number.end(),
                    Some(v),
                );
            }
        }
    }
}

/// A bank's three-digit code in brackets right before `at`: (004), （812）.
fn bank_code_before(s: &str, at: usize) -> bool {
    let before = s[..at].trim_end().as_bytes();
    before.len() >= 5 && {
        let code = &before[before.len() - 5..];
        code[0] == b'(' && code[4] == b')' && code[1..4].iter().all(u8::is_ascii_digit)
    }
}

/// Licence plates (not national IDs, not retired letter/digit choices).
#[inline]
pub(super) fn plates(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if cx.admits(PLATE_DIGITS) && kinds.contains(EntityKind::Plate) {
        for m in kept_matches(&r.plate, s, |a, b| plate_at(s, a, b)) {
            let v = m.as_str().replace(['-', ' ', '、', ','], "");
            cx.push(EntityKind::Plate, m.start(), m.end(), Some(v));
        }
    }
}

/// The matches of `re` in `s` that `keep` takes (given a match's start and
/// end); a match turned down is looked at again one character on, so the
/// ATE 8891 of "PLATE 8891-RT" gives way to the 8891-RT after it, and the
/// RT 31284507 of "PASSPORT 312845076" to the nine digits.
fn kept_matches<'s>(
    re: &Regex,
    s: &'s str,
    keep: impl Fn(usize, usize) -> bool,
) -> Vec<regex::Match<'s>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(m) = re.find_at(s, at) {
        if keep(m.start(), m.end()) {
            out.push(m);
            at = m.end();
        } else {
            at = m.start() + s[m.start()..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

/// Whether the plate pattern's match `[start, end)` of `s` is a plate.
fn plate_at(s: &str, start: usize, end: usize) -> bool {
    if !alnum_bounded(s, start, end) || in_longer_code(s, start, end) {
        return false;
    }
    let v = &s[start..end];
    let letters: String = v.chars().filter(char::is_ascii_uppercase).collect();
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    // Current plates (three letters, four digits) drop I and O and the
    // digit 4 (公路總局); the rule is not about the older shapes (an old
    // scooter's 123-ABC, reference/tw-identifiers.md).
    let retired = letters.len() == 3
        && digits.len() == 4
        && (letters.contains(['I', 'O']) || digits.contains('4'));
    // Unless a dash joins them as a plate's are, letters before a number
    // that is something else make no plate: an English word or an
    // abbreviation before a year, a time or an amount (DEC 2026, NTD 3500),
    // a word before a hotline's number (打 1955, qua 1955), and a year's
    // digits (19xx, 20xx) that 年 follows (MMR 1981年以後出生; a plate's
    // 5678年檢 is still a plate).
    let other_number = !v.contains('-')
        && ((letters.len() == 3 && WORDS_BEFORE_NUMBERS.contains(&letters.as_str()))
            || HOTLINES.contains(&digits.as_str())
            || ((digits.starts_with("19") || digits.starts_with("20"))
                && s[end..].starts_with('年')));
    // An older scooter's ABC-123 and a micro electric scooter's AB-12345
    // share their shape with form, ticket and model codes (SOP-001,
    // HR-00123, GTX-970): they are plates only after a word of a vehicle.
    let older = matches!((letters.len(), digits.len()), (3, 3) | (2, 5));
    let vehicle = !older || preceded_by(s, start, 12, &VEHICLE_WORDS);
    !retired && !other_number && vehicle && validate_id(v).is_none()
}

/// Government hotlines of four digits (labour 1955, citizens 1999…),
/// which follow a word as a plate's digits would.
const HOTLINES: [&str; 6] = ["1955", "1999", "1950", "1925", "1922", "1966"];

/// Words of a vehicle that an older plate's shape needs before it.
const VEHICLE_WORDS: [&str; 14] = [
    "車牌",
    "車號",
    "牌照",
    "機車",
    "汽車",
    "微電車",
    "電動車",
    "騎",
    "車主",
    "那台",
    "這台",
    "的車",
    "PLATE",
    "SCOOTER",
];

/// Three-letter English words and abbreviations that come before a
/// number in running text (the ones holding I or O are no plate anyway,
/// so they are not listed).
const WORDS_BEFORE_NUMBERS: [&str; 43] = [
    "THE", "AND", "ARE", "BUT", "ALL", "ANY", "CAN", "HAS", "HAD", "HER", "WAS", "DAY", "GET",
    "MAN", "NEW", "SEE", "PER", "SAY", "ASK", "PAY", "DUE", "TUE", "WED", "THU", "SAT", "SUN",
    "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "NTD", "TWD", "USD",
    "EUR", "TEL", "FAX", "EXT",
];

/// Whether `[start, end)` is one dash-joined part of a longer code (the
/// TB-0412 of a case number 115-TB-0412, a serial's AB-1234-C): a plate
/// stands alone.
fn in_longer_code(s: &str, start: usize, end: usize) -> bool {
    let before = s[..start]
        .strip_suffix('-')
        .and_then(|t| t.chars().next_back());
    let after = s[end..].strip_prefix('-').and_then(|t| t.chars().next());
    before.is_some_and(|c| c.is_ascii_alphanumeric())
        || after.is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Medical record numbers after 病歷(號).
#[inline]
pub(super) fn medical_records(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, has, .. } = *cx;
    if kinds.contains(EntityKind::MedicalRecord) && has.record {
        for c in r.medical_record.captures_iter(s) {
            if let (Some(all), Some(v)) = (c.get(0), c.get(1)) {
                cx.push(
                    EntityKind::MedicalRecord,
                    all.start(),
                    all.end(),
                    Some(v.as_str().to_string()),
                );
            }
        }
    }
}

/// Case numbers (案1127, 個案編號T-1152, 第12個).
#[inline]
pub(super) fn case_numbers(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction {
        s,
        kinds,
        digits,
        has,
        ..
    } = *cx;
    if kinds.contains(EntityKind::CaseNumber) && (digits >= 2 || has.case) {
        for m in r.case_number.find_iter(s) {
            cx.push(EntityKind::CaseNumber, m.start(), m.end(), None);
        }
    }
}

#[cfg(test)]
mod tests;
