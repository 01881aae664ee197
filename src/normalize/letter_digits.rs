//! Letters typed or scanned for digits among ASCII digits, as a scanned
//! form's text or a hurried hand gives them: O for a zero (S1O87OOO94,
//! O921-6O4-883, 崇學路1O5巷), and l or I for a one (B2l34234O4,
//! E98264268l, as OCR reads a narrow 1). Such a letter between two digits
//! of one group becomes its digit, and so does one that opens or closes a
//! group of a number of five digits or more (groups split by one dash or
//! space each) where no other letter touches it, or where only an ID's own
//! letter does and the ID then holds (KL1O54L269). An l or I does so only
//! where it completes an ID or a mobile number, and the letter that opens
//! a valid ID stays. A letter of a word (NO, GO2, HELLO 12345), a unit
//! (1500L), a model (i7-13700) or a serial stays. Normalization calls it
//! last, on the upper-cased text, where the text holds two ASCII digits or
//! more.

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
    let letter = |at: Option<usize>| letter_at(bytes, at);
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
        // The letter that opens an ID written whole or in groups (O of
        // 新竹市, I of 嘉義市, L of 臺中縣: O186-544-796) is the ID's own.
        let opens_id = digit_of(bytes[i]).is_some() && spells_id(bytes, i, end);
        // A lone letter just before a nine-character number may be an
        // ID's, with a letter read for its first digit (KL1O54L269,
        // HI5O425626 as OCR gives them): those leading letters count if the
        // ID then holds.
        let nine = bytes[i..end]
            .iter()
            .filter(|b| !matches!(b, b'-' | b' '))
            .count()
            == 9;
        let after_id_letter = nine && lone_letter_before(bytes, i);
        let mut led_to = i;
        let mut zeros = Vec::new();
        let mut ones = Vec::new();
        for g in groups {
            let group = &bytes[g.clone()];
            let first_digit = group.iter().position(u8::is_ascii_digit);
            let last_digit = group.iter().rposition(u8::is_ascii_digit);
            let (Some(first), Some(last)) = (first_digit, last_digit) else {
                continue;
            };
            // Leading and trailing letters count only in a long number and
            // where no other letter touches them (but an ID's own, above).
            let edge = digits >= 5;
            let id_lead = edge && g.start == i && after_id_letter;
            let lead = (edge && !letter(g.start.checked_sub(1))) || id_lead;
            let trail = edge && !letter(Some(g.end));
            if id_lead {
                led_to = g.start + first;
            }
            for (k, &b) in group.iter().enumerate() {
                let at = g.start + k;
                let Some(d) = digit_of(b) else { continue };
                let inner = first < k && k < last;
                if (opens_id && at == i) || !(inner || (k < first && lead) || (k > last && trail)) {
                    continue;
                }
                if d == b'0' {
                    zeros.push((at, d));
                } else {
                    ones.push((at, d));
                }
            }
        }
        // An l or an I is a letter of words, units and codes far more often
        // than an O is (5L, i7, a serial, a link's path): it reads as 1 only
        // where the number it completes is an ID (after its letter) or a
        // mobile number. The letters read after an ID's own letter stay
        // letters unless the ID holds.
        let complete =
            (!ones.is_empty() || led_to > i) && completes_number(bytes, i, end, &zeros, &ones);
        if !complete {
            zeros.retain(|&(at, _)| at >= led_to);
            ones.clear();
        }
        digits_at.extend(zeros);
        digits_at.extend(ones);
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

/// Whether the byte at `at`, if there is one, is an ASCII letter.
fn letter_at(bytes: &[u8], at: Option<usize>) -> bool {
    at.and_then(|k| bytes.get(k))
        .is_some_and(u8::is_ascii_alphabetic)
}

/// Whether one letter stands right before byte `at`, not the end of a word.
fn lone_letter_before(bytes: &[u8], at: usize) -> bool {
    letter_at(bytes, at.checked_sub(1)) && !letter_at(bytes, at.checked_sub(2))
}

/// Whether `letter` and exactly nine characters after it make a valid ID
/// (or resident certificate) number.
fn is_id(letter: u8, rest: impl IntoIterator<Item = u8>) -> bool {
    let mut id = [letter.to_ascii_uppercase(); 10];
    let mut n = 1;
    for b in rest {
        if n == 10 {
            return false;
        }
        id[n] = b;
        n += 1;
    }
    n == 10 && super::national_id::check(&id).is_some()
}

/// Whether `bytes[from..end]` (a number, its groups split by a dash or a
/// space) spells an ID from its first character, a letter, with the
/// letters after it read as digits.
fn spells_id(bytes: &[u8], from: usize, end: usize) -> bool {
    let mut chars = bytes[from..end]
        .iter()
        .copied()
        .filter(|b| !matches!(b, b'-' | b' '));
    chars
        .next()
        .is_some_and(|first| is_id(first, chars.map(|b| digit_of(b).unwrap_or(b))))
}

/// Whether the number `bytes[from..end]`, with the letters at `zeros` and
/// `ones` read as their digits, is an ID after the one letter before it
/// (B2l34234O4, E98264268l) or a mobile number (O9l2-345-678).
fn completes_number(
    bytes: &[u8],
    from: usize,
    end: usize,
    zeros: &[(usize, u8)],
    ones: &[(usize, u8)],
) -> bool {
    let read = |at: usize| {
        zeros
            .iter()
            .chain(ones)
            .find(|&&(k, _)| k == at)
            .map_or(bytes[at], |&(_, d)| d)
    };
    let number: Vec<u8> = (from..end)
        .filter(|&k| !matches!(bytes[k], b'-' | b' '))
        .map(read)
        .collect();
    if !number.iter().all(u8::is_ascii_digit) {
        return false;
    }
    if letter_at(bytes, from.checked_sub(1)) {
        // One letter before it, not the end of a word: an ID.
        return lone_letter_before(bytes, from) && is_id(bytes[from - 1], number);
    }
    number.len() == 10 && number.starts_with(b"09")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> String {
        let mut t = s.to_string();
        letter_digits(&mut t);
        t
    }

    #[test]
    fn an_o_among_digits_is_a_zero() {
        assert_eq!(read("身分證 S1O87OOO94 電話"), "身分證 S108700094 電話");
        assert_eq!(read("電話O921-6O4-883"), "電話0921-604-883");
        assert_eq!(read("崇學路1O5巷2號"), "崇學路105巷2號");
        assert_eq!(read("手機 o912 345 67o"), "手機 0912 345 670");
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
            assert_eq!(read(s), s, "{s}");
        }
        // A short number's edge O is no zero: 2O 位 is not twenty.
        assert_eq!(read("約 2O 位"), "約 2O 位");
    }

    #[test]
    fn an_l_or_i_among_digits_is_a_one() {
        // Where it completes an ID after its letter, or a mobile number.
        assert_eq!(read("B2L34234O4"), "B213423404");
        assert_eq!(read("E98264268L 新證號"), "E982642681 新證號");
        assert_eq!(read("T98302I973"), "T983021973");
        assert_eq!(read("手機 O9L2-345-678"), "手機 0912-345-678");
        // Its first digit read as a letter too, right after the ID's letter.
        assert_eq!(read("KL1O54L269 許家豪"), "K110541269 許家豪");
        assert_eq!(read("是 HI5O425626 😅"), "是 H150425626 😅");
        // Not where the ID would not hold.
        assert_eq!(read("KL1O54L268"), "KL1054L268");
        // Units, models, serials, links and masked numbers keep theirs.
        for s in [
            "5L 裝",
            "5L 12345",
            "水塔1500L 12000元",
            "20000L水車",
            "I7-13700",
            "FCW2318L0KX",
            "L12345****",
            "BIT.LY/2IL048H",
            "L2 12345",
            "ABL-1234",
            "I 12345",
            "LEVEL 12345",
        ] {
            assert_eq!(read(s), s, "{s}");
        }
    }

    #[test]
    fn the_letter_of_an_id_stays() {
        // Whole or in groups: I of 嘉義市, L of 臺中縣, O of 新竹市.
        for s in [
            "I100000003",
            "L123-456-788",
            "I223 456 783",
            "O211-035-953",
            "O186544796 這號碼",
        ] {
            assert_eq!(read(s), s, "{s}");
        }
        // A letter misread inside it still reads as its digit.
        assert_eq!(read("I223O56783"), "I223056783");
    }
}
