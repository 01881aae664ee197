//! A document's own classification marking. A 公文 carries its 密等 in a
//! field of its head (文書處理手冊: 密等及解密條件或保密期限), and a
//! classified paper is stamped 密, 機密, 極機密 or 絕對機密 (the grades of
//! 國家機密保護法第4條, and 密 for 一般公務機密) in its page header or
//! footer; 限閱 and 密件 stamp restricted papers the same way. In a file,
//! such a marking says by itself what the paper is, whatever the words
//! around it (issue 18: a document marked so is a finding even when
//! nothing else is). In a chat line the same words are only talk about
//! papers, which the classified pack weighs; this is for attachments.

use super::engine::{Contribution, Evidence, EvidenceKind, Finding, Scanner};
use super::pack::Severity;

/// The category whose first rule a marking is reported under.
const CATEGORY: &str = "classified";

impl Scanner {
    /// The finding a document's own marking makes (see [`find`]; `margin`
    /// is true for a page header or footer), under the first rule of the
    /// `classified` category with its title, laws and advice, at high
    /// severity; `None` without a marking or without that category.
    pub fn document_marking(&self, text: &str, margin: bool) -> Option<Finding> {
        let rule = self.rules.iter().find(|r| r.category == CATEGORY)?;
        let (start, end, stamp) = find(text, margin)?;
        let quoted: String = text.chars().skip(start).take(end - start).collect();
        Some(Finding {
            rule: rule.id.clone(),
            category: rule.category.clone(),
            severity: Severity::High,
            score: 100,
            title: rule.title.clone(),
            evidence: vec![Evidence {
                kind: EvidenceKind::Keyword,
                label: "document_marking".into(),
                start,
                end,
                text: quoted.clone(),
            }],
            laws: rule.laws.clone(),
            advice: rule.advice.clone(),
            explanation: vec![Contribution {
                label: format!("document_marking〔{stamp}〕"),
                points: 100,
                text: quoted,
            }],
        })
    }
}

/// The stamps, longest first (so 絕對機密 is not read as 機密).
const STAMPS: [&str; 7] = [
    "絕對機密",
    "機密文件",
    "極機密",
    "機密",
    "限閱",
    "密件",
    "密",
];

/// The field names of the 密等 field.
const FIELDS: [&str; 2] = ["密等及解密條件或保密期限", "密等"];

/// Lines of a document's head where a stamp is looked for (a stamp in the
/// body of a page is a page header that the writer typed in).
const HEAD_LINES: usize = 5;

/// Lines of a document's head where the 密等 field is looked for.
const FIELD_LINES: usize = 20;

/// The first marking in `text`, as the character span of its line and
/// the marking. A stamp (a stamp word, alone, spaced out, or followed by a
/// space and an office's name, in a short line) counts on any line of a
/// page's `margin` (its header or footer) and on the first lines of a
/// document; a 密等 field whose value is a grade (密等：密, not 密等：普通)
/// on the lines of its head.
pub fn find(text: &str, margin: bool) -> Option<(usize, usize, &'static str)> {
    let mut at = 0;
    for (i, line) in text.split('\n').enumerate() {
        let len = line.chars().count();
        let stamped = (margin || i < HEAD_LINES).then(|| stamp(line)).flatten();
        if let Some(mark) = stamped.or_else(|| (i < FIELD_LINES).then(|| field(line)).flatten()) {
            return Some((at, at + len, mark));
        }
        at += len + 1;
    }
    None
}

fn stamp(line: &str) -> Option<&'static str> {
    let trimmed =
        line.trim_matches(|c: char| c.is_whitespace() || "【】[]（）()「」〔〕".contains(c));
    if trimmed.chars().count() > 30 {
        return None;
    }
    // 機　密 spaced out as stamps are.
    let solid: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    let first = trimmed.split(|c: char| c.is_whitespace()).next()?;
    STAMPS.into_iter().find(|s| *s == first || *s == solid)
}

fn field(line: &str) -> Option<&'static str> {
    let line = line.trim_start();
    let rest = FIELDS.into_iter().find_map(|f| line.strip_prefix(f))?;
    let value = rest.trim_start().strip_prefix(['：', ':'])?.trim_start();
    STAMPS.into_iter().find(|s| value.starts_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_and_fields_mark_a_document() {
        assert_eq!(find("密", false), Some((0, 1, "密")));
        assert_eq!(
            find("保存年限：10年\n密等：密（本案調查終結後解密）", false),
            Some((9, 24, "密"))
        );
        assert_eq!(find("【極機密】", false), Some((0, 5, "極機密")));
        assert_eq!(
            find("限閱　衛生局疾病管制科", false).map(|m| m.2),
            Some("限閱")
        );
        assert_eq!(
            find("密等及解密條件或保密期限：機密，至民國120年解密", false).map(|m| m.2),
            Some("機密")
        );
        assert_eq!(find("絕對機密", false).map(|m| m.2), Some("絕對機密"));
        assert_eq!(find("機　密", true).map(|m| m.2), Some("機密"));
        // A stamp-like line deep in a document's body is a heading, not a
        // stamp; in a page header it is one.
        let deep = format!("{}機密", "說明\n".repeat(6));
        assert_eq!(find(&deep, false), None);
        assert_eq!(find(&deep, true).map(|m| m.2), Some("機密"));
    }

    #[test]
    fn talk_about_markings_and_ordinary_grades_are_not() {
        for text in [
            "密等：普通",
            "密件請至收發室簽收",
            "機密文書非因公務需要不得攜出",
            "請注意密等欄要勾選",
            "密碼已更新",
            "這份資料很機密，請不要轉傳給其他單位的同仁，謝謝大家配合",
        ] {
            assert_eq!(find(text, true), None, "{text}");
        }
    }
}
