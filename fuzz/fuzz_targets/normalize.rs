//! The normalizer and its offset map on arbitrary text: the counts agree
//! with the text, byte and character indices round-trip, and every span
//! maps inside the original text, in order.
#![no_main]

use leakguard::normalize::NormalizedText;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let n = NormalizedText::new(text);
    let s = n.as_str();
    let len = n.char_len();
    assert_eq!(len, s.chars().count());
    assert_eq!(n.original_char_len(), text.chars().count());
    assert!(n.digit_count() <= len && n.digit_run() <= n.digit_count());
    assert_eq!(
        n.digit_count(),
        s.chars().filter(char::is_ascii_digit).count()
    );
    for (i, (b, _)) in s.char_indices().enumerate() {
        assert_eq!(n.char_index(b), i);
        assert_eq!(n.byte_index(i), b);
    }
    assert_eq!(n.byte_index(len), s.len());
    let original = n.original_char_len();
    let mut last = 0;
    for i in 0..len {
        let (a, b) = n.original_span(i, i + 1);
        assert!(
            a < b && b <= original,
            "char {i} maps to {a}..{b} of {original}"
        );
        assert!(
            a >= last,
            "char {i} maps before char {}",
            i.saturating_sub(1)
        );
        last = a;
    }
    for (start, end) in [
        (0, len),
        (len / 3, len / 2),
        (len, len + 5),
        (len / 2, len / 3),
    ] {
        let (a, b) = n.original_span(start, end);
        assert!(
            a <= b && b <= original,
            "{start}..{end} maps to {a}..{b} of {original}"
        );
    }
});
