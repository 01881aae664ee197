//! Redaction of a message for display and storage (SPEC §9): names become
//! 王○明, ID numbers A12*****89, phones 0912-***-678, house numbers ○號.
//! The user's own formatting (spaces, dashes, full-width digits) is kept;
//! only the significant characters are masked.

use crate::normalize::NormalizedText;
use crate::scan::entity::{self, EntityKind, KindSet, Mask};

/// Returns `text` with every identifier, person name and house number masked.
pub fn redact(text: &str) -> String {
    let norm = NormalizedText::new(text);
    redact_normalized(text, &norm)
}

/// As [`redact`], for a message already normalized.
pub fn redact_normalized(text: &str, norm: &NormalizedText) -> String {
    masked_chars(text, norm)
        .into_iter()
        .filter(|&c| c != '\u{0}')
        .collect()
}

/// The message's characters with every identifier masked, one entry per
/// original character so that original offsets still index it; characters
/// that masking removed (the digits of a house number beyond its ○) are NUL.
pub fn masked_chars(text: &str, norm: &NormalizedText) -> Vec<char> {
    let mut chars: Vec<char> = text.chars().collect();
    let entities = entity::extract(norm, masked_kinds());
    for e in &entities {
        let (s, t) = norm.original_span(e.start, e.end);
        let t = t.min(chars.len());
        if s >= t {
            continue;
        }
        let span = &mut chars[s..t];
        match e.kind.mask() {
            Some(Mask::Significant { head, tail }) => mask_significant(span, head, tail, '*'),
            Some(Mask::HouseNumbers) => mask_house_numbers(span),
            Some(Mask::Name) => mask_name(span),
            Some(Mask::Link) => mask_link(span),
            None => {}
        }
    }
    chars
}

/// The kinds that have a mask: the only ones worth extracting here.
fn masked_kinds() -> KindSet {
    EntityKind::ALL
        .into_iter()
        .filter(|k| k.mask().is_some())
        .collect()
}

fn is_significant(c: char) -> bool {
    c.is_alphanumeric() && !is_unit(c)
}

fn is_unit(c: char) -> bool {
    matches!(
        c,
        '號' | '号' | '樓' | '楼' | '巷' | '弄' | '段' | '之' | '鄰' | '邻'
    )
}

/// Keeps the first `head` and last `tail` significant characters.
fn mask_significant(span: &mut [char], head: usize, tail: usize, mask: char) {
    let idx: Vec<usize> = (0..span.len())
        .filter(|&i| is_significant(span[i]))
        .collect();
    let n = idx.len();
    for (k, &i) in idx.iter().enumerate() {
        if k >= head && k + tail < n {
            span[i] = mask;
        }
    }
}

/// Numbers of 巷/弄/號/樓 become ○ (one ○ per number, not per digit).
fn mask_house_numbers(span: &mut [char]) {
    let numeral = |c: char| c.is_numeric() || "〇零一二兩三四五六七八九十百".contains(c);
    let mut i = 0;
    while i < span.len() {
        if numeral(span[i]) {
            let start = i;
            while i < span.len() && (numeral(span[i]) || span[i] == ' ' || span[i] == '-') {
                i += 1;
            }
            let unit = span.get(i).copied();
            if matches!(unit, Some('段')) {
                continue;
            }
            span[start] = '○';
            for c in &mut span[start + 1..i] {
                *c = '\u{0}';
            }
        } else {
            i += 1;
        }
    }
    // Collapsed digits become NUL placeholders, moved to the end of the span.
    compact(span);
}

/// Moves the NUL placeholders of removed characters to the end of `span`.
fn compact(span: &mut [char]) {
    let kept: Vec<char> = span.iter().copied().filter(|&c| c != '\u{0}').collect();
    let len = kept.len();
    span[..len].copy_from_slice(&kept);
    for c in &mut span[len..] {
        *c = '\u{0}';
    }
}

/// `https://gov-tw.info/login?id=…` → `gov-tw․info/…`: the scheme goes, the
/// path (which may hold a token or an e-mail address) becomes …, and the
/// host's dots become `․` so that no chat client makes it a link again.
fn mask_link(span: &mut [char]) {
    let text: String = span.iter().collect();
    let host_start = text
        .find("//")
        .map(|b| text[..b + 2].chars().count())
        .unwrap_or(0);
    for c in &mut span[..host_start] {
        *c = '\u{0}';
    }
    let mut in_path = false;
    for c in &mut span[host_start..] {
        if in_path {
            *c = '\u{0}';
        } else if matches!(*c, '/' | ':') {
            in_path = true;
            *c = '…';
        } else if matches!(*c, '.' | '．' | '。' | '｡') {
            *c = '\u{2024}';
        }
    }
    compact(span);
}

/// 王小明 → 王○明, 林美 → 林○, 陳小姐 unchanged, 王○明 unchanged.
fn mask_name(span: &mut [char]) {
    let titles = ["先生", "小姐", "太太", "女士"];
    let s: String = span.iter().collect();
    if titles.iter().any(|t| s.ends_with(t)) || s.ends_with('姓') || s.contains('○') {
        return;
    }
    let han: Vec<usize> = (0..span.len())
        .filter(|&i| span[i].is_alphabetic())
        .collect();
    match han.len() {
        0 | 1 => {}
        2 => span[han[1]] = '○',
        n => {
            for &i in &han[1..n - 1] {
                span[i] = '○';
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> String {
        redact(s)
    }

    #[test]
    fn identifiers_are_masked_keeping_the_format() {
        assert_eq!(r("身分證B127361586"), "身分證B12*****86");
        assert_eq!(r("手機0932-118-406"), "手機0932-***-406");
        assert_eq!(r("姓名：林美玲"), "姓名：林○玲");
        assert_eq!(r("王○明"), "王○明");
        assert_eq!(
            r("住新北市新莊區中正路215號6樓"),
            "住新北市新莊區中正路○號○樓"
        );
    }

    #[test]
    fn links_lose_scheme_and_path_and_cannot_be_clicked() {
        assert_eq!(
            r("請點 https://gov-tw.info/login?id=A123 登入"),
            "請點 gov-tw\u{2024}info… 登入"
        );
        assert_eq!(
            r("網址 moi-gov．tw．cc 請填"),
            "網址 moi-gov\u{2024}tw\u{2024}cc 請填"
        );
        assert_eq!(
            r("詳見www.cdc.gov.tw"),
            "詳見www\u{2024}cdc\u{2024}gov\u{2024}tw"
        );
    }
}
