//! The webhook body parser on arbitrary bytes: it must answer Ok or Err,
//! never panic, and whatever it accepts must plan without panicking.
#![no_main]

use std::sync::{Arc, OnceLock};

use leakguard::config::Config;
use leakguard::line::event::parse_batch;
use leakguard::secret::MasterKey;
use leakguard::pipeline::Pipeline;
use leakguard::scan::{builtin_packs, Scanner};
use libfuzzer_sys::fuzz_target;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| {
        let scanner = Scanner::new(&builtin_packs().expect("packs")).expect("scanner");
        let mut config = Config::default();
        config.report.officers = vec!["U0fficer".into()];
        Pipeline::new(
            Arc::new(scanner),
            Arc::new(config),
            &MasterKey::new(b"fuzzing-key-0123456789".to_vec())
                .expect("key")
                .keys(1),
            "line",
        )
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(batch) = parse_batch(data) {
        for event in batch.events.into_iter().flatten() {
            let event = event.into_chat_event("line");
            let _ = pipeline().plan(&event, 1_700_000_000_000);
        }
    }
});
