//! A classification stamp heading a message: the writer typed the paper's
//! grade before its content, as a subject line carries it (`密 底價表…`,
//! `密 會議結論：…`, `密` on a line of its own). 密 is the grade of
//! 一般公務機密 (see `scan::marking` for the stamps of an attachment). The
//! longer words (機密, 極機密, 密件, 限閱) say what they are wherever they
//! stand and the classified pack weighs them as words; a bare 密 is a stamp
//! only in brackets or here: at the head of a message and set off from
//! what follows by a space (or anything else normalization took out, such
//! as a filler mark), a colon, a bar or a line break. Run into the next
//! word, even across a space, it is part of that word (密切, 密 碼), and
//! before a person it is chat for "message me privately" (密 我一下,
//! 密 組長). The content after it must hold a Han character: a password
//! on its own line (密：A1234567) is no paper.

use super::{is_han, EntityKind, Extraction};

/// What may stand between a stamp and its content.
const SEPARATORS: [char; 3] = [':', '\n', '|'];

/// The second characters of the words 密 starts (密碼, 密切, 密集…): a
/// 密 before one of them is that word, however it was spaced.
const WORD_ENDINGS: &str = "碼切集封度實謀友語道林布探室件函";

/// What follows 密 when it means a private message to someone, not a
/// grade: a pronoun, "a moment", or a person named by a post or a role.
const PRIVATE_MESSAGE: [&str; 22] = [
    "我", "你", "妳", "他", "她", "一下", "下我", "大家", "各位", "小編", "主揪", "版主", "組長",
    "主任", "科長", "課長", "股長", "老師", "學長", "學姊", "學姐", "老闆",
];

/// A bare 密 at the head of the message, after any emoji or bullet.
#[inline]
pub(super) fn head_stamps(cx: &mut Extraction<'_>) {
    let Extraction { s, text, kinds, .. } = *cx;
    if !kinds.contains(EntityKind::HeadStamp) || !s.contains('密') {
        return;
    }
    let Some((lead, '密')) = s
        .char_indices()
        .find(|&(_, c)| is_han(c) || c.is_ascii_alphanumeric())
    else {
        return;
    };
    let end = lead + '密'.len_utf8();
    let rest = &s[end..];
    let spaced = text.removed_before().any(|g| g == text.char_index(end));
    let content = rest.trim_start_matches(|c: char| SEPARATORS.contains(&c) || c.is_whitespace());
    let set_off = spaced || content.len() < rest.len();
    let Some(first) = content.chars().next() else {
        return;
    };
    let word = WORD_ENDINGS.contains(first);
    let private = PRIVATE_MESSAGE.iter().any(|p| content.starts_with(p));
    let han = content.chars().take(12).any(is_han);
    if set_off && han && !word && !private {
        cx.push(EntityKind::HeadStamp, lead, end, None);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::texts;
    use super::*;

    #[test]
    fn a_bare_mi_set_off_at_the_head_of_a_message_is_a_stamp() {
        for (text, stamp) in [
            ("密 底價表拍給你參考", "密"),
            ("密 會議結論：市府決定不續約", "密"),
            ("📌密：行動代號冬雷", "密"),
            ("密\n主旨：專案調查報告", "密"),
            ("密 一、會議結論", "密"),
            ("密 下週一稽查名單", "密"),
            ("密 ：會議結論", "密"),
        ] {
            assert_eq!(texts(text, EntityKind::HeadStamp), vec![stamp], "{text}");
        }
    }

    #[test]
    fn mi_run_into_a_word_elsewhere_or_alone_is_not() {
        for text in [
            "密件請至收發室簽收",
            "密切接觸者請自主管理",
            "機密 春節維安專案",
            "這份是密 不要外傳",
            "密 我一下",
            "密 組長 看一下",
            "密 碼：A1234",
            "密：A1234567",
            "密：",
            "【密】主旨：",
            "密碼 1234",
        ] {
            assert!(texts(text, EntityKind::HeadStamp).is_empty(), "{text}");
        }
    }
}
