//! Phone numbers: mobiles (09 + 8 digits, +886 9…) and landlines with an
//! area code, in every spacing and dash style seen in chat.
//!
//! Formats follow libphonenumber's TW metadata (`reference/tw-identifiers.md`);
//! the value is always the national form (`0912345678`).

use regex::Regex;

use crate::normalize::{chinese_digit, NUMBER_CONNECTORS};

use super::{compile, digit_bounded, in_dotted_word, DigitGate, EntityKind, Extraction};

/// The digits a number needs before its pattern runs (see [`DigitGate`]):
/// a mobile's nine (09 and eight more, or +886 9 and eight), a landline's
/// eight, each with a run of three.
pub(super) const MOBILE_DIGITS: DigitGate = DigitGate::new(9, 3);
pub(super) const LANDLINE_DIGITS: DigitGate = DigitGate::new(8, 3);

/// This family's recognizers, compiled once with the others (see
/// [`super::warm_up`]).
pub(super) struct Recognizers {
    pub(super) mobile: Regex,
    pub(super) landline: Regex,
    pub(super) landline_spoken: Regex,
    pub(super) mobile_spoken: Regex,
}

/// An area code, in ASCII digits or read out in Chinese ones (零四, 零三七),
/// which normalization leaves as they are when they stand alone.
const CODE: &str = "0[2-8][0-9]{0,2}|零[二三四五六七八][〇零一二三四五六七八九]{0,2}";

/// The cities and counties whose area code one names with it (台北的02,
/// 台中那個04, 高雄07開頭); normalization has folded 臺 to 台.
const CITY: &str = "(?:台北|新北|基隆|桃園|新竹|苗栗|台中|彰化|南投|雲林|嘉義|台南|高雄|屏東|宜蘭|花蓮|台東|澎湖|金門|馬祖)";

pub(super) fn build() -> Recognizers {
    // The words one puts between the groups of a number read out (後面是,
    // 然後, 再來, 接著, 最後): those normalization joins written-out
    // digits across.
    let then = format!("(?:(?:{})是?)", NUMBER_CONNECTORS.join("|"));
    Recognizers {
        // Groups split by spaces, dots, dashes, slashes or squares ("0955 /
        // 602 / 318", 0926 ▪ 381 ▪ 552; normalization has made other
        // scripts' dots '.'), or over the lines of a message
        // ("0933\n627\n581"); by tildes or underscores only in the groups of
        // a mobile (0932~518~647), since 0930~1130 is a time range and
        // IMG_0915_093012 a file.
        // After +886 the 9 may stand alone as well (+886 9 52 718 340).
        // A dash may follow the 09 itself before two groups of four
        // (09-3366-1207), never a date's month (2024-09-01 2024-09-30).
        mobile: compile(
            r"(?:\+?886[ -]?0?9[ -]?|09)[0-9](?:[ ./\-\n▪]{0,3}[0-9]){7}|09-[0-9]{4}[ -][0-9]{4}|09[0-9]{2}(?:~[0-9]{3}~|_[0-9]{3}_)[0-9]{3}",
        ),
        // Subscriber numbers of three or four and three or four digits, two
        // and four after a three-digit code (037 26-5831), or five after an
        // outlying island's four-digit code (0836-23618, 0826-88123, and
        // as Matsu writes it, (0836)22-517); or,
        // a six-digit number in three pairs after a three-digit code (037 -
        // 66 35 82); or,
        // after a code in brackets or with its dash, one, three and three
        // as a seven-digit number is read out ((049)2 765 433), which bare
        // figures (2023 05 1 234 567) are not. The groups may be split by
        // dots or slashes as a mobile's are ((02)2795‧6318, normalized to a
        // dot; 082.32.5647, 04)2376/5219); a date so split (03/15/2026) has
        // too few digits to be a number.
        landline: compile(
            r"(?:\+886[ -]?|\(0|0)[2-8][0-9]{0,3}\)?[ \-./▪]{0,3}(?:[0-9]{3,4}[ \-./▪]{0,2}[0-9]{3,4}|[0-9]{2}[ \-./▪]{1,3}[0-9]{4}|[0-9]{5}|[0-9]{2}[ \-./▪]{1,3}[0-9]{2}[ \-./▪]{1,3}[0-9]{2}|[0-9]{2}[ \-./▪]{1,3}[0-9]{3})|(?:\(0[2-8][0-9]{0,2}\)[ -]?|0[2-8][0-9]{0,2}-)[0-9][ -][0-9]{3}[ -][0-9]{3}",
        ),
        // The area code said on its own, then the rest (區碼05，後面是
        // 2273168; area code 02, 2771-3586), as one reads a number out.
        // The code may come after the city it is (區碼高雄的07, 台北的02)
        // or be said to start the number (03開頭，後面…), and the rest may
        // come in two groups with a word between them (然後2763 再來5819).
        landline_spoken: compile(&format!(
            r"(?:(?:區碼|AREA CODE)[^0-9\n]{{0,6}}?\(?({CODE})\)?|({CODE})開頭的?|{CITY}(?:的|那個|那邊的)?\(?({CODE})\)?)[ ,、/\n]{{0,2}}(?:{then}|號碼|電話)?(?:是|為|:)?[ ]?([0-9]{{3,4}}(?:[ -]?|[ ,、/\n]{{0,2}}{then}[ :]?)[0-9]{{3,4}}|[0-9]{{5,6}})"
        )),
        // A mobile read out in its three groups with words between them
        // (0923，後面是618，然後275).
        // Or its first four digits, then a remark, then the rest after
        // 後面 (前面是0958，我先抄著，後面…是372-615).
        mobile_spoken: compile(&format!(
            r"(09[0-9]{{2}})(?:[ ,、/\n]{{0,3}}{then}[ :]?|[^0-9\n]{{0,24}}?後面[^0-9\n]{{0,16}}?)([0-9]{{3}})(?:[ ,、/\n-]{{0,3}}{then}?[ :]?)([0-9]{{3}})"
        )),
    }
}

/// Mobile numbers, national or +886.
#[inline]
pub(super) fn mobiles(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if cx.admits(MOBILE_DIGITS) && kinds.contains(EntityKind::Mobile) {
        for_each_number(&r.mobile, s, |start, end| {
            let text = &s[start..end];
            if !digit_bounded(s, start, end)
                || !whole_lines(s, start, text)
                || in_link(s, start, text)
            {
                return false;
            }
            let d: String = text.chars().filter(char::is_ascii_digit).collect();
            let national = d
                .strip_prefix("886")
                .map(|x| x.trim_start_matches('0'))
                .map(|x| format!("0{x}"))
                .unwrap_or(d);
            let valid = national.len() == 10;
            if valid {
                cx.push(EntityKind::Mobile, start, end, Some(national));
            }
            valid
        });
        for c in r.mobile_spoken.captures_iter(s) {
            let all = c.get(0).expect("a match");
            if digit_bounded(s, all.start(), all.end()) {
                let national: String = (1..=3)
                    .filter_map(|i| c.get(i))
                    .map(|g| g.as_str())
                    .collect();
                cx.push(EntityKind::Mobile, all.start(), all.end(), Some(national));
            }
        }
    }
}

/// Calls `take(start, end)` with every match of `pattern` in `s`, left to
/// right; where `take` rejects one, the search goes on from the match's
/// second character rather than its end, so that figures read into a
/// number (the date of 03/15 02-2345-6789, the time range of 0930~1130
/// 0912-345-678) do not hide the number after them.
fn for_each_number(pattern: &Regex, s: &str, mut take: impl FnMut(usize, usize) -> bool) {
    let mut at = 0;
    while let Some(m) = pattern.find_at(s, at) {
        at = if take(m.start(), m.end()) {
            m.end()
        } else {
            m.start() + s[m.start()..].chars().next().map_or(1, char::len_utf8)
        };
    }
}

/// Whether a number split by slashes or dots lies in a link's path or a
/// version (see [`in_dotted_word`]).
fn in_link(s: &str, start: usize, text: &str) -> bool {
    text.contains(['/', '.']) && in_dotted_word(s, start)
}

/// Whether a number over several lines is written the way one splits a
/// phone number (0933 / 627 / 581, 電話 0921- / 374-805), with no other
/// figures on its lines: not the end of one line's figures and the start of
/// the next's (早班 0900-1200 / 13:30, 末五碼 09231 / 57718). On one line,
/// always.
fn whole_lines(s: &str, start: usize, text: &str) -> bool {
    if !text.contains('\n') {
        return true;
    }
    // No other figures on the first piece's line or the last one's (a
    // label such as 電話 is fine).
    let before = s[..start].rsplit('\n').next().unwrap_or("");
    let after = s[start + text.len()..].split('\n').next().unwrap_or("");
    let alone = !before.contains(|c: char| c.is_ascii_digit())
        && !after.contains(|c: char| c.is_ascii_digit());
    let groups: Vec<usize> = text
        .split('\n')
        .map(|l| l.chars().filter(char::is_ascii_digit).count())
        .collect();
    let split = matches!(
        groups.as_slice(),
        [4, 3, 3] | [4, 6] | [3, 3, 4] | [4, 3, 3, ..]
    );
    alone && split
}

/// Whether a national number is a landline's: nine or ten digits, not a
/// mobile's (09…) and not toll-free (080…).
fn is_landline(national: &str) -> bool {
    (9..=10).contains(&national.len())
        && !national.starts_with("09")
        && !national.starts_with("080")
}

/// Landlines with an area code, not toll-free (080…).
#[inline]
pub(super) fn landlines(r: &Recognizers, cx: &mut Extraction<'_>) {
    let Extraction { s, kinds, .. } = *cx;
    if cx.admits(LANDLINE_DIGITS) && kinds.contains(EntityKind::Landline) {
        for_each_number(&r.landline, s, |start, end| {
            let text = &s[start..end];
            if !digit_bounded(s, start, end) || in_link(s, start, text) {
                return false;
            }
            let d: String = text.chars().filter(char::is_ascii_digit).collect();
            let national = match d.strip_prefix("886") {
                Some(x) => format!("0{x}"),
                None => d,
            };
            let valid = is_landline(&national);
            if valid {
                cx.push(EntityKind::Landline, start, end, Some(national));
            }
            valid
        });
        for c in r.landline_spoken.captures_iter(s) {
            let code = c.get(1).or(c.get(2)).or(c.get(3));
            let (Some(all), Some(code), Some(rest)) = (c.get(0), code, c.get(4)) else {
                continue;
            };
            if !digit_bounded(s, all.start(), all.end())
                || !digit_bounded(s, rest.start(), rest.end())
            {
                continue;
            }
            let national: String = code
                .as_str()
                .chars()
                .map(|c| chinese_digit(c).unwrap_or(c))
                .chain(rest.as_str().chars())
                .filter(char::is_ascii_digit)
                .collect();
            if is_landline(&national) {
                cx.push(EntityKind::Landline, all.start(), all.end(), Some(national));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::found;
    use super::*;

    /// `text` holds exactly one number of `kind`, read as `want`.
    fn assert_one(text: &str, kind: EntityKind, want: &str) {
        let got = found(text, kind);
        assert_eq!(got.len(), 1, "{text}: {got:?}");
        assert_eq!(got[0].1.as_deref(), Some(want), "{text}");
    }

    #[test]
    fn phones_in_every_style() {
        for (text, want) in [
            ("手機0932-118-406，", "0932118406"),
            ("+886 912 345 678", "0912345678"),
            ("886912345678", "0912345678"),
            ("+886-912-345678", "0912345678"),
            ("+886 9 52 718 340", "0952718340"),
            ("０９１２３４５６７８", "0912345678"),
            ("〇九五二七七一三〇八", "0952771308"),
            ("0 9 1 8 - 3 3 0 - 2 7 5", "0918330275"),
            ("0912.345.678", "0912345678"),
            ("0912–345–678", "0912345678"),
            ("0955 / 602 / 318", "0955602318"),
            ("0955/602/318", "0955602318"),
            ("0932~518~647", "0932518647"),
            ("0926 ▪ 381 ▪ 552", "0926381552"),
            ("0932_518_647", "0932518647"),
            // A time range before a number does not hide it.
            ("0930~1130 0912-345-678", "0912345678"),
            (
                "電話你記一下，0923，後面是618，然後275，中午打",
                "0923618275",
            ),
            (
                "她說前面是0958，我先抄著，後面她唸了兩次我才聽清楚，是372-615",
                "0958372615",
            ),
            ("電話 0921-\n374-805", "0921374805"),
            ("0933\n627\n581", "0933627581"),
            ("09-3366-1207 是她的", "0933661207"),
            ("是零九八八 然後二四一 然後七零五", "0988241705"),
            ("電話是0932 /\n然後470 /\n最後215", "0932470215"),
            ("他手機，零九二一…嗯後面是五八三、四零七", "0921583407"),
        ] {
            assert_one(text, EntityKind::Mobile, want);
        }
        assert!(found("0912-34-567", EntityKind::Mobile).is_empty());
        // Figures that merely follow each other over lines.
        for text in [
            "早班 0900-1200\n13:30 開會",
            "末五碼：\n09231\n57718\n33456",
        ] {
            assert!(found(text, EntityKind::Mobile).is_empty(), "{text}");
        }
        assert!(found("0912-345-6789", EntityKind::Mobile).is_empty());
        // Time ranges and file names with tildes or underscores.
        for text in ["0930~1130 14:00", "0901~0930 10點", "IMG_0915_093012.jpg"] {
            assert!(found(text, EntityKind::Mobile).is_empty(), "{text}");
        }
        // A date's month is no 09 (the dash belongs to the date).
        for text in [
            "2024-09-01 2024-09-30",
            "09-01-2024 10:30",
            "排班 2025-09-15 2025-10-15",
        ] {
            assert!(found(text, EntityKind::Mobile).is_empty(), "{text}");
        }
        for text in [
            "(02)2345-6789",
            "04-2234-5678",
            "049-2345678",
            "(03)345-6789",
            "07-3456789",
            // Outlying islands: Matsu's and Wuqiu's four-digit codes with
            // five digits, Kinmen's and Taitung's three with six.
            "0836-23618",
            "(0836)22-517",
            "0826 88123",
            "082-325917",
            "089-351274",
            "(037)26-5831",
            "(049)2 765 433",
            // Split by other marks, or in pairs.
            "(02)2795‧6318",
            "037 - 66 35 82",
            "082.32.5647",
            "04)2376/5219",
        ] {
            assert_eq!(found(text, EntityKind::Landline).len(), 1, "{text}");
        }
        // The area code read out on its own.
        for (text, want) in [
            ("區碼05，後面是二二七三一六八", "052273168"),
            ("區碼是07，後面3812456", "073812456"),
            ("區碼高雄的07，後面331-8276", "073318276"),
            ("他媽媽的電話是新竹的，03開頭，後面 572-6418", "035726418"),
            ("市話 台北的02 然後2763 再來5819", "0227635819"),
            ("台中那個04，2315-6607", "0423156607"),
            ("高雄07開頭的 七三一 五二八六", "077315286"),
            ("區碼是台中那個零四，號碼 2236-5081", "0422365081"),
            ("他留市話，台北的零二，二七五八，三一九六", "0227583196"),
            ("area code 02, 2771-3586", "0227713586"),
        ] {
            assert_one(text, EntityKind::Landline, want);
        }
        assert!(found("區碼02，分機123", EntityKind::Landline).is_empty());
        assert!(found("2023 05 1 234 567", EntityKind::Landline).is_empty());
        // A number after the subscriber's is not read on to it.
        assert!(
            found("區碼02，後面是2771-3586 9點後再打", EntityKind::Landline)
                .iter()
                .all(|(_, v)| v.as_deref() == Some("0227713586"))
        );
        assert!(found("0836-2361", EntityKind::Landline).is_empty());
        // Dates split the same way have too few digits, and do not hide a
        // number after them; a link's path and a version are no number.
        for text in ["03/15/2026", "02.12.2026 10:30", "05/12 08:30"] {
            assert!(found(text, EntityKind::Landline).is_empty(), "{text}");
        }
        for (text, want) in [
            ("2026/03/15 02-2345-6789", "0223456789"),
            ("115/03/15 0223456789", "0223456789"),
            ("2025.12.01 07-345-6789", "073456789"),
            ("08.30 02 2795 6318", "0227956318"),
        ] {
            assert_one(text, EntityKind::Landline, want);
        }
        for text in ["https://x.example/news/05/12345678", "v2.03.1234.567"] {
            assert!(found(text, EntityKind::Landline).is_empty(), "{text}");
        }
        assert!(found("0800-000-123", EntityKind::Landline).is_empty());
    }
}
