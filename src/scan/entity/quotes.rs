//! Quoted examples: words put in quotation marks as an example of what
//! must not be said, in reminders and rules ("不要說「確診者住在XX大樓」",
//! "「明天幾點去哪家」這類資訊", "不可以說「是你鄰居檢舉的」或「檢舉人有
//! 拍照」"). The quoted words carry a leak's vocabulary, but the message
//! quotes them to forbid them; packs count the entity as negative evidence.

use regex::Regex;

use super::{compile, EntityKind, Extraction};

/// This family's recognizer, compiled once with the others (see
/// [`super::warm_up`]).
pub(super) struct Recognizers {
    pub(super) example: Regex,
}

/// One quotation (「…」, 『…』, “…”) of at most forty characters on one
/// line, and a chain of them joined by 、, a comma, 或, 和, 跟 or 及.
const CHAIN: &str = "[「『“][^「『“」』”\n]{1,40}[」』”](?:[、,或和跟及與]{1,2}[「『“][^「『“」』”\n]{1,40}[」』”])*";

pub(super) fn build() -> Recognizers {
    // A prohibition (不要, 不可以, 不得, 別, 勿, 避免, 禁止…), then within a
    // few characters a verb of saying or showing, then the quotation; or
    // the quotation followed by "this kind of" (這種, 這類, 之類); a ruling's
    // 「…」等語 quotes what was said, and is no example.
    let prohibition = "(?:不要|不可以|不可|不能|不得|不准|別|勿|避免|禁止|切勿|嚴禁)";
    let say = "(?:說|講|回答|回覆|回|討論|出現|寫|提到|提|透露|問|貼|PO|傳)";
    // Within one clause: no stop, comma or colon between the prohibition,
    // the verb and the quotation ("不能確定，但里長說「…」" is reported speech).
    let between = "[^。!?;,:\\n 「『“]";
    Recognizers {
        example: compile(&format!(
            "{prohibition}{between}{{0,4}}?{say}{between}{{0,6}}?{CHAIN}|{CHAIN}(?:這種|這類|之類|這樣的話|這些話)"
        )),
    }
}

/// Quoted examples of what must not be said; only when a quotation mark
/// is there.
#[inline]
pub(super) fn quoted_examples(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if kinds.contains(EntityKind::QuotedExample) && s.contains(['「', '『', '“']) {
        for m in r.example.find_iter(s) {
            if !is_prohibition(s, m.start()) {
                continue;
            }
            cx.push(EntityKind::QuotedExample, m.start(), m.end(), None);
        }
    }
}

/// Whether the match at `at` opens with a prohibition indeed, or with its
/// quotation: 別 inside 特別, 分別 or 別人, and 不得不, 不能不 or 不可能
/// (must, cannot but) forbid nothing.
fn is_prohibition(s: &str, at: usize) -> bool {
    let rest = &s[at..];
    if ["不得不", "不能不", "不可能"]
        .iter()
        .any(|w| rest.starts_with(w))
    {
        return false;
    }
    if rest.starts_with('別') {
        let before = s[..at].chars().next_back();
        let after = rest.chars().nth(1);
        let in_word = before.is_some_and(|c| "特分個區性類識辨告".contains(c));
        return !in_word && after != Some('人');
    }
    true
}

#[cfg(test)]
mod tests {
    use super::super::testing::texts;
    use super::*;

    #[test]
    fn quotations_given_as_what_not_to_say() {
        for (text, quoted) in [
            (
                "提醒：對外不要說「確診者住在XX大樓幾樓」、「個案在哪間公司上班」這種話",
                "不要說「確診者住在XX大樓幾樓」、「個案在哪間公司上班」",
            ),
            (
                "重申：任何群組都不得出現「明天幾點去哪家」這類稽查資訊",
                "不得出現「明天幾點去哪家」",
            ),
            (
                "開標前不要回答廠商「有幾家來投」、「委員是誰」這種問題",
                "不要回答廠商「有幾家來投」、「委員是誰」",
            ),
            (
                "「是你隔壁鄰居檢舉的」這類話不能講",
                "「是你隔壁鄰居檢舉的」這類",
            ),
        ] {
            assert_eq!(
                texts(text, EntityKind::QuotedExample),
                vec![quoted],
                "{text}"
            );
        }
        // A quotation that is what someone said, or a stamp, is no example.
        for text in [
            "他說「確診的是三樓王小姐」，先不要講出去",
            "公文右上角蓋「密」",
            "課長交代「明天九點去○○餐廳」",
            "他特別提到「檢舉人是隔壁王太太」",
            "不能確定，但里長說「檢舉人是隔壁王太太」",
            "不要說出去，因為他說「明天去稽查」",
        ] {
            assert!(texts(text, EntityKind::QuotedExample).is_empty(), "{text}");
        }
    }
}
