//! A letter O typed for a zero among ASCII digits, as a scanned form's
//! text or a hurried hand gives it (S1O87OOO94, O921-6O4-883, 崇學路1O5巷):
//! an O between two digits of one group becomes 0, and so does an O that
//! opens or closes a group of a number of five digits or more (groups split
//! by one dash or space each) where no other letter touches it. An O in a
//! word (NO, GO2, HELLO 12345) stays. Normalization calls it last, where
//! the text holds two ASCII digits or more.

/// Rewrites such O's in `text`, one byte for one; returns whether any
/// changed.
pub(super) fn letter_o(text: &mut String) -> bool {
    let bytes = text.as_bytes();
    // Most texts with an O and digits have the O inside a word: a zero is
    // an O beside a digit (or in a run of O's that touches one).
    let beside_digit = |i: usize| {
        (i > 0 && bytes[i - 1].is_ascii_digit()) || bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
    };
    if !memchr::memchr2_iter(b'O', b'o', bytes).any(beside_digit) {
        return false;
    }
    let is_o = |b: u8| matches!(b, b'O' | b'o');
    let numeral = |b: u8| b.is_ascii_digit() || is_o(b);
    let letter = |at: Option<usize>| {
        at.and_then(|k| bytes.get(k))
            .is_some_and(u8::is_ascii_alphabetic)
    };
    let mut zeros = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !numeral(bytes[i]) {
            i += 1;
            continue;
        }
        // The groups of a number: runs of digits and O's, one dash or space
        // between two of them.
        let mut groups = Vec::new();
        let mut end = i;
        loop {
            let start = end;
            while end < bytes.len() && numeral(bytes[end]) {
                end += 1;
            }
            groups.push(start..end);
            let joined = end + 1 < bytes.len()
                && matches!(bytes[end], b'-' | b' ')
                && numeral(bytes[end + 1]);
            if !joined {
                break;
            }
            end += 1;
        }
        let digits = bytes[i..end].iter().filter(|b| b.is_ascii_digit()).count();
        for g in groups {
            let group = &bytes[g.clone()];
            let first_digit = group.iter().position(u8::is_ascii_digit);
            let last_digit = group.iter().rposition(u8::is_ascii_digit);
            let (Some(first), Some(last)) = (first_digit, last_digit) else {
                continue;
            };
            // Leading and trailing O's count only in a long number and
            // where no letter touches them; an O before nine digits that
            // make a valid ID is the letter of 新竹市's IDs.
            let edge = digits >= 5 && !id_of_hsinchu_city(group);
            let lead = edge && !letter(g.start.checked_sub(1));
            let trail = edge && !letter(Some(g.end));
            for (k, &b) in group.iter().enumerate() {
                if is_o(b)
                    && ((first < k && k < last) || (k < first && lead) || (k > last && trail))
                {
                    zeros.push(g.start + k);
                }
            }
        }
        i = end;
    }
    if zeros.is_empty() {
        return false;
    }
    let mut out = std::mem::take(text).into_bytes();
    for at in zeros {
        out[at] = b'0';
    }
    // Only ASCII bytes were replaced by ASCII bytes.
    *text = String::from_utf8(out).unwrap_or_default();
    true
}

/// Whether `group` is O and nine digits that pass the national ID (and
/// resident certificate) check digit.
fn id_of_hsinchu_city(group: &[u8]) -> bool {
    <[u8; 10]>::try_from(group).is_ok_and(|mut id| {
        matches!(id[0], b'O' | b'o') && {
            id[0] = b'O';
            super::national_id::check(&id).is_some()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zeros(s: &str) -> String {
        let mut t = s.to_string();
        letter_o(&mut t);
        t
    }

    #[test]
    fn an_o_among_digits_is_a_zero() {
        assert_eq!(zeros("身分證 S1O87OOO94 電話"), "身分證 S108700094 電話");
        assert_eq!(zeros("電話O921-6O4-883"), "電話0921-604-883");
        assert_eq!(zeros("崇學路1O5巷2號"), "崇學路105巷2號");
        assert_eq!(zeros("手機 o912 345 67o"), "手機 0912 345 670");
    }

    #[test]
    fn normalization_reads_the_zeros() {
        let n = |s: &str| {
            crate::normalize::NormalizedText::new(s)
                .as_str()
                .to_string()
        };
        assert_eq!(n("身分證 S1O87OOO94"), "身分證S108700094");
        assert_eq!(n("電話o9２1-6O4-883"), "電話0921-604-883");
        assert_eq!(n("hello 12345"), "HELLO 12345");
    }

    #[test]
    fn an_o_of_a_word_stays() {
        for s in [
            "NO 12345",
            "GO2 bar",
            "HELLO 12345",
            "O2O",
            "OK 2026",
            "PO 12 件",
            "COVID19",
        ] {
            assert_eq!(zeros(s), s, "{s}");
        }
        // An ID of 新竹市 starts with the letter O.
        assert_eq!(zeros("O186544796 這號碼"), "O186544796 這號碼");
        // A short number's edge O is no zero: 2O 位 is not twenty.
        assert_eq!(zeros("約 2O 位"), "約 2O 位");
    }
}
