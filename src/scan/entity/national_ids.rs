//! National IDs and resident certificates: the letter and nine digits
//! with their check digit, written in one piece, in groups, over two lines
//! or with the letter said apart from the digits.
//!
//! The check digit is normalization's (`normalize::national_id`); the
//! example numbers are those of `reference/tw-identifiers.md` §1–2; the
//! patterns are compiled with the other identifiers' (see [`super::ids`]).

use super::ids::{Recognizers, ID_DIGITS};
use super::{alnum_bounded, digit_bounded, in_dotted_word, preceded_by, EntityKind, Extraction};
use crate::normalize::national_id::{self, IdForm};

/// Well-known example and test numbers that pass the checksum but belong to
/// nobody (textbook and validator examples from reference/tw-identifiers.md).
const PUBLIC_EXAMPLE_IDS: &[&str] = &["A123456789", "A800000014", "AA00000009"];

/// Validates a national ID or resident certificate number (both formats).
/// Returns the kind it is, if valid.
pub fn validate_id(s: &str) -> Option<EntityKind> {
    national_id::check(s.as_bytes()).map(|form| match form {
        IdForm::National => EntityKind::NationalId,
        IdForm::Resident => EntityKind::ResidentId,
    })
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
    if cx.admits(ID_DIGITS) {
        grouped_ids(r, cx);
        spelled_ids(r, cx);
    }
}

/// What labels an ID just before it.
const ID_LABELS: &[&str] = &[
    "身分證",
    "身份證",
    "字號",
    "證號",
    "統一證號",
    "居留證",
    "ID",
];

/// IDs in groups (A123-456-789), or over two lines with the letter at the
/// start of its line or after its label, and nothing but the line break
/// between (K2569\n66942, 身分證 F20850\n1842; not 行政大樓B1\n2771-3508),
/// or over three whole lines (B1\n2736\n1586).
fn grouped_ids(r: &Recognizers, cx: &mut Extraction<'_>) {
    let s = cx.s;
    for m in r.id_grouped.find_iter(s) {
        let text = m.as_str();
        if text.contains('\n') {
            let line_start = s[..m.start()].ends_with('\n')
                || m.start() == 0
                || preceded_by(s, m.start(), 8, ID_LABELS);
            // Over three lines, each piece a whole line (E2\n2416\n5872).
            let line_end = s[m.end()..].starts_with('\n') || m.end() == s.len();
            let breaks = text.matches('\n').count();
            let only_break = !text.contains([' ', '.', '_', '/', '-'])
                && (breaks == 1 || breaks == 2 && line_end);
            if !(line_start && only_break) {
                continue;
            }
        }
        // Slashes split a link's path (/P/229105936) as well as an ID's
        // groups: a number after a slash or a dot in the same word is a
        // link's.
        if text.contains('/') && in_dotted_word(s, m.start()) {
            continue;
        }
        let joined: String = text.chars().filter(|c| !" ._/-\n".contains(*c)).collect();
        // In one piece it is the plain form's, found above.
        if joined.len() < m.len() {
            push_valid_id(cx, m.start(), m.end(), joined);
        }
    }
}

/// Words that say a letter is being spelled out before its digits, or
/// name the number (英文 E，然後 1 6 1 8…; APPLE 的 A，後面 9 4 9…).
const SPELLING_CUES: &[&str] = &[
    "英文",
    "大寫",
    "字母",
    "開頭",
    "然後",
    "後面",
    "再來",
    "就是",
    "的",
    "身分證",
    "證號",
    "字號",
    "居留證",
    "統一證號",
    "ID",
];

/// IDs whose letter is said apart from their digits: the last lone letter
/// before nine digits split by spaces or dashes at most, a spelling cue
/// between them or just before the letter (A棟 115.12.10, S/N：210530019
/// and a link's path are none).
fn spelled_ids(r: &Recognizers, cx: &mut Extraction<'_>) {
    let s = cx.s;
    for c in r.id_spelled.captures_iter(s) {
        let (Some(letter), Some(digits)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let alone = !s[..letter.start()].ends_with(|c: char| c.is_ascii_alphanumeric());
        let gap = &s[letter.end()..digits.start()];
        let cued = SPELLING_CUES.iter().any(|w| gap.contains(w))
            || preceded_by(s, letter.start(), 12, SPELLING_CUES);
        if alone && cued && !gap.contains('/') && digit_bounded(s, digits.start(), digits.end()) {
            let joined: String = letter
                .as_str()
                .chars()
                .chain(digits.as_str().chars().filter(char::is_ascii_digit))
                .collect();
            push_valid_id(cx, letter.start(), digits.end(), joined);
        }
    }
}

/// Records the number `v` found at `[start, end)` when it stands alone, is
/// no public example and passes the checksum.
pub(super) fn push_valid_id(cx: &mut Extraction<'_>, start: usize, end: usize, v: String) {
    if !alnum_bounded(cx.s, start, end) || PUBLIC_EXAMPLE_IDS.contains(&v.as_str()) {
        return;
    }
    if let Some(kind) = validate_id(&v) {
        if cx.kinds.contains(kind) {
            cx.push(kind, start, end, Some(v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::texts;
    use super::*;

    #[test]
    fn national_and_resident_ids_follow_the_reference_examples() {
        let national = Some(EntityKind::NationalId);
        let resident = Some(EntityKind::ResidentId);
        let table: [(Option<EntityKind>, &[&str]); 4] = [
            (
                national,
                &[
                    "W100000001",
                    "I123456781",
                    "O223456784",
                    "Z212345670",
                    "F130000005",
                    "D200000006",
                ],
            ),
            // The 2021 resident format, then the old two-letter one.
            (
                resident,
                &[
                    "A800000014",
                    "F800000000",
                    "A900000007",
                    "H876543212",
                    "B912345674",
                ],
            ),
            (
                resident,
                &[
                    "AA00000009",
                    "FA12345670",
                    "AB00000001",
                    "TC12345675",
                    "HD76543212",
                ],
            ),
            (
                None,
                &[
                    "A123456788",
                    "B223456783",
                    "A323456789",
                    "A12345678",
                    "A800000015",
                    "A700000001",
                    "AA00000008",
                    "AE00000001",
                ],
            ),
        ];
        for (want, ids) in table {
            for v in ids {
                assert_eq!(validate_id(v), want, "{v}");
            }
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
            ("身分證 H2/2034/8332", "H2/2034/8332"),
            ("身分證 B1273 / 61586 分兩次傳", "B1273 / 61586"),
            ("字號 B1273 /61586", "B1273 /61586"),
            // Over two lines, and with the letter said on its own.
            ("身分證補給你：\nB1273\n61586", "B1273\n61586"),
            ("陳○婷 身分證 B12736\n1586", "B12736\n1586"),
            ("她女兒唸的\nB1\n2736\n1586\n→ 王小美", "B1\n2736\n1586"),
            (
                "英文 B，然後 1 2 7 3 6 1 5 8 6",
                "B，然後 1 2 7 3 6 1 5 8 6",
            ),
            ("N 就是 NOVEMBER 的 B，127361586", "B，127361586"),
            (
                "英文字母 B，B as in Boy，後面 1 2 7 3 6 1 5 8 6",
                "B as in Boy，後面 1 2 7 3 6 1 5 8 6",
            ),
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
        // A link's path is no ID, though P/229105936 passes the check.
        assert!(texts(
            "https://www.dcard.tw/f/talk/p/229105936?ref=ios",
            EntityKind::NationalId
        )
        .is_empty());
        // Grouped, the checksum still decides.
        assert!(texts("發票B127-361-587", EntityKind::NationalId).is_empty());
        assert!(texts("A123-456-789", EntityKind::NationalId).is_empty());
        assert!(texts("料號B1-2736-1587", EntityKind::NationalId).is_empty());
        // No spelling cue, a longer number, a bad checksum, dates, serials,
        // links, or a floor code over a line are no spelled or split ID.
        for text in [
            "ROOM B，電話 0127361586",
            "英文 B，然後 1 2 7 3 6 1 5 8 6 0",
            "英文 B，然後 1 2 7 3 6 1 5 8 7",
            "A棟會議室：127.361.586 講習",
            "S/N：127361586 保固到明年",
            "C組組長學號：127361586",
            "dcard.tw/f/talk/p/127361586?ref=ios",
            "總務科\n行政大樓B1\n2736-1586",
        ] {
            assert!(texts(text, EntityKind::NationalId).is_empty(), "{text}");
        }
        // Its digits spelled one by one in Chinese, each set off.
        assert_eq!(
            texts(
                "身分證字號我唸給你：H，一、七、二，三、三、二，八、一、七",
                EntityKind::NationalId
            )
            .len(),
            1
        );
        // A phone in one piece elsewhere does not hide a spelled ID.
        assert_eq!(
            texts(
                "英文 B，然後 1 2 7 3 6 1 5 8 6，手機 0912345678",
                EntityKind::NationalId
            )
            .len(),
            1
        );
    }
}
