//! The boundaries of the design (DESIGN.md, issue 14), checked on the
//! source itself so that they cannot erode unnoticed: the detection core
//! imports nothing else of the crate, the store knows no platform, the
//! platform adapters know neither the pipeline nor the scanner, and every
//! file stays small enough to read in one sitting.

use std::path::{Path, PathBuf};

use regex::Regex;

/// The longest a source file may grow.
const MAX_LINES: usize = 600;

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The top-level modules of the crate each file under `dir` names, with
/// where: `(file:line, module)`. Comments are not code.
fn crate_paths(dir: &str) -> Vec<(String, String)> {
    let path = Regex::new(r"\bcrate::([a-z_]+)").unwrap();
    let mut out = Vec::new();
    for file in files_under(&root().join(dir)) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for m in path.captures_iter(line) {
                let at = format!("{}:{}", file.strip_prefix(root()).unwrap().display(), i + 1);
                out.push((at, m[1].to_string()));
            }
        }
    }
    out
}

/// Fails with every place in `dir` that names a module outside `allowed`.
fn only(dir: &str, allowed: &[&str]) {
    let bad: Vec<_> = crate_paths(dir)
        .into_iter()
        .filter(|(_, m)| !allowed.contains(&m.as_str()))
        .collect();
    assert!(bad.is_empty(), "{dir} may use only {allowed:?}: {bad:?}");
}

/// Fails with every place in `dir` that names one of `forbidden`.
fn never(dir: &str, forbidden: &[&str]) {
    let bad: Vec<_> = crate_paths(dir)
        .into_iter()
        .filter(|(_, m)| forbidden.contains(&m.as_str()))
        .collect();
    assert!(bad.is_empty(), "{dir} must not use {forbidden:?}: {bad:?}");
}

#[test]
fn the_detection_core_imports_nothing_else_of_the_crate() {
    only("src/normalize", &["normalize"]);
    only("src/scan", &["scan", "normalize"]);
    for top in ["src/scan/mod.rs", "src/normalize/mod.rs"] {
        let text = std::fs::read_to_string(root().join(top)).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        assert!(!code.contains("super::"), "{top} reaches out of its folder");
    }
}

#[test]
fn the_store_knows_no_platform() {
    never(
        "src/store",
        &["line", "platform", "http", "app", "workers", "cli"],
    );
}

#[test]
fn a_platform_adapter_knows_neither_the_pipeline_nor_the_scanner() {
    never(
        "src/line",
        &[
            "pipeline",
            "scan",
            "normalize",
            "store",
            "workers",
            "http",
            "app",
        ],
    );
    only("src/platform", &["notice"]);
}

#[test]
fn every_source_file_is_short_and_no_function_takes_too_many_arguments() {
    let mut long = Vec::new();
    for dir in ["src", "tests", "benches", "examples"] {
        for file in files_under(&root().join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            let lines = text.lines().count();
            if lines > MAX_LINES {
                long.push((file.display().to_string(), lines));
            }
            assert!(
                !text.contains(&["clippy::too_many", "_arguments"].concat()),
                "{} silences clippy's argument count",
                file.display()
            );
        }
    }
    assert!(long.is_empty(), "over {MAX_LINES} lines: {long:?}");
}
