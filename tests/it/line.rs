//! LINE's own material: every webhook body from the official SDKs' test
//! suites parses, and every recorded signature is judged as recorded. The
//! files are read from `$LEAKGUARD_LINE_FIXTURES` (never copied here); under
//! `CI=true` the directory must exist.

use std::path::{Path, PathBuf};

use base64::Engine;
use leakguard::line::event::{utf16_span_to_chars, CallbackRequest, EventKind, Message};
use leakguard::line::signature::{verify, SignatureError};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub fn fixtures() -> Option<PathBuf> {
    match std::env::var_os("LEAKGUARD_LINE_FIXTURES") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            assert!(
                dir.is_dir(),
                "LEAKGUARD_LINE_FIXTURES={} is not a directory",
                dir.display()
            );
            Some(dir)
        }
        None if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("LEAKGUARD_LINE_FIXTURES must be set in CI")
        }
        None => {
            eprintln!("skipped: LEAKGUARD_LINE_FIXTURES is not set");
            None
        }
    }
}

pub fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json")
            && path
                .file_name()
                .is_some_and(|n| n != "signature-vectors.json")
        {
            out.push(path);
        }
    }
}

#[test]
fn every_webhook_body_from_the_sdks_parses() {
    let Some(dir) = fixtures() else { return };
    let mut files = Vec::new();
    json_files(&dir, &mut files);
    assert!(
        files.len() >= 30,
        "only {} webhook bodies found",
        files.len()
    );
    for f in &files {
        let body = std::fs::read(f).unwrap();
        let req: Result<CallbackRequest, _> = serde_json::from_slice(&body);
        let req = req.unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let raw: Value = serde_json::from_slice(&body).unwrap();
        let n = raw["events"].as_array().map_or(0, Vec::len);
        assert_eq!(req.events.len(), n, "{}", f.display());
    }
}

#[test]
fn the_python_sdk_body_keeps_all_28_events_and_the_unknown_one() {
    let Some(dir) = fixtures() else { return };
    let body = std::fs::read(dir.join("line-bot-sdk-python/tests/v3/text/webhook.json")).unwrap();
    let req: CallbackRequest = serde_json::from_slice(&body).unwrap();
    assert_eq!(req.events.len(), 28);
    assert!(req
        .events
        .iter()
        .any(|e| matches!(e.kind, EventKind::Unknown)));
    assert!(req
        .events
        .iter()
        .any(|e| matches!(e.kind, EventKind::MessageEdited { .. })));
    assert!(req
        .events
        .iter()
        .any(|e| matches!(e.kind, EventKind::Unsend { .. })));
    assert!(req
        .events
        .iter()
        .any(|e| e.delivery_context.as_ref().is_some_and(|d| d.is_redelivery)));
}

#[test]
fn an_out_of_range_emoji_index_does_not_panic() {
    let Some(dir) = fixtures() else { return };
    let path =
        dir.join("line-bot-sdk-java/line-bot-webhook/src/test/resources/callback/text-emojis.json");
    let req: CallbackRequest = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let EventKind::Message {
        message: Message::Text { text, emojis, .. },
    } = &req.events[0].kind
    else {
        panic!("a text message");
    };
    assert_eq!(
        utf16_span_to_chars(text, emojis[0].index, emojis[0].length),
        None
    );
}

#[test]
fn every_recorded_signature_is_judged_as_recorded() {
    let Some(dir) = fixtures() else { return };
    let vectors: Value =
        serde_json::from_slice(&std::fs::read(dir.join("signature-vectors.json")).unwrap())
            .unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 12);
    for c in cases {
        let id = c["id"].as_str().unwrap();
        let body = if let Some(f) = c["body_file"].as_str() {
            std::fs::read(dir.join(f)).unwrap()
        } else if let Some(b) = c["body_base64"].as_str() {
            base64::engine::general_purpose::STANDARD.decode(b).unwrap()
        } else {
            c["body"].as_str().unwrap().as_bytes().to_vec()
        };
        let digest = hex(&Sha256::digest(&body));
        assert_eq!(
            digest,
            c["body_sha256"].as_str().unwrap(),
            "{id}: body changed"
        );
        let secret = c["channel_secret"].as_str().unwrap().as_bytes();
        let got = verify(secret, &body, c["x_line_signature"].as_str());
        assert_eq!(
            got.is_ok(),
            c["signature_valid"].as_bool().unwrap(),
            "{id}: {got:?}"
        );
    }
}

/// Where the two byte-exact Spring Boot bodies live in the fixtures.
pub const SPRING_BOOT_DIR: &str =
    "line-bot-sdk-java/spring-boot/line-bot-spring-boot-webmvc/src/test/resources";

/// The Spring Boot bodies and the signatures their tests record (secret `SECRET`).
pub const SPRING_BOOT_FILES: [(&str, &str); 2] = [
    (
        "callback-request.json",
        "ECezgIpQNUEp4OSHYd7xGSuFG7e66MLPkCkK1Y28XTU=",
    ),
    (
        "callback-request-with-destination.json",
        "JrTTkLoW+Qj8pWajBMzZJ70O3katMjJKUlXaMFiIdkI=",
    ),
];

#[test]
fn the_spring_boot_bodies_verify_with_secret_and_recorded_signature() {
    let Some(dir) = fixtures() else { return };
    let base = dir.join(SPRING_BOOT_DIR);
    for (file, sig) in SPRING_BOOT_FILES {
        let body = std::fs::read(base.join(file)).unwrap();
        assert_eq!(verify(b"SECRET", &body, Some(sig)), Ok(()), "{file}");
        assert_eq!(
            verify(b"SECRET2", &body, Some(sig)),
            Err(SignatureError::Mismatch),
            "{file}"
        );
        serde_json::from_slice::<CallbackRequest>(&body).unwrap();
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
