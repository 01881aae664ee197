//! The check digit of a national ID or resident certificate number, which
//! normalization needs as much as the scanner does: an O, I or L before
//! nine digits that pass it is the letter of an ID (新竹市, 嘉義市, 臺中縣),
//! not a digit. The letter table
//! and the weights are those of `reference/tw-identifiers.md` §1–2.

/// Letter values, A..=Z (I is 34, O 35, W 32, Z 33: the table is not in
/// alphabetical order).
const LETTER_VALUES: [u32; 26] = [
    10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30,
    31, 33,
];

/// Weights of the letter value's two digits and the nine digits after it.
const WEIGHTS: [u32; 11] = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1];

/// Which document a number with a valid check digit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdForm {
    /// A national ID: second character 1 or 2.
    National,
    /// A resident certificate: second character 8 or 9 (the 2021 format)
    /// or A to D (the old two-letter format).
    Resident,
}

/// The form of `s` (an upper-case letter, then 1, 2, 8, 9 or A to D, then
/// eight digits) if its check digit holds.
pub fn check(s: &[u8]) -> Option<IdForm> {
    if s.len() != 10 || !s[0].is_ascii_uppercase() || !s[2..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let letter = LETTER_VALUES[usize::from(s[0] - b'A')];
    let (second, form) = match s[1] {
        b'1' | b'2' => (u32::from(s[1] - b'0'), IdForm::National),
        b'8' | b'9' => (u32::from(s[1] - b'0'), IdForm::Resident),
        b'A'..=b'D' => (
            LETTER_VALUES[usize::from(s[1] - b'A')] % 10,
            IdForm::Resident,
        ),
        _ => return None,
    };
    let digits = [letter / 10, letter % 10, second]
        .into_iter()
        .chain(s[2..].iter().map(|&d| u32::from(d - b'0')));
    let sum: u32 = digits.zip(WEIGHTS).map(|(d, w)| d * w).sum();
    sum.is_multiple_of(10).then_some(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_digit_decides() {
        // Examples of reference/tw-identifiers.md §1–2.
        assert_eq!(check(b"A123456789"), Some(IdForm::National));
        assert_eq!(check(b"A123456788"), None);
        assert_eq!(check(b"A800000014"), Some(IdForm::Resident));
        assert_eq!(check(b"AA00000009"), Some(IdForm::Resident));
        assert_eq!(check(b"A323456789"), None);
        assert_eq!(check(b"a123456789"), None);
        assert_eq!(check(b"A12345678"), None);
    }
}
