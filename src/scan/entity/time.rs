//! Time: calendar dates (ROC or Gregorian year, numeric, Chinese numerals),
//! weekdays, relative and past days, clock times and parts of day.
//!
//! Relative days, past days and parts of day are plain words, found in one
//! automaton pass; the parts of day count as times only where no clock
//! time contains them.

use regex::Regex;

use super::{
    alnum_bounded, alpha_bounded, compile, digit_bounded, EntityKind, Extraction, KindSet, N,
};

/// Parses a number written in Arabic digits or Chinese numerals, positional
/// (二十八, 一百一十五, 兩百十四, 廿八) or digit by digit (一一五, 〇九).
pub fn parse_number(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let digit = |c: char| -> Option<u32> {
        Some(match c {
            '0' | '〇' | '零' => 0,
            '1' | '一' => 1,
            '2' | '二' | '兩' => 2,
            '3' | '三' => 3,
            '4' | '四' => 4,
            '5' | '五' => 5,
            '6' | '六' => 6,
            '7' | '七' => 7,
            '8' | '八' => 8,
            '9' | '九' => 9,
            _ => return None,
        })
    };
    let positional = s.chars().any(|c| matches!(c, '十' | '百' | '廿' | '卅'));
    if !positional {
        let mut v: u32 = 0;
        for c in s.chars() {
            v = v.checked_mul(10)?.checked_add(digit(c)?)?;
        }
        return Some(v);
    }
    let mut total = 0u32;
    let mut current: Option<u32> = None;
    for c in s.chars() {
        match c {
            '百' => {
                total += current.unwrap_or(1) * 100;
                current = None;
            }
            '十' => {
                total += current.unwrap_or(1) * 10;
                current = None;
            }
            '廿' => total += 20,
            '卅' => total += 30,
            c => {
                let d = digit(c)?;
                // 兩百十四: a digit directly after 百 with 十 following is the tens.
                current = Some(current.map_or(d, |p| p * 10 + d));
            }
        }
    }
    Some(total + current.unwrap_or(0))
}

/// This family's recognizers, compiled once with the others (see
/// [`super::warm_up`]).
pub(super) struct Recognizers {
    pub(super) date_ymd: Regex,
    pub(super) date_numeric: Regex,
    pub(super) date_md: Regex,
    pub(super) date_slash: Regex,
    pub(super) date_day: Regex,
    pub(super) weekday: Regex,
    pub(super) weekday_paren: Regex,
    /// Relative days, past days and parts of day: plain words, one
    /// automaton pass for all three kinds.
    pub(super) lexicon: aho_corasick::AhoCorasick,
    pub(super) lexicon_kinds: Vec<Vec<EntityKind>>,
    pub(super) time_clock: Regex,
    pub(super) time_cn: Regex,
}

pub(super) fn build() -> Recognizers {
    let (lexicon, lexicon_kinds) = lexicon();
    let period =
        "(?:上午|早上|早晨|清晨|中午|下午|傍晚|晚上|夜間|凌晨|半夜|今晚|明晚|今早|明早|AM|PM)";
    Recognizers {
        date_ymd: compile(&format!(
            "(?:中華)?(?:民國)?{N}{{2,4}}年(?:{N}{{1,3}}|元)月{N}{{1,3}}[日號]?|(?:{N}{{1,3}}|元)月{N}{{1,3}}[日號]"
        )),
        date_numeric: compile("(?:1[0-4][0-9]|[89][0-9]|20[0-9]{2})[/.-][01]?[0-9][/.-][0-3]?[0-9]"),
        date_md: compile(&format!("{N}{{1,3}}月(?:初|中|底)")),
        date_slash: compile("(?:1[0-2]|0?[1-9])/(?:[12][0-9]|3[01]|0?[1-9])"),
        // A day of the month said alone (預計20號, 改到15號, 20號早上): a
        // date only after a word of scheduling or before a part of the day,
        // since 20號 is otherwise a house number.
        date_day: compile(&format!(
            "(?:預計|預定|排在|改在|改到|訂在|定在|本月|這個月|下個月|下月)的?{N}{{1,3}}號|{N}{{1,3}}號(?:那天|當天|早上|上午|中午|下午|晚上)"
        )),
        // 拜五 is the Hokkien 禮拜五; alone, 拜 takes no 日 or 天 (拜天公).
        weekday: compile("(?:下下|下個?|上個?|這個?|本|今)?(?:(?:星期|禮拜|礼拜|周)[一二三四五六日天末]|拜[一二三四五六])"),
        weekday_paren: compile(r"\([一二三四五六日]\)"),
        lexicon,
        lexicon_kinds,
        time_clock: compile("(?:[01]?[0-9]|2[0-4]):[0-5][0-9]|[0-9]{1,2} ?(?:AM|PM)"),
        time_cn: compile(&format!("(?:{period})?{N}{{1,3}}[點時](?:半|{N}{{1,2}}分|一刻)?")),
    }
}

/// Words for relative days (today and later), past days and parts of day.
const RELATIVE_DAYS: &[&str] = &[
    "大後天",
    "後天",
    "明天",
    "明日",
    "明早",
    "明晚",
    "明晨",
    "今天",
    "今日",
    "今早",
    "今晚",
    "今夜",
    "今明兩天",
    "下周",
    "下禮拜",
    "下星期",
    "下個月",
    "下月",
    "月底",
    "月中",
    "這周",
    "本周",
    "等一下",
    "待會",
    "稍後",
    "晚點",
    // Taiwanese (Hokkien) and Hakka written in characters: tomorrow,
    // today, tonight.
    "明仔載",
    "明仔日",
    "今仔日",
    "今暗",
    "天光日",
    "今晡日",
    "今暗晡",
    // English, as mixed into Chinese chat (Fri 2pm, tmr); not MON, WED or
    // THU alone, which are also a word's start and a given name (after
    // NEXT they are days).
    "TOMORROW",
    "TMR",
    "TONIGHT",
    "NEXT WEEK",
    "NEXT MON",
    "NEXT WED",
    "NEXT THU",
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
    "SUNDAY",
    "TUE",
    "TUES",
    "THUR",
    "THURS",
    "FRI",
];
const PAST_DAYS: &[&str] = &[
    "昨天",
    "昨日",
    "YESTERDAY",
    "LAST NIGHT",
    "昨晚",
    "前天",
    "前晚",
    "上周",
    "上禮拜",
    "上星期",
    "上個月",
    "上月",
    "去年",
    "日前",
    "稍早",
    "前幾天",
    // Hokkien and Hakka: yesterday, last night.
    "昨昏",
    "昨暗",
    "昨晡日",
];
const PERIODS: &[&str] = &[
    "上午", "早上", "早晨", "清晨", "中午", "下午", "傍晚", "晚上", "夜間", "凌晨", "半夜", "今晚",
    "明晚", "今早", "明早", // Hokkien and Hakka: early morning, afternoon.
    "透早", "下晡", "下晝",
];

fn lexicon() -> (aho_corasick::AhoCorasick, Vec<Vec<EntityKind>>) {
    let mut words: Vec<&str> = Vec::new();
    let mut kinds: Vec<Vec<EntityKind>> = Vec::new();
    for (list, kind) in [
        (RELATIVE_DAYS, EntityKind::RelativeDay),
        (PAST_DAYS, EntityKind::PastDay),
        (PERIODS, EntityKind::Time),
    ] {
        for w in list {
            match words.iter().position(|x| x == w) {
                Some(i) => kinds[i].push(kind),
                None => {
                    words.push(w);
                    kinds.push(vec![kind]);
                }
            }
        }
    }
    let ac = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(&words)
        .expect("the date-word automaton builds");
    (ac, kinds)
}

/// Calendar dates: 年/月/日, month with 初/中/底, numeric and slashed.
#[inline]
pub(super) fn dates(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction {
        s,
        kinds,
        digits,
        has,
        ..
    } = *cx;
    if kinds.contains(EntityKind::Date) {
        if has.month {
            for m in r.date_ymd.find_iter(s) {
                // 100元月5日 is a price before a date, not 元月 (January).
                let price = m.as_str().starts_with('元')
                    && s[..m.start()].chars().next_back().is_some_and(|c| {
                        c.is_ascii_digit() || "〇零一二兩三四五六七八九十百千萬".contains(c)
                    });
                if price {
                    continue;
                }
                if let Some(v) = date_value(m.as_str()) {
                    cx.push(EntityKind::Date, m.start(), m.end(), Some(v));
                }
            }
            for m in r.date_md.find_iter(s) {
                cx.push(EntityKind::Date, m.start(), m.end(), None);
            }
        }
        if has.hao {
            for m in r.date_day.find_iter(s) {
                cx.push(EntityKind::Date, m.start(), m.end(), None);
            }
        }
        if digits >= 2 && has.date_sep {
            let mut taken_until = 0;
            for m in r.date_numeric.find_iter(s) {
                if digit_bounded(s, m.start(), m.end()) {
                    cx.push(
                        EntityKind::Date,
                        m.start(),
                        m.end(),
                        Some(m.as_str().to_string()),
                    );
                    taken_until = m.end();
                }
            }
            for m in r.date_slash.find_iter(s) {
                if m.start() < taken_until || !digit_bounded(s, m.start(), m.end()) {
                    continue;
                }
                let next = s[m.end()..].chars().next();
                if next == Some('/') {
                    continue;
                }
                cx.push(
                    EntityKind::Date,
                    m.start(),
                    m.end(),
                    Some(m.as_str().to_string()),
                );
            }
        }
    }
}

/// Weekdays, spelled out or in parentheses after a date.
#[inline]
pub(super) fn weekdays(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, has, .. } = *cx;
    if kinds.contains(EntityKind::Weekday) && has.weekday {
        for m in r.weekday.find_iter(s) {
            // 拜一拜 and 拜一下 are a prayer, not Monday.
            let prayer = m.as_str().starts_with('拜') && s[m.end()..].starts_with(['拜', '下']);
            if !prayer {
                cx.push(EntityKind::Weekday, m.start(), m.end(), None);
            }
        }
    }
    if kinds.contains(EntityKind::Weekday) && has.paren {
        for m in r.weekday_paren.find_iter(s) {
            cx.push(EntityKind::Weekday, m.start(), m.end(), None);
        }
    }
}

/// Relative and past days; returns the parts of day found in the same
/// pass, for [`times`].
#[inline]
pub(super) fn relative_days(r: &Recognizers, cx: &mut Extraction<'_>) -> Vec<(usize, usize)> {
    let Extraction { s, kinds, .. } = *cx;
    let lexical = kinds.intersects(KindSet::of(&[
        EntityKind::RelativeDay,
        EntityKind::PastDay,
        EntityKind::Time,
    ]));
    let mut periods: Vec<(usize, usize)> = Vec::new();
    if lexical {
        for m in r.lexicon.find_iter(s) {
            // An English word stands alone: the AM of TEAM is no morning.
            if s[m.start()..].starts_with(|c: char| c.is_ascii_uppercase())
                && !alpha_bounded(s, m.start(), m.end())
            {
                continue;
            }
            for &k in &r.lexicon_kinds[m.pattern().as_usize()] {
                if k == EntityKind::Time {
                    periods.push((m.start(), m.end()));
                } else if kinds.contains(k) {
                    cx.push(k, m.start(), m.end(), None);
                }
            }
        }
    }
    periods
}

/// Clock times, Chinese clock times, and the parts of day no clock time
/// contains.
#[inline]
pub(super) fn times(r: &Recognizers, cx: &mut Extraction<'_>, periods: Vec<(usize, usize)>) {
    let Extraction {
        s,
        kinds,
        digits,
        has,
        ..
    } = *cx;
    if kinds.contains(EntityKind::Time) {
        let mut spans: Vec<(usize, usize)> = Vec::new();
        if (digits >= 2 && has.colon) || (digits >= 1 && has.meridiem) {
            for m in r.time_clock.find_iter(s) {
                // 1 AMP of a drug is no time: AM and PM end a word.
                if alnum_bounded(s, m.start(), m.end()) {
                    spans.push((m.start(), m.end()));
                    cx.push(
                        EntityKind::Time,
                        m.start(),
                        m.end(),
                        Some(m.as_str().to_string()),
                    );
                }
            }
        }
        if has.clock {
            for m in r.time_cn.find_iter(s) {
                if let Some(v) = time_value(m.as_str()) {
                    spans.push((m.start(), m.end()));
                    cx.push(EntityKind::Time, m.start(), m.end(), Some(v));
                }
            }
        }
        for (a, b) in periods {
            if !spans.iter().any(|&(x, y)| x <= a && b <= y) {
                cx.push(EntityKind::Time, a, b, None);
            }
        }
    }
}

/// Canonical value of a 年/月/日 date; None when month or day is impossible.
fn date_value(t: &str) -> Option<String> {
    let t = t.trim_start_matches("中華").trim_start_matches("民國");
    let (year, rest) = match t.split_once('年') {
        Some((y, r)) => (Some(parse_number(y)?), r),
        None => (None, t),
    };
    let (m, d) = rest.split_once('月')?;
    // 元月 is January.
    let month = if m == "元" { 1 } else { parse_number(m)? };
    let day = parse_number(d.trim_end_matches(['日', '號']))?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(match year {
        Some(y) if y < 1000 => format!("{:04}-{month:02}-{day:02}", y + 1911),
        Some(y) => format!("{y:04}-{month:02}-{day:02}"),
        None => format!("--{month:02}-{day:02}"),
    })
}

/// Canonical 24-hour value of a Chinese clock time; None for 一點 without a
/// part of day ("a little") and impossible hours.
fn time_value(t: &str) -> Option<String> {
    let periods = [
        ("上午", 0),
        ("早上", 0),
        ("早晨", 0),
        ("清晨", 0),
        ("凌晨", 0),
        ("半夜", 0),
        ("今早", 0),
        ("明早", 0),
        ("AM", 0),
        ("中午", 12),
        ("下午", 12),
        ("傍晚", 12),
        ("晚上", 12),
        ("夜間", 12),
        ("今晚", 12),
        ("明晚", 12),
        ("PM", 12),
    ];
    let mut rest = t;
    let mut shift = None;
    for (p, h) in periods {
        if let Some(r) = t.strip_prefix(p) {
            rest = r;
            shift = Some(h);
            break;
        }
    }
    let idx = rest.find(['點', '時'])?;
    let (h, tail) = rest.split_at(idx);
    if shift.is_none() && matches!(h, "一" | "兩" | "二" | "幾") {
        return None;
    }
    let mut hour = parse_number(h)?;
    if hour > 24 {
        return None;
    }
    if let Some(add) = shift {
        if hour < 12 && add == 12 {
            hour += 12;
        }
    }
    let tail = &tail[3..];
    let minute = if tail.starts_with('半') {
        30
    } else if tail.starts_with("一刻") {
        15
    } else if let Some(m) = tail.strip_suffix('分') {
        parse_number(m).filter(|&m| m < 60)?
    } else {
        0
    };
    Some(format!("{hour:02}:{minute:02}"))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{found, texts};
    use super::*;

    #[test]
    fn dates_weekdays_and_relative_days() {
        let dates = [
            ("民國115年11月27日", "2026-11-27"),
            ("中華民國115年11月27號", "2026-11-27"),
            ("民國一一五年十一月二十七日", "2026-11-27"),
            ("十二月十一日上午", "--12-11"),
            ("2026年11月27日", "2026-11-27"),
            ("115/12/10（四）", "115/12/10"),
            ("12/3發病", "12/3"),
            ("１２／１８（四）", "12/18"),
            ("元月5日要去", "--01-05"),
        ];
        for (text, want) in dates {
            let got = found(text, EntityKind::Date);
            assert!(
                got.iter().any(|(_, v)| v.as_deref() == Some(want)),
                "{text}: {got:?}"
            );
        }
        assert!(found("十三月四十日", EntityKind::Date).is_empty());
        // A day of the month alone is a date after a word of scheduling or
        // before a part of the day; otherwise it is a house number.
        for text in [
            "勞檢預計20號去那間倉庫",
            "會勘改到十五號",
            "25號早上九點集合",
        ] {
            assert_eq!(found(text, EntityKind::Date).len(), 1, "{text}");
        }
        assert!(found("中正路20號", EntityKind::Date).is_empty());
        for text in [
            "周三",
            "週三",
            "星期三",
            "禮拜三",
            "礼拜三",
            "下禮拜三",
            "下周一",
            "12/16（二）",
            "拜五衛生所欲來查",
        ] {
            assert_eq!(texts(text, EntityKind::Weekday).len(), 1, "{text}");
        }
        assert!(texts("初九拜天公", EntityKind::Weekday).is_empty());
        assert!(texts("稽查前先去土地公廟拜一拜", EntityKind::Weekday).is_empty());
        assert!(texts("每人100元月5日前繳", EntityKind::Date).is_empty());
        for text in ["今天", "明早", "後天", "今晚", "下周一", "大後天", "明仔載"]
        {
            assert!(!texts(text, EntityKind::RelativeDay).is_empty(), "{text}");
        }
        assert_eq!(texts("昨天的稽查", EntityKind::PastDay), vec!["昨天"]);
    }

    #[test]
    fn times_in_digits_and_chinese_numerals() {
        for (text, want) in [
            ("上午10點", "10:00"),
            ("十點半", "10:30"),
            ("下午兩點半", "14:30"),
            ("今晚十一點半", "23:30"),
            ("10時", "10:00"),
            ("3點一刻", "03:15"),
            ("晚上八點", "20:00"),
            ("九點半", "09:30"),
        ] {
            let got = found(text, EntityKind::Time);
            assert!(
                got.iter().any(|(_, v)| v.as_deref() == Some(want)),
                "{text}: {got:?}"
            );
        }
        assert!(found("14:00", EntityKind::Time)
            .iter()
            .any(|(_, v)| v.as_deref() == Some("14:00")));
        assert!(found("快一點", EntityKind::Time).is_empty());
        // One digit is enough before AM or PM; the AM of TEAM is no time.
        assert_eq!(texts("THU 2PM", EntityKind::Time), vec!["2PM"]);
        assert!(texts("INSPECTION TEAM", EntityKind::Time).is_empty());
        assert!(texts("PMID", EntityKind::Time).is_empty());
        assert!(texts("MORPHINE 1 AMP", EntityKind::Time).is_empty());
        // AM or PM alone is no part of a day (ABC 科技的 PM is a manager).
        assert!(texts("ABC 科技的 PM", EntityKind::Time).is_empty());
    }

    #[test]
    fn english_days_stand_alone() {
        assert_eq!(
            texts("HIT IT FRI 2PM", EntityKind::RelativeDay),
            vec!["FRI"]
        );
        // A given name (Nguyen Thi Thu) and C'MON are no days; after NEXT
        // the short forms are.
        assert!(texts("NGUYEN THI THU C'MON", EntityKind::RelativeDay).is_empty());
        assert_eq!(
            texts("食藥署 NEXT WED AM 會來", EntityKind::RelativeDay),
            vec!["NEXT WED"]
        );
        assert_eq!(
            texts("GO TOMORROW", EntityKind::RelativeDay),
            vec!["TOMORROW"]
        );
        assert!(texts("THUMB MONTH WEDDING", EntityKind::RelativeDay).is_empty());
        assert_eq!(texts("LAST NIGHT", EntityKind::PastDay), vec!["LAST NIGHT"]);
    }

    #[test]
    fn chinese_numbers_parse() {
        for (s, v) in [
            ("十一", 11),
            ("二十八", 28),
            ("一百一十五", 115),
            ("一一五", 115),
            ("兩百一十四", 214),
            ("廿八", 28),
            ("十", 10),
            ("一百零五", 105),
            ("12", 12),
        ] {
            assert_eq!(parse_number(s), Some(v), "{s}");
        }
    }
}
