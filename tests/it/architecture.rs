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

/// How deep a file's module lies below `dir`'s own module (`scan/mod.rs`
/// is 0, `scan/engine.rs` 1, `scan/entity/ids.rs` 2): the most `super::`
/// its code may chain and still stay inside `dir`.
fn depth(dir: &Path, file: &Path) -> usize {
    let rel = file.strip_prefix(dir).unwrap();
    let n = rel.components().count();
    if rel.ends_with("mod.rs") {
        n - 1
    } else {
        n
    }
}

/// The top-level modules of the crate each file under `dir` names, with
/// where: `(file:line, module)`. Paths through `crate::`, grouped imports
/// (`crate::{a, b}`) and chains of `super::` that climb out of `dir` (as
/// `crate`) all count. Comments are not code.
fn crate_paths(dir: &str) -> Vec<(String, String)> {
    let path = Regex::new(r"\bcrate::([a-z_]+)").unwrap();
    let group = Regex::new(r"\bcrate::\{([^}]*)\}").unwrap();
    let supers = Regex::new(r"\b(?:super::)+").unwrap();
    let top = root().join(dir);
    let mut out = Vec::new();
    for file in files_under(&top) {
        let text = std::fs::read_to_string(&file).unwrap();
        let depth = depth(&top, &file);
        // Open braces of the `mod tests` block the line is in; 0 outside.
        let mut tests_open: i64 = 0;
        for (i, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            let braces = code.matches('{').count() as i64 - code.matches('}').count() as i64;
            if tests_open == 0 && code.starts_with("mod tests") {
                tests_open = braces.max(1);
            } else if tests_open > 0 {
                tests_open = (tests_open + braces).max(0);
            }
            let in_tests = tests_open > 0;
            let at = format!("{}:{}", file.strip_prefix(root()).unwrap().display(), i + 1);
            for m in path.captures_iter(line) {
                out.push((at.clone(), m[1].to_string()));
            }
            for g in group.captures_iter(line) {
                for item in g[1].split(',') {
                    let first = item.trim().split("::").next().unwrap_or("").trim();
                    if !first.is_empty() {
                        out.push((at.clone(), first.to_string()));
                    }
                }
            }
            // A test module sits one level below its file.
            let allowed = depth + usize::from(in_tests);
            for m in supers.find_iter(line) {
                if m.as_str().matches("super::").count() > allowed {
                    out.push((at.clone(), "crate".to_string()));
                }
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
    only("src/extract", &["extract"]);
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
