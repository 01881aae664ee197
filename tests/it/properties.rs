//! Property tests: arbitrary Unicode never panics and offsets stay in bounds.

use leakguard::normalize::NormalizedText;
use leakguard::redact::redact;
use proptest::prelude::*;

use super::scanner;

/// Strings mixing the characters chat is made of with anything at all.
fn chat_like() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        any::<char>().prop_map(String::from),
        Just("確診".to_string()),
        Just("稽查".to_string()),
        Just("檢舉人".to_string()),
        Just("\u{200B}".to_string()),
        Just(" ".to_string()),
        Just("０９１２－３４５－６７８".to_string()),
        Just("B127361586".to_string()),
        Just("號".to_string()),
        Just("😷".to_string()),
        Just("后".to_string()),
        Just("〇九二".to_string()),
        Just("〇九二三四五六七".to_string()),
        Just("１２".to_string()),
        Just("①".to_string()),
        Just("\u{FE0F}".to_string()),
        "[0-9]{1,4}".prop_map(|s| s),
        "[a-zA-Z]{1,3}".prop_map(|s| s),
    ];
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn scanning_never_panics_and_evidence_is_in_bounds(text in chat_like()) {
        let chars: Vec<char> = text.chars().collect();
        for f in scanner().scan(&text).findings {
            prop_assert!(f.score <= 100);
            for e in f.evidence {
                prop_assert!(e.start <= e.end && e.end <= chars.len(), "{:?} in {:?}", e, text);
                let quoted: String = chars[e.start..e.end].iter().collect();
                prop_assert_eq!(quoted, e.text);
            }
        }
        let _ = redact(&text);
    }

    #[test]
    fn digit_counts_match_the_normalized_text(text in chat_like()) {
        let n = NormalizedText::new(&text);
        let digits = n.as_str().bytes().filter(u8::is_ascii_digit).count();
        let longest = n
            .as_str()
            .split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()
            .unwrap_or(0);
        prop_assert_eq!(n.digit_count(), digits, "{:?} -> {:?}", text, n.as_str());
        prop_assert_eq!(n.digit_run(), longest, "{:?} -> {:?}", text, n.as_str());
    }

    #[test]
    fn normalized_spans_map_into_the_original(text in any::<String>()) {
        let n = NormalizedText::new(&text);
        let len = text.chars().count();
        prop_assert_eq!(n.original_char_len(), len);
        for i in 0..=n.char_len() {
            for j in i..=(i + 3).min(n.char_len()) {
                let (s, e) = n.original_span(i, j);
                prop_assert!(s <= e && e <= len);
            }
        }
    }
}
