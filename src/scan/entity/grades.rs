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
/// a count of grades, a grade kept, lost or pushed down (被壓到乙); a list
/// told as 誰甲誰乙 is read by `who_got_which`. No bare 是, 給 or 分: 答案是丙,
/// 借給乙 and 分甲乙兩組 name options and parties.
const GIVEN_BY: [&str; 41] = [
    "今年",
    "去年",
    "這次",
    "應該",
    "改成",
    "改列",
    "改為",
    "都是",
    "全是",
    "就是",
    "只剩",
    "剩",
    "保住",
    "拿到",
    "拿",
    "打",
    "列",
    "評",
    "變成",
    "變",
    "掉到",
    "掉",
    "一個",
    "兩個",
    "三個",
    "幾個",
    "一分",
    "被打",
    "確定",
    "頂多",
    "會是",
    "他是",
    "她是",
    "今年是",
    "去年是",
    "這次是",
    "被壓到",
    "降到",
    "升到",
    "維持",
    "那個",
];

/// What may follow a letter that stands alone: particles, conjunctions and
/// the verbs of handing a grade on (甲給了淑芬).
const PARTICLES: &str = "了的啦喔哦吧耶呢嗎啊欸跟和與給也又還就而";

/// The halves of a grade (乙上, 甲下), when they end the word.
const HALVES: &str = "上下";

/// What joins the options of a list or the parties of an example (甲跟丙,
/// 甲、乙).
const JOINERS: &str = "、跟和與及或";

/// Grade letters said alone after a word that gives a grade.
#[inline]
pub(super) fn grade_words(cx: &mut Extraction<'_>) {
    let Extraction { text, s, kinds, .. } = *cx;
    if !kinds.contains(EntityKind::GradeWord) {
        return;
    }
    for (at, c) in s.match_indices(LETTERS) {
        let end = at + c.len();
        let mut next = s[end..].chars();
        let (first, second) = (next.next(), next.next());
        let ends_word = |c: Option<char>| c.is_none_or(|n| !is_han(n) || PARTICLES.contains(n));
        // A space the writer typed after the letter, which normalization
        // took out between Han characters (應該丙 評語寫超慘), ends it too;
        // looked up only after a word that gives a grade, since the lookup
        // maps the whole message's characters.
        let spaced = |byte: usize| {
            let i = text.char_index(byte);
            text.removed_before().any(|g| g == i)
        };
        let given_by = GIVEN_BY.iter().any(|w| s[..at].ends_with(w));
        let alone = match first {
            Some(h) if HALVES.contains(h) => {
                ends_word(second) || given_by && spaced(end + h.len_utf8())
            }
            _ => ends_word(first) || given_by && spaced(end),
        };
        let listed = first.is_some_and(|j| JOINERS.contains(j))
            && second.is_some_and(|l| LETTERS.contains(&l));
        // A reply that opens with the letter and a particle (乙啦, 乙的名單,
        // 乙 就是那個…) gives the grade asked about.
        let opens_reply = at == 0 && first.is_some_and(|n| PARTICLES.contains(n));
        let given = alone && (given_by || opens_reply);
        if (given || who_got_which(s, at, first)) && !listed {
            cx.push(EntityKind::GradeWord, at, end, None);
        }
    }
}

/// A letter in a list told as 誰甲誰乙 (who got 甲, who 乙): after 誰 and
/// either followed by the next 誰 or closing a 誰<letter>誰 pair.
fn who_got_which(s: &str, at: usize, next: Option<char>) -> bool {
    let Some(before) = s[..at].strip_suffix('誰') else {
        return false;
    };
    next == Some('誰')
        || before
            .strip_suffix(LETTERS)
            .is_some_and(|b| b.ends_with('誰'))
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
            ("林股長那個確定丙了", "丙"),
            ("今年頂多乙上，你先不要跟他講", "乙"),
            ("你今年是甲，我在人事室看到的", "甲"),
            ("課長今年被壓到乙", "乙"),
            ("想把曉雯降到乙", "乙"),
            ("主席拍板維持甲", "甲"),
            ("你們副座今年應該丙 評語寫超慘", "丙"),
            ("乙啦 不用猜了", "乙"),
            ("乙 就是那個常請病假的", "乙"),
            ("小陳那個乙，投票7比4", "乙"),
        ] {
            assert_eq!(texts(text, EntityKind::GradeWord), vec![grade], "{text}");
        }
    }

    #[test]
    fn a_list_told_as_who_got_which_letter_is_graded() {
        assert_eq!(
            texts("這次誰甲誰乙我整理好了", EntityKind::GradeWord),
            vec!["甲", "乙"]
        );
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
            "這題答案是丙",
            "你要選甲還是乙？",
            "甲把錢借給乙，乙不還",
            "只剩甲跟丙兩家廠商",
            "請甲跟乙先簽名",
            "這份檔案是乙上傳的",
            "剩下的給乙下個月再付",
            "今年是甲午年",
            "維持甲方的權利",
            "誰乙方代表要來？",
            "甲駕車不慎壓到乙，乙受傷",
            "誰甲？",
            "甲 乙 丙 三案",
            "乙方代表要來",
            "甲、乙兩案",
            "那個乙方",
        ] {
            assert!(texts(text, EntityKind::GradeWord).is_empty(), "{text}");
        }
    }
}
