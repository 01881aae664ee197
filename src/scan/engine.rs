//! The scanner: one Aho-Corasick pass (double-array, character by
//! character) → candidate rules → entities → window
//! scoring → findings with evidence and an explanation.
//!
//! Built once from the packs ([`Scanner::new`]) and shared; scanning is pure
//! and synchronous. The cost of a harmless message is the normalization and
//! one automaton pass: entities are extracted only for the rules a keyword
//! (or, for identifier rules, a cheap digit count) made candidates, and only
//! the kinds those rules ask for.

mod candidates;
mod edges;

use daachorse::CharwiseDoubleArrayAhoCorasick;

use super::entity::{self, EntityKind, KindSet};
use super::finding::slice_chars;
pub use super::finding::{Contribution, Evidence, EvidenceKind, Finding, ScanResult};
use super::pack::{Pack, Sender};
use super::phonetic::{self, SoundIndex};
use super::rule::{
    compile_group, drop_contained_keyword_hits, group_bit, index_groups, score_at, Buckets,
    CompiledRule, Hit, UsedHits,
};
use super::sentence::Sentences;
use super::watch::CategoryWatch;
use crate::normalize::{self, NormalizedText};
use edges::ascii_edges;

/// The buffers one scan works in, kept per thread and reused across
/// messages (allocating and growing them for every message cost 1.5 % of
/// the scan's instructions on the bench corpus).
#[derive(Default)]
struct Scratch {
    /// Keyword hits, per rule.
    per_rule: Vec<(u32, Hit)>,
    /// Rules that may fire.
    candidates: Vec<u32>,
    /// Per rule, which of its groups have a keyword hit (a bit each).
    groups_hit: Vec<u64>,
    /// One candidate rule's hits, keyword and entity, in character offsets.
    hits: Vec<Hit>,
    /// The rules with a keyword hit.
    touched: Vec<u32>,
}

impl Scratch {
    /// Empties every buffer, keeping its capacity.
    fn clear(&mut self) {
        self.per_rule.clear();
        self.candidates.clear();
        self.groups_hit.clear();
        self.hits.clear();
        self.touched.clear();
    }
}

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = const {
        std::cell::Cell::new(Scratch {
            per_rule: Vec::new(),
            candidates: Vec::new(),
            groups_hit: Vec::new(),
            hits: Vec::new(),
            touched: Vec::new(),
        })
    };
}

#[derive(Debug, Clone, Copy)]
struct Target {
    rule: u32,
    group: u32,
    /// For a homophone typo: the id of the anchor keyword it stands for in
    /// `Scanner::sounds`.
    sound: Option<u32>,
}

impl Target {
    /// This target's hit at normalized `[start, end)`.
    fn hit(&self, start: usize, end: usize) -> Hit {
        let (group, sound) = (self.group, self.sound);
        Hit {
            group,
            start,
            end,
            sound,
        }
    }
}

/// The compiled scanner.
#[derive(Debug)]
pub struct Scanner {
    pub(super) rules: Vec<CompiledRule>,
    /// Union of the rules' anchor entity kinds (looked for first).
    entity_anchor_kinds: KindSet,
    /// The keyword automaton: a double-array Aho-Corasick automaton that
    /// steps one character at a time (daachorse's charwise form), which on
    /// Chinese text takes a third of the time of a byte-wise DFA.
    automaton: KeywordAutomaton,
    targets: Vec<Vec<Target>>,
    /// The keywords, normalized, in automaton pattern order (for benches).
    keywords: Vec<String>,
    /// Per keyword: whether its start / end must not touch an ASCII letter
    /// or digit (`ascii_edges`).
    ascii_edges: Vec<(bool, bool)>,
    /// The anchor keywords whose homophone typos are looked for
    /// (`phonetic`), and the anchor groups each stands for, by its id.
    sounds: SoundIndex,
    sound_targets: Vec<Vec<Target>>,
    categories: Vec<String>,
    category_names: Vec<(String, String)>,
    /// Categories whose messages come from an attacker (`sender = "attacker"`).
    attacks: Vec<String>,
    /// Per category: what a watchlist entry is called, and the laws its
    /// rules cite, most important first.
    watch: Vec<(String, CategoryWatch)>,
    /// Categories whose secrets expire with their dates.
    dated: Vec<String>,
}

/// The keyword automaton, pattern i being keyword i.
struct KeywordAutomaton(CharwiseDoubleArrayAhoCorasick<u32>);

impl std::fmt::Debug for KeywordAutomaton {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeywordAutomaton({} bytes)", self.0.heap_bytes())
    }
}

/// The scanner could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The automaton could not be built.
    #[error("cannot build the keyword automaton: {0}")]
    Automaton(String),
}

impl Scanner {
    /// Compiles the packs, with the homophone typos of their anchor
    /// keywords.
    pub fn new(packs: &[Pack]) -> Result<Scanner, BuildError> {
        Scanner::build(packs, true)
    }

    /// Compiles the packs without homophone typos (for the bench that
    /// prices them).
    pub fn exact_only(packs: &[Pack]) -> Result<Scanner, BuildError> {
        Scanner::build(packs, false)
    }

    fn build(packs: &[Pack], with_sounds: bool) -> Result<Scanner, BuildError> {
        normalize::warm_up();
        phonetic::warm_up();
        entity::warm_up();
        let mut rules = Vec::new();
        let mut keywords: Vec<String> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = Default::default();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut categories = Vec::new();
        let mut category_names = Vec::new();
        let mut attacks = Vec::new();
        let mut watch: Vec<(String, CategoryWatch)> = Vec::new();
        let mut dated = Vec::new();
        // Anchor keywords and the groups they anchor, for `sounds`.
        let mut anchors: Vec<(String, Target)> = Vec::new();
        let exact: std::collections::HashSet<String> = packs
            .iter()
            .flat_map(|p| {
                p.rules
                    .iter()
                    .flat_map(|r| r.positive_groups().chain(&r.negative))
                    .chain(&p.negative)
            })
            .flat_map(|g| g.terms.iter().map(|t| normalize::normalize_term(t)))
            .collect();
        for pack in packs {
            if !categories.contains(&pack.category) {
                categories.push(pack.category.clone());
                category_names.push((pack.category.clone(), pack.name.clone()));
                if pack.sender == Sender::Attacker {
                    attacks.push(pack.category.clone());
                }
                watch.push((pack.category.clone(), CategoryWatch::of(pack)));
                if pack.expires_with_dates {
                    dated.push(pack.category.clone());
                }
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
                // Positives first, then negatives: scoring relies on the order.
                for (g, neg) in positive.chain(negative) {
                    let group_idx = groups.len() as u32;
                    for term in &g.terms {
                        let t = normalize::normalize_term(term);
                        if t.is_empty() {
                            continue;
                        }
                        let target = Target {
                            rule: rule_idx,
                            group: group_idx,
                            sound: None,
                        };
                        if with_sounds && g.anchor && !neg {
                            anchors.push((t.clone(), target));
                        }
                        let id = keyword_id(&mut index, &mut keywords, &mut targets, t);
                        targets[id].push(target);
                    }
                    let mut cg = compile_group(g, neg);
                    cg.requires = group_indexes(&g.requires, &labels).collect();
                    cg.unless = group_indexes(&g.unless, &labels).fold(0, |m, i| m | group_bit(i));
                    groups.push(cg);
                }
                let (keyword_anchors, positive_keywords) = index_groups(&mut groups);
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
                    keyword_anchors,
                    positive_keywords,
                    has_sounds: false,
                });
            }
        }
        let ascii_edges = keywords.iter().map(|k| ascii_edges(k)).collect();
        let entity_anchor_kinds = rules
            .iter()
            .fold(KindSet::default(), |s, r| s.union(r.anchor_kinds));
        let mut sounds = SoundIndex::new(anchors.iter().map(|(k, _)| k.as_str()), exact);
        let mut sound_targets: Vec<Vec<Target>> = vec![Vec::new(); sounds.len()];
        for (k, target) in &anchors {
            if let Some(id) = sounds.id(k) {
                rules[target.rule as usize].has_sounds = true;
                sounds.add_rule(id, target.rule);
                let sound = Some(id);
                sound_targets[id as usize].push(Target { sound, ..*target });
            }
        }
        // Pattern i is keyword i (the keywords are distinct).
        let automaton = CharwiseDoubleArrayAhoCorasick::new(&keywords)
            .map(KeywordAutomaton)
            .map_err(|e| BuildError::Automaton(e.to_string()))?;
        Ok(Scanner {
            rules,
            entity_anchor_kinds,
            automaton,
            targets,
            sounds,
            sound_targets,
            keywords,
            ascii_edges,
            categories,
            category_names,
            attacks,
            watch,
            dated,
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

    /// Whether messages of `category` come from an attacker (phishing):
    /// they are answered with a warning not to click, naming nobody.
    pub fn is_attack(&self, category: &str) -> bool {
        self.attacks.iter().any(|c| c == category)
    }

    /// What a watchlist entry of `category` is called and which laws it
    /// cites.
    pub fn category_watch(&self, category: &str) -> Option<&CategoryWatch> {
        self.watch
            .iter()
            .find(|(c, _)| c == category)
            .map(|(_, w)| w)
    }

    /// Whether `category`'s secrets are over once their dates are past.
    pub fn expires_with_dates(&self, category: &str) -> bool {
        self.dated.iter().any(|c| c == category)
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
            groups_hit,
            hits,
            touched,
        } = scratch;
        let s = norm.as_str();
        let bytes = s.as_bytes();
        for m in self.automaton.0.find_overlapping_iter(s) {
            let id = m.value() as usize;
            let (first, last) = self.ascii_edges[id];
            if (first && m.start() > 0 && bytes[m.start() - 1].is_ascii_alphanumeric())
                || (last && bytes.get(m.end()).is_some_and(u8::is_ascii_alphanumeric))
            {
                continue;
            }
            // Byte offsets for now: most messages make no rule a candidate and
            // never need character offsets.
            let (start, end) = (m.start(), m.end());
            for t in &self.targets[id] {
                per_rule.push((t.rule, t.hit(start, end)));
            }
        }
        self.group_hits(per_rule, groups_hit, touched);
        self.keyword_candidates(groups_hit, touched, candidates);
        if self.add_sound_hits(norm, per_rule, groups_hit, touched) {
            self.group_hits(per_rule, groups_hit, touched);
            self.keyword_candidates(groups_hit, touched, candidates);
        }
        // Entity-anchored rules: look for their anchor kinds first, and make
        // the rule a candidate only when one is there.
        let mut entities = Vec::new();
        let mut extracted = KindSet::default();
        if !self.entity_anchor_kinds.is_empty() && entity::may_hold(norm, self.entity_anchor_kinds)
        {
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
            .union(KindSet::of(&[EntityKind::ReportedMessage]))
            .difference(extracted);
        entities.extend(entity::extract(norm, needs));

        // Messages quoted as sent, in order and apart: an anchor finds its
        // own by bisection.
        let reported: Vec<(usize, usize)> = entities
            .iter()
            .filter(|e| e.kind == EntityKind::ReportedMessage)
            .map(|e| (e.start, e.end))
            .collect();
        let message = Message {
            text,
            norm,
            entities: &entities,
            sentences: &Sentences::of(norm),
            reported: &reported,
        };
        let mut findings = Vec::new();
        for &ri in candidates.iter() {
            let rule = &self.rules[ri as usize];
            hits.clear();
            hits.extend(per_rule.iter().filter(|(r, _)| *r == ri).map(|(_, h)| Hit {
                group: h.group,
                start: norm.char_index(h.start),
                end: norm.char_index(h.end),
                sound: h.sound,
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
                        sound: None,
                    });
                }
            }
            hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
            drop_contained_keyword_hits(rule, hits);
            if let Some(f) = self.best_finding(rule, hits, &message) {
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

    fn best_finding(&self, rule: &CompiledRule, hits: &[Hit], m: &Message<'_>) -> Option<Finding> {
        let Message {
            text,
            norm,
            entities,
            sentences,
            reported,
        } = *m;
        let mut best: Option<(i32, UsedHits)> = None;
        let mut used = UsedHits::new();
        let buckets = Buckets::new(rule, hits);
        // Negative evidence outside a message quoted as sent does not reach
        // an anchor inside it. An inspection a ruling quotes is judged the
        // same way: what was sent is the leak; that its dates have passed
        // lowers the warning in the pipeline (pipeline/decay.rs), not here.
        for anchor in hits.iter().filter(|h| rule.groups[h.group as usize].anchor) {
            let k = reported.partition_point(|&(_, end)| end <= anchor.start);
            let quote = reported
                .get(k)
                .copied()
                .filter(|&(start, end)| start <= anchor.start && anchor.end <= end);
            let score = score_at(rule, anchor, &buckets, sentences, quote, &mut used);
            let requires = &rule.groups[anchor.group as usize].requires;
            if !requires.is_empty() && !used.iter().any(|(gi, _)| requires.contains(gi)) {
                continue;
            }
            match &mut best {
                Some((b, _)) if score <= *b => {}
                Some((b, kept)) => {
                    *b = score;
                    std::mem::swap(kept, &mut used);
                }
                None => best = Some((score, std::mem::take(&mut used))),
            }
        }
        let (score, used) = best?;
        let score = score.clamp(0, 100);
        let severity = rule.thresholds.severity(score)?;
        let mut evidence = Vec::new();
        let mut explanation = Vec::new();
        for (gi, h) in &used {
            let g = &rule.groups[*gi];
            let (s, e) = norm.original_span(h.start, h.end);
            let quoted = slice_chars(text, s, e);
            let label = match h.sound {
                Some(k) => format!("{}〔同音：{}〕", g.label, self.sounds.keyword(k)),
                None => g.label.clone(),
            };
            explanation.push(Contribution {
                label,
                points: h.points(g),
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

/// The indexes of the groups named in `names`, among a rule's positive
/// groups' `labels` (they come first in its groups, so a label's position
/// is its group's index).
fn group_indexes<'a>(names: &'a [String], labels: &'a [&str]) -> impl Iterator<Item = usize> + 'a {
    names
        .iter()
        .filter_map(|r| labels.iter().position(|l| l == r))
}

/// The id of keyword `k` in the automaton's list, added if new.
fn keyword_id(
    index: &mut std::collections::HashMap<String, usize>,
    keywords: &mut Vec<String>,
    targets: &mut Vec<Vec<Target>>,
    k: String,
) -> usize {
    *index.entry(k.clone()).or_insert_with(|| {
        keywords.push(k);
        targets.push(Vec::new());
        keywords.len() - 1
    })
}

/// A message being judged: as written, normalized, its entities, its
/// sentences and its quoted messages.
#[derive(Clone, Copy)]
struct Message<'a> {
    text: &'a str,
    norm: &'a NormalizedText,
    entities: &'a [entity::Entity],
    sentences: &'a Sentences,
    /// The spans of its messages quoted as sent.
    reported: &'a [(usize, usize)],
}

fn entity_label<'a>(entities: &'a [entity::Entity], h: &Hit) -> Option<&'a str> {
    entities
        .iter()
        .find(|e| e.start == h.start && e.end == h.end)
        .map(|e| e.kind.name())
}
