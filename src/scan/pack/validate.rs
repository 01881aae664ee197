//! The constraints of a pack that TOML cannot express: ids, thresholds,
//! group shapes, the groups an anchor requires or a negative group is
//! lifted by, cited laws and the examples every rule needs.

use std::collections::HashSet;

use super::{Group, Pack, PackError, Scope};

/// Groups a rule may have, its pack's negative evidence included: the
/// scanner keeps a rule's groups with a hit as the bits of a `u64`.
pub const MAX_GROUPS: usize = 64;

/// Example messages every rule needs of each kind.
const MIN_EXAMPLES: usize = 8;

/// Checks the constraints TOML cannot express.
pub fn validate(packs: &[Pack]) -> Result<(), PackError> {
    let mut ids = HashSet::new();
    for pack in packs {
        let invalid = |rule: &str, message: String| PackError::Invalid {
            file: pack.source.clone(),
            rule: rule.to_string(),
            message,
        };
        if pack.category.is_empty()
            || !pack
                .category
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
        {
            return Err(invalid(
                "-",
                format!("category {:?} must be lower-case ascii", pack.category),
            ));
        }
        if pack.rules.is_empty() {
            return Err(invalid("-", "the pack has no rules".into()));
        }
        for g in &pack.negative {
            check_group(g).map_err(|m| invalid("-", m))?;
            let known = |l: &str| {
                pack.rules
                    .iter()
                    .any(|r| r.positive_groups().any(|p| p.label == l))
            };
            check_unless(g, known).map_err(|m| invalid("-", m))?;
        }
        for rule in &pack.rules {
            let err = |m: String| invalid(&rule.id, m);
            if !rule.id.starts_with(&format!("{}.", pack.category)) {
                return Err(err(format!("id must start with \"{}.\"", pack.category)));
            }
            if !ids.insert(rule.id.clone()) {
                return Err(err("duplicate rule id".into()));
            }
            let t = rule.thresholds;
            if !(0 < t.low && t.low <= t.medium && t.medium <= t.high && t.high <= 100) {
                return Err(err(format!(
                    "thresholds must satisfy 0 < low <= medium <= high <= 100, got {}/{}/{}",
                    t.low, t.medium, t.high
                )));
            }
            if rule.window == 0 {
                return Err(err("window must be at least 1".into()));
            }
            if !rule.positive_groups().any(|g| g.anchor) {
                return Err(err("no keyword or entity group is an anchor".into()));
            }
            for g in &rule.keywords {
                if g.terms.is_empty() || !g.kinds.is_empty() {
                    return Err(err(format!(
                        "keyword group {:?} needs terms and no kinds",
                        g.label
                    )));
                }
                check_group(g).map_err(&err)?;
            }
            for g in &rule.entities {
                if g.kinds.is_empty() || !g.terms.is_empty() {
                    return Err(err(format!(
                        "entity group {:?} needs kinds and no terms",
                        g.label
                    )));
                }
                check_group(g).map_err(&err)?;
            }
            let labels: Vec<&str> = rule.positive_groups().map(|g| g.label.as_str()).collect();
            for g in rule.positive_groups() {
                if !g.unless.is_empty() {
                    return Err(err(format!(
                        "group {:?}: only negative evidence can be lifted (unless)",
                        g.label
                    )));
                }
                for r in &g.requires {
                    if !labels.contains(&r.as_str()) {
                        return Err(err(format!(
                            "group {:?} requires unknown group {r:?}",
                            g.label
                        )));
                    }
                }
            }
            for g in &rule.negative {
                check_group(g).map_err(&err)?;
                check_unless(g, |l| labels.contains(&l)).map_err(&err)?;
                if g.anchor {
                    return Err(err(format!(
                        "negative group {:?} cannot be an anchor",
                        g.label
                    )));
                }
            }
            let groups = rule.keywords.len()
                + rule.entities.len()
                + rule.negative.len()
                + pack.negative.len();
            if groups > MAX_GROUPS {
                return Err(err(format!(
                    "has {groups} groups with the pack's negative evidence; at most {MAX_GROUPS}"
                )));
            }
            if rule.laws.is_empty() || rule.advice.is_empty() {
                return Err(err("laws and advice must not be empty".into()));
            }
            for law in &rule.laws {
                if !pack.laws.contains_key(law) {
                    return Err(err(format!(
                        "cites {law:?}, which has no text in the pack's [laws]"
                    )));
                }
            }
            if rule.examples.positive.len() < MIN_EXAMPLES
                || rule.examples.negative.len() < MIN_EXAMPLES
            {
                return Err(err(format!(
                    "needs at least {MIN_EXAMPLES} positive and {MIN_EXAMPLES} negative examples"
                )));
            }
        }
    }
    Ok(())
}

fn check_group(g: &Group) -> Result<(), String> {
    if g.terms.is_empty() && g.kinds.is_empty() {
        return Err(format!("group {:?} has neither terms nor kinds", g.label));
    }
    if !(1..=100).contains(&g.weight) {
        return Err(format!(
            "group {:?}: weight {} must be 1..=100",
            g.label, g.weight
        ));
    }
    if g.max == 0 {
        return Err(format!("group {:?}: max must be at least 1", g.label));
    }
    if g.terms.iter().any(|t| t.trim().is_empty()) {
        return Err(format!("group {:?} has an empty term", g.label));
    }
    if g.window.is_some() && g.scope != Scope::Window {
        return Err(format!(
            "group {:?}: a window needs scope = \"window\"",
            g.label
        ));
    }
    Ok(())
}

/// That every group a negative group is lifted by (`unless`) is `known`.
fn check_unless(g: &Group, known: impl Fn(&str) -> bool) -> Result<(), String> {
    match g.unless.iter().find(|l| !known(l)) {
        Some(l) => Err(format!(
            "group {:?} is lifted by unknown group {l:?}",
            g.label
        )),
        None => Ok(()),
    }
}
