//! A grade letter said as a grade: 甲, 乙 or 丙 on its own, after the words
//! that give, keep or change a grade (今年丙, 保住甲, 改成乙, 兩個甲, 都是乙).
//! People in an office say a 考績 grade this way without the words 考績 or
//! 甲等 (公務人員考績法 grades 甲 to 丁). The letter must stand alone: a
//! Han character after it other than a particle or a conjunction makes it
//! part of another word (甲狀腺, 乙方, 丙級, 甲等, 乙醇), and before it a
//! word that does not give a grade leaves it a placeholder (假設甲是承辦人).

use super::{is_han, EntityKind, Extraction};

/// The three grade letters of a 考績 that are said alone (丁, a surname
/// too, is not).
pub(super) const LETTERS: [char; 3] = ['甲', '乙', '丙'];

/// What precedes a letter given as a grade: a year, a verdict, a change,
/// a count of grades, a grade kept or lost.
const GIVEN_BY: [&str; 27] = [
    "今年", "去年", "應該", "改成", "改列", "改為", "都是", "全是", "就是", "只剩", "剩", "保住",
    "拿到", "拿", "打", "給", "列", "評", "變成", "變", "掉到", "掉", "個", "還是", "是", "分",
    "被打",
];

/// What may follow a letter that stands alone: particles, conjunctions and
/// the verbs of handing a grade on (甲給了淑芬).
const PARTICLES: &str = "了的啦喔哦吧耶呢嗎啊欸跟和與給也又還就而";

/// Grade letters said alone after a word that gives a grade.
#[inline]
pub(super) fn grade_words(cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if !kinds.contains(EntityKind::GradeWord) {
        return;
    }
    for (at, c) in s.match_indices(LETTERS) {
        let end = at + c.len();
        let alone = s[end..]
            .chars()
            .next()
            .is_none_or(|n| !is_han(n) || PARTICLES.contains(n));
        if alone && GIVEN_BY.iter().any(|w| s[..at].ends_with(w)) {
            cx.push(EntityKind::GradeWord, at, end, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::texts;
    use super::*;

    #[test]
    fn a_letter_given_kept_or_changed_is_a_grade() {
        for (text, grade) in [
            ("會計室雅婷今年丙，剛開完會", "丙"),
            ("表決5比4，美玲保住甲", "甲"),
            ("要把小郭那個改成乙", "乙"),
            ("最後一個甲給了淑芬", "甲"),
            ("其他三個都是乙", "乙"),
            ("第二科組長應該乙，預審沒人挺他", "乙"),
            ("你82分，差一分甲", "甲"),
        ] {
            assert_eq!(texts(text, EntityKind::GradeWord), vec![grade], "{text}");
        }
    }

    #[test]
    fn a_letter_in_a_word_or_as_a_placeholder_is_not() {
        for text in [
            "他去年甲狀腺開刀",
            "這個乙醇要收好",
            "我們是乙方，合約請甲方先簽",
            "他是丙級技術士",
            "今年甲等比例是七成五",
            "假設甲是承辦人，乙是主管",
            "甲、乙、丙三案請擇一",
            "打甲板的漆",
        ] {
            assert!(texts(text, EntityKind::GradeWord).is_empty(), "{text}");
        }
    }
}
