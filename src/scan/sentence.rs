//! Sentences and topics of a message, for the groups a rule scopes to a
//! sentence and for how far evidence reaches.
//!
//! A sentence ends at a stop, a line break or a numbered item of a list
//! written on one line. A chat message also turns to another topic in the
//! middle of a line: "中午訂便當喔～另外那份限閱的我丟到記事本了". Where it
//! does, a sentence ends too, and evidence stays in its own topic: what
//! makes the message harmless (a lunch order, a course, a news story) does
//! not reach a leak told after 另外, 對了 or 順便講, and a window does not
//! reach across the turn.
//!
//! The numbered or bulleted items of a list (交班：1. … 2. …, a line
//! opening with ・ or -, the days of a weekly log 週一：… 週二：…) are the
//! items of a handover, of minutes or of a log: the negative evidence of one item (a form's
//! 格式, a course) does not clear another, while what stands before the
//! first item (演練腳本：, 教育訓練教材：) still frames them all. A window
//! reaches the next and the previous item (an itinerary gives its day in
//! one and its target in the next) but no further: the items of a long
//! digest are other matters, and a date three items away is not the date
//! of this one.

use super::rule::Hit;
use crate::normalize::NormalizedText;

/// Where the sentences and topics of a message end, as character indices
/// of the normalized text, in order.
#[derive(Debug)]
pub(super) struct Sentences {
    /// Sentence ends, topic turns included.
    pub(super) ends: Vec<usize>,
    /// Topic turns: the separator before 對了, 話說, 順便講…
    pub(super) turns: Vec<usize>,
    /// Where the items of a list start: the '(' of (2), the digit of 2.
    /// or 2、, a bullet, the 周 of 周二:.
    pub(super) items: Vec<usize>,
}

/// Words that open another topic after a separator (a stop, a comma, a
/// tilde, or spacing normalization took out). 順便 alone goes on with
/// the plan (順便通知老闆); 順便講 turns to something else.
const TURNS: [&str; 11] = [
    "對了",
    "話說",
    "說真的",
    "題外話",
    "BTW",
    "另一件事",
    "順便講",
    "順便說",
    "順便問",
    "順便提",
    "順帶一提",
];

/// 另外 opens another topic only at the start of a sentence (喔～另外那份),
/// and not as "the other (two)": in a clause it adds to what was said.
const ANOTHER: &str = "另外";

impl Sentences {
    /// The sentences and topics of `norm`, in one pass over its characters
    /// (the scan makes it for every message that has a candidate rule).
    pub(super) fn of(norm: &NormalizedText) -> Sentences {
        let text = norm.as_str();
        let bytes = text.as_bytes();
        let mut removed = norm.removed_before().peekable();
        let (mut ends, mut turns, mut items) = (Vec::new(), Vec::new(), Vec::new());
        let mut prev = Prev::Start;
        // Whether spacing was taken out before the current character.
        let mut gap_before = false;
        let (mut b, mut i) = (0, 0);
        while b < bytes.len() {
            let lead = bytes[b];
            let width = utf8_width(lead);
            while removed.next_if(|&r| r <= i).is_some() {}
            let gap = removed.peek() == Some(&(i + 1));
            let rest = &text[b + width..];
            // A Han character (any character whose lead byte is not that of
            // ASCII, general punctuation, CJK punctuation or full-width
            // forms) ends nothing: only a topic after taken-out spacing, and
            // whether it is the 日 or 號 of a date, matter.
            if lead >= 0x80 && !matches!(lead, 0xE2 | 0xE3 | 0xEF) {
                if gap && opens_topic(rest) {
                    turns.push(i);
                    ends.push(i);
                }
                // After a line break, a separator, a colon or taken-out
                // spacing, 二、 is an item of a list numbered in Chinese and
                // 週二: a day of a weekly log (下週二: is no item).
                let item_may_open = matches!(
                    prev,
                    Prev::Start | Prev::Line | Prev::Separator | Prev::Colon
                ) || gap_before;
                let han_item = item_may_open
                    && rest.starts_with('、')
                    && "一二三四五六七八九十".contains(&text[b..b + width]);
                let day_item = item_may_open && opens_day_item(&text[b..]);
                if han_item || day_item {
                    items.push(i);
                    if i > 0 && !matches!(prev, Prev::Colon) {
                        ends.push(i);
                    }
                }
                let day_mark = matches!(
                    &bytes[b..b + width],
                    [0xE6, 0x97, 0xA5] | [0xE8, 0x99, 0x9F]
                );
                prev = if day_mark { Prev::DayMark } else { Prev::Other };
                gap_before = gap;
                (b, i) = (b + width, i + 1);
                continue;
            }
            let c = text[b..].chars().next().unwrap_or(' ');
            let stop = matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n');
            // Not after a date's digit or 日 (12/16(二) is a weekday).
            let bracketed =
                c == '(' && !matches!(prev, Prev::Digit | Prev::DayMark) && opens_list_item(rest);
            // 2. or 2、 after a separator, a colon or taken-out spacing; an
            // hour (09:30) at the start of a line, as an itinerary has it.
            let dotted = c.is_ascii_digit()
                && ((matches!(
                    prev,
                    Prev::Start | Prev::Line | Prev::Separator | Prev::Colon
                ) || gap_before)
                    && opens_dotted_item(&text[b..])
                    || matches!(prev, Prev::Start | Prev::Line) && opens_hour(&text[b..]));
            // A bullet at the start of a line (・ • ‧ - * ● ■ ◆ ▪ ※) opens an
            // item as a number does: handovers and minutes are written so too.
            let bulleted = matches!(prev, Prev::Start | Prev::Line) && is_bullet(c);
            if bracketed || dotted || bulleted {
                items.push(i);
            }
            let turn = ((is_separator(c) || gap) && opens_topic(rest))
                || ((stop || c == '~') && opens_another(rest));
            if turn {
                turns.push(i);
            }
            // An item's marker ends the sentence before it (none at the
            // start, nor after the colon of a heading: 訓練重點：一、… is one
            // sentence with its heading).
            let item = (bracketed || dotted || bulleted) && i > 0 && !matches!(prev, Prev::Colon);
            if stop || item || turn {
                ends.push(i);
            }
            prev = match c {
                '0'..='9' => Prev::Digit,
                '\n' => Prev::Line,
                ':' => Prev::Colon,
                _ if is_separator(c) => Prev::Separator,
                _ => Prev::Other,
            };
            gap_before = gap;
            (b, i) = (b + width, i + 1);
        }
        ends.dedup();
        Sentences { ends, turns, items }
    }

    /// The character ranges `[start, end)` whose message-wide negative
    /// evidence reaches `anchor`, whose positive evidence spans
    /// `evidence` (character indices, end exclusive): its topic; in a
    /// numbered list, only what stands before the first item and the items
    /// the evidence comes from (evidence taken from an item brings that
    /// item's framing with it).
    pub(super) fn negative_ranges(
        &self,
        anchor: &Hit,
        evidence: (usize, usize),
    ) -> [(usize, usize); 2] {
        let (lo, turn) = self.topic_of(anchor);
        // The turn's own separator still belongs to the topic.
        let hi = turn.saturating_add(1);
        let first = self.items.partition_point(|&t| t < lo);
        let own = self.item_of(anchor.start);
        if own <= first {
            // An anchor before any item of its topic: the whole topic frames it.
            return [(lo, hi), (0, 0)];
        }
        // Evidence in the header widens nothing (the caller leaves it out,
        // see `brings_framing`): the header is taken anyway.
        let start = evidence.0.min(anchor.start).max(self.items[first]);
        let from = self.item_of(start);
        let to = self
            .items
            .partition_point(|&t| t < evidence.1.max(anchor.end).min(hi));
        let header = (lo, self.items[first]);
        let items_end = self.items.get(to).copied().unwrap_or(usize::MAX).min(hi);
        [header, (self.items[from - 1], items_end)]
    }

    /// Which positive evidence brings the framing of where it stands to
    /// `anchor`'s negative evidence (see [`Sentences::negative_ranges`]):
    /// none from the header of the list the anchor is an item of (the
    /// header is taken anyway), nor another item's own label (the 周一 that
    /// opens Monday's line is no evidence of what Tuesday's line says).
    /// The anchor's topic and item are looked up once, not per hit.
    pub(super) fn brings_framing(&self, anchor: &Hit) -> impl Fn(&Hit) -> bool + '_ {
        let (lo, _) = self.topic_of(anchor);
        let first = self.items.partition_point(|&t| t < lo);
        let header_end = self
            .items
            .get(first)
            .copied()
            .filter(|&start| start <= anchor.start);
        let own = self.item_of(anchor.start);
        move |h: &Hit| {
            let in_header = header_end.is_some_and(|start| h.start < start);
            let other_label =
                self.items.binary_search(&h.start).is_ok() && self.item_of(h.start) != own;
            !in_header && !other_label
        }
    }

    /// The character bounds of `anchor`'s topic: after the turn before it,
    /// up to the turn after it.
    pub(super) fn topic_of(&self, anchor: &Hit) -> (usize, usize) {
        let k = self.turns.partition_point(|&t| t < anchor.start);
        let lo = k.checked_sub(1).map_or(0, |j| self.turns[j] + 1);
        let hi = self.turns.get(k).copied().unwrap_or(usize::MAX);
        (lo, hi)
    }

    /// Whether no sentence end lies between hits `a` and `b`.
    pub(super) fn same_sentence(&self, a: &Hit, b: &Hit) -> bool {
        none_between(&self.ends, a, b)
    }

    /// Whether no topic turn lies between hits `a` and `b`.
    pub(super) fn same_topic(&self, a: &Hit, b: &Hit) -> bool {
        none_between(&self.turns, a, b)
    }

    /// Whether a window from `a` reaches `b` across the numbered items of
    /// a list: within an item, from the text before the first item, and
    /// into the next or the previous item (an itinerary's day in one, its
    /// target in the next), but not into items further away, which are
    /// other matters of a handover or of minutes.
    pub(super) fn near_item(&self, a: &Hit, b: &Hit) -> bool {
        let (i, j) = (self.item_of(a.start), self.item_of(b.start));
        i == 0 || j == 0 || i.abs_diff(j) <= 1
    }

    /// The item of a list that character `at` is in, counted from 1; 0
    /// before the first item (or in a message with none).
    fn item_of(&self, at: usize) -> usize {
        self.items.partition_point(|&t| t <= at)
    }
}

/// What the character before matters as, for the numbered items of a list.
#[derive(Clone, Copy)]
enum Prev {
    /// The message starts here.
    Start,
    Digit,
    /// 日 or 號, the end of a date (12/16(二) is a weekday, not item 二).
    DayMark,
    Separator,
    /// A line break (also a separator).
    Line,
    Colon,
    Other,
}

/// The length of the UTF-8 sequence that `lead` starts.
fn utf8_width(lead: u8) -> usize {
    match lead {
        0..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// A character after which a new topic can open (normalization has made
/// full-width forms half-width; spaces and dots between Han characters it
/// takes out, and the scan reads those gaps as separators too).
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ',' | '.' | '。' | '!' | '?' | ';' | '~' | '\n' | ' ' | '、' | '…'
    )
}

/// A bullet that opens an item when it starts a line.
fn is_bullet(c: char) -> bool {
    matches!(
        c,
        '・' | '•'
            | '‧'
            | '·'
            | '-'
            | '*'
            | '●'
            | '○'
            | '■'
            | '□'
            | '◆'
            | '◇'
            | '▪'
            | '※'
            | '►'
            | '➤'
            | '▶'
            // Status marks that open the lines of a progress report
            // (✅ 已決標 ⏳ 下週開標 ❌ 流標) and pointers (📌 👉).
            | '✅'
            | '☑'
            | '☐'
            | '✔'
            | '❌'
            | '⏳'
            | '📌'
            | '👉'
    )
}

/// Whether `rest` opens with a topic turn: one of [`TURNS`], or a
/// postscript (PS, P.S.) standing alone (not PS5).
fn opens_topic(rest: &str) -> bool {
    TURNS.iter().any(|w| rest.starts_with(w))
        || ["P.S.", "PS"].iter().any(|w| {
            rest.strip_prefix(w)
                .is_some_and(|after| !after.starts_with(|c: char| c.is_ascii_alphanumeric()))
        })
}

/// Whether `rest` opens with 另外 that is no "the other (two)".
fn opens_another(rest: &str) -> bool {
    rest.strip_prefix(ANOTHER).is_some_and(|after| {
        !after.chars().next().is_some_and(|c| {
            c.is_ascii_digit() || "一二兩三四五六七八九十幾半的個位名家間件台份次些".contains(c)
        })
    })
}

/// Whether `rest`, the text after a '(', opens with an item's number and
/// its closing bracket: one or two digits, or one Chinese numeral.
fn opens_list_item(rest: &str) -> bool {
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    // An area code in brackets, (02), is no item number.
    let number = match digits {
        0 => rest
            .chars()
            .next()
            .filter(|c| "一二三四五六七八九十".contains(*c))
            .map_or(0, char::len_utf8),
        1 | 2 if !rest.starts_with('0') => digits,
        _ => 0,
    };
    number > 0 && rest[number..].starts_with(')')
}

/// Whether `from`, which starts with a digit, opens a list item: one or
/// two digits, then '.' or '、' and no digit (3.5萬 is a number).
fn opens_dotted_item(from: &str) -> bool {
    // Three digits are enough to know it is no item (a run of digits may
    // be long, and every digit of it may ask).
    let digits = from.bytes().take(3).take_while(u8::is_ascii_digit).count();
    let rest = &from[digits..];
    (1..=2).contains(&digits)
        && (rest.starts_with('.') || rest.starts_with('、'))
        && !rest[rest.chars().next().map_or(0, char::len_utf8)..]
            .starts_with(|c: char| c.is_ascii_digit())
}

/// Whether `from` opens with a weekday and a colon (周二:, 星期五:,
/// 禮拜一:; normalization has folded 週 to 周), as the lines of a weekly
/// work log do.
fn opens_day_item(from: &str) -> bool {
    ["周", "星期", "禮拜"]
        .iter()
        .find_map(|w| from.strip_prefix(w))
        .and_then(|rest| rest.strip_prefix(|c: char| "一二三四五六日天".contains(c)))
        .is_some_and(|rest| rest.starts_with(':'))
}

/// Whether `from` opens with an hour of the clock (9:30, 14:00).
fn opens_hour(from: &str) -> bool {
    let b = from.as_bytes();
    let h = b.iter().take(3).take_while(|c| c.is_ascii_digit()).count();
    (1..=2).contains(&h)
        && b.get(h) == Some(&b':')
        && b.get(h + 1..h + 3)
            .is_some_and(|m| m.iter().all(u8::is_ascii_digit))
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
    use crate::normalize::NormalizedText;

    fn of(text: &str) -> Sentences {
        Sentences::of(&NormalizedText::new(text))
    }

    #[test]
    fn sentences_end_at_stops_breaks_and_numbered_items() {
        assert_eq!(of("好。明天見\n再說").ends, vec![1, 5]);
        // A list on one line: each numbered item starts a sentence, but the
        // first goes on with the heading its colon opens.
        let line = "摘要:(1)大掃除(2)底價3,250萬(3)尾牙";
        let norm = NormalizedText::new(line);
        let text = norm.as_str();
        let at = |needle: &str| text[..text.find(needle).unwrap()].chars().count();
        assert_eq!(of(line).ends, vec![at("(2)"), at("(3)")]);
        assert_eq!(of(line).items, vec![at("(1)"), at("(2)"), at("(3)")]);
        assert_eq!(of("(一)預算(二)人事").ends, vec![5]);
        // An area code, a stamp or a number in brackets starts none.
        assert!(of("請洽(02)2345-6789").ends.is_empty());
        assert!(of("公文(密)請收").ends.is_empty());
        assert!(of("共(123)件").ends.is_empty());
        assert!(of("教育訓練12/16(二)上午").ends.is_empty());
    }

    #[test]
    fn numbered_items_after_a_separator_or_a_colon() {
        let line = "交班:1. 路燈已派工 2. 噪音那張單轉給店家 3、其他";
        let norm = NormalizedText::new(line);
        let text = norm.as_str();
        let at = |needle: &str| text[..text.find(needle).unwrap()].chars().count();
        assert_eq!(of(line).items, vec![at("1."), at("2."), at("3、")]);
        // A list may open the message; its first item is an item too.
        assert_eq!(of("(1)表單格式照舊(2)老闆問誰檢舉").items.len(), 2);
        assert_eq!(of("(1)表單格式照舊(2)老闆問誰檢舉").ends, vec![9]);
        // The marker after removed spacing ends the item before it.
        let s = of("交班:1. 明天去稽查 2. 下週教育訓練");
        assert!(s.ends.contains(&s.items[1]));
        // Items numbered in Chinese, and the hours of an itinerary.
        let s = of("紀錄\n一、已公告\n二、底價368萬");
        assert_eq!(s.items.len(), 2);
        let s = of("行程\n09:00 開會\n12:00 評選結果\n15:30 訓練");
        assert_eq!(s.items.len(), 3);
        assert!(of("說是一、二十個").items.is_empty());
        assert!(of("會議 14:00 開始").items.is_empty());
        // The days of a weekly log, at the start of their lines only.
        let s = of("本週紀錄\n週一:公告上網\n週二:目前3家領標\n星期三:請假");
        assert_eq!(s.items.len(), 3);
        assert!(of("下週二:稽查").items.is_empty());
        assert_eq!(of("週一:公告上網;週二:3家領標").items.len(), 2);
        assert!(of("會議改到\n週二下午").items.is_empty());
        // Decimals, versions and counts open no item.
        for text in ["預算3.5萬", "版本2.0", "共2、3件", "時間10.30"] {
            assert!(of(text).items.is_empty(), "{text}");
        }
        // Bullets at the start of a line, not inside one.
        assert_eq!(of("交接:\n・總機留言已回\n・雨傘剩三把").items.len(), 2);
        assert_eq!(of("交接:\n- 總機留言已回\n- 雨傘剩三把").items.len(), 2);
        assert!(of("溫度-5度,A-1棟").items.is_empty());
        // A progress report's status marks open its items.
        let s = of("採購進度\n✅ 油漆案已決標\n⏳ 路燈案下週開標，目前3家領標");
        assert_eq!(s.items.len(), 2);
        assert!(of("今天完成✅明天再說").items.is_empty());
    }

    #[test]
    fn negative_evidence_of_a_list_is_its_header_and_the_items_used() {
        use crate::scan::rule::Hit;
        let s = of("教材:(1)甲(2)乙(3)丙");
        let hit = |at: usize| Hit {
            group: 0,
            start: at,
            end: at + 1,
            sound: None,
        };
        let (i2, i3) = (s.items[1], s.items[2]);
        // Evidence in item 2 only: the header and item 2.
        assert_eq!(
            s.negative_ranges(&hit(i2 + 3), (i2 + 3, i2 + 4)),
            [(0, s.items[0]), (i2, i3)]
        );
        // Evidence from item 2 to item 3: both items.
        assert_eq!(
            s.negative_ranges(&hit(i2 + 3), (i2 + 3, i3 + 4))[1],
            (i2, usize::MAX)
        );
        // Evidence in the header: the whole message.
        assert_eq!(s.negative_ranges(&hit(0), (0, 1))[0], (0, usize::MAX));
    }

    #[test]
    fn a_turn_to_another_topic_ends_a_sentence() {
        let s = of("中午訂便當喔～另外那份限閱的我丟到記事本了");
        assert_eq!(s.turns, vec![6]);
        assert_eq!(s.ends, vec![6]);
        assert_eq!(of("看到新聞了吧…對了底價我簽了").turns.len(), 1);
        // Spacing normalization took out still separates.
        assert_eq!(of("看到新聞了吧 對了底價我簽了").turns, vec![5]);
        assert_eq!(of("報告寫好了 btw 檢舉的是前員工").turns, vec![4]);
        assert_eq!(of("報告寫好了,順便講一下檢舉的是前員工").turns, vec![5]);
        // A postscript turns too; a console's name does not.
        assert_eq!(of("明天演練。PS 密錄器畫面我私訊給你").turns, vec![4]);
        assert!(of("週末玩PS5,對戰").turns.is_empty());
        // "The other two", 另外 inside a clause and 順便 in one plan go on
        // with the same topic.
        for text in [
            "一個確診。另外兩個在隔離",
            "某課員把公文拍照傳到LINE,另外那份也拍了",
            "明天上午稽查,順便通知老闆",
            "我們順便去看",
        ] {
            assert!(of(text).turns.is_empty(), "{text}");
        }
    }
}
