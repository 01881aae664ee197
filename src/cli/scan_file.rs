//! `leakguard scan --file PATH`: an attachment read the way the server
//! reads one (in the sandboxed child, `extract::child`), each of its parts
//! scanned, and each rule's strongest finding reported with where in the
//! file it is, so that an officer or a rule author can try a file without
//! LINE.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use serde_json::json;

use super::CliError;
use crate::extract::child::Sandbox;
use crate::extract::{Extracted, NotScanned};
use crate::pipeline::attachment::{scan_extracted, Located};
use crate::scan::Scanner;

/// Runs `scan --file`.
pub fn run(scanner: &Scanner, path: &Path, as_json: bool) -> Result<ExitCode, CliError> {
    let sandbox = Sandbox::current()
        .map_err(|e| CliError::failed(format!("cannot find the leakguard binary: {e}")))?;
    let bytes = read(path, sandbox.max_input)?;
    let name = path.display().to_string();
    let report = match sandbox.run(&bytes) {
        Err(reason) => not_scanned(&name, reason, as_json),
        Ok(extracted) => {
            let found = scan_extracted(scanner, &extracted);
            if as_json {
                to_json(&extracted, &found)
            } else {
                human(scanner, &name, &extracted, &found)
            }
        }
    };
    super::write_stdout(&report)?;
    Ok(ExitCode::SUCCESS)
}

/// The file's bytes, one more than the sandbox takes at most (so that a
/// file or a pipe that never ends is refused as too large, not read
/// forever).
fn read(path: &Path, max: u64) -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(max + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(max + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
    Ok(bytes)
}

fn not_scanned(name: &str, reason: NotScanned, as_json: bool) -> String {
    if as_json {
        let v = json!({
            "verdict": "none",
            "not_scanned": { "reason": reason.label(), "message": reason.zh_tw() },
            "findings": [],
        });
        format!("{v}\n")
    } else {
        format!(
            "附件：{name}\n未掃描：{}（{}）\n",
            reason.zh_tw(),
            reason.label()
        )
    }
}

fn to_json(extracted: &Extracted, found: &[Located]) -> String {
    let verdict = found.iter().map(|l| l.finding.severity).max();
    let findings: Vec<serde_json::Value> = found
        .iter()
        .map(|l| {
            let mut v = serde_json::to_value(&l.finding).expect("a finding serializes");
            v["location"] = json!(l.location);
            v
        })
        .collect();
    let v = json!({
        "verdict": verdict.map_or("none", |s| s.as_str()),
        "format": extracted.format,
        "sections": extracted.sections.len(),
        "truncated": extracted.truncated,
        "skipped": extracted.skipped,
        "findings": findings,
    });
    format!("{v}\n")
}

fn human(scanner: &Scanner, name: &str, extracted: &Extracted, found: &[Located]) -> String {
    let mut r = format!(
        "附件：{name}（{}，{} 個部分{}{}）\n",
        extracted.format.zh_tw(),
        extracted.sections.len(),
        if extracted.truncated {
            "，內容過長，只讀取前段"
        } else {
            ""
        },
        match extracted.skipped {
            0 => String::new(),
            n => format!("，{n} 個部分無法讀取"),
        }
    );
    let verdict = found.iter().map(|l| l.finding.severity).max();
    r.push_str(&super::scan_cmd::verdict_line(verdict, found.len()));
    for (i, l) in found.iter().enumerate() {
        let place = format!("   位置：{}\n", l.location);
        r.push_str(&super::scan_cmd::finding_block(
            scanner,
            i + 1,
            &l.finding,
            &place,
        ));
    }
    r
}
