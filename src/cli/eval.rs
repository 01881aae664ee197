//! `leakguard eval`: precision and recall per category on labelled JSONL.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use serde_json::Value;

use super::CliError;
use crate::scan::{Scanner, Severity};

/// One labelled message.
#[derive(Debug, Clone)]
pub struct Item {
    /// The item id (or `file:line` when absent).
    pub id: String,
    /// The message.
    pub text: String,
    /// Expected categories (empty = nothing to warn about).
    pub labels: BTreeSet<String>,
}

/// Counts and rates for one category.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Score {
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// False negatives.
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// tp / (tp + fp); null when nothing was predicted.
    pub precision: Option<f64>,
    /// tp / (tp + fn); null when nothing was labelled.
    pub recall: Option<f64>,
    /// Harmonic mean of precision and recall.
    pub f1: Option<f64>,
}

impl Score {
    fn finish(&mut self) {
        let ratio = |a: usize, b: usize| (b > 0).then(|| round(a as f64 / b as f64));
        self.precision = ratio(self.tp, self.tp + self.fp);
        self.recall = ratio(self.tp, self.tp + self.fn_);
        self.f1 = match (self.precision, self.recall) {
            (Some(p), Some(r)) if p + r > 0.0 => Some(round(2.0 * p * r / (p + r))),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        };
    }
}

fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// An item judged wrong.
#[derive(Debug, Clone, Serialize)]
pub struct ItemError {
    /// Item id.
    pub id: String,
    /// Its labels.
    pub expected: Vec<String>,
    /// What was predicted.
    pub got: Vec<String>,
}

/// How often messages labelled `[]` were flagged anyway.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Unlabelled {
    /// Items with no label.
    pub items: usize,
    /// Of those, items with any predicted category.
    pub flagged: usize,
    /// flagged / items.
    pub rate: Option<f64>,
}

/// The whole evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Items read.
    pub items: usize,
    /// The severity threshold used.
    pub min_severity: Severity,
    /// Per category.
    pub categories: BTreeMap<String, Score>,
    /// Summed over categories.
    pub micro: Score,
    /// Flag rate on unlabelled items.
    pub unlabelled: Unlabelled,
    /// Every item whose prediction differs from its labels.
    pub errors: Vec<ItemError>,
}

/// Reads a JSONL file; a malformed line is an error naming file and line.
pub fn read_items(path: &Path) -> Result<Vec<Item>, CliError> {
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::usage(format!("{}: cannot open: {e}", path.display())))?;
    let mut items = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let lineno = n + 1;
        let at = |why: String| CliError::usage(format!("{}:{lineno}: {why}", path.display()));
        let line = line.map_err(|e| at(format!("cannot read: {e}")))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).map_err(|e| at(format!("invalid JSON: {e}")))?;
        let obj = v
            .as_object()
            .ok_or_else(|| at("expected a JSON object".into()))?;
        let text = obj
            .get("text")
            .and_then(Value::as_str)
            .ok_or_else(|| at("key \"text\": missing or not a string".into()))?
            .to_string();
        let id = match obj.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            None => format!("{}:{lineno}", path.display()),
            Some(_) => return Err(at("key \"id\": must be a string".into())),
        };
        let labels = match (obj.get("labels"), obj.get("label")) {
            (Some(Value::Array(a)), _) => a
                .iter()
                .map(|l| {
                    l.as_str()
                        .map(String::from)
                        .ok_or_else(|| at("key \"labels\": every label must be a string".into()))
                })
                .collect::<Result<BTreeSet<_>, _>>()?,
            (Some(_), _) => return Err(at("key \"labels\": must be an array".into())),
            (None, Some(Value::String(l))) if l == "none" => BTreeSet::new(),
            (None, Some(Value::String(l))) => [l.clone()].into(),
            (None, Some(_)) => return Err(at("key \"label\": must be a string".into())),
            (None, None) => return Err(at("missing \"labels\" (or \"label\")".into())),
        };
        items.push(Item { id, text, labels });
    }
    Ok(items)
}

/// The categories warned about (severity ≥ `min`) for each item.
pub fn predict(
    scanner: &Scanner,
    items: &[Item],
    min: Severity,
    progress: &ProgressBar,
) -> Vec<BTreeSet<String>> {
    items
        .iter()
        .map(|item| {
            let got = scanner
                .scan(&item.text)
                .findings
                .into_iter()
                .filter(|f| f.severity >= min)
                .map(|f| f.category)
                .collect();
            progress.inc(1);
            got
        })
        .collect()
}

/// Scores the predictions `got` of `items` (in the same order), for the
/// scanner's `categories` and any other that a label or prediction names.
pub fn score(
    categories: &[String],
    items: &[Item],
    got: &[BTreeSet<String>],
    min: Severity,
) -> Report {
    let mut categories: BTreeMap<String, Score> = categories
        .iter()
        .map(|c| (c.clone(), Score::default()))
        .collect();
    let mut errors = Vec::new();
    let mut unlabelled = Unlabelled::default();
    for (item, got) in items.iter().zip(got) {
        for c in got.union(&item.labels) {
            let s = categories.entry(c.clone()).or_default();
            match (got.contains(c), item.labels.contains(c)) {
                (true, true) => s.tp += 1,
                (true, false) => s.fp += 1,
                (false, true) => s.fn_ += 1,
                (false, false) => {}
            }
        }
        if item.labels.is_empty() {
            unlabelled.items += 1;
            if !got.is_empty() {
                unlabelled.flagged += 1;
            }
        }
        if *got != item.labels {
            errors.push(ItemError {
                id: item.id.clone(),
                expected: item.labels.iter().cloned().collect(),
                got: got.iter().cloned().collect(),
            });
        }
    }
    let mut micro = Score::default();
    for s in categories.values_mut() {
        s.finish();
        micro.tp += s.tp;
        micro.fp += s.fp;
        micro.fn_ += s.fn_;
    }
    micro.finish();
    unlabelled.rate =
        (unlabelled.items > 0).then(|| round(unlabelled.flagged as f64 / unlabelled.items as f64));
    Report {
        items: items.len(),
        min_severity: min,
        categories,
        micro,
        unlabelled,
        errors,
    }
}

/// One file's report, for `--by-file`.
#[derive(Serialize)]
struct FileReport<'a> {
    file: String,
    #[serde(flatten)]
    report: &'a Report,
}

/// Runs `eval`; `by_file` adds a report for each file after the one over
/// all of them.
pub fn run(
    scanner: &Scanner,
    files: &[PathBuf],
    min: Severity,
    json: bool,
    by_file: bool,
) -> Result<ExitCode, CliError> {
    let mut items = Vec::new();
    let mut ranges = Vec::new();
    for f in files {
        let start = items.len();
        items.extend(read_items(f)?);
        ranges.push((f, start..items.len()));
    }
    let progress = ProgressBar::new(items.len() as u64);
    progress.set_style(
        ProgressStyle::with_template("{spinner} eval {pos}/{len} [{bar:30}] {per_sec} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let got = predict(scanner, &items, min, &progress);
    progress.finish_and_clear();
    let report = score(scanner.categories(), &items, &got, min);
    let mut text = if json {
        json_line(&report)?
    } else {
        human(&report)
    };
    if by_file {
        for (file, range) in ranges {
            let part = score(
                scanner.categories(),
                &items[range.clone()],
                &got[range],
                min,
            );
            let file = file.display().to_string();
            if json {
                text.push_str(&json_line(&FileReport {
                    file,
                    report: &part,
                })?);
            } else {
                text.push_str(&format!("\n== {file}\n"));
                text.push_str(&summary(&part));
            }
        }
    }
    super::write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// `v` as one line of JSON.
fn json_line<T: Serialize>(v: &T) -> Result<String, CliError> {
    let mut t = serde_json::to_string(v)
        .map_err(|e| CliError::failed(format!("cannot encode the report: {e}")))?;
    t.push('\n');
    Ok(t)
}

fn fmt_rate(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_string(), |v| format!("{v:.3}"))
}

fn human(r: &Report) -> String {
    let mut s = format!("{} items, min severity {}\n\n", r.items, r.min_severity);
    s.push_str(&summary(r));
    if !r.errors.is_empty() {
        s.push_str(&format!("\nerrors ({}):\n", r.errors.len()));
        for e in &r.errors {
            s.push_str(&format!(
                "  {}  expected [{}]  got [{}]\n",
                e.id,
                e.expected.join(", "),
                e.got.join(", ")
            ));
        }
    }
    s
}

/// The table of categories and the unlabelled flag rate.
fn summary(r: &Report) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "{:<16}{:>6}{:>6}{:>6}{:>11}{:>8}{:>8}\n",
        "category", "tp", "fp", "fn", "precision", "recall", "f1"
    ));
    let row = |name: &str, c: &Score| {
        format!(
            "{:<16}{:>6}{:>6}{:>6}{:>11}{:>8}{:>8}\n",
            name,
            c.tp,
            c.fp,
            c.fn_,
            fmt_rate(c.precision),
            fmt_rate(c.recall),
            fmt_rate(c.f1)
        )
    };
    for (name, c) in &r.categories {
        s.push_str(&row(name, c));
    }
    s.push_str(&row("micro", &r.micro));
    s.push_str(&format!(
        "\nunlabelled: {} items, {} flagged ({})\n",
        r.unlabelled.items,
        r.unlabelled.flagged,
        r.unlabelled
            .rate
            .map_or("-".to_string(), |x| format!("{:.2} %", x * 100.0))
    ));
    s
}
