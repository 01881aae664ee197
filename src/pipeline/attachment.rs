//! An attachment's text, scanned: each section of what the sandbox read
//! is scanned piece by piece (pieces the size of a long chat message, so
//! that a word far down a sheet cannot lend its weight to one at the top)
//! and for a marking of its own (a 密等 field, a 密 stamp in a page
//! header); of each rule, the finding with the highest score is kept, with
//! where in the attachment it was found. The server's content stage and
//! `leakguard scan --file` both use this.

use crate::extract::{Extracted, Part};
use crate::scan::{Finding, Scanner};

/// The size of the pieces a section is scanned in: a long chat message.
pub(super) const PIECE_CHARS: usize = 400;

/// A finding and where in the attachment it was found, in the words of a
/// warning (工作表「名單」第 3 列).
#[derive(Debug, Clone)]
pub struct Located {
    /// The finding; its evidence offsets are into one piece of a section.
    pub finding: Finding,
    /// Where.
    pub location: String,
}

/// The strongest finding of each rule in `extracted`, highest severity and
/// score first.
pub fn scan_extracted(scanner: &Scanner, extracted: &Extracted) -> Vec<Located> {
    let mut found: Vec<Located> = Vec::new();
    for section in &extracted.sections {
        let starts = section.line_starts();
        let pieces = section
            .chunks(PIECE_CHARS)
            .into_iter()
            .flat_map(|(offset, text)| {
                let findings = scanner.scan(text).findings;
                findings.into_iter().map(move |f| (offset, f))
            });
        let margin = section.place.part == Part::HeaderFooter;
        let marking = scanner
            .document_marking(&section.text, margin)
            .map(|f| (0, f));
        for (offset, finding) in pieces.chain(marking) {
            let line = finding
                .evidence
                .first()
                .and_then(|e| section.line_at(&starts, offset + e.start));
            let location = section.place.describe(line);
            keep_strongest(&mut found, Located { finding, location });
        }
    }
    sort(&mut found);
    found
}

/// Adds `l` unless its rule already has a finding at least as strong.
pub fn keep_strongest(found: &mut Vec<Located>, l: Located) {
    match found.iter_mut().find(|x| x.finding.rule == l.finding.rule) {
        Some(x) if x.finding.score >= l.finding.score => {}
        Some(x) => *x = l,
        None => found.push(l),
    }
}

/// Highest severity and score first, then by rule id.
pub fn sort(found: &mut [Located]) {
    found.sort_by(|a, b| {
        (b.finding.severity, b.finding.score)
            .cmp(&(a.finding.severity, a.finding.score))
            .then_with(|| a.finding.rule.cmp(&b.finding.rule))
    });
}
