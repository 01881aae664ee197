//! Identifier numbers: national ID and resident certificate (with their
//! check digit), passport, NHI card, licence plate, medical record and case
//! numbers.
//!
//! Formats and checksums follow `reference/tw-identifiers.md` (letter table
//! and weights from the national-ID specification; plates: 公路總局 rules).
//! Most of these need a run of digits, so the digit counts of
//! [`NormalizedText`](crate::normalize::NormalizedText) gate them before any
//! regex runs.

use regex::Regex;

use super::{
    alnum_bounded, compile, digit_bounded, preceded_by, DigitGate, EntityKind, Extraction,
};

/// The digits each identifier needs before its pattern runs (see
/// [`DigitGate`]): a national or resident ID's eight or more, a passport's
/// run of six, an NHI card's twelve in runs of four, an account's ten, a
/// plate's run of three.
pub(super) const ID_DIGITS: DigitGate = DigitGate::new(8, 0);
pub(super) const PASSPORT_DIGITS: DigitGate = DigitGate::new(0, 6);
pub(super) const NHI_DIGITS: DigitGate = DigitGate::new(12, 4);
pub(super) const ACCOUNT_DIGITS: DigitGate = DigitGate::new(10, 3);
pub(super) const PLATE_DIGITS: DigitGate = DigitGate::new(0, 3);

/// Well-known example and test numbers that pass the checksum but belong to
/// nobody (textbook and validator examples from reference/tw-identifiers.md).
const PUBLIC_EXAMPLE_IDS: &[&str] = &["A123456789", "A800000014", "AA00000009"];

/// National ID letter values (reference/tw-identifiers.md §1), A..=Z.
const LETTER_VALUES: [u32; 26] = [
    10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30,
    31, 33,
];
const ID_WEIGHTS: [u32; 11] = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1];

/// Validates a national ID or resident certificate number (both formats).
/// Returns the kind it is, if valid.
pub fn validate_id(s: &str) -> Option<EntityKind> {
    let b = s.as_bytes();
    if b.len() != 10 || !b[0].is_ascii_uppercase() || !b[2..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v1 = LETTER_VALUES[(b[0] - b'A') as usize];
    let (second, kind) = match b[1] {
        b'1' | b'2' => ((b[1] - b'0') as u32, EntityKind::NationalId),
        b'8' | b'9' => ((b[1] - b'0') as u32, EntityKind::ResidentId),
        b'A'..=b'D' => (
            LETTER_VALUES[(b[1] - b'A') as usize] % 10,
            EntityKind::ResidentId,
        ),
        _ => return None,
    };
    let mut digits = [0u32; 11];
    digits[0] = v1 / 10;
    digits[1] = v1 % 10;
    digits[2] = second;
    for (i, &d) in b[2..].iter().enumerate() {
        digits[3 + i] = (d - b'0') as u32;
    }
    let sum: u32 = digits.iter().zip(ID_WEIGHTS).map(|(d, w)| d * w).sum();
    sum.is_multiple_of(10).then_some(kind)
}

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
        // by one dash, space, dot or underscore each, or over two lines
        // (K2569\n66942).
        id_grouped: compile("[A-Z][ ._\n-]?[0-9A-D](?:[ ._\n-]?[0-9]){8}"),
        // The letter said on its own, then the digits read out (英文 E，然後
        // 1 6 1 8 1 6 7 0 1; APPLE 的 A，後面 9 4 9…): the last lone letter
        // before nine digits, a few words apart on one line.
        id_spelled: compile("([A-Z])[^0-9A-Z\n]{1,12}([1289](?:[ ._-]?[0-9]){8})"),
        // Taiwan's nine digits; other countries' one or two letters, six to
        // eight digits and at times a letter (C8835172, EA1234567,
        // P2946185A): next to 護照 either way.
        passport_number: compile("[0-9]{9}|[A-Z]{1,2}[0-9]{6,8}[A-Z]?"),
        // Twelve digits in groups of four split by a space, a dash or a
        // slash (0000 3318 2046, 0000/7319/2058).
        twelve_digits: compile("[0-9]{4}[ /-]?[0-9]{4}[ /-]?[0-9]{4}"),
        // Ten to sixteen digits, in groups split by one dash or space each
        // (0520-0123-9587, 700 0001 2345 678).
        account: compile("[0-9](?:[ -]?[0-9]){9,16}"),
        // A post office account written as its two labelled halves:
        // 局號0061283 帳號0457219.
        postal_account: compile("局號[:： ]?([0-9]{7})[ ,，、]*帳號[:： ]?([0-9]{7})"),
        plate: compile(
            "[A-Z]{3}(?: ?- ?| )?[0-9]{4}|[A-Z]{2}-[0-9]{4}|[0-9]{4}-[A-Z]{2}|[0-9]{3}-[A-Z]{3}",
        ),
        medical_record: compile("病歷(?:號碼|編號|號)?[:： ]?([A-Z]{0,2}[0-9]{5,12})"),
        case_number: compile(
            r"案 ?[0-9]{2,6}|CASE ?[0-9]{2,6}|個案編號 ?[A-Z]?-?[0-9]{2,6}|第[0-9]{1,5}[個例位]|個案[A-Z](?:[^A-Z]|$)",
        ),
    }
}

/// National IDs and resident certificates with a valid check digit,
/// written in one piece or in groups (A123-456-789, B1-5285-0514).
#[inline]
pub(super) fn national_ids(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, run, .. } = *cx;
    if !(kinds.contains(EntityKind::NationalId) || kinds.contains(EntityKind::ResidentId)) {
        return;
    }
    if run >= 8 {
        for m in r.id.find_iter(s) {
            push_valid_id(cx, m.start(), m.end(), m.as_str().to_string());
        }
    }
    if cx.admits(ID_DIGITS) && run < 10 {
        for m in r.id_grouped.find_iter(s) {
            let joined: String = m
                .as_str()
                .chars()
                .filter(|c| !" ._-\n".contains(*c))
                .collect();
            // In one piece it is the plain form's, found above.
            if joined.len() < m.len() {
                push_valid_id(cx, m.start(), m.end(), joined);
            }
        }
        for c in r.id_spelled.captures_iter(s) {
            let (Some(letter), Some(digits)) = (c.get(1), c.get(2)) else {
                continue;
            };
            let alone = !s[..letter.start()].ends_with(|c: char| c.is_ascii_alphanumeric());
            // Words or a comma between (然後, 的, "E, 1…"); split by
            // separators alone it is the grouped form's, and a link's path
            // (/P/229105936) is none.
            let gap = &s[letter.end()..digits.start()];
            let said_apart =
                gap.chars().any(|c| !c.is_ascii() || c == ',' || c == ':') && !gap.contains('/');
            if alone && said_apart && digit_bounded(s, digits.start(), digits.end()) {
                let joined: String = letter
                    .as_str()
                    .chars()
                    .chain(digits.as_str().chars().filter(char::is_ascii_digit))
                    .collect();
                push_valid_id(cx, letter.start(), digits.end(), joined);
            }
        }
    }
}

/// Records the number `v` found at `[start, end)` when it stands alone, is
/// no public example and passes the checksum.
fn push_valid_id(cx: &mut Extraction<'_>, start: usize, end: usize, v: String) {
    if !alnum_bounded(cx.s, start, end) || PUBLIC_EXAMPLE_IDS.contains(&v.as_str()) {
        return;
    }
    if let Some(kind) = validate_id(&v) {
        if cx.kinds.contains(kind) {
            cx.push(kind, start, end, Some(v));
        }
    }
}

/// Passport numbers next to 護照 / PASSPORT (or 戶照, the 注音 typo of
/// 護照: the same syllables and tones): Taiwan's nine digits, or a foreign
/// passport's letters and digits.
#[inline]
pub(super) fn passports(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if cx.admits(PASSPORT_DIGITS) && kinds.contains(EntityKind::Passport) {
        for m in r.passport_number.find_iter(s) {
            if alnum_bounded(s, m.start(), m.end())
                && preceded_by(s, m.start(), 16, &["護照", "戶照", "PASSPORT"])
            {
                cx.push(
                    EntityKind::Passport,
                    m.start(),
                    m.end(),
                    Some(m.as_str().to_string()),
                );
            }
        }
    }
}

/// Twelve-digit NHI card numbers next to 健保 or a card number's label.
#[inline]
pub(super) fn nhi_cards(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if cx.admits(NHI_DIGITS) && kinds.contains(EntityKind::NhiCard) {
        for m in r.twelve_digits.find_iter(s) {
            if digit_bounded(s, m.start(), m.end())
                && preceded_by(s, m.start(), 16, &["健保", "卡號", "NHI", "CARD NUMBER"])
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
        for m in r.plate.find_iter(s) {
            if !alnum_bounded(s, m.start(), m.end()) || in_longer_code(s, m.start(), m.end()) {
                continue;
            }
            let v = m.as_str();
            let letters: String = v.chars().filter(char::is_ascii_uppercase).collect();
            let nums: String = v.chars().filter(char::is_ascii_digit).collect();
            // Current plates (three letters, four digits) drop I and O and
            // the digit 4 (公路總局); the rule is not about the older shapes
            // (an old scooter's 123-ABC, reference/tw-identifiers.md).
            if nums.len() == 4
                && letters.len() == 3
                && (letters.contains(['I', 'O']) || nums.contains('4'))
            {
                continue;
            }
            if validate_id(v).is_some() {
                continue;
            }
            cx.push(
                EntityKind::Plate,
                m.start(),
                m.end(),
                Some(v.replace(['-', ' '], "")),
            );
        }
    }
}

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
mod tests {
    use super::super::testing::texts;
    use super::*;

    #[test]
    fn national_and_resident_ids_follow_the_reference_examples() {
        for v in [
            "W100000001",
            "I123456781",
            "O223456784",
            "Z212345670",
            "F130000005",
            "D200000006",
        ] {
            assert_eq!(validate_id(v), Some(EntityKind::NationalId), "{v}");
        }
        for v in [
            "A800000014",
            "F800000000",
            "A900000007",
            "H876543212",
            "B912345674",
        ] {
            assert_eq!(validate_id(v), Some(EntityKind::ResidentId), "{v}");
        }
        for v in [
            "AA00000009",
            "FA12345670",
            "AB00000001",
            "TC12345675",
            "HD76543212",
        ] {
            assert_eq!(validate_id(v), Some(EntityKind::ResidentId), "{v}");
        }
        for v in [
            "A123456788",
            "B223456783",
            "A323456789",
            "A12345678",
            "A800000015",
            "A700000001",
            "AA00000008",
            "AE00000001",
        ] {
            assert_eq!(validate_id(v), None, "{v}");
        }
    }

    #[test]
    fn ids_are_found_through_evasions() {
        let table: &[(&str, &str)] = &[
            ("身分證B127361586，住", "B127361586"),
            ("身分證字號 k220819374（小寫）", "k220819374"),
            ("Ｈ２８８４４１０２５", "Ｈ２８８４４１０２５"),
            ("M 1 9 9 2 3 5 5 7 0 林志豪", "M 1 9 9 2 3 5 5 7 0"),
            (
                "陳佳蓉 S155\u{200B}204\u{200B}689 這個",
                "S155\u{200B}204\u{200B}689",
            ),
            ("舊居留證GB24088316，要換新式", "GB24088316"),
            ("居留證 E860277160", "E860277160"),
            ("申請人 B127-361-586 資料", "B127-361-586"),
            ("B 127 361 586，住", "B 127 361 586"),
            ("號碼B127.361.586", "B127.361.586"),
            ("字號 B1-2736-1586 補件", "B1-2736-1586"),
            ("b127_361_586 這是他的", "b127_361_586"),
            // Over two lines, and with the letter said on its own.
            ("身分證補給你：\nB1273\n61586", "B1273\n61586"),
            (
                "英文 B，然後 1 2 7 3 6 1 5 8 6",
                "B，然後 1 2 7 3 6 1 5 8 6",
            ),
            ("N 就是 NOVEMBER 的 B，127361586", "B，127361586"),
        ];
        for (text, want) in table {
            let got: Vec<String> = [EntityKind::NationalId, EntityKind::ResidentId]
                .iter()
                .flat_map(|&k| texts(text, k))
                .collect();
            assert_eq!(got, vec![want.to_string()], "in {text:?}");
        }
        assert!(texts("訂單編號B223456783的紙箱", EntityKind::NationalId).is_empty());
        assert!(texts("例如A123456789是教科書範例", EntityKind::NationalId).is_empty());
        assert!(texts("收文號XA115881394", EntityKind::NationalId).is_empty());
        // Grouped, the checksum still decides.
        assert!(texts("發票B127-361-587", EntityKind::NationalId).is_empty());
        assert!(texts("A123-456-789", EntityKind::NationalId).is_empty());
        assert!(texts("料號B1-2736-1587", EntityKind::NationalId).is_empty());
        // A letter in a word, or a longer number, is no spelled ID.
        assert!(texts("ROOM B，電話 0127361586", EntityKind::NationalId).is_empty());
        assert!(texts("英文 B，然後 1 2 7 3 6 1 5 8 7", EntityKind::NationalId).is_empty());
        assert!(texts("ISO B，1273615860", EntityKind::NationalId).is_empty());
        assert!(texts(
            "dcard.tw/f/talk/p/127361586?ref=ios",
            EntityKind::NationalId
        )
        .is_empty());
    }

    #[test]
    fn passport_nhi_and_plates_need_their_shape() {
        assert_eq!(
            texts("護照號碼 318204576 周美玲", EntityKind::Passport),
            vec!["318204576"]
        );
        assert_eq!(
            texts("護照號碼 3 1 8 2 0 4 5 7 6 那位", EntityKind::Passport),
            vec!["3 1 8 2 0 4 5 7 6"]
        );
        assert!(texts("訂單 318204576", EntityKind::Passport).is_empty());
        assert_eq!(
            texts(
                "看護Sari的護照號碼C8835172，仲介要影本",
                EntityKind::Passport
            ),
            vec!["C8835172"]
        );
        assert_eq!(
            texts("passport: P2946185A (Philippines)", EntityKind::Passport),
            vec!["P2946185A"]
        );
        assert!(texts("護照申請表 A12345", EntityKind::Passport).is_empty());
        assert_eq!(
            texts("健保卡號 0000 3318 2046，", EntityKind::NhiCard),
            vec!["0000 3318 2046"]
        );
        // Its own label, when 健保 is mistyped or left out.
        assert_eq!(
            texts("健寶卡卡號 0000 3318 2046", EntityKind::NhiCard),
            vec!["0000 3318 2046"]
        );
        assert_eq!(
            texts("NHI card number 0000 3318 2046", EntityKind::NhiCard),
            vec!["0000 3318 2046"]
        );
        assert!(texts("訂單 0000 3318 2046", EntityKind::NhiCard).is_empty());
        assert_eq!(
            texts("健保卡下面那串：0000／7319／2058", EntityKind::NhiCard),
            vec!["0000／7319／2058"]
        );
        assert_eq!(
            texts("戶照號碼是318204576", EntityKind::Passport),
            vec!["318204576"]
        );
        // An account number after its label, a bank's name or its code;
        // not a mobile number, not digits with nothing to say what they are.
        for (text, want) in [
            ("匯款帳號：台銀(004) 0520-0123-9587 戶名", "0520-0123-9587"),
            ("郵局 700 0001 2345 678，", "700 0001 2345 678"),
            ("(812) 28881000123456 請匯入", "28881000123456"),
            ("account: 0123456789012", "0123456789012"),
            ("蔡子涵 郵局 700-0021234-0567890", "700-0021234-0567890"),
            (
                "郵局帳號 局號0061283 帳號0457219 打錯",
                "0061283 帳號0457219",
            ),
        ] {
            assert_eq!(texts(text, EntityKind::BankAccount), vec![want], "{text}");
        }
        assert!(texts("匯款後請回報手機 0912-345-678", EntityKind::BankAccount).is_empty());
        assert!(texts("訂單編號 0520012395871", EntityKind::BankAccount).is_empty());
        assert_eq!(
            texts("停車名單：RDK-6158 李建國", EntityKind::Plate),
            vec!["RDK-6158"]
        );
        // Spaced out letter by letter around its dash.
        assert_eq!(
            texts("K L G - 5 5 7 3 白色Altis", EntityKind::Plate),
            vec!["K L G - 5 5 7 3"]
        );
        assert_eq!(
            texts("車號AB-1234的公務車", EntityKind::Plate),
            vec!["AB-1234"]
        );
        // Written with a space, as on the plate itself.
        assert_eq!(
            texts("那台ABQ 3015紅色March", EntityKind::Plate),
            vec!["ABQ 3015"]
        );
        // An older scooter's plate, digits first.
        assert_eq!(
            texts("機車車牌 582-MQK 停在門口", EntityKind::Plate),
            vec!["582-MQK"]
        );
        assert!(texts("ABC-1234", EntityKind::Plate).is_empty());
        assert!(texts("ABI-1235", EntityKind::Plate).is_empty());
        // A dash-joined part of a longer code is no plate.
        assert!(texts("個案編號115-TB-0412", EntityKind::Plate).is_empty());
        assert!(texts("料號AB-1234-C", EntityKind::Plate).is_empty());
        assert_eq!(
            texts("車號 BKL-7352 白色", EntityKind::Plate),
            vec!["BKL-7352"]
        );
    }

    #[test]
    fn medical_records_and_case_numbers() {
        assert_eq!(
            texts("病歷號 B0098765 住院", EntityKind::MedicalRecord).len(),
            1
        );
        assert!(!texts("case 2031 = 中山", EntityKind::CaseNumber).is_empty());
        for text in ["案379", "個案編號T-1152", "第12個確診者"] {
            assert!(!texts(text, EntityKind::CaseNumber).is_empty(), "{text}");
        }
    }
}
