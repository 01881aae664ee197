//! The attachment reader as the server runs it: arbitrary bytes go to the
//! sandboxed child (`leakguard extract`, the binary named by
//! `LEAKGUARD_BIN`) and come back as text or as one "not scanned" reason.
//! Whatever the child does (abort, overflow its stack, allocate without
//! bound, hang), this parent must not crash, and what comes back must keep
//! within the limits. Seed it per format family from
//! `tests/fixtures/attachments` (README, *Fuzzing*).
#![no_main]

use std::sync::OnceLock;

use leakguard::extract::child::Sandbox;
use libfuzzer_sys::fuzz_target;

fn sandbox() -> &'static Sandbox {
    static S: OnceLock<Sandbox> = OnceLock::new();
    S.get_or_init(|| {
        let program = std::env::var_os("LEAKGUARD_BIN")
            .expect("LEAKGUARD_BIN names the leakguard binary (target/release/leakguard)");
        let mut s = Sandbox::current().expect("sandbox");
        s.program = program.into();
        // Small bounds keep a run fast; the outcomes are the same kinds.
        s.memory_mib = 512;
        s.cpu_seconds = 5;
        s.timeout = std::time::Duration::from_secs(5);
        s.limits.ocr_seconds = 3;
        s
    })
}

fuzz_target!(|bytes: &[u8]| {
    let s = sandbox();
    if let Ok(extracted) = s.run(bytes) {
        let chars: usize = extracted
            .sections
            .iter()
            .map(|section| section.text.chars().count())
            .sum();
        assert!(chars <= s.limits.max_chars, "{chars} characters kept");
        // What the server does with a section next: cut it in pieces and
        // name the line of a finding.
        for section in &extracted.sections {
            let starts = section.line_starts();
            let len = section.text.chars().count();
            for (offset, piece) in section.chunks(400) {
                assert!(offset + piece.chars().count() <= len);
                let _ = section.line_at(&starts, offset);
            }
        }
    }
});
