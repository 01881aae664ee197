//! The scanner: one Aho-Corasick pass → candidate rules → entities → window
//! scoring → findings with evidence and an explanation.
//!
//! Built once from the packs ([`Scanner::new`]) and shared; scanning is pure
//! and synchronous. The cost of a harmless message is the normalization and
//! one automaton pass: entities are extracted only for the rules a keyword
//! (or, for identifier rules, a cheap digit count) made candidates, and only
//! the kinds those rules ask for.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::entity::{self, KindSet};
pub use super::finding::{Contribution, Evidence, EvidenceKind, Finding, ScanResult};
use super::pack::{Group, Pack, Scope, Thresholds};
use crate::normalize::{self, NormalizedText};

/// The buffers one scan works in, kept per thread and reused across
/// messages (allocating and growing them for every message cost 1.5 % of
/// the scan's instructions on the bench corpus).
#[derive(Default)]
struct Scratch {
    /// Keyword hits, per rule.
    per_rule: Vec<(u32, Hit)>,
    /// Rules that may fire.
    candidates: Vec<u32>,
    /// (rule, group) pairs already judged unable to anchor.
    judged: Vec<(u32, u32)>,
    /// One candidate rule's hits, keyword and entity, in character offsets.
    hits: Vec<Hit>,
}

impl Scratch {
    /// Empties every buffer, keeping its capacity.
    fn clear(&mut self) {
        self.per_rule.clear();
        self.candidates.clear();
        self.judged.clear();
        self.hits.clear();
    }
}

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = const {
        std::cell::Cell::new(Scratch {
            per_rule: Vec::new(),
            candidates: Vec::new(),
            judged: Vec::new(),
            hits: Vec::new(),
        })
    };
}

#[derive(Debug)]
struct CompiledGroup {
    label: String,
    weight: i32,
    negative: bool,
    anchor: bool,
    scope: Scope,
    max: usize,
    kinds: KindSet,
    is_keyword: bool,
    /// Group indexes of which one must be in scope for this anchor to count.
    requires: Vec<usize>,
}

#[derive(Debug)]
struct CompiledRule {
    id: String,
    title: String,
    category: String,
    window: usize,
    thresholds: Thresholds,
    groups: Vec<CompiledGroup>,
    laws: Vec<String>,
    advice: Vec<String>,
    /// Entity kinds any group needs.
    needs: KindSet,
    /// Entity kinds that anchor the rule: it is a candidate when the message
    /// has one of them.
    anchor_kinds: KindSet,
}

#[derive(Debug, Clone, Copy)]
struct Target {
    rule: u32,
    group: u32,
}

/// A hit in normalized character offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hit {
    group: u32,
    start: usize,
    end: usize,
}

/// The compiled scanner.
#[derive(Debug)]
pub struct Scanner {
    rules: Vec<CompiledRule>,
    /// Union of the rules' anchor entity kinds (looked for first).
    entity_anchor_kinds: KindSet,
    automaton: AhoCorasick,
    targets: Vec<Vec<Target>>,
    /// The keywords, normalized, in automaton pattern order (for benches).
    keywords: Vec<String>,
    /// Per keyword: whether it starts / ends with an ASCII letter or digit,
    /// and so must not touch another one there (ID is not in FRIDAY).
    ascii_edges: Vec<(bool, bool)>,
    categories: Vec<String>,
    category_names: Vec<(String, String)>,
}

/// The scanner could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The automaton could not be built.
    #[error("cannot build the keyword automaton: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
}

impl Scanner {
    /// Compiles the packs.
    pub fn new(packs: &[Pack]) -> Result<Scanner, BuildError> {
        normalize::warm_up();
        entity::warm_up();
        let mut rules = Vec::new();
        let mut keywords: Vec<String> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = Default::default();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut categories = Vec::new();
        let mut category_names = Vec::new();
        for pack in packs {
            if !categories.contains(&pack.category) {
                categories.push(pack.category.clone());
                category_names.push((pack.category.clone(), pack.name.clone()));
            }
            for rule in &pack.rules {
                let rule_idx = rules.len() as u32;
                let mut groups = Vec::new();
                let positive = rule.positive_groups().map(|g| (g, false));
                let negative = rule
                    .negative
                    .iter()
                    .chain(&pack.negative)
                    .map(|g| (g, true));
                let labels: Vec<&str> = rule.positive_groups().map(|g| g.label.as_str()).collect();
                for (g, neg) in positive.chain(negative) {
                    let group_idx = groups.len() as u32;
                    for term in &g.terms {
                        let t = normalize::normalize_term(term);
                        if t.is_empty() {
                            continue;
                        }
                        let id = *index.entry(t.clone()).or_insert_with(|| {
                            keywords.push(t);
                            targets.push(Vec::new());
                            keywords.len() - 1
                        });
                        targets[id].push(Target {
                            rule: rule_idx,
                            group: group_idx,
                        });
                    }
                    let mut cg = compile_group(g, neg);
                    cg.requires = g
                        .requires
                        .iter()
                        .filter_map(|r| labels.iter().position(|l| l == r))
                        .collect();
                    groups.push(cg);
                }
                let needs = groups
                    .iter()
                    .fold(KindSet::default(), |s, g| s.union(g.kinds));
                let anchor_kinds = groups
                    .iter()
                    .filter(|g| g.anchor && !g.is_keyword)
                    .fold(KindSet::default(), |s, g| s.union(g.kinds));
                rules.push(CompiledRule {
                    id: rule.id.clone(),
                    title: rule.title.clone(),
                    category: pack.category.clone(),
                    window: rule.window,
                    thresholds: rule.thresholds,
                    groups,
                    laws: rule.laws.clone(),
                    advice: rule.advice.clone(),
                    needs,
                    anchor_kinds,
                });
            }
        }
        let ascii_edges = keywords
            .iter()
            .map(|k| {
                let first = k.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
                let last = k
                    .bytes()
                    .next_back()
                    .is_some_and(|b| b.is_ascii_alphanumeric());
                (first, last)
            })
            .collect();
        let entity_anchor_kinds = rules
            .iter()
            .fold(KindSet::default(), |s, r| s.union(r.anchor_kinds));
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .build(&keywords)?;
        Ok(Scanner {
            rules,
            entity_anchor_kinds,
            automaton,
            targets,
            keywords,
            ascii_edges,
            categories,
            category_names,
        })
    }

    /// Category ids, in pack order.
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    /// The zh-TW name of a category.
    pub fn category_name(&self, category: &str) -> Option<&str> {
        self.category_names
            .iter()
            .find(|(c, _)| c == category)
            .map(|(_, n)| n.as_str())
    }

    /// Every keyword of every pack, normalized (the automaton's patterns).
    pub fn keywords(&self) -> &[String] {
        &self.keywords
    }

    /// Number of rules.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Scans one message.
    pub fn scan(&self, text: &str) -> ScanResult {
        let norm = NormalizedText::new(text);
        self.scan_normalized(text, &norm)
    }

    /// Scans a message already normalized (`norm` must come from `text`).
    pub fn scan_normalized(&self, text: &str, norm: &NormalizedText) -> ScanResult {
        let mut scratch = SCRATCH.with(|s| s.take());
        scratch.clear();
        let result = self.scan_hits(text, norm, &mut scratch);
        SCRATCH.with(|s| s.set(scratch));
        result
    }

    fn scan_hits(&self, text: &str, norm: &NormalizedText, scratch: &mut Scratch) -> ScanResult {
        let Scratch {
            per_rule,
            candidates,
            judged,
            hits,
        } = scratch;
        let s = norm.as_str();
        let bytes = s.as_bytes();
        for m in self.automaton.find_overlapping_iter(s) {
            let (first, last) = self.ascii_edges[m.pattern().as_usize()];
            if (first && m.start() > 0 && bytes[m.start() - 1].is_ascii_alphanumeric())
                || (last && bytes.get(m.end()).is_some_and(u8::is_ascii_alphanumeric))
            {
                continue;
            }
            // Byte offsets for now: most messages make no rule a candidate and
            // never need character offsets.
            let (start, end) = (m.start(), m.end());
            for t in &self.targets[m.pattern().as_usize()] {
                per_rule.push((
                    t.rule,
                    Hit {
                        group: t.group,
                        start,
                        end,
                    },
                ));
            }
        }
        // Identifier rules need a digit somewhere (every identifier, house number
        // and plate has one).
        let digits_ok = norm.digit_count() >= 1;
        // (rule, group) pairs already judged unable to anchor (`judged`):
        // each pair's `requires` is looked up once, however often its
        // keyword repeats.
        for (rule, hit) in per_rule.iter() {
            if candidates.contains(rule) || judged.contains(&(*rule, hit.group)) {
                continue;
            }
            let r = &self.rules[*rule as usize];
            let g = &r.groups[hit.group as usize];
            // An anchor that requires keyword groups none of which matched
            // can never count: no need to look for entities.
            let possible = g.requires.is_empty()
                || g.requires.iter().any(|&q| {
                    !r.groups[q].is_keyword
                        || per_rule
                            .iter()
                            .any(|(r2, h2)| r2 == rule && h2.group as usize == q)
                });
            if g.anchor && possible {
                candidates.push(*rule);
            } else {
                judged.push((*rule, hit.group));
            }
        }
        // Entity-anchored rules: look for their anchor kinds first, and make
        // the rule a candidate only when one is there.
        let mut entities = Vec::new();
        let mut extracted = KindSet::default();
        if digits_ok && !self.entity_anchor_kinds.is_empty() {
            entities = entity::extract(norm, self.entity_anchor_kinds);
            extracted = self.entity_anchor_kinds;
            for (i, r) in self.rules.iter().enumerate() {
                let anchored = entities.iter().any(|e| r.anchor_kinds.contains(e.kind));
                if anchored && !candidates.contains(&(i as u32)) {
                    candidates.push(i as u32);
                }
            }
        }
        if candidates.is_empty() {
            return ScanResult::default();
        }
        let needs = candidates
            .iter()
            .fold(KindSet::default(), |k, &r| {
                k.union(self.rules[r as usize].needs)
            })
            .difference(extracted);
        entities.extend(entity::extract(norm, needs));

        let mut findings = Vec::new();
        for &ri in candidates.iter() {
            let rule = &self.rules[ri as usize];
            hits.clear();
            hits.extend(per_rule.iter().filter(|(r, _)| *r == ri).map(|(_, h)| Hit {
                group: h.group,
                start: norm.char_index(h.start),
                end: norm.char_index(h.end),
            }));
            for (gi, g) in rule.groups.iter().enumerate() {
                if g.kinds.is_empty() {
                    continue;
                }
                for e in entities.iter().filter(|e| g.kinds.contains(e.kind)) {
                    hits.push(Hit {
                        group: gi as u32,
                        start: e.start,
                        end: e.end,
                    });
                }
            }
            hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
            drop_contained_keyword_hits(rule, hits);
            if let Some(f) = self.best_finding(rule, hits, &entities, text, norm) {
                findings.push(f);
            }
        }
        findings.sort_by(|a, b| {
            (b.severity, b.score)
                .cmp(&(a.severity, a.score))
                .then_with(|| a.rule.cmp(&b.rule))
        });
        ScanResult { findings }
    }

    fn best_finding(
        &self,
        rule: &CompiledRule,
        hits: &[Hit],
        entities: &[entity::Entity],
        text: &str,
        norm: &NormalizedText,
    ) -> Option<Finding> {
        let mut best: Option<(i32, UsedHits)> = None;
        let buckets = Buckets::new(rule, hits);
        for anchor in hits.iter().filter(|h| rule.groups[h.group as usize].anchor) {
            let (score, used) = score_at(rule, anchor, &buckets);
            let requires = &rule.groups[anchor.group as usize].requires;
            if !requires.is_empty() && !used.iter().any(|(gi, _)| requires.contains(gi)) {
                continue;
            }
            if best.as_ref().is_none_or(|(b, _)| score > *b) {
                best = Some((score, used));
            }
        }
        let (score, used) = best?;
        let score = score.clamp(0, 100);
        let severity = rule.thresholds.severity(score)?;
        let mut evidence = Vec::new();
        let mut explanation = Vec::new();
        for (gi, group_hits) in &used {
            let g = &rule.groups[*gi];
            for h in group_hits {
                let (s, e) = norm.original_span(h.start, h.end);
                let quoted = slice_chars(text, s, e);
                explanation.push(Contribution {
                    label: g.label.clone(),
                    points: if g.negative { -g.weight } else { g.weight },
                    text: quoted.clone(),
                });
                if !g.negative {
                    let label = if g.is_keyword {
                        g.label.clone()
                    } else {
                        entity_label(entities, h).unwrap_or(&g.label).to_string()
                    };
                    evidence.push(Evidence {
                        kind: if g.is_keyword {
                            EvidenceKind::Keyword
                        } else {
                            EvidenceKind::Entity
                        },
                        label,
                        start: s,
                        end: e,
                        text: quoted,
                    });
                }
            }
        }
        evidence.sort_by_key(|e| (e.start, e.end));
        Some(Finding {
            rule: rule.id.clone(),
            category: rule.category.clone(),
            severity,
            score: score as u8,
            title: rule.title.clone(),
            evidence,
            laws: rule.laws.clone(),
            advice: rule.advice.clone(),
            explanation,
        })
    }
}

fn compile_group(g: &Group, negative: bool) -> CompiledGroup {
    CompiledGroup {
        label: g.label.clone(),
        weight: g.weight,
        negative,
        anchor: g.anchor && !negative,
        scope: g.scope,
        max: g.max,
        kinds: g.kinds.iter().copied().collect(),
        is_keyword: !g.terms.is_empty(),
        requires: Vec::new(),
    }
}

/// A keyword inside a longer keyword of another group of the same rule does
/// not count on its own when the longer one is an anchor or negative
/// evidence (被檢舉人 is not 檢舉人, 稽查人員 is not 稽查), and negative
/// evidence inside any longer keyword does not count (未公布 is not 公布).
/// Supporting groups do not hide each other.
///
/// `hits` must be sorted by start; only keywords that can reach over a hit
/// (starting at most the longest keyword's length before its end) are
/// compared, so a message of thousands of repeated keywords stays linear.
fn drop_contained_keyword_hits(rule: &CompiledRule, hits: &mut Vec<Hit>) {
    let group = |h: &Hit| &rule.groups[h.group as usize];
    let keywords: Vec<Hit> = hits
        .iter()
        .copied()
        .filter(|h| group(h).is_keyword)
        .collect();
    let longest = keywords.iter().map(|h| h.end - h.start).max().unwrap_or(0);
    hits.retain(|h| {
        let g = group(h);
        if !g.is_keyword {
            return true;
        }
        let lo = keywords.partition_point(|o| o.start + longest < h.end);
        let hi = keywords.partition_point(|o| o.start <= h.start);
        !keywords[lo..hi.max(lo)].iter().any(|o| {
            let og = group(o);
            o.group != h.group
                && o.start <= h.start
                && h.end <= o.end
                && (o.end - o.start) > (h.end - h.start)
                && (og.anchor || og.negative || g.negative)
        })
    });
}

fn gap(a: &Hit, b: &Hit) -> usize {
    if b.start >= a.end {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    }
}

/// The hits that counted, per group index.
type UsedHits = Vec<(usize, Vec<Hit>)>;

/// A rule's hits split by group, each list in start order, with the longest
/// hit of each group: an anchor then looks only at the hits that can fall
/// inside its window.
struct Buckets {
    by_group: Vec<Vec<Hit>>,
    longest: Vec<usize>,
}

impl Buckets {
    /// `hits` must be sorted by start.
    fn new(rule: &CompiledRule, hits: &[Hit]) -> Buckets {
        let mut by_group = vec![Vec::new(); rule.groups.len()];
        let mut longest = vec![0; rule.groups.len()];
        for h in hits {
            let g = h.group as usize;
            by_group[g].push(*h);
            longest[g] = longest[g].max(h.end - h.start);
        }
        Buckets { by_group, longest }
    }

    /// The hits of group `gi` that may lie within `window` of `anchor`
    /// (a superset: the caller still checks the gap).
    fn near(&self, gi: usize, anchor: &Hit, window: usize) -> &[Hit] {
        let bucket = &self.by_group[gi];
        let first = anchor.start.saturating_sub(window + self.longest[gi]);
        let last = anchor.end + window;
        let lo = bucket.partition_point(|h| h.start < first);
        let hi = bucket.partition_point(|h| h.start <= last);
        &bucket[lo..hi.max(lo)]
    }
}

/// Score of one anchor: each group adds its weight once per distinct hit in
/// scope, up to its `max`; negative groups subtract.
fn score_at(rule: &CompiledRule, anchor: &Hit, buckets: &Buckets) -> (i32, UsedHits) {
    let mut score = 0;
    let mut used: Vec<(usize, Vec<Hit>)> = Vec::new();
    for (gi, g) in rule.groups.iter().enumerate() {
        let mut chosen: Vec<Hit> = Vec::new();
        if gi as u32 == anchor.group {
            chosen.push(*anchor);
        }
        let candidates = if g.scope == Scope::Message {
            &buckets.by_group[gi][..]
        } else {
            buckets.near(gi, anchor, rule.window)
        };
        for h in candidates {
            if chosen.len() >= g.max {
                break;
            }
            let in_scope = g.scope == Scope::Message || gap(anchor, h) <= rule.window;
            let overlaps = chosen.iter().any(|c| c.start < h.end && h.start < c.end);
            if in_scope && !overlaps {
                chosen.push(*h);
            }
        }
        if chosen.is_empty() {
            continue;
        }
        let points = g.weight * chosen.len() as i32;
        score += if g.negative { -points } else { points };
        used.push((gi, chosen));
    }
    (score, used)
}

fn entity_label<'a>(entities: &'a [entity::Entity], h: &Hit) -> Option<&'a str> {
    entities
        .iter()
        .find(|e| e.start == h.start && e.end == h.end)
        .map(|e| e.kind.name())
}

/// Characters `[start, end)` of `text`.
pub fn slice_chars(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}
