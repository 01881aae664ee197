//! Identifiers told in two labelled halves (前四碼 K220 … 後六碼 158732),
//! as one dictates a number in two goes or pastes it from two messages: a
//! national ID or resident certificate whose joined halves pass the
//! checksum, or a mobile number (09 and eight digits).

use regex::Regex;

use super::national_ids::push_valid_id;
use super::{compile, DigitGate, EntityKind, Extraction, KindSet};

/// Two halves hold nine digits at least (an ID's letter and three, then
/// six), each half a run of two or more.
const HALVES_DIGITS: DigitGate = DigitGate::new(9, 2);

/// What two halves may join into.
const HALVES_KINDS: KindSet = KindSet::of(&[
    EntityKind::NationalId,
    EntityKind::ResidentId,
    EntityKind::Mobile,
]);

/// This family's recognizer, compiled once with the others (see
/// [`super::warm_up`]).
pub(super) struct Recognizers {
    pub(super) halves: Regex,
}

pub(super) fn build() -> Recognizers {
    Recognizers {
        // The first half after 前N碼, then within a few lines the second
        // after 後N碼; a 後N碼 with no digits close after it (後六碼我找一
        // 下) is passed over for the next one.
        halves: compile(
            "前[2-6二三四五六]碼[^0-9A-Z\\n]{0,6}([A-Z]?[0-9]{2,6})(?s:.){0,100}?後[3-8三四五六七八]碼[^0-9A-Z]{0,8}?([0-9]{3,8})",
        ),
    }
}

/// The halves that join into an ID or a mobile number.
#[inline]
pub(super) fn halves(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if !kinds.intersects(HALVES_KINDS) || !cx.admits(HALVES_DIGITS) || !s.contains("碼") {
        return;
    }
    for c in r.halves.captures_iter(s) {
        let (Some(first), Some(second)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let joined = format!("{}{}", first.as_str(), second.as_str());
        let mobile = joined.len() == 10 && joined.starts_with("09");
        if mobile && kinds.contains(EntityKind::Mobile) {
            cx.push(
                EntityKind::Mobile,
                first.start(),
                second.end(),
                Some(joined),
            );
        } else if !mobile {
            push_valid_id(cx, first.start(), second.end(), joined);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::found;
    use super::*;

    #[test]
    fn two_labelled_halves_join_into_one_number() {
        let id = found(
            "身分證前四碼 B127⏎後六碼我找一下⏎後六碼 361586，名字王小明"
                .replace('⏎', "\n")
                .as_str(),
            EntityKind::NationalId,
        );
        assert_eq!(id.len(), 1);
        assert_eq!(id[0].1.as_deref(), Some("B127361586"));
        let phone = found("手機前四碼 0912，後六碼是 345678", EntityKind::Mobile);
        assert_eq!(phone[0].1.as_deref(), Some("0912345678"));
        // Halves that fail the checksum, or make no number, are none.
        for text in [
            "身分證前四碼 B127 後六碼 361587",
            "統編前四碼 1234 後四碼 5678",
        ] {
            assert!(found(text, EntityKind::NationalId).is_empty(), "{text}");
            assert!(found(text, EntityKind::Mobile).is_empty(), "{text}");
        }
    }
}
