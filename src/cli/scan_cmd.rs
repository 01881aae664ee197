//! `leakguard scan`: one message in, a readable zh-TW report or one JSON object out.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use serde_json::json;

use super::CliError;
use crate::config::Config;
use crate::normalize::NormalizedText;
use crate::redact;
use crate::scan::{Finding, ScanResult, Scanner};

/// Runs `scan`.
pub fn run(
    scanner: &Scanner,
    config: &Config,
    text: &str,
    as_json: bool,
    group: Option<&str>,
) -> Result<ExitCode, CliError> {
    let owned;
    let text = if text == "-" {
        owned = read_stdin()?;
        owned.as_str()
    } else {
        text
    };
    let norm = NormalizedText::new(text);
    let result = scanner.scan_normalized(text, &norm);
    let redacted = redact::redact_normalized(text, &norm);
    let allowed: Vec<String> = group
        .and_then(|g| config.group(g))
        .map(|g| g.allow.clone())
        .unwrap_or_default();
    let report = if as_json {
        format!("{}\n", to_json(&result, &redacted))
    } else {
        let color = std::io::stdout().is_terminal();
        human_report(scanner, text, &result, &redacted, group, &allowed, color)
    };
    super::write_stdout(&report)?;
    Ok(ExitCode::SUCCESS)
}

fn read_stdin() -> Result<String, CliError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::usage(format!("cannot read standard input: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        CliError::usage(format!(
            "standard input is not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// The JSON object of SPEC §4.
pub fn to_json(result: &ScanResult, redacted: &str) -> serde_json::Value {
    json!({
        "verdict": result.verdict().map_or("none", |s| s.as_str()),
        "findings": result.findings,
        "redacted": redacted,
    })
}

fn human_report(
    scanner: &Scanner,
    text: &str,
    result: &ScanResult,
    redacted: &str,
    group: Option<&str>,
    allowed: &[String],
    color: bool,
) -> String {
    let mut r = verdict_line(result.verdict(), result.findings.len());
    if result.findings.is_empty() {
        return r;
    }
    for (i, f) in result.findings.iter().enumerate() {
        let marked = format!("   標示：{}\n", highlight(text, f, color));
        r.push_str(&finding_block(scanner, i + 1, f, &marked));
        if allowed.contains(&f.category) {
            r.push_str(&format!(
                "   群組 {}：已設定可處理此類別，只會提醒勿轉傳至群組外。\n",
                group.unwrap_or("")
            ));
        }
    }
    r.push_str(&format!("\n遮罩後內容：{redacted}\n"));
    r
}

/// The report's first line: the verdict and how many findings.
pub(super) fn verdict_line(verdict: Option<crate::scan::Severity>, findings: usize) -> String {
    match verdict {
        None => "判定：無風險（none）\n未發現需要提醒的內容。\n".to_string(),
        Some(v) => format!("判定：{}風險（{v}），共 {findings} 項發現\n", v.zh()),
    }
}

/// Finding `n` as the report prints it: title, category, severity and
/// score, its rule, `detail` (where it is), how the score was reached,
/// the laws and the advice.
pub(super) fn finding_block(scanner: &Scanner, n: usize, f: &Finding, detail: &str) -> String {
    let cat = scanner.category_name(&f.category).unwrap_or(&f.category);
    let mut r = format!(
        "\n{n}. {}〔{cat}〕 風險：{}（{}） 分數：{}\n   規則：{}\n{detail}",
        f.title,
        f.severity.zh(),
        f.severity,
        f.score,
        f.rule
    );
    let lines: Vec<String> = f
        .explanation
        .iter()
        .map(|c| {
            let note = if c.points < 0 { "（降低）" } else { "" };
            format!("{:+} {}「{}」{}", c.points, c.label, c.text, note)
        })
        .collect();
    r.push_str(&format!("   計分：{}\n", lines.join("；")));
    r.push_str(&format!("   法規：{}\n", f.laws.join("、")));
    for a in &f.advice {
        r.push_str(&format!("   建議：{a}\n"));
    }
    r
}

/// The original text with the finding's evidence marked 【…】 (bold red on a terminal).
fn highlight(text: &str, f: &Finding, color: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut marked = vec![false; chars.len()];
    for e in &f.evidence {
        for m in marked.iter_mut().take(e.end.min(chars.len())).skip(e.start) {
            *m = true;
        }
    }
    let (open, close) = if color {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("【", "】")
    };
    let mut out = String::new();
    let mut inside = false;
    for (c, m) in chars.iter().zip(&marked) {
        if *m != inside {
            out.push_str(if *m { open } else { close });
            inside = *m;
        }
        out.push(if *c == '\n' { '⏎' } else { *c });
    }
    if inside {
        out.push_str(close);
    }
    out
}
