//! A classification stamp heading a message: the writer typed the paper's
//! grade before its content, as a subject line carries it (`密 底價表…`,
//! `密 會議結論：…`, `密` on a line of its own). 密 is the grade of
//! 一般公務機密 (see `scan::marking` for the stamps of an attachment). The
//! longer words (機密, 極機密, 密件, 限閱) say what they are wherever they
//! stand and the classified pack weighs them as words; a bare 密 is a stamp
//! only in brackets or here: at the head of a message and set off from
//! what follows by a space, a colon, a bar or a line break. Run into the
//! next word it is part of that word (密切, 密碼), and before a person it is
//! chat for "message me privately" (密 我一下).

use super::{is_han, EntityKind, Extraction};

/// What may stand between a stamp and its content.
const SEPARATORS: [char; 3] = [':', '\n', '|'];

/// What follows 密 when it means a private message, not a grade.
const PRIVATE_MESSAGE: [char; 7] = ['我', '你', '妳', '他', '她', '一', '下'];

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
    let next_at = text.char_index(end);
    let spaced = text.removed_before().any(|g| g == next_at);
    let Some(next) = rest.chars().next() else {
        return;
    };
    let (sep, content) = if spaced {
        (true, rest)
    } else if SEPARATORS.contains(&next) || next == ' ' {
        (true, rest[next.len_utf8()..].trim_start())
    } else {
        (false, rest)
    };
    let private = content.starts_with(PRIVATE_MESSAGE);
    let has_content = content
        .chars()
        .next()
        .is_some_and(|c| is_han(c) || c.is_ascii_alphanumeric());
    if sep && has_content && !private {
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
            "密：",
            "【密】主旨：",
            "密碼 1234",
        ] {
            assert!(texts(text, EntityKind::HeadStamp).is_empty(), "{text}");
        }
    }
}
