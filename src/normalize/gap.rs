//! Spacing and filler punctuation between characters: a run of spaces,
//! `.`, `*`, `_`, `·`, `/` … is removed when it carries no meaning (between CJK
//! characters, inside letters or digits spaced out one by one, around a
//! dash between digits or between letters spaced out) and kept, collapsed
//! to one space, otherwise.
//!
//! The decision needs the characters already written before the run and the
//! ones after it, so it lives apart from the character loop that calls it.

use super::tables::{
    fold_simple, is_cjk, is_latin_extended, Tables, DROP, FILLER, FULL_WIDTH, IDEOGRAPHIC_SPACE,
    SPACE,
};
use super::writer::Writer;

/// A run of spacing and filler characters (zero-width characters inside it
/// are skipped): removed when it carries no meaning, else kept (spaces
/// collapsed to one). `first` is the folded first character, already read.
// `#[inline]`: the character loop in `mod.rs` calls it once per gap; it was
// inlined there when both lived in one module, and this keeps it so.
#[inline]
pub(super) fn gap(
    t: &Tables,
    w: &mut Writer,
    it: &mut std::str::Chars<'_>,
    i: &mut u32,
    first: char,
) {
    let start = *i;
    // A slash splits a word only after a CJK character (稽/查); elsewhere (a
    // date, a link's path) it is written as it is, at the cost of a plain
    // character.
    if first == '/' && !is_cjk(w.last()) {
        w.push('/', start);
        *i += 1;
        return;
    }
    // Removing this gap could join two digit runs ("0 9 1 2").
    w.joined_digits |= w.last().is_ascii_digit();
    // The common case, one space next to a CJK character, decided at once.
    if is_space(first) {
        let p = w.last();
        let next = it.clone().next();
        if let Some(n) = next {
            let ncls = t.class_of(n);
            let n = fold_simple(ncls, n, '\0');
            let single = ncls != DROP && !is_gap(ncls, n);
            if single && p != '\0' && (is_cjk(p) || is_cjk(n)) {
                *i += 1;
                // Next to a CJK character only the CJK rules of drop_gap apply,
                // so the characters further away are not needed.
                if !drop_gap([p, '\0', '\0'], false, true, [n, '\0', '\0', '\0']) {
                    w.push(' ', start);
                }
                w.pending_gap = true;
                return;
            }
        }
    }
    let mut run: [(char, u32); 8] = [('\0', 0); 8];
    let mut len = 0usize;
    let mut all_space = true;
    let mut note = |c: char, at: u32, len: &mut usize| {
        all_space &= is_space(c);
        if *len < run.len() {
            run[*len] = (c, at);
            *len += 1;
        }
    };
    note(first, start, &mut len);
    *i += 1;
    // Consume the rest of the run.
    loop {
        let mut peek = it.clone();
        let Some(c) = peek.next() else { break };
        let cls = t.class_of(c);
        let folded = fold_simple(cls, c, '\0');
        if cls != DROP && !is_gap(cls, folded) {
            break;
        }
        if cls != DROP {
            note(folded, *i, &mut len);
        }
        *it = peek;
        *i += 1;
    }
    let after = lookahead(t, it.clone());
    let recent = w.recent();
    let p_single = w.gap_before_last || !is_word_char(recent[1]);
    if !drop_gap(recent, p_single, all_space, after) {
        if all_space {
            w.push(' ', run[0].1);
        } else {
            // A middle dot between digits (T176‧146‧610) is the dot meant.
            let digits = recent[0].is_ascii_digit() && after[0].is_ascii_digit();
            for &(c, at) in &run[..len] {
                let c = if digits && is_middle_dot(c) { '.' } else { c };
                w.push(c, at);
            }
        }
    }
    w.pending_gap = true;
}

/// The next folded characters after a gap: `[next, after next]`,
/// zero-width characters skipped, and after a dash `[.., .., first
/// non-space after it, the character after that]`.
fn lookahead(t: &Tables, mut it: std::str::Chars<'_>) -> [char; 4] {
    let mut out = ['\0'; 4];
    let mut k = 0;
    for c in it.by_ref() {
        let cls = t.class_of(c);
        if cls == DROP {
            continue;
        }
        out[k] = fold_simple(cls, c, '\0');
        k += 1;
        if k == 2 {
            break;
        }
    }
    if out[0] == '-' {
        // For "0915 - 628": the first non-space after the dash; for
        // "t - g o", whether it stands alone.
        let mut rest = it.map(|c| fold_simple(t.class_of(c), c, '\0'));
        let mut third = out[1];
        if is_space(third) {
            third = rest.by_ref().find(|c| !is_space(*c)).unwrap_or('\0');
        }
        out[2] = third;
        out[3] = rest.next().unwrap_or('\0');
    }
    out
}

/// Whether a character of class `cls`, folded to `folded`, is spacing or
/// filler (including full-width filler such as ＊).
pub(super) fn is_gap(cls: u8, folded: char) -> bool {
    matches!(cls, SPACE | FILLER | IDEOGRAPHIC_SPACE) || (cls == FULL_WIDTH && is_filler(folded))
}

/// A letter or digit of a Latin-script word: ASCII, or a letter with a
/// diacritic (Vietnamese ư, ờ): "luật bảo" is two words, not the spaced-out
/// letters T B.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || (is_latin_extended(c) && c.is_alphabetic())
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

pub(super) fn is_filler(c: char) -> bool {
    is_middle_dot(c) || matches!(c, '.' | '*' | '_' | '/')
}

/// The middle dots people type between characters (·, ・, ‧, •).
fn is_middle_dot(c: char) -> bool {
    matches!(c, '·' | '・' | '‧' | '•')
}

/// Whether a spacing or filler run is noise, from the characters around it:
/// `recent` (written before it, newest first; `p_single` when the newest
/// stands alone between gaps) and `next` (read after it).
fn drop_gap(recent: [char; 3], p_single: bool, all_space: bool, next: [char; 4]) -> bool {
    let [p, pp, ppp] = recent;
    let n = next[0];
    if p == '\0' || n == '\0' {
        return false;
    }
    if is_cjk(p) && is_cjk(n) {
        return true;
    }
    if !all_space {
        return false;
    }
    if (is_cjk(p) && (n.is_ascii_alphanumeric() || is_cjk(n)))
        || (is_cjk(n) && p.is_ascii_alphanumeric())
    {
        return true;
    }
    if p.is_ascii_alphanumeric() && n.is_ascii_alphanumeric() {
        // "E 1 6 0 3 …": single characters spaced out one by one.
        return p_single && !is_word_char(next[1]);
    }
    // "0915 - 628": spaces around a dash between digits.
    if n == '-' && p.is_ascii_digit() {
        return next[2].is_ascii_digit();
    }
    if p == '-' && n.is_ascii_digit() {
        let before = if is_space(pp) { ppp } else { pp };
        return before.is_ascii_digit();
    }
    // "g o v - t w": a dash between letters spelled out one by one (a link
    // typed so that no filter reads it); the dash is kept, the spaces go.
    if n == '-' && p.is_ascii_alphabetic() && p_single {
        return next[2].is_ascii_alphabetic() && !next[3].is_ascii_alphanumeric();
    }
    if p == '-' && n.is_ascii_alphabetic() && pp.is_ascii_alphabetic() {
        return !next[1].is_ascii_alphanumeric();
    }
    false
}
