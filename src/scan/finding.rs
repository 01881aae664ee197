//! What a scan returns: the findings, each with its evidence (keywords and
//! entities, in offsets of the original text) and the explanation of its
//! score.
//!
//! These are the types the command line, the pipeline and the reports read;
//! they are kept apart from the engine that produces them.

use serde::Serialize;

use super::pack::Severity;

/// Evidence kinds in findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceKind {
    /// A keyword from a pack.
    Keyword,
    /// A structured entity.
    Entity,
}

/// One piece of evidence, in character offsets of the original text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Keyword or entity.
    pub kind: EvidenceKind,
    /// The group label (keyword groups) or entity kind name.
    pub label: String,
    /// Original character offset, inclusive.
    pub start: usize,
    /// Original character offset, exclusive.
    pub end: usize,
    /// The original characters `[start, end)`.
    pub text: String,
}

/// One line of a finding's explanation: which group moved the score, by how
/// much, and on what text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contribution {
    /// Group label.
    pub label: String,
    /// Points added (positive) or taken away (negative evidence).
    pub points: i32,
    /// The original text that triggered it.
    pub text: String,
}

/// A rule that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id.
    pub rule: String,
    /// Category id.
    pub category: String,
    /// Severity from the rule's thresholds.
    pub severity: Severity,
    /// Score 0–100.
    pub score: u8,
    /// zh-TW title.
    pub title: String,
    /// Evidence spans.
    pub evidence: Vec<Evidence>,
    /// Citations.
    pub laws: Vec<String>,
    /// Advice.
    pub advice: Vec<String>,
    /// How the score was reached, including every suppression.
    #[serde(skip)]
    pub explanation: Vec<Contribution>,
}

/// What a scan returns.
#[derive(Debug, Clone, Default)]
pub struct ScanResult {
    /// Findings, highest severity and score first.
    pub findings: Vec<Finding>,
}

impl ScanResult {
    /// The message verdict: the highest severity found, or `None`.
    pub fn verdict(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// Characters `[start, end)` of `text`: the quote of a piece of evidence.
pub(super) fn slice_chars(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}
