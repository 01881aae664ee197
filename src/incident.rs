//! What the store keeps about a risky message (SPEC §9), and nothing more:
//! rule ids, category, severity, score, a redacted excerpt built from the
//! evidence alone, a keyed hash of the normalized text, ids and times.
//!
//! The excerpt holds only the evidence spans, masked (王○明, A12*****89,
//! 0912-***-678, ○號), joined with "…". Words of the message that are not
//! evidence never reach the store, the outbox or the officer.

use crate::normalize::NormalizedText;
use crate::redact;
use crate::scan::{watch, Finding, Severity};

/// At most this many characters of excerpt are kept.
const EXCERPT_MAX_CHARS: usize = 120;

/// The findings of one category in one message.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryFindings {
    /// Category id.
    pub category: String,
    /// Highest severity among its findings.
    pub severity: Severity,
    /// Highest score among its findings.
    pub score: u8,
    /// Rule ids, highest first.
    pub rules: Vec<String>,
    /// Titles of its findings.
    pub titles: Vec<String>,
    /// Citations, deduplicated.
    pub laws: Vec<String>,
    /// Advice, deduplicated.
    pub advice: Vec<String>,
    /// Redacted evidence of this category.
    pub excerpt: String,
    /// Its evidence spans, in original character offsets.
    pub spans: Vec<(usize, usize)>,
}

/// A message's findings by category, with the masked text their excerpts
/// are cut from.
#[derive(Debug, Clone, Default)]
pub struct Scanned {
    /// One entry per category, highest first.
    pub categories: Vec<CategoryFindings>,
    masked: Vec<char>,
}

impl Scanned {
    /// Groups `findings` by category.
    pub fn new(text: &str, norm: &NormalizedText, findings: &[Finding]) -> Scanned {
        Scanned::hiding(text, norm, findings, &[])
    }

    /// As [`Scanned::new`], with the original character `spans` masked
    /// by [`watch::hint`] (老○牛○麵; a number keeps its first and last
    /// digit): a registered term is not quoted back whole in a warning.
    pub fn hiding(
        text: &str,
        norm: &NormalizedText,
        findings: &[Finding],
        spans: &[(usize, usize)],
    ) -> Scanned {
        if findings.is_empty() {
            return Scanned::default();
        }
        let mut masked = redact::masked_chars(text, norm);
        for &(s, e) in spans {
            let e = e.min(masked.len());
            // The characters shown, spacing aside, masked as the entry's
            // own hint is: one rule for the list, the warning and the store.
            let shown: Vec<usize> = (s..e).filter(|&i| !masked[i].is_whitespace()).collect();
            let term: String = shown.iter().map(|&i| masked[i]).collect();
            for (i, c) in shown.into_iter().zip(watch::hint(&term).chars()) {
                masked[i] = c;
            }
        }
        let categories = group(&masked, findings);
        Scanned { categories, masked }
    }

    /// Groups the findings of an attachment, each with where in it it was
    /// found: a category's excerpt is its places (redacted: a sheet or a
    /// member name may hold a name or a number), never the attachment's
    /// words.
    pub fn located(found: &[(Finding, String)]) -> Scanned {
        if found.is_empty() {
            return Scanned::default();
        }
        let mut masked: Vec<char> = Vec::new();
        let mut places: Vec<(&str, (usize, usize))> = Vec::new();
        let findings: Vec<Finding> = found
            .iter()
            .map(|(finding, place)| {
                let span = match places.iter().find(|(p, _)| p == place) {
                    Some(&(_, span)) => span,
                    None => {
                        let start = masked.len();
                        masked.extend(redact::redact(place).chars());
                        let span = (start, masked.len());
                        // Two places never merge into one.
                        masked.push('\u{0}');
                        places.push((place, span));
                        span
                    }
                };
                let mut f = finding.clone();
                f.evidence.truncate(1);
                for e in &mut f.evidence {
                    (e.start, e.end) = span;
                }
                f
            })
            .collect();
        let categories = group(&masked, &findings);
        Scanned { categories, masked }
    }

    /// One excerpt over the evidence of several categories, overlaps merged.
    pub fn excerpt_of<'a>(&self, cats: impl IntoIterator<Item = &'a CategoryFindings>) -> String {
        let spans = cats
            .into_iter()
            .flat_map(|c| c.spans.iter().copied())
            .collect();
        excerpt(&self.masked, spans)
    }
}

/// Groups findings by category, in the order of the first (highest) finding.
pub fn by_category(
    text: &str,
    norm: &NormalizedText,
    findings: &[Finding],
) -> Vec<CategoryFindings> {
    Scanned::new(text, norm, findings).categories
}

fn group(masked: &[char], findings: &[Finding]) -> Vec<CategoryFindings> {
    let mut out: Vec<CategoryFindings> = Vec::new();
    for f in findings {
        let i = match out.iter().position(|c| c.category == f.category) {
            Some(i) => i,
            None => {
                out.push(CategoryFindings {
                    category: f.category.clone(),
                    severity: f.severity,
                    score: f.score,
                    rules: Vec::new(),
                    titles: Vec::new(),
                    laws: Vec::new(),
                    advice: Vec::new(),
                    excerpt: String::new(),
                    spans: Vec::new(),
                });
                out.len() - 1
            }
        };
        let c = &mut out[i];
        c.severity = c.severity.max(f.severity);
        c.score = c.score.max(f.score);
        push_unique(&mut c.rules, &f.rule);
        push_unique(&mut c.titles, &f.title);
        for l in &f.laws {
            push_unique(&mut c.laws, l);
        }
        for a in &f.advice {
            push_unique(&mut c.advice, a);
        }
    }
    for c in &mut out {
        let spans: Vec<(usize, usize)> = findings
            .iter()
            .filter(|f| f.category == c.category)
            .flat_map(|f| f.evidence.iter().map(|e| (e.start, e.end)))
            .collect();
        c.excerpt = excerpt(masked, spans.clone());
        c.spans = spans;
    }
    out
}

/// The masked evidence spans in text order, overlapping ones merged.
pub fn excerpt(masked: &[char], mut spans: Vec<(usize, usize)>) -> String {
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        let e = e.min(masked.len());
        if s >= e {
            continue;
        }
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::new();
    let mut count = 0;
    for (i, &(s, e)) in merged.iter().enumerate() {
        if i > 0 {
            out.push('…');
        }
        for &ch in &masked[s..e] {
            if ch == '\u{0}' || ch.is_control() {
                continue;
            }
            if count == EXCERPT_MAX_CHARS {
                out.push('…');
                return out;
            }
            out.push(ch);
            count += 1;
        }
    }
    out
}

/// Appends `s` unless `v` has it already.
pub fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{builtin_packs, Scanner};

    #[test]
    fn the_excerpt_holds_masked_evidence_and_no_other_words() {
        let scanner = Scanner::new(&builtin_packs().unwrap()).unwrap();
        let text = "ZEBRA 明天上午10點稽查大同區三家餐廳 QUOKKA";
        let norm = NormalizedText::new(text);
        let result = scanner.scan_normalized(text, &norm);
        let cats = by_category(text, &norm, &result.findings);
        assert_eq!(cats[0].category, "inspection");
        let x = &cats[0].excerpt;
        assert!(x.contains("稽查"), "{x}");
        assert!(!x.contains("ZEBRA") && !x.contains("QUOKKA"), "{x}");
    }

    #[test]
    fn identifiers_in_the_excerpt_are_masked() {
        let scanner = Scanner::new(&builtin_packs().unwrap()).unwrap();
        let text = "請協助查詢王小明，身分證B127361586，手機0912345678";
        let norm = NormalizedText::new(text);
        let result = scanner.scan_normalized(text, &norm);
        let cats = by_category(text, &norm, &result.findings);
        let all: String = cats.iter().map(|c| c.excerpt.as_str()).collect();
        assert!(
            !all.contains("B127361586") && !all.contains("0912345678"),
            "{all}"
        );
        assert!(all.contains("B12*****86"), "{all}");
    }

    #[test]
    fn a_hidden_span_is_masked_as_its_watchlist_hint() {
        let finding = |start, end| Finding {
            rule: "watchlist".into(),
            category: "procurement".into(),
            severity: Severity::High,
            score: 100,
            title: String::new(),
            evidence: vec![crate::scan::Evidence {
                kind: crate::scan::EvidenceKind::Entity,
                label: "watchlist".into(),
                start,
                end,
                text: String::new(),
            }],
            laws: vec![],
            advice: vec![],
            explanation: vec![],
        };
        for (text, span, shown) in [
            ("底價是 3850000 喔", (4, 11), "3○○○○○0"),
            ("明天去 老 王 牛 肉 麵", (4, 13), "老 ○ 牛 ○ 麵"),
        ] {
            let norm = NormalizedText::new(text);
            let scanned = Scanned::hiding(text, &norm, &[finding(span.0, span.1)], &[span]);
            assert_eq!(scanned.categories[0].excerpt, shown, "{text}");
        }
    }
}
