//! A plate read out: four digits, some in Chinese, after its letters as the
//! plate recognizer reads them (three letters, then a dash, a space or
//! nothing: NKP二零三八, RAK - 七二五八; two letters and a dash: AB-二零三八)
//! become ASCII digits, as do digits read out among them (MKV洞八五兩) and
//! after letters spelled one by one (B、A、K，拐五八兩), which the plate
//! recognizer reads as well. A year (GDP二〇二五年) stays. Normalization
//! calls it only where a Chinese digit came soon after a Latin letter.

use super::tables::chinese_digit;
use super::writer::spoken_digit;

/// Rewrites the plates' digits in `text`, one character for one; returns
/// whether any changed.
pub(super) fn read_out(text: &mut String) -> bool {
    let mut chars: Vec<char> = text.chars().collect();
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        let letters = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        if letters == 0 {
            i += 1;
            continue;
        }
        let word_start = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
        // Three letters spelled one by one (B、A、K, M-K-V) count as three.
        let spelled = letters == 1 && spelled_three(&chars[i..]);
        let (letters, after) = if spelled {
            (3, i + 5)
        } else {
            (letters, i + letters)
        };
        i = after;
        if word_start {
            if let Some(at) = digits_at(&chars, after, letters) {
                for c in &mut chars[at..at + 4] {
                    *c = chinese_digit(*c).or_else(|| spoken_digit(*c)).unwrap_or(*c);
                }
                changed = true;
                i = at + 4;
            }
        }
    }
    if changed {
        *text = chars.into_iter().collect();
    }
    changed
}

/// Whether `chars` starts with three single letters, each but the last
/// followed by the same separator (B、A、K, M-K-V, B,A,K).
fn spelled_three(chars: &[char]) -> bool {
    let lone = |k: usize| {
        chars.get(k).is_some_and(char::is_ascii_alphabetic)
            && !chars.get(k + 1).is_some_and(char::is_ascii_alphabetic)
    };
    let sep = chars.get(1).copied();
    matches!(sep, Some('、' | '-' | ','))
        && chars.get(3).copied() == sep
        && [0, 2, 4].into_iter().all(lone)
}

/// Where a plate's four digits start after `letters` letters ending at
/// `after`, if they are there: the separator the plate recognizer accepts
/// (three letters: a dash with or without spaces, a space or nothing; two:
/// a dash), then exactly four digits with at least one in Chinese, not a
/// year (followed by 年).
fn digits_at(chars: &[char], after: usize, letters: usize) -> Option<usize> {
    let rest = &chars[after..];
    let sep = match (letters, rest) {
        (3, [' ', '-', ' ', ..]) => 3,
        (3, ['-', ' ', ..] | [' ', '-', ..]) => 2,
        (3, ['-' | ' ' | ',', ..]) | (2, ['-', ..]) => 1,
        (3, _) => 0,
        _ => return None,
    };
    let at = after + sep;
    let is_digit =
        |c: &char| c.is_ascii_digit() || chinese_digit(*c).is_some() || spoken_digit(*c).is_some();
    let n = chars[at..].iter().take_while(|c| is_digit(c)).count();
    let four = chars.get(at..at + 4)?;
    let chinese = four.iter().any(|&c| chinese_digit(c).is_some());
    let year = chars.get(at + 4) == Some(&'年');
    (n == 4 && chinese && !year).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::super::NormalizedText;

    #[test]
    fn a_plates_digits_read_out_become_ascii() {
        for (text, want) in [
            ("車牌NKP二零三八", "車牌NKP2038"),
            ("rak-七二五八的車", "RAK-7258的車"),
            // Beside a phone, or among other Chinese digits; partly in ASCII.
            (
                "車牌KTW三九零六,電話0912-345-678",
                "車牌KTW3906,電話0912-345-678",
            ),
            (
                "一直來鬧一個禮拜三次車牌KTW三九零六",
                "一直來鬧一個禮拜三次車牌KTW3906",
            ),
            ("NKP20三八", "NKP2038"),
            ("AB-二零三八", "AB-2038"),
            ("車號B、A、K，拐五八兩，駕駛", "車號B、A、K,7582,駕駛"),
            ("車牌 M-K-V 洞八五兩，你看", "車牌M-K-V0852,你看"),
        ] {
            assert_eq!(NormalizedText::new(text).as_str(), want, "{text}");
        }
        // Five digits, four after a longer word, two letters without a
        // dash (the plate recognizer reads none), a year.
        for text in [
            "APP一二三四五",
            "LINE一二三四",
            "AB二零三八",
            "GDP二〇二五年",
        ] {
            assert_eq!(NormalizedText::new(text).as_str(), text, "{text}");
        }
    }
}
