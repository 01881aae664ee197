//! A compiled rule and how it scores a message: its groups, the hits of a
//! message in them, the keywords hidden inside longer ones, and the score
//! around each anchor within the rule's window.

use super::entity::KindSet;
use super::pack::{Group, Scope, Thresholds};
use super::sentence::Sentences;

#[derive(Debug)]
pub(super) struct CompiledGroup {
    pub(super) label: String,
    pub(super) weight: i32,
    pub(super) negative: bool,
    pub(super) anchor: bool,
    pub(super) scope: Scope,
    pub(super) max: usize,
    pub(super) kinds: KindSet,
    pub(super) is_keyword: bool,
    /// Group indexes of which one must be in scope for this anchor to count.
    pub(super) requires: Vec<usize>,
    /// The keyword groups among `requires`, a bit each; and whether it names
    /// an entity group too (which only the entities can rule out).
    pub(super) requires_keywords: u64,
    pub(super) requires_entities: bool,
    /// The group's own window, when narrower than the rule's.
    pub(super) window: Option<usize>,
    /// For negative evidence: the positive groups (a bit each) whose hit in
    /// scope lifts it.
    pub(super) unless: u64,
}

#[derive(Debug)]
pub(super) struct CompiledRule {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) category: String,
    pub(super) window: usize,
    pub(super) thresholds: Thresholds,
    pub(super) groups: Vec<CompiledGroup>,
    pub(super) laws: Vec<String>,
    pub(super) advice: Vec<String>,
    /// Entity kinds any group needs.
    pub(super) needs: KindSet,
    /// Entity kinds that anchor the rule: it is a candidate when the message
    /// has one of them.
    pub(super) anchor_kinds: KindSet,
    /// Its keyword anchor groups and its positive keyword groups, a bit
    /// each (a rule has at most 64 groups, see `pack::validate`).
    pub(super) keyword_anchors: u64,
    pub(super) positive_keywords: u64,
    /// Whether an anchor keyword of the rule can be found by its sound (a
    /// rule without one gains nothing from the homophone pass).
    pub(super) has_sounds: bool,
}

impl CompiledRule {
    /// Whether keyword hits in `hit` (a bit per group) include an anchor
    /// that can count: one that requires nothing, or an entity group, or a
    /// keyword group that was hit too.
    pub(super) fn keyword_anchored(&self, hit: u64) -> bool {
        let mut anchors = hit & self.keyword_anchors;
        while anchors != 0 {
            let g = &self.groups[anchors.trailing_zeros() as usize];
            if g.requires.is_empty() || g.requires_entities || hit & g.requires_keywords != 0 {
                return true;
            }
            anchors &= anchors - 1;
        }
        false
    }

    /// Whether the keyword groups in `hit` give the rule enough points to
    /// look for the homophone typos of its anchors (when it has any).
    pub(super) fn opens_sound_pass(&self, hit: u64) -> bool {
        self.has_sounds && self.keyword_points(hit) >= super::phonetic::TYPO_CONTEXT
    }

    /// The points of the positive keyword groups in `hit`, each counted
    /// once.
    pub(super) fn keyword_points(&self, hit: u64) -> i32 {
        let mut groups = hit & self.positive_keywords;
        let mut points = 0;
        while groups != 0 {
            points += self.groups[groups.trailing_zeros() as usize].weight;
            groups &= groups - 1;
        }
        points
    }
}

/// A hit in normalized character offsets; `sound` names the keyword when
/// it was found by its sound rather than its characters (see `phonetic`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Hit {
    pub(super) group: u32,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) sound: Option<u32>,
}

impl Hit {
    /// What this hit adds to (or takes from) the score in group `g`: the
    /// group's weight, four fifths of it for a match by sound.
    pub(super) fn points(&self, g: &CompiledGroup) -> i32 {
        let weight = match self.sound {
            Some(_) => g.weight * 4 / 5,
            None => g.weight,
        };
        if g.negative {
            -weight
        } else {
            weight
        }
    }
}

pub(super) fn compile_group(g: &Group, negative: bool) -> CompiledGroup {
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
        requires_keywords: 0,
        requires_entities: false,
        window: g.window,
        unless: 0,
    }
}

/// Group `gi`'s bit in a rule's masks of groups (a rule has at most 64
/// groups, see `pack::validate`).
pub(super) fn group_bit(gi: usize) -> u64 {
    1u64.checked_shl(gi as u32).unwrap_or(0)
}

/// Fills in each anchor's `requires_keywords` and `requires_entities`, and
/// returns the rule's `keyword_anchors` and `positive_keywords` masks.
pub(super) fn index_groups(groups: &mut [CompiledGroup]) -> (u64, u64) {
    let keyword: Vec<bool> = groups.iter().map(|g| g.is_keyword).collect();
    let (mut anchors, mut positive) = (0u64, 0u64);
    for (gi, g) in groups.iter_mut().enumerate() {
        let bit = group_bit(gi);
        g.requires_keywords = g
            .requires
            .iter()
            .filter(|&&q| keyword[q])
            .fold(0, |m, &q| m | group_bit(q));
        g.requires_entities = g.requires.iter().any(|&q| !keyword[q]);
        if g.is_keyword && !g.negative {
            positive |= bit;
            if g.anchor {
                anchors |= bit;
            }
        }
    }
    (anchors, positive)
}

/// A keyword inside a longer keyword of another group of the same rule does
/// not count on its own when the longer one is an anchor or negative
/// evidence (被檢舉人 is not 檢舉人, 稽查人員 is not 稽查), and negative
/// evidence inside any longer keyword does not count (未公布 is not 公布),
/// nor inside an entity the rule counts for it. Nothing inside an entity
/// that is negative evidence counts for the rule: the words of a quoted
/// example of what must not be said are quoted, not said, and those of a
/// genuine government link are its address.
/// Supporting groups do not hide each other.
///
/// `hits` must be sorted by start; only keywords that can reach over a hit
/// (starting at most the longest keyword's length before its end) are
/// compared, so a message of thousands of repeated keywords stays linear.
pub(super) fn drop_contained_keyword_hits(rule: &CompiledRule, hits: &mut Vec<Hit>) {
    let group = |h: &Hit| &rule.groups[h.group as usize];
    let keywords: Vec<Hit> = hits
        .iter()
        .copied()
        .filter(|h| group(h).is_keyword)
        .collect();
    let longest = keywords.iter().map(|h| h.end - h.start).max().unwrap_or(0);
    // Entities the rule counts for it: a word inside one (宣導 in the file
    // name 資安宣導.mp4.exe, 新聞 in 新聞路) is part of a name, not
    // something the message says.
    let names = reach_spans(hits, |h| !group(h).is_keyword && !group(h).negative);
    hits.retain(|h| {
        let g = group(h);
        if !g.is_keyword {
            return true;
        }
        if g.negative && covers(&names, h) {
            return false;
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
    // Negative entities: what is inside one is quoted, not said.
    let quoted = reach_spans(hits, |h| !group(h).is_keyword && group(h).negative);
    if !quoted.is_empty() {
        hits.retain(|h| group(h).negative || !covers(&quoted, h));
    }
}

/// The spans of the hits `keep` selects, by start (as `hits` is), each
/// with the farthest end reached so far, for [`covers`].
fn reach_spans(hits: &[Hit], keep: impl Fn(&Hit) -> bool) -> Vec<(usize, usize)> {
    hits.iter()
        .filter(|h| keep(h))
        .scan(0, |reach, h| {
            *reach = h.end.max(*reach);
            Some((h.start, *reach))
        })
        .collect()
}

/// Whether one of `spans` (from [`reach_spans`]) holds `h`: the reach of
/// those starting at or before it covers its end.
fn covers(spans: &[(usize, usize)], h: &Hit) -> bool {
    let i = spans.partition_point(|&(s, _)| s <= h.start);
    i > 0 && spans[i - 1].1 >= h.end
}

fn gap(a: &Hit, b: &Hit) -> usize {
    if b.start >= a.end {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    }
}

/// The hits that counted, each with its group's index, in group order.
pub(super) type UsedHits = Vec<(usize, Hit)>;

/// A rule's hits split by group, each run in start order, with the longest
/// hit of each group: an anchor then looks only at the hits that can fall
/// inside its window. One buffer for all groups: `hits[starts[g]..starts[g
/// + 1]]` are group `g`'s.
pub(super) struct Buckets {
    hits: Vec<Hit>,
    starts: Vec<u32>,
    longest: Vec<usize>,
}

impl Buckets {
    /// `hits` must be sorted by start.
    pub(super) fn new(rule: &CompiledRule, hits: &[Hit]) -> Buckets {
        let groups = rule.groups.len();
        let mut starts = vec![0u32; groups + 1];
        let mut longest = vec![0; groups];
        for h in hits {
            let g = h.group as usize;
            starts[g + 1] += 1;
            longest[g] = longest[g].max(h.end - h.start);
        }
        for g in 0..groups {
            starts[g + 1] += starts[g];
        }
        // A stable sort by group keeps each group's hits in start order.
        let mut sorted = hits.to_vec();
        sorted.sort_by_key(|h| h.group);
        Buckets {
            hits: sorted,
            starts,
            longest,
        }
    }

    /// Every hit of group `gi`, in start order.
    pub(super) fn of(&self, gi: usize) -> &[Hit] {
        &self.hits[self.starts[gi] as usize..self.starts[gi + 1] as usize]
    }

    /// The hits of group `gi` that may lie within `window` of `anchor`
    /// (a superset: the caller still checks the gap).
    fn near(&self, gi: usize, anchor: &Hit, window: usize) -> &[Hit] {
        let bucket = self.of(gi);
        let first = anchor.start.saturating_sub(window + self.longest[gi]);
        let last = anchor.end + window;
        let lo = bucket.partition_point(|h| h.start < first);
        let hi = bucket.partition_point(|h| h.start <= last);
        &bucket[lo..hi.max(lo)]
    }

    /// The hits of group `gi` that start within `lo..hi` (character
    /// indices): the anchor's topic or item, or the quotation that holds it.
    fn between(&self, gi: usize, lo: usize, hi: usize) -> &[Hit] {
        let bucket = self.of(gi);
        let a = bucket.partition_point(|h| h.start < lo);
        let b = bucket.partition_point(|h| h.start < hi);
        &bucket[a..b.max(a)]
    }

    /// The hits of group `gi` that start in the sentence of `anchor`
    /// (between the sentence ends around it), so that a message of many
    /// sentences costs each anchor only its own (the caller still checks).
    fn in_sentence(&self, gi: usize, anchor: &Hit, ends: &[usize]) -> &[Hit] {
        let bucket = self.of(gi);
        let before = ends.partition_point(|&e| e < anchor.start);
        let first = before.checked_sub(1).map_or(0, |k| ends[k] + 1);
        let last = ends
            .get(ends.partition_point(|&e| e < anchor.end))
            .copied()
            .unwrap_or(usize::MAX);
        let lo = bucket.partition_point(|h| h.start < first);
        let hi = bucket.partition_point(|h| h.start <= last);
        &bucket[lo..hi.max(lo)]
    }
}

/// Score of one anchor: each group adds its weight once per distinct hit in
/// scope (four fifths of it for a match by sound), up to its `max`;
/// negative groups subtract, those of the whole message only within the
/// anchor's topic; no window reaches across a turn of topic (see
/// [`Sentences`]). `quote` is the span of a message quoted as sent that
/// holds the anchor: only negative evidence inside it counts (the ruling
/// that quotes a leak does not make the leak harmless). Negative evidence
/// a positive group in scope lifts (`unless`) does not count.
pub(super) fn score_at(
    rule: &CompiledRule,
    anchor: &Hit,
    buckets: &Buckets,
    sentences: &Sentences,
    quote: Option<(usize, usize)>,
    used: &mut UsedHits,
) -> i32 {
    used.clear();
    // A rule's groups are compiled positives first: the span of their
    // evidence decides which items of a list frame it (see
    // [`Sentences::negative_ranges`]).
    let mut evidence = None;
    for (gi, g) in rule.groups.iter().enumerate() {
        if g.negative && evidence.is_none() {
            // Evidence taken from an item, of the anchor's window or of the
            // whole message, brings that item's framing with it (not from
            // a list's header, nor another item's own label).
            let brings_framing = sentences.brings_framing(anchor);
            evidence = Some(
                used.iter()
                    .filter(|(_, h)| brings_framing(h))
                    .fold((anchor.start, anchor.end), |(lo, hi), (_, h)| {
                        (lo.min(h.start), hi.max(h.end))
                    }),
            );
        }
        let first = used.len();
        if gi as u32 == anchor.group {
            used.push((gi, *anchor));
        }
        let window = g.window.unwrap_or(rule.window);
        let candidates: [&[Hit]; 2] = match g.scope {
            Scope::Window => [buckets.near(gi, anchor, window), &[]],
            Scope::Sentence => [buckets.in_sentence(gi, anchor, &sentences.ends), &[]],
            // Negative evidence of the whole message: only the anchor's
            // topic (in a list, what precedes it and the anchor's item),
            // and its quotation if it is in one, are walked, so that
            // evidence it cannot use costs nothing.
            Scope::Message if g.negative => sentences
                .negative_ranges(anchor, evidence.unwrap_or((anchor.start, anchor.end)))
                .map(|(lo, hi)| {
                    let (lo, hi) = match quote {
                        Some((start, end)) => (lo.max(start), hi.min(end + 1)),
                        None => (lo, hi),
                    };
                    buckets.between(gi, lo, hi)
                }),
            Scope::Message => [buckets.of(gi), &[]],
        };
        for h in candidates.into_iter().flatten() {
            if used.len() - first >= g.max {
                break;
            }
            let in_scope = match g.scope {
                Scope::Window => {
                    gap(anchor, h) <= window
                        && sentences.same_topic(anchor, h)
                        && sentences.near_item(anchor, h)
                }
                Scope::Message => !g.negative || sentences.same_topic(anchor, h),
                Scope::Sentence => sentences.same_sentence(anchor, h),
            };
            let overlaps = used[first..]
                .iter()
                .any(|(_, c)| c.start < h.end && h.start < c.end);
            let framing = g.negative && quote.is_some_and(|(s, e)| h.start < s || e < h.end);
            if in_scope && !overlaps && !framing {
                used.push((gi, *h));
            }
        }
    }
    // Negative evidence a positive group in scope lifts does not count.
    let hit = used
        .iter()
        .filter(|(gi, _)| !rule.groups[*gi].negative)
        .fold(0u64, |m, (gi, _)| m | group_bit(*gi));
    used.retain(|(gi, _)| rule.groups[*gi].unless & hit == 0);
    used.iter().map(|(gi, h)| h.points(&rule.groups[*gi])).sum()
}
