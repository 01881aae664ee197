//! `leakguard patterns check`: load every pack, run every inline example.

use std::path::Path;
use std::process::ExitCode;

use super::CliError;
use crate::scan::{self, Pack, Scanner, Severity};

/// One example judged wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// Pack file.
    pub file: String,
    /// Rule id.
    pub rule: String,
    /// Whether the example was a positive one.
    pub positive: bool,
    /// The example text.
    pub example: String,
    /// What the rule gave instead.
    pub got: String,
}

/// Runs every example of every rule; returns the failures and the number run.
pub fn run_examples(packs: &[Pack], scanner: &Scanner) -> (Vec<ExampleFailure>, usize) {
    let mut failures = Vec::new();
    let mut run = 0;
    for pack in packs {
        for rule in &pack.rules {
            let cases = rule
                .examples
                .positive
                .iter()
                .map(|e| (true, e))
                .chain(rule.examples.negative.iter().map(|e| (false, e)));
            for (positive, example) in cases {
                run += 1;
                let result = scanner.scan(example);
                let mine = result.findings.iter().find(|f| f.rule == rule.id);
                let warned = mine.is_some_and(|f| f.severity >= Severity::Medium);
                if warned != positive {
                    failures.push(ExampleFailure {
                        file: pack.source.clone(),
                        rule: rule.id.clone(),
                        positive,
                        example: example.clone(),
                        got: mine.map_or("no finding".to_string(), |f| {
                            format!("{} (score {})", f.severity, f.score)
                        }),
                    });
                }
            }
        }
    }
    (failures, run)
}

/// Runs `patterns check`.
pub fn check(dir: Option<&Path>) -> Result<ExitCode, CliError> {
    let packs = match dir {
        Some(d) => scan::load_dir(d),
        None => scan::builtin_packs(),
    }
    .map_err(|e| CliError::failed(e.to_string()))?;
    let scanner = Scanner::new(&packs).map_err(|e| CliError::failed(e.to_string()))?;
    let (failures, run) = run_examples(&packs, &scanner);
    for f in &failures {
        eprintln!(
            "{}: rule {}: {} example misjudged ({}): {}",
            f.file,
            f.rule,
            if f.positive { "positive" } else { "negative" },
            f.got,
            f.example
        );
    }
    if failures.is_empty() {
        println!(
            "ok: {} packs, {} rules, {} examples",
            packs.len(),
            scanner.rule_count(),
            run
        );
        Ok(ExitCode::SUCCESS)
    } else {
        Err(CliError::failed(format!(
            "{} of {run} examples misjudged",
            failures.len()
        )))
    }
}
