//! Which rules a message makes candidates: the groups its keyword hits
//! fall in, the anchors among them, and the homophone typos of anchor
//! keywords beside their supporting words.

use super::Scanner;
use crate::normalize::NormalizedText;
#[cfg(doc)]
use crate::scan::phonetic::TYPO_CONTEXT;
use crate::scan::rule::Hit;

impl Scanner {
    /// Which groups of each rule have a keyword hit (a bit each), in one
    /// pass over the hits, and which rules have any (`touched`): each rule
    /// is then judged once, however often its keywords repeat.
    pub(super) fn group_hits(
        &self,
        per_rule: &[(u32, Hit)],
        groups_hit: &mut Vec<u64>,
        touched: &mut Vec<u32>,
    ) {
        groups_hit.clear();
        groups_hit.resize(self.rules.len(), 0);
        touched.clear();
        for (rule, hit) in per_rule {
            let groups = &mut groups_hit[*rule as usize];
            if *groups == 0 {
                touched.push(*rule);
            }
            *groups |= 1 << hit.group;
        }
    }

    /// Makes candidates of the rules whose keyword hits include an anchor
    /// that can count.
    pub(super) fn keyword_candidates(
        &self,
        groups_hit: &[u64],
        touched: &[u32],
        candidates: &mut Vec<u32>,
    ) {
        for &ri in touched {
            if !candidates.contains(&ri)
                && self.rules[ri as usize].keyword_anchored(groups_hit[ri as usize])
            {
                candidates.push(ri);
            }
        }
    }

    /// Adds the homophone typos of anchor keywords in the message, for
    /// rules whose own keywords already give them [`TYPO_CONTEXT`]
    /// points: a typo of an anchor next to its supporting words. A rule
    /// already anchored is looked at too, since a weak anchor (衛生所 beside
    /// 那間) may need the typo of a strong one (機查 for 稽查) to make a
    /// finding. Most messages have no such rule and skip the pass. 注音
    /// spellings (deliberate, rare) are looked for in every message.
    ///
    /// A typed character that a keyword found as written holds, reaching
    /// past the typo's edge, belongs to that word: in 防檢局的人 the 局 is
    /// the agency's, not a typo of 舉 in 檢舉的人.
    pub(super) fn add_sound_hits(
        &self,
        norm: &NormalizedText,
        per_rule: &mut Vec<(u32, Hit)>,
        groups_hit: &[u64],
        touched: &[u32],
    ) -> bool {
        if self.sounds.is_empty() {
            return false;
        }
        let before = per_rule.len();
        let is_open =
            |rule: u32| self.rules[rule as usize].opens_sound_pass(groups_hit[rule as usize]);
        let push =
            |per_rule: &mut Vec<(u32, Hit)>, start: usize, end: usize, id: u32, open_only: bool| {
                for t in &self.sound_targets[id as usize] {
                    if !open_only || is_open(t.rule) {
                        per_rule.push((t.rule, t.hit(start, end)));
                    }
                }
            };
        self.sounds
            .find_spelled(norm, |start, end, id| push(per_rule, start, end, id, false));
        let mut open = touched.iter().copied().filter(|&r| is_open(r)).peekable();
        if open.peek().is_some() {
            let firsts = self.sounds.firsts_of(open);
            // Collected first, then checked against the hits found as
            // written: most messages have none, and allocate nothing.
            let mut typos = Vec::new();
            self.sounds.find(norm, &firsts, |start, end, typed, id| {
                typos.push((start, end, typed, id));
            });
            if !typos.is_empty() {
                let exact = Spans::of(&per_rule[..before]);
                for (start, end, typed, id) in typos {
                    if !exact.claim(start, end, typed) {
                        push(per_rule, start, end, id, true);
                    }
                }
            }
        }
        per_rule.len() > before
    }
}

/// The distinct byte spans of the hits found as written, by start, and
/// the longest of them: a typo's typed character is looked up among the
/// few that start close enough before it to hold it, so a message of many
/// hits and many typos stays near linear.
struct Spans {
    spans: Vec<(usize, usize)>,
    longest: usize,
}

impl Spans {
    fn of(hits: &[(u32, Hit)]) -> Spans {
        let mut spans: Vec<(usize, usize)> = hits.iter().map(|(_, h)| (h.start, h.end)).collect();
        spans.sort_unstable();
        spans.dedup();
        let longest = spans.iter().map(|&(s, e)| e - s).max().unwrap_or(0);
        Spans { spans, longest }
    }

    /// Whether the character at byte `typed` of a typo spanning
    /// `[start, end)` is held by a span that reaches past the typo's edge.
    fn claim(&self, start: usize, end: usize, typed: usize) -> bool {
        let lo = self
            .spans
            .partition_point(|&(s, _)| s + self.longest <= typed);
        let hi = self.spans.partition_point(|&(s, _)| s <= typed);
        self.spans[lo..hi.max(lo)]
            .iter()
            .any(|&(s, e)| typed < e && (s < start || e > end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(start: usize, end: usize) -> (u32, Hit) {
        let h = Hit {
            group: 0,
            start,
            end,
            sound: None,
        };
        (0, h)
    }

    #[test]
    fn a_typed_character_held_by_a_word_past_the_typo_is_claimed() {
        // A typo at bytes [3, 12) whose typed character starts at 6.
        let claim = |hits: &[(u32, Hit)]| Spans::of(hits).claim(3, 12, 6);
        // A word reaching before the typo, or after it, holds it.
        assert!(claim(&[hit(0, 9)]));
        assert!(claim(&[hit(6, 15)]));
        // The typo's own span, a word inside it, or one that does not
        // hold the typed character, does not.
        assert!(!claim(&[hit(3, 12)]));
        assert!(!claim(&[hit(6, 9)]));
        assert!(!claim(&[hit(0, 6)]));
        assert!(!claim(&[hit(9, 15)]));
        assert!(!claim(&[]));
        // Among many other hits, far and near.
        let mut many: Vec<(u32, Hit)> = (0..1000).map(|k| hit(100 + k * 3, 103 + k * 3)).collect();
        many.push(hit(0, 9));
        assert!(claim(&many));
    }
}
