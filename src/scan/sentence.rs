//! Sentences and topics of a message, for the groups a rule scopes to a
//! sentence and for how far negative evidence reaches.
//!
//! A sentence ends at a stop, a line break or a numbered item of a list
//! written on one line. A chat message also turns to another topic in the
//! middle of a line: "中午訂便當喔～另外那份限閱的我丟到記事本了". Where it
//! does, a sentence ends too, and evidence that the message is harmless
//! (a lunch order, a course, a news story) stays in its own topic: it does
//! not reach a leak told after 另外, 對了 or 順便.

use super::rule::Hit;

/// Where the sentences and topics of a message end, as character indices
/// of the normalized text, in order.
#[derive(Debug, Default)]
pub(super) struct Sentences {
    /// Sentence ends, topic turns included.
    pub(super) ends: Vec<usize>,
    /// Topic turns: the separator before 另外, 對了, 順便…
    pub(super) turns: Vec<usize>,
}

/// Words that open another topic after a separator. 另外 followed by a
/// number or a measure word is "the other (two)", no turn.
const TURNS: [&str; 8] = [
    "另外",
    "對了",
    "順便",
    "話說",
    "說真的",
    "題外話",
    "BTW",
    "另一件事",
];

impl Sentences {
    /// The sentences and topics of normalized `text`.
    pub(super) fn of(text: &str) -> Sentences {
        let chars: Vec<char> = text.chars().collect();
        let turns: Vec<usize> = (0..chars.len())
            .filter(|&i| is_separator(chars[i]) && opens_topic(&chars[i + 1..]))
            .collect();
        let mut ends: Vec<usize> = (0..chars.len())
            .filter(|&i| match chars[i] {
                '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n' => true,
                // Not after a date's digit or 日 (12/16(二) is a weekday).
                '(' => {
                    i > 0
                        && !"0123456789日號".contains(chars[i - 1])
                        && opens_list_item(&chars[i + 1..])
                }
                _ => false,
            })
            .collect();
        ends.extend(&turns);
        ends.sort_unstable();
        ends.dedup();
        Sentences { ends, turns }
    }

    /// Whether no sentence end lies between hits `a` and `b`.
    pub(super) fn same_sentence(&self, a: &Hit, b: &Hit) -> bool {
        none_between(&self.ends, a, b)
    }

    /// Whether no topic turn lies between hits `a` and `b`.
    pub(super) fn same_topic(&self, a: &Hit, b: &Hit) -> bool {
        none_between(&self.turns, a, b)
    }
}

/// A character after which a new topic can open (normalization has made
/// full-width forms half-width and an ellipsis dots).
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ',' | '.' | '。' | '!' | '?' | ';' | '~' | '\n' | ' ' | '、' | '…'
    )
}

/// Whether `rest` opens with a topic turn.
fn opens_topic(rest: &[char]) -> bool {
    TURNS.iter().any(|w| {
        let n = w.chars().count();
        rest.len() >= n
            && rest[..n].iter().copied().eq(w.chars())
            && !(*w == "另外"
                && rest.get(n).is_some_and(|c| {
                    c.is_ascii_digit()
                        || "一二兩三四五六七八九十幾半的個位名家間件台份次些".contains(*c)
                }))
    })
}

/// Whether `rest`, the characters after a '(', are an item's number and
/// its closing bracket: one or two digits, or one Chinese numeral.
fn opens_list_item(rest: &[char]) -> bool {
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    let numeral = usize::from(
        rest.first()
            .is_some_and(|c| "一二三四五六七八九十".contains(*c)),
    );
    // An area code in brackets, (02), is no item number.
    let n = match digits {
        0 => numeral,
        _ if rest[0] == '0' => 0,
        _ => digits,
    };
    (1..=2).contains(&n) && rest.get(n) == Some(&')')
}

/// Whether none of `ends` lies between hits `a` and `b`.
fn none_between(ends: &[usize], a: &Hit, b: &Hit) -> bool {
    let (lo, hi) = if a.start <= b.start {
        (a.end, b.start)
    } else {
        (b.end, a.start)
    };
    let first = ends.partition_point(|&e| e < lo);
    ends.get(first).is_none_or(|&e| e >= hi)
}

#[cfg(test)]
mod tests {
    use super::Sentences;

    fn ends(text: &str) -> Vec<usize> {
        Sentences::of(text).ends
    }

    #[test]
    fn sentences_end_at_stops_breaks_and_numbered_items() {
        assert_eq!(ends("好。明天見\n再說"), vec![1, 5]);
        // A list on one line: each numbered item starts a sentence.
        let line = "摘要:(1)大掃除(2)底價3,250萬(3)尾牙";
        let at = |needle: &str| line[..line.find(needle).unwrap()].chars().count();
        assert_eq!(ends(line), vec![at("(1)"), at("(2)"), at("(3)")]);
        assert_eq!(ends("(一)預算(二)人事"), vec![5]);
        // An area code, a stamp or a number in brackets starts none.
        assert!(ends("請洽(02)2345-6789").is_empty());
        assert!(ends("公文(密)請收").is_empty());
        assert!(ends("共(123)件").is_empty());
        assert!(ends("教育訓練12/16(二)上午").is_empty());
    }

    #[test]
    fn a_turn_to_another_topic_ends_a_sentence() {
        let s = Sentences::of("中午訂便當喔~另外那份限閱的我丟到記事本了");
        assert_eq!(s.turns, vec![6]);
        assert_eq!(s.ends, vec![6]);
        assert_eq!(
            Sentences::of("看到新聞了吧...對了底價我簽了").turns,
            vec![8]
        );
        assert_eq!(Sentences::of("報告寫好了,BTW檢舉的是前員工").turns, vec![5]);
        // "The other two" goes on with the same topic.
        assert!(Sentences::of("一個確診,另外兩個在隔離").turns.is_empty());
        assert!(Sentences::of("另外的名單明天給").turns.is_empty());
        // Inside a clause, a turn word is an ordinary word.
        assert!(Sentences::of("我們順便去看").turns.is_empty());
    }
}
