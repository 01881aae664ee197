//! Letters typed or scanned for digits among ASCII digits, as a scanned
//! form's text or a hurried hand gives them: O for a zero (S1O87OOO94,
//! O921-6O4-883, 崇學路1O5巷), and l or I for a one (B2l34234O4,
//! E98264268l, as OCR reads a narrow 1). Such a letter between two digits
//! of one group becomes its digit, and so does one that opens or closes a
//! group of a number of five digits or more (groups split by one dash or
//! space each) where no other letter touches it. A letter of a word (NO,
//! GO2, HELLO 12345, 5L) stays. Normalization calls it last, on the
//! upper-cased text, where the text holds two ASCII digits or more.

/// The digit a letter stands for among digits: O for 0; L (a lower-case l
/// upper-cased) and I for 1; their lower-case forms too.
fn digit_of(b: u8) -> Option<u8> {
    match b {
        b'O' | b'o' => Some(b'0'),
        b'L' | b'l' | b'I' | b'i' => Some(b'1'),
        _ => None,
    }
}

/// Rewrites such letters in `text`, one byte for one; returns whether any
/// changed.
pub(super) fn letter_digits(text: &mut String) -> bool {
    let bytes = text.as_bytes();
    // Most texts with such a letter and digits have it inside a word: a
    // digit is a letter beside a digit (or in a run that touches one).
    let beside_digit = |i: usize| {
        (i > 0 && bytes[i - 1].is_ascii_digit()) || bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
    };
    // Normalization upper-cases the text first, so the second search (for
    // callers that did not) finds nothing there, quickly.
    if !memchr::memchr3_iter(b'O', b'L', b'I', bytes)
        .chain(memchr::memchr3_iter(b'o', b'l', b'i', bytes))
        .any(beside_digit)
    {
        return false;
    }
    let numeral = |b: u8| b.is_ascii_digit() || digit_of(b).is_some();
    let letter = |at: Option<usize>| {
        at.and_then(|k| bytes.get(k))
            .is_some_and(u8::is_ascii_alphabetic)
    };
    let mut digits_at = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !numeral(bytes[i]) {
            i += 1;
            continue;
        }
        // The groups of a number: runs of digits and such letters, one dash
        // or space between two of them.
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
            // Leading and trailing letters count only in a long number and
            // where no other letter touches them; an O before nine digits
            // that make a valid ID is the letter of 新竹市's IDs, and so is
            // an I of 宜蘭縣's or an L of 臺中縣's.
            let edge = digits >= 5 && !valid_id(group);
            let lead = edge && !letter(g.start.checked_sub(1));
            let trail = edge && !letter(Some(g.end));
            for (k, &b) in group.iter().enumerate() {
                if let Some(d) = digit_of(b) {
                    if (first < k && k < last) || (k < first && lead) || (k > last && trail) {
                        digits_at.push((g.start + k, d));
                    }
                }
            }
        }
        i = end;
    }
    if digits_at.is_empty() {
        return false;
    }
    let mut out = std::mem::take(text).into_bytes();
    for (at, d) in digits_at {
        out[at] = d;
    }
    // Only ASCII bytes were replaced by ASCII bytes.
    *text = String::from_utf8(out).unwrap_or_default();
    true
}

/// Whether `group` is a letter and nine digits that pass the national ID
/// (and resident certificate) check digit.
fn valid_id(group: &[u8]) -> bool {
    <[u8; 10]>::try_from(group).is_ok_and(|mut id| {
        id[0] = id[0].to_ascii_uppercase();
        id[0].is_ascii_uppercase() && super::national_id::check(&id).is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zeros(s: &str) -> String {
        let mut t = s.to_string();
        letter_digits(&mut t);
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
    fn normalization_reads_the_digits() {
        let n = |s: &str| {
            crate::normalize::NormalizedText::new(s)
                .as_str()
                .to_string()
        };
        assert_eq!(n("身分證 S1O87OOO94"), "身分證S108700094");
        assert_eq!(n("電話o9２1-6O4-883"), "電話0921-604-883");
        assert_eq!(n("hello 12345"), "HELLO 12345");
        assert_eq!(n("身分證號：B2l34234O4"), "身分證號:B213423404");
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

    #[test]
    fn an_l_or_i_among_digits_is_a_one() {
        assert_eq!(zeros("B2L34234O4"), "B213423404");
        assert_eq!(zeros("E98264268L 新證號"), "E982642681 新證號");
        assert_eq!(zeros("T98302I973"), "T983021973");
        // Units and words keep their letters.
        for s in [
            "5L 裝",
            "12L",
            "ABL-1234",
            "I 12345",
            "LEVEL 12345",
            "1500L",
        ] {
            assert_eq!(zeros(s), s, "{s}");
        }
        // A valid ID of 宜蘭縣 or 臺中縣 keeps its letter.
        assert_eq!(zeros("I100000003"), "I100000003");
    }
}
