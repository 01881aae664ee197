//! A set of syllable ids kept as a filter, for the homophone pass: the
//! syllables the keywords of the rules looked for start with. A pair of
//! syllables in a message is looked up in the index only when its first
//! one may be in the set.

/// A set of syllables, as a filter: each syllable id sets one of 2,048
/// bits (its id modulo 2,048), so a syllable outside the set may still
/// pass, and one in it always does. On the stack, and a union is 32 ORs.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct SyllableSet([u64; 32]);

impl SyllableSet {
    /// The set that may hold every syllable.
    #[cfg(test)]
    pub(super) fn every() -> SyllableSet {
        SyllableSet([u64::MAX; 32])
    }

    pub(super) fn insert(&mut self, sound: u16) {
        let bit = sound as usize % 2048;
        self.0[bit / 64] |= 1 << (bit % 64);
    }

    pub(super) fn union(&mut self, other: &SyllableSet) {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a |= b);
    }

    #[inline]
    pub(super) fn may_hold(&self, sound: u16) -> bool {
        let bit = sound as usize % 2048;
        self.0[bit / 64] & (1 << (bit % 64)) != 0
    }
}
