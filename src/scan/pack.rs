//! Pattern packs: the rule data in `patterns/*.toml` (SPEC §3).
//!
//! One file per category. A pack holds the law texts it cites and its rules;
//! a rule holds keyword groups, entity groups, negative evidence, a window,
//! severity thresholds, laws, advice and its own example messages. The
//! built-in packs are compiled into the binary; a directory replaces them.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::entity::EntityKind;

mod validate;

pub use validate::{validate, MAX_GROUPS};

/// Severity of a finding, ordered `low < medium < high`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Recorded only.
    Low,
    /// The group is warned.
    Medium,
    /// The group is warned and the officers are alerted.
    High,
}

impl Severity {
    /// The lowercase name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    /// The zh-TW word shown to users.
    pub fn zh(self) -> &'static str {
        match self {
            Severity::Low => "低",
            Severity::Medium => "中",
            Severity::High => "高",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            other => Err(format!(
                "unknown severity {other:?}: expected low, medium or high"
            )),
        }
    }
}

/// One pack file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    /// Category id (`patient`, `inspection`, …); every rule belongs to it.
    pub category: String,
    /// zh-TW name of the category, shown in warnings.
    pub name: String,
    /// Citation → verbatim text, for every law the rules cite.
    #[serde(default)]
    pub laws: BTreeMap<String, String>,
    /// Who sends a message of this category.
    #[serde(default)]
    pub sender: Sender,
    /// What a watchlist entry of this category is called (稽查對象); 保密事項 if absent.
    #[serde(default)]
    pub watch: Option<String>,
    /// Secrets over once their dates are past: such a message is lowered one severity.
    #[serde(default)]
    pub expires_with_dates: bool,
    /// Negative evidence applied to every rule of the pack.
    #[serde(default)]
    pub negative: Vec<Group>,
    /// The rules.
    pub rules: Vec<Rule>,
    /// Where the pack came from (file name), for error messages.
    #[serde(skip)]
    pub source: String,
}

/// Who sends a message of a category: it decides how the group is warned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sender {
    /// A colleague who may leak: named, and asked to take the message back.
    #[default]
    Colleague,
    /// An attacker (phishing, social engineering): the warning tells
    /// everyone not to click or fill anything and names nobody.
    Attacker,
}

/// One rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Unique id, `<category>.<name>`.
    pub id: String,
    /// zh-TW title of the finding.
    pub title: String,
    /// How far (in normalized characters) supporting evidence may stand from
    /// the anchor.
    #[serde(default = "default_window")]
    pub window: usize,
    /// Score thresholds for each severity.
    pub thresholds: Thresholds,
    /// Keyword groups (one Aho-Corasick pass over all packs finds them).
    #[serde(default)]
    pub keywords: Vec<Group>,
    /// Entity groups.
    #[serde(default)]
    pub entities: Vec<Group>,
    /// Negative evidence: lowers the score, and the explanation says so.
    #[serde(default)]
    pub negative: Vec<Group>,
    /// Citations (keys of the pack's `laws`).
    pub laws: Vec<String>,
    /// What the sender should do, in zh-TW.
    pub advice: Vec<String>,
    /// Example messages the rule must judge right.
    pub examples: Examples,
}

impl Rule {
    /// The keyword and entity groups (everything but negative evidence).
    pub fn positive_groups(&self) -> impl Iterator<Item = &Group> {
        self.keywords.iter().chain(&self.entities)
    }
}

fn default_window() -> usize {
    60
}

/// Score thresholds; a score below `low` is no finding.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Lowest score of a `low` finding.
    pub low: i32,
    /// Lowest score of a `medium` finding.
    pub medium: i32,
    /// Lowest score of a `high` finding.
    pub high: i32,
}

impl Thresholds {
    /// The severity of a score, if it reaches `low`.
    pub fn severity(&self, score: i32) -> Option<Severity> {
        if score >= self.high {
            Some(Severity::High)
        } else if score >= self.medium {
            Some(Severity::Medium)
        } else if score >= self.low {
            Some(Severity::Low)
        } else {
            None
        }
    }
}

/// Where a group's hits count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Within the rule's window around the anchor.
    #[default]
    Window,
    /// Anywhere in the message.
    Message,
    /// Anywhere in the anchor's sentence: no 。！？；or line break between
    /// them. A word about training in one item of a meeting's minutes does
    /// not clear the inspection announced in the next.
    Sentence,
}

/// A group of keywords or entity kinds that counts as one piece of evidence.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Name shown in evidence and explanations.
    pub label: String,
    /// Keywords (normalized like the text before matching).
    #[serde(default)]
    pub terms: Vec<String>,
    /// Entity kinds.
    #[serde(default)]
    pub kinds: Vec<EntityKind>,
    /// Points the group adds (or, for negative evidence, takes away).
    pub weight: i32,
    /// Whether a hit of this group anchors the rule (a rule needs an anchor).
    #[serde(default)]
    pub anchor: bool,
    /// Where hits count.
    #[serde(default)]
    pub scope: Scope,
    /// How many distinct hits count (each adds `weight`); default 1.
    #[serde(default = "one")]
    pub max: usize,
    /// For an anchor group: labels of groups of which at least one must have
    /// a hit in scope, or this anchor does not count (要去 anchors an
    /// inspection only next to an agency or a complaint).
    #[serde(default)]
    pub requires: Vec<String>,
    /// Characters around the anchor within which this group's hits count,
    /// when it must be closer than the rule's window: "的是" names the one
    /// who complained only right after the act (打電話去講的就是…).
    #[serde(default)]
    pub window: Option<usize>,
    /// For negative evidence: labels of positive groups whose hit in scope
    /// lifts it (news words clear a message unless it says the matter is
    /// still unannounced: 尚未核定, 將於下週開標). A pack's own negative
    /// evidence names groups of any of its rules; in a rule without them
    /// it is never lifted.
    #[serde(default)]
    pub unless: Vec<String>,
}

fn one() -> usize {
    1
}

/// Example messages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Messages that must be warned about (severity ≥ medium) by this rule.
    pub positive: Vec<String>,
    /// Messages this rule must not warn about.
    pub negative: Vec<String>,
}

/// A pack that could not be loaded, with where and why.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// The TOML does not parse or does not fit the schema.
    #[error("{file}: {message}")]
    Parse {
        /// The file.
        file: String,
        /// What the TOML parser said (with line and column).
        message: String,
    },
    /// A rule breaks a constraint.
    #[error("{file}: rule {rule}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// The rule id.
        rule: String,
        /// What is wrong.
        message: String,
    },
    /// The directory has no packs.
    #[error("{0}: no *.toml pattern packs found")]
    Empty(PathBuf),
}

const BUILTIN: &[(&str, &str)] = &[
    (
        "patterns/patient.toml",
        include_str!("../../patterns/patient.toml"),
    ),
    (
        "patterns/inspection.toml",
        include_str!("../../patterns/inspection.toml"),
    ),
    (
        "patterns/informant.toml",
        include_str!("../../patterns/informant.toml"),
    ),
    (
        "patterns/personal_data.toml",
        include_str!("../../patterns/personal_data.toml"),
    ),
    (
        "patterns/procurement.toml",
        include_str!("../../patterns/procurement.toml"),
    ),
    (
        "patterns/personnel.toml",
        include_str!("../../patterns/personnel.toml"),
    ),
    (
        "patterns/classified.toml",
        include_str!("../../patterns/classified.toml"),
    ),
    (
        "patterns/records_lookup.toml",
        include_str!("../../patterns/records_lookup.toml"),
    ),
    (
        "patterns/footage.toml",
        include_str!("../../patterns/footage.toml"),
    ),
    (
        "patterns/phishing.toml",
        include_str!("../../patterns/phishing.toml"),
    ),
];

/// The packs compiled into the binary.
pub fn builtin_packs() -> Result<Vec<Pack>, PackError> {
    let packs = BUILTIN
        .iter()
        .map(|(name, text)| parse_pack(name, text))
        .collect::<Result<Vec<_>, _>>()?;
    validate(&packs)?;
    Ok(packs)
}

/// Loads every `*.toml` in `dir` (sorted by name), replacing the built-ins.
pub fn load_dir(dir: &Path) -> Result<Vec<Pack>, PackError> {
    let read_err = |source| PackError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let files = pack_paths(dir).map_err(read_err)?;
    if files.is_empty() {
        return Err(PackError::Empty(dir.to_path_buf()));
    }
    let mut packs = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(|source| PackError::Read {
            path: path.clone(),
            source,
        })?;
        packs.push(parse_pack(&path.display().to_string(), &text)?);
    }
    validate(&packs)?;
    Ok(packs)
}

/// The pack files of `dir`, sorted: every `*.toml` file in it (not below).
pub fn pack_paths(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// Parses one pack's TOML.
pub fn parse_pack(file: &str, text: &str) -> Result<Pack, PackError> {
    let mut pack: Pack = toml::from_str(text).map_err(|e| PackError::Parse {
        file: file.to_string(),
        message: super::describe_toml_error(text, &e),
    })?;
    pack.source = file.to_string();
    Ok(pack)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_packs_load_and_validate() {
        let packs = builtin_packs().expect("built-in packs are valid");
        let cats: Vec<&str> = packs.iter().map(|p| p.category.as_str()).collect();
        assert_eq!(
            cats,
            [
                "patient",
                "inspection",
                "informant",
                "personal_data",
                "procurement",
                "personnel",
                "classified",
                "records_lookup",
                "footage",
                "phishing"
            ]
        );
    }

    /// What `validate` says of a one-rule pack with these thresholds and
    /// an anchor group followed by `groups`.
    fn validation_error(thresholds: &str, groups: &str) -> String {
        let text = format!(
            r#"
category = "demo"
name = "示範"
[[rules]]
id = "demo.x"
title = "t"
thresholds = {thresholds}
laws = []
advice = []
examples = {{ positive = [], negative = [] }}
[[rules.keywords]]
label = "k"
terms = ["稽查"]
weight = 30
anchor = true
{groups}"#
        );
        let pack = parse_pack("demo.toml", &text).unwrap();
        validate(&[pack]).unwrap_err().to_string()
    }

    #[test]
    fn a_bad_pack_names_file_and_rule() {
        let err = validation_error("{ low = 50, medium = 40, high = 80 }", "");
        assert!(
            err.starts_with("demo.toml: rule demo.x: thresholds"),
            "{err}"
        );
    }

    #[test]
    fn a_group_window_needs_the_window_scope() {
        let near = "[[rules.keywords]]\nlabel = \"near\"\nterms = [\"明天\"]\nweight = 20\nscope = \"sentence\"\nwindow = 5\n";
        let err = validation_error("{ low = 30, medium = 50, high = 80 }", near);
        assert!(err.contains("\"near\": a window needs"), "{err}");
    }

    #[test]
    fn negative_evidence_is_lifted_only_by_a_positive_group_of_the_rule() {
        let thresholds = "{ low = 30, medium = 50, high = 80 }";
        let news = |unless: &str| {
            format!("[[rules.negative]]\nlabel = \"news\"\nterms = [\"新聞\"]\nweight = 40\nunless = [{unless}]\n")
        };
        let err = validation_error(thresholds, &news("\"pending\""));
        assert!(
            err.contains("\"news\" is lifted by unknown group \"pending\""),
            "{err}"
        );
        // A known group passes this check (and stops at the next: the
        // examples this sketch of a rule lacks).
        let err = validation_error(thresholds, &news("\"k\""));
        assert!(err.contains("laws and advice"), "{err}");
        let lifted_positive = "[[rules.keywords]]\nlabel = \"p\"\nterms = [\"明天\"]\nweight = 20\nunless = [\"k\"]\n";
        let err = validation_error(thresholds, lifted_positive);
        assert!(
            err.contains("only negative evidence can be lifted"),
            "{err}"
        );
    }

    #[test]
    fn an_unknown_key_is_a_parse_error_with_the_file() {
        let err = parse_pack(
            "x.toml",
            "category = \"a\"\nname = \"b\"\nrules = []\ncolour = 1\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("x.toml:") && err.contains("colour"),
            "{err}"
        );
    }
}
