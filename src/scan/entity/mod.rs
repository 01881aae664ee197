//! Structured entities found in normalized text: identifiers with their
//! checksums, phone numbers, plates, addresses, dates (ROC, Gregorian,
//! relative, Chinese numerals), weekdays, times, ages, person names, business
//! names, medical record and bed numbers, links and attachment names.
//!
//! Formats and checksums follow `reference/tw-identifiers.md` (national ID and
//! resident certificate: letter table and weights from the national-ID
//! specification cited there; phones: libphonenumber's TW metadata; plates:
//! 公路總局 rules; addresses: Chunghwa Post unit order). Every recognizer runs
//! on [`NormalizedText`], so full-width digits, spacing and Chinese digit runs
//! are already folded; `[0-9]` is used instead of the Unicode `\d`.
//!
//! The kinds are in `kind`. One file per family of entities, each with its
//! own patterns and tests: `ids` (identifier numbers), `halves` (one told
//! in two labelled halves), `phones`, `places`,
//! `time`, `people`, `orgs`, `links` (with the lists of `host_names`),
//! `quotes` (examples quoted as what must not be said, and messages quoted
//! as sent), `stamps` (a classification stamp heading a message) and
//! `grades` (a 考績 grade letter said alone). This module holds the
//! [`extract`] entry point that runs the families in a fixed order, and
//! what they share: the trigger characters (`Marks`) and the boundary
//! checks. All patterns are compiled together, once, and a family's
//! patterns run only when the requested kinds need
//! them (and their trigger characters are in the text).

use std::sync::OnceLock;

use regex::Regex;

use crate::normalize::{is_han, NormalizedText};

mod file_names;
mod grades;
mod halves;
mod host_names;
mod ids;
mod kind;
mod links;
mod national_ids;
mod orgs;
mod people;
mod phones;
mod places;
mod quotes;
mod stamps;
mod time;

pub use kind::{EntityKind, KindSet, Mask};
pub use links::{classify as classify_host, LinkClass};
pub use national_ids::validate_id;
pub use people::SURNAMES;
pub use time::parse_number;

/// One entity occurrence, in normalized character offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// What it is.
    pub kind: EntityKind,
    /// Normalized character offset, inclusive.
    pub start: usize,
    /// Normalized character offset, exclusive.
    pub end: usize,
    /// A canonical value where one exists (`2026-12-11`, `14:30`, `A123456789`).
    pub value: Option<String>,
}

/// The character class of a number written in Arabic digits or Chinese
/// numerals, for the patterns of several families.
const N: &str = "[0-9〇零一二兩三四五六七八九十廿卅百]";

/// Compiles one of the built-in patterns; they are constants, so an error
/// is a bug.
fn compile(p: &str) -> Regex {
    Regex::new(p).unwrap_or_else(|e| panic!("entity pattern {p:?}: {e}"))
}

/// Every family's recognizers, compiled together and once for the process.
struct Recognizers {
    ids: ids::Recognizers,
    halves: halves::Recognizers,
    phones: phones::Recognizers,
    places: places::Recognizers,
    time: time::Recognizers,
    people: people::Recognizers,
    orgs: orgs::Recognizers,
    links: links::Recognizers,
    quotes: quotes::Recognizers,
}

fn recognizers() -> &'static Recognizers {
    static R: OnceLock<Recognizers> = OnceLock::new();
    R.get_or_init(|| Recognizers {
        ids: ids::build(),
        halves: halves::build(),
        phones: phones::build(),
        places: places::build(),
        time: time::build(),
        people: people::build(),
        orgs: orgs::build(),
        links: links::build(),
        quotes: quotes::build(),
    })
}

/// Compiles the recognizers now rather than on the first message.
pub fn warm_up() {
    recognizers();
}

/// The source of every entity regex, for benchmarks that compare the scan
/// with a plain `RegexSet` over the same patterns.
pub fn patterns() -> Vec<&'static str> {
    let r = recognizers();
    let (ids, phones, places, time, people, orgs) =
        (&r.ids, &r.phones, &r.places, &r.time, &r.people, &r.orgs);
    [
        &ids.id,
        &ids.id_grouped,
        &ids.id_spelled,
        &phones.mobile,
        &phones.landline,
        &phones.landline_spoken,
        &phones.mobile_spoken,
        &r.halves.halves,
        &ids.passport_number,
        &ids.twelve_digits,
        &ids.plate,
        &places.address,
        &places.english_address,
        &places.street,
        &places.district,
        &time.date_ymd,
        &time.date_numeric,
        &time.date_md,
        &time.date_slash,
        &time.date_day,
        &time.weekday,
        &time.weekday_paren,
        &time.time_clock,
        &time.time_cn,
        &people.age,
        &people.name_masked,
        &people.name_titled,
        &people.name_familiar,
        &people.name_labelled,
        &people.name_ranked,
        &people.name_subject,
        &people.name_bounded,
        &orgs.business,
        &orgs.not_name,
        &places.floor,
        &places.building,
        &places.bed,
        &ids.medical_record,
        &orgs.school_class,
        &ids.case_number,
        &r.links.host,
        &r.links.file,
        &r.quotes.example,
        &r.quotes.reported,
    ]
    .into_iter()
    .map(Regex::as_str)
    .collect()
}

/// One call of [`extract`]: what every recognizer reads, and the entities
/// found so far.
struct Extraction<'a> {
    text: &'a NormalizedText,
    /// The normalized text.
    s: &'a str,
    /// The kinds asked for.
    kinds: KindSet,
    /// ASCII digits in the text, and the longest run of them.
    digits: usize,
    run: usize,
    /// Trigger characters (all false when no requested kind needs them).
    has: Marks,
    /// Whether a link or a file name may be there (false when no link or
    /// file kind is asked for).
    dotted: bool,
    out: Vec<Entity>,
}

impl Extraction<'_> {
    /// Whether the text holds the digits `gate` asks for.
    #[inline]
    fn admits(&self, gate: DigitGate) -> bool {
        gate.admits(self.digits, self.run)
    }

    /// Records an entity found at normalized bytes `[bs, be)`.
    #[inline]
    fn push(&mut self, kind: EntityKind, bs: usize, be: usize, value: Option<String>) {
        self.out.push(Entity {
            kind,
            start: self.text.char_index(bs),
            end: self.text.char_index(be),
            value,
        });
    }
}

/// The digits a text must hold before an identifier of a kind can be in
/// it: at least `total` ASCII digits, `run` of them in a row. The kind's
/// recognizer and [`may_hold`] test the same constant.
#[derive(Debug, Clone, Copy)]
struct DigitGate {
    total: usize,
    run: usize,
}

impl DigitGate {
    const fn new(total: usize, run: usize) -> DigitGate {
        DigitGate { total, run }
    }

    fn admits(self, digits: usize, run: usize) -> bool {
        digits >= self.total && run >= self.run
    }
}

/// Finds the entities of the requested kinds.
///
/// The entities come out in the order of the calls below, family by family
/// and, within one, pattern by pattern: callers may depend on it, so a new
/// recognizer goes where it does not reorder the others.
pub fn extract(text: &NormalizedText, kinds: KindSet) -> Vec<Entity> {
    if kinds.is_empty() {
        return Vec::new();
    }
    let r = recognizers();
    let s = text.as_str();
    // Trigger characters, found in one pass, but only if a kind needs them.
    let needs_marks = [
        EntityKind::PersonName,
        EntityKind::Street,
        EntityKind::Date,
        EntityKind::Weekday,
        EntityKind::Time,
        EntityKind::Building,
        EntityKind::Bed,
        EntityKind::MedicalRecord,
        EntityKind::SchoolClass,
        EntityKind::CaseNumber,
    ]
    .iter()
    .any(|&k| kinds.contains(k));
    let has = if needs_marks {
        Marks::of(s)
    } else {
        Marks::default()
    };
    let mut cx = Extraction {
        text,
        s,
        kinds,
        digits: text.digit_count(),
        run: text.digit_run(),
        has,
        dotted: kinds.intersects(KindSet::LINKS.union(KindSet::FILES))
            && links::may_hold_link(s.as_bytes()),
        out: Vec::new(),
    };
    national_ids::national_ids(&r.ids, &mut cx);
    phones::mobiles(&r.phones, &mut cx);
    halves::halves(&r.halves, &mut cx);
    phones::landlines(&r.phones, &mut cx);
    ids::passports(&r.ids, &mut cx);
    ids::nhi_cards(&r.ids, &mut cx);
    ids::bank_accounts(&r.ids, &mut cx);
    ids::plates(&r.ids, &mut cx);
    places::addresses(&r.places, &mut cx);
    places::streets(&r.places, &mut cx);
    places::districts(&r.places, &mut cx);
    time::dates(&r.time, &mut cx);
    time::weekdays(&r.time, &mut cx);
    let periods = time::relative_days(&r.time, &mut cx);
    time::times(&r.time, &mut cx, periods);
    people::ages(&r.people, &mut cx);
    people::names(&r.people, &mut cx);
    people::name_tokens(&r.people, &mut cx);
    orgs::businesses(&r.orgs, &mut cx);
    places::floors(&r.places, &mut cx);
    places::buildings(&r.places, &mut cx);
    places::beds(&r.places, &mut cx);
    ids::medical_records(&r.ids, &mut cx);
    orgs::school_classes(&r.orgs, &mut cx);
    ids::case_numbers(&r.ids, &mut cx);
    links::links(&r.links, &mut cx);
    links::risky_files(&r.links, &mut cx);
    quotes::quoted_examples(&r.quotes, &mut cx);
    quotes::reported_messages(&r.quotes, &mut cx);
    stamps::head_stamps(&mut cx);
    grades::grade_words(&mut cx);
    cx.out
}

/// What every entity of a kind has in its text (see [`may_hold`]).
#[derive(Debug, Clone, Copy)]
enum Mark {
    /// The digits of its identifier's gate.
    Digits(DigitGate),
    /// A house number's 號, or an English address's NO. with a digit.
    Hao,
    /// A dot before a letter, or a scheme's `//` (a link or a file name).
    Dot,
    /// The character 密 (a classification stamp).
    Mi,
    /// One of the grade letters 甲, 乙, 丙.
    Grade,
}

/// The kinds with a mark, and the mark (the links' test, a pass over the
/// text, is made only when asked).
const MARKS: [(KindSet, Mark); 11] = {
    use EntityKind as K;
    [
        (
            KindSet::of(&[K::NationalId, K::ResidentId]),
            Mark::Digits(ids::ID_DIGITS),
        ),
        (
            KindSet::of(&[K::Mobile]),
            Mark::Digits(phones::MOBILE_DIGITS),
        ),
        (
            KindSet::of(&[K::Landline]),
            Mark::Digits(phones::LANDLINE_DIGITS),
        ),
        (
            KindSet::of(&[K::Passport]),
            Mark::Digits(ids::PASSPORT_DIGITS),
        ),
        (KindSet::of(&[K::NhiCard]), Mark::Digits(ids::NHI_DIGITS)),
        (
            KindSet::of(&[K::BankAccount]),
            Mark::Digits(ids::ACCOUNT_DIGITS),
        ),
        (KindSet::of(&[K::Plate]), Mark::Digits(ids::PLATE_DIGITS)),
        (KindSet::of(&[K::Address]), Mark::Hao),
        (KindSet::LINKS.union(KindSet::FILES), Mark::Dot),
        (KindSet::of(&[K::HeadStamp]), Mark::Mi),
        (KindSet::of(&[K::GradeWord]), Mark::Grade),
    ]
};

/// Whether `text` may hold an entity of one of `kinds`, by what every
/// entity of a kind has (the same tests its recognizer makes first): an
/// identifier its digits, an address 號, a link or a file name a dot
/// before a letter or a scheme's `//`, a stamp 密, a grade its letter. A
/// kind without such a mark (a name, a date) may always be there. The
/// engine asks it for the kinds that
/// anchor rules on their own; most messages have none of their marks and
/// skip those rules.
pub fn may_hold(text: &NormalizedText, kinds: KindSet) -> bool {
    static HAO: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("號"));
    static NO: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("NO."));
    static MI: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("密"));
    static GRADES: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 3]> =
        std::sync::LazyLock::new(|| {
            grades::LETTERS.map(|c| {
                memchr::memmem::Finder::new(c.encode_utf8(&mut [0; 4]).as_bytes()).into_owned()
            })
        });
    let (digits, run) = (text.digit_count(), text.digit_run());
    let bytes = text.as_str().as_bytes();
    let mut unmarked = kinds;
    for (marked, mark) in MARKS {
        if kinds.intersects(marked) {
            let there = match mark {
                Mark::Digits(gate) => gate.admits(digits, run),
                Mark::Hao => HAO.find(bytes).is_some() || digits > 0 && NO.find(bytes).is_some(),
                Mark::Mi => MI.find(bytes).is_some(),
                Mark::Grade => GRADES.iter().any(|f| f.find(bytes).is_some()),
                Mark::Dot => links::may_hold_link(bytes),
            };
            if there {
                return true;
            }
            unmarked = unmarked.difference(marked);
        }
    }
    !unmarked.is_empty()
}

/// Which trigger characters a text holds, found in one pass: each
/// recognizer runs only when its unit characters are there.
#[derive(Debug, Default, Clone, Copy)]
struct Marks {
    hao: bool,
    road: bool,
    month: bool,
    paren: bool,
    clock: bool,
    building: bool,
    bed: bool,
    record: bool,
    class: bool,
    case: bool,
    colon: bool,
    meridiem: bool,
    date_sep: bool,
    weekday: bool,
    mask: bool,
    title: bool,
    familiar: bool,
}

impl Marks {
    fn of(s: &str) -> Marks {
        let mut m = Marks::default();
        for c in s.chars() {
            match c {
                '號' => m.hao = true,
                '路' | '街' | '道' => m.road = true,
                '月' => m.month = true,
                '(' => m.paren = true,
                '點' | '時' => m.clock = true,
                '棟' | '館' => m.building = true,
                '床' | '房' => m.bed = true,
                '歷' => m.record = true,
                '班' | '級' => m.class = true,
                '案' => m.case = true,
                ':' => m.colon = true,
                'M' => m.meridiem = true,
                '/' | '.' | '-' => m.date_sep = true,
                '星' | '拜' | '周' => m.weekday = true,
                '○' | '〇' | 'O' | 'X' | '*' | '某' | '姓' => m.mask = true,
                '生' | '姐' | '太' | '士' | '闆' | '師' | '學' | '員' | '長' | '理' | '任'
                | '姨' | '伯' | '公' | '嬤' | '董' | '委' | '議' | '傅' | '叔' | '哥' | '媽'
                | '爸' | '奶' | '爺' | '嫂' | '授' | '弟' | '妹' | '官' | '書' | '導' | '正'
                | '佐' | '事' | '兵' | '友' => m.title = true,
                '小' | '老' | '阿' => m.familiar = true,
                _ => {}
            }
        }
        m
    }
}

fn prev_char(s: &str, at: usize) -> Option<char> {
    s[..at].chars().next_back()
}

fn next_char(s: &str, at: usize) -> Option<char> {
    s[at..].chars().next()
}

/// No ASCII letter or digit directly before or after.
fn alnum_bounded(s: &str, start: usize, end: usize) -> bool {
    !prev_char(s, start).is_some_and(|c| c.is_ascii_alphanumeric())
        && !next_char(s, end).is_some_and(|c| c.is_ascii_alphanumeric())
}

/// No ASCII letter directly before or after (the AM of TEAM).
fn alpha_bounded(s: &str, start: usize, end: usize) -> bool {
    !prev_char(s, start).is_some_and(|c| c.is_ascii_alphabetic())
        && !next_char(s, end).is_some_and(|c| c.is_ascii_alphabetic())
}

/// No digit directly before or after.
fn digit_bounded(s: &str, start: usize, end: usize) -> bool {
    !prev_char(s, start).is_some_and(|c| c.is_ascii_digit())
        && !next_char(s, end).is_some_and(|c| c.is_ascii_digit())
}

/// Whether the word `start` stands in (back to a space or a line break)
/// already holds a slash or a dot before it: a link's path or a version
/// (dcard.tw/f/talk/p/229105936, news/05/12345678, v2.03.1234.567), whose
/// figures are no identifier.
fn in_dotted_word(s: &str, start: usize) -> bool {
    s[..start]
        .rsplit([' ', '\n'])
        .next()
        .is_some_and(|word| word.contains(['/', '.']))
}

/// One of `words` ends within `chars` characters before `at`.
fn preceded_by(s: &str, at: usize, chars: usize, words: &[&str]) -> bool {
    let from = s[..at]
        .char_indices()
        .rev()
        .nth(chars.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(0);
    let before = &s[from..at];
    words.iter().any(|w| before.contains(w))
}

#[cfg(test)]
mod testing {
    //! Helpers for the family tests.

    use super::*;

    /// The entities of `kind` in `text`: the original characters and the value.
    pub(super) fn found(text: &str, kind: EntityKind) -> Vec<(String, Option<String>)> {
        let norm = NormalizedText::new(text);
        let kinds: KindSet = [kind].into_iter().collect();
        let entities: Vec<Entity> = extract(&norm, kinds)
            .into_iter()
            .filter(|e| e.kind == kind)
            .collect();
        // What the engine's prefilter rules out must hold no entity.
        assert!(
            entities.is_empty() || may_hold(&norm, kinds),
            "may_hold says no {kind:?} can be in {text:?}"
        );
        entities
            .into_iter()
            .map(|e| {
                let (s, t) = norm.original_span(e.start, e.end);
                (text.chars().skip(s).take(t - s).collect(), e.value)
            })
            .collect()
    }

    /// The original characters of the entities of `kind` in `text`.
    pub(super) fn texts(text: &str, kind: EntityKind) -> Vec<String> {
        found(text, kind).into_iter().map(|(t, _)| t).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_addresses_names_and_links_are_the_masked_kinds() {
        for k in EntityKind::ALL {
            let named = matches!(
                k,
                EntityKind::Address | EntityKind::PersonName | EntityKind::NameToken
            ) || KindSet::LINKS.contains(k);
            assert_eq!(k.mask().is_some(), k.is_identifier() || named, "{k:?}");
        }
    }
}
