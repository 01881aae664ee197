//! Words spelled out in 注音 (Bopomofo) instead of typed as characters:
//! ㄑㄩㄝˋ ㄓㄣˇ for 確診, ㄐㄧ ㄔㄚˊ for 稽查, ㄎㄠˇ ㄐㄧ for 考績. A syllable
//! is read into its Hanyu Pinyin name with the tone as a number (`que4`,
//! `ji1`), the form the `pinyin` crate gives each character, so that a
//! spelled syllable and a character of the same reading compare equal
//! (see `phonetic`).
//!
//! The correspondence is the standard one between 注音符號 and 漢語拼音
//! (the 教育部 comparison table of the two systems): initials, the medials
//! ㄧ ㄨ ㄩ, the finals, and the spelling rules of pinyin (y and w without
//! an initial, -iu, -ui, -un, -ong, ü after n and l, u after j q x, the
//! bare initials zhi chi shi ri zi ci si). The first tone has no mark; a
//! syllable typed without a mark may also be one whose tone was left out,
//! so it is marked `loose`.

/// One syllable spelled in Bopomofo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Syllable {
    /// Its pinyin name, with the tone number when a mark gave one
    /// (`que4`), without it when none did (`ji`).
    pub(super) name: String,
    /// No tone mark was typed: the first tone, or a tone left out.
    pub(super) loose: bool,
}

/// Whether `c` is a Bopomofo letter (U+3105..=U+312F).
pub(super) fn is_letter(c: char) -> bool {
    ('\u{3105}'..='\u{312F}').contains(&c)
}

/// The tone a tone mark stands for (˙ is the neutral tone, which the
/// `pinyin` crate writes without a number).
fn tone_of(c: char) -> Option<&'static str> {
    match c {
        'ˊ' => Some("2"),
        'ˇ' => Some("3"),
        'ˋ' => Some("4"),
        '˙' => Some(""),
        _ => None,
    }
}

fn initial_of(c: char) -> Option<&'static str> {
    Some(match c {
        'ㄅ' => "b",
        'ㄆ' => "p",
        'ㄇ' => "m",
        'ㄈ' => "f",
        'ㄉ' => "d",
        'ㄊ' => "t",
        'ㄋ' => "n",
        'ㄌ' => "l",
        'ㄍ' => "g",
        'ㄎ' => "k",
        'ㄏ' => "h",
        'ㄐ' => "j",
        'ㄑ' => "q",
        'ㄒ' => "x",
        'ㄓ' => "zh",
        'ㄔ' => "ch",
        'ㄕ' => "sh",
        'ㄖ' => "r",
        'ㄗ' => "z",
        'ㄘ' => "c",
        'ㄙ' => "s",
        _ => return None,
    })
}

fn is_medial(c: char) -> bool {
    matches!(c, 'ㄧ' | 'ㄨ' | 'ㄩ')
}

fn is_final(c: char) -> bool {
    matches!(
        c,
        'ㄚ' | 'ㄛ' | 'ㄜ' | 'ㄝ' | 'ㄞ' | 'ㄟ' | 'ㄠ' | 'ㄡ' | 'ㄢ' | 'ㄣ' | 'ㄤ' | 'ㄥ' | 'ㄦ'
    )
}

/// The rhyme (medial and final) in pinyin, after an initial or without one.
fn rhyme(initial: Option<&str>, medial: Option<char>, fin: Option<char>) -> Option<String> {
    let bare = initial.is_none();
    let plain = |f: char| -> &'static str {
        match f {
            'ㄚ' => "a",
            'ㄛ' => "o",
            'ㄜ' => "e",
            'ㄝ' => "ê",
            'ㄞ' => "ai",
            'ㄟ' => "ei",
            'ㄠ' => "ao",
            'ㄡ' => "ou",
            'ㄢ' => "an",
            'ㄣ' => "en",
            'ㄤ' => "ang",
            'ㄥ' => "eng",
            _ => "er",
        }
    };
    let s: &str = match (medial, fin) {
        (None, None) => match initial? {
            "zh" | "ch" | "sh" | "r" | "z" | "c" | "s" => "i",
            _ => return None,
        },
        (None, Some(f)) => plain(f),
        (Some('ㄧ'), f) => match (bare, f) {
            (true, None) => "yi",
            (true, Some('ㄣ')) => "yin",
            (true, Some('ㄥ')) => "ying",
            (true, Some('ㄝ')) => "ye",
            (true, Some(f)) => return Some(format!("y{}", plain(f))),
            (false, None) => "i",
            (false, Some('ㄡ')) => "iu",
            (false, Some('ㄣ')) => "in",
            (false, Some('ㄥ')) => "ing",
            (false, Some('ㄝ')) => "ie",
            (false, Some(f)) => return Some(format!("i{}", plain(f))),
        },
        (Some('ㄨ'), f) => match (bare, f) {
            (true, None) => "wu",
            (true, Some(f)) => return Some(format!("w{}", plain(f))),
            (false, None) => "u",
            (false, Some('ㄛ')) => "uo",
            (false, Some('ㄟ')) => "ui",
            (false, Some('ㄣ')) => "un",
            (false, Some('ㄥ')) => "ong",
            (false, Some(f)) => return Some(format!("u{}", plain(f))),
        },
        (Some(_), f) => {
            // ㄩ: yu without an initial, u after j q x, ü after n and l.
            let umlaut = matches!(initial, Some("n" | "l"));
            match (bare, umlaut, f) {
                (true, _, None) => "yu",
                (true, _, Some('ㄝ')) => "yue",
                (true, _, Some('ㄢ')) => "yuan",
                (true, _, Some('ㄣ')) => "yun",
                (true, _, Some('ㄥ')) => "yong",
                (false, true, None) => "ü",
                (false, true, Some('ㄝ')) => "üe",
                (false, false, None) => "u",
                (false, false, Some('ㄝ')) => "ue",
                (false, false, Some('ㄢ')) => "uan",
                (false, false, Some('ㄣ')) => "un",
                (false, false, Some('ㄥ')) => "iong",
                _ => return None,
            }
        }
    };
    Some(s.to_string())
}

/// The syllable spelled from byte `start` of `text` (a Bopomofo letter)
/// and the byte where it ends: after its tone mark, or before the first
/// character that cannot continue it (another initial, a second medial or
/// final, anything that is not Bopomofo). `None` for a spelling that is
/// no syllable (ㄅ alone).
pub(super) fn syllable_at(text: &str, start: usize) -> (usize, Option<Syllable>) {
    let (mut initial, mut medial, mut fin) = (None, None, None);
    let mut end = start;
    let mut tone = None;
    for (at, c) in text[start..].char_indices() {
        let started = end > start;
        if let Some(i) = initial_of(c) {
            if started {
                break;
            }
            initial = Some(i);
        } else if is_medial(c) && medial.is_none() && fin.is_none() {
            medial = Some(c);
        } else if is_final(c) && fin.is_none() {
            fin = Some(c);
        } else if let Some(t) = tone_of(c).filter(|_| started) {
            tone = Some(t);
            end = start + at + c.len_utf8();
            break;
        } else {
            break;
        }
        end = start + at + c.len_utf8();
    }
    let syllable = rhyme(initial, medial, fin).map(|r| Syllable {
        name: format!("{}{r}{}", initial.unwrap_or(""), tone.unwrap_or("")),
        loose: tone.is_none(),
    });
    (end.max(start + 3), syllable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < text.len() {
            let c = text[at..].chars().next().unwrap();
            if !is_letter(c) {
                at += c.len_utf8();
                continue;
            }
            let (end, s) = syllable_at(text, at);
            if let Some(s) = s {
                out.push((s.name, s.loose));
            }
            at = end;
        }
        out
    }

    #[test]
    fn syllables_read_as_pinyin_with_their_tone() {
        let names = |t: &str| read(t).into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        assert_eq!(names("ㄑㄩㄝˋ ㄓㄣˇ"), ["que4", "zhen3"]);
        assert_eq!(names("ㄐㄧ ㄔㄚˊ"), ["ji", "cha2"]);
        assert_eq!(names("ㄐㄧㄢㄕˋㄑㄧˋ"), ["jian", "shi4", "qi4"]);
        assert_eq!(names("ㄎㄠˇㄐㄧ"), ["kao3", "ji"]);
        // The spelling rules of pinyin.
        assert_eq!(
            names("ㄧㄡˇ ㄨㄟˋ ㄩㄥˇ ㄌㄩˋ ㄐㄩㄝˊ ㄍㄨㄥ ㄉㄧㄡ ㄖ"),
            ["you3", "wei4", "yong3", "lü4", "jue2", "gong", "diu", "ri"]
        );
        assert_eq!(
            names("ㄒㄩㄥˊ ㄏㄨㄟˋ ㄌㄨㄣˊ ㄧㄣ ㄇㄧㄥˊ"),
            ["xiong2", "hui4", "lun2", "yin", "ming2"]
        );
        // Neutral tone: no number, as the crate writes it.
        assert_eq!(names("ㄉㄜ˙"), ["de"]);
    }

    #[test]
    fn a_mark_makes_the_tone_exact_and_no_mark_leaves_it_loose() {
        assert_eq!(
            read("ㄐㄧ ㄔㄚˊ"),
            [("ji".into(), true), ("cha2".into(), false)]
        );
        // A lone initial that takes no bare syllable is no syllable.
        assert!(read("ㄅ").is_empty());
    }
}
