//! The scanner on arbitrary text: never a panic, every piece of evidence
//! lies inside the message and quotes exactly its characters, and the
//! redacted excerpt a warning would show can be built.
#![no_main]

use std::sync::OnceLock;

use leakguard::incident::Scanned;
use leakguard::normalize::NormalizedText;
use leakguard::redact::redact_normalized;
use leakguard::scan::{builtin_packs, Scanner};
use libfuzzer_sys::fuzz_target;

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(|| Scanner::new(&builtin_packs().expect("packs")).expect("scanner"))
}

fuzz_target!(|text: &str| {
    let norm = NormalizedText::new(text);
    let result = scanner().scan_normalized(text, &norm);
    let chars: Vec<char> = text.chars().collect();
    for f in &result.findings {
        for e in &f.evidence {
            assert!(
                e.start < e.end && e.end <= chars.len(),
                "{}..{} of {}",
                e.start,
                e.end,
                chars.len()
            );
            let quoted: String = chars[e.start..e.end].iter().collect();
            assert_eq!(quoted, e.text);
        }
    }
    let scanned = Scanned::new(text, &norm, &result.findings);
    let _ = scanned.excerpt_of(scanned.categories.iter());
    let _ = redact_normalized(text, &norm);
});
