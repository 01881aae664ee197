//! Bopomofo letters typed alone for the particles they sound like, as
//! Taiwanese chat does to save a keystroke: 好ㄉ (的), 來ㄌ (了), 是ㄇ (嗎),
//! 你ㄋ (呢), 好ㄛ (喔), 對ㄚ (啊); ㄅ is 不 between a word and itself
//! (要ㄅ要, 是ㄅ是) and 吧 elsewhere (好ㄅ, 走ㄅ). After a Han character and
//! with no other Bopomofo letter or tone mark beside it, such a letter is
//! the particle, and the packs' phrases with 的 or 了 (打來的人, 寫信來的)
//! should read it so. A letter beside another letter or a tone mark is part
//! of a spelled syllable (ㄉㄧˋ), which `scan::zhuyin` reads instead.
//!
//! Each letter and its character are three bytes of UTF-8 and one
//! character, so the fold keeps every offset of the text and its map.

use super::is_han;

/// The letters folded, with the particle each stands for.
const PARTICLES: [(char, char); 7] = [
    ('ㄉ', '的'),
    ('ㄌ', '了'),
    ('ㄇ', '嗎'),
    ('ㄋ', '呢'),
    ('ㄅ', '吧'),
    ('ㄛ', '喔'),
    ('ㄚ', '啊'),
];

/// Whether the UTF-8 text may hold a Bopomofo letter (U+3100..U+313F all
/// start with the bytes E3 84): most messages hold none and are not walked.
pub(super) fn may_hold(bytes: &[u8]) -> bool {
    static LEAD: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(&[0xE3, 0x84]));
    LEAD.find(bytes).is_some()
}

/// Folds the lone particle letters of `text` in place.
pub(super) fn fold(text: &mut String) {
    let mut folds = Vec::new();
    let mut prev = '\0';
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next = chars.peek().map_or('\0', |&(_, n)| n);
        if let Some(&(_, particle)) = PARTICLES.iter().find(|(letter, _)| *letter == c) {
            if is_han(prev) && !is_spelling(next) {
                let not = c == 'ㄅ' && next == prev;
                folds.push((at, if not { '不' } else { particle }));
            }
        }
        prev = c;
    }
    for (at, particle) in folds {
        let mut buf = [0u8; 4];
        text.replace_range(at..at + 3, particle.encode_utf8(&mut buf));
    }
}

/// A Bopomofo letter or a tone mark: the spelling of a syllable.
fn is_spelling(c: char) -> bool {
    ('\u{3105}'..='\u{312F}').contains(&c) || matches!(c, 'ˊ' | 'ˇ' | 'ˋ' | '˙')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(text: &str) -> String {
        let mut s = text.to_string();
        fold(&mut s);
        s
    }

    #[test]
    fn a_lone_letter_after_a_word_is_its_particle() {
        assert_eq!(folded("打來ㄉ人"), "打來的人");
        assert_eq!(folded("寫信來ㄉ 你知道ㄌ吧"), "寫信來的 你知道了吧");
        assert_eq!(folded("要ㄅ要列冊"), "要不要列冊");
        assert_eq!(folded("算了ㄅ 走ㄅ"), "算了吧 走吧");
        assert_eq!(folded("是ㄇ？好ㄛ"), "是嗎？好喔");
    }

    #[test]
    fn a_spelled_syllable_or_a_letter_alone_stays() {
        assert_eq!(folded("ㄎㄠˇ績"), "ㄎㄠˇ績");
        assert_eq!(folded("確ㄓㄣˇ"), "確ㄓㄣˇ");
        assert_eq!(folded("的ㄉˊ"), "的ㄉˊ");
        assert_eq!(folded("ㄉ"), "ㄉ");
        assert_eq!(folded("OKㄉ"), "OKㄉ");
    }
}
