//! The watchlist in the pipeline (issue 19 A): the chat commands that
//! change it, and the findings a registered term makes in a group
//! message. The list itself is matched by the detection core
//! ([`crate::scan::watch`]); here it meets the categories, the groups and
//! the bot's words.
//!
//! A 1:1 draft check does not consult the watchlist: it would let any
//! member ask, unseen, whether a business is on tomorrow's list.

use std::sync::Arc;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::command::{parse, Command};
use super::plan::Op;
use super::{answer, Pipeline};
use crate::notice::Notice;
use crate::platform::ChatEvent;
use crate::scan::watch::{TermError, WatchEntry, Watchlist};
use crate::scan::{Contribution, Evidence, EvidenceKind, Finding, Scanner, Severity};
use crate::store::{NewWatch, WatchRef};
use crate::watch_reply::{WatchLine, WatchReply, LIST_MAX};

/// The year (if written), month and day of a date as civil servants write
/// it: `12/10`, `12月10日`, `2026-12-10`, `2026/12/10`, `115.12.10` (a
/// 民國 year).
fn date_parts(text: &str) -> Option<(Option<i32>, i8, i8)> {
    let t = text.trim().trim_end_matches(['日', '號']);
    let t = t.trim_start_matches("民國");
    let parts: Vec<i32> = t
        .split(['/', '-', '.', '年', '月'])
        .map(|p| p.trim().parse().ok())
        .collect::<Option<_>>()?;
    let (year, month, day) = match parts[..] {
        [m, d] => (None, m, d),
        [y, m, d] if y < 1911 => (Some(y + 1911), m, d),
        [y, m, d] => (Some(y), m, d),
        _ => return None,
    };
    Some((year, i8::try_from(month).ok()?, i8::try_from(day).ok()?))
}

/// A day as civil servants write it ([`date_parts`]); without a year it
/// is the next such day from `today`.
pub fn parse_day(text: &str, today: Date) -> Option<Date> {
    let (year, month, day) = date_parts(text)?;
    let on = |y: i16| Date::new(y, month, day).ok();
    match year {
        Some(y) => on(i16::try_from(y).ok()?),
        None => on(today.year())
            .filter(|d| *d >= today)
            .or_else(|| on(today.year() + 1)),
    }
}

/// A day mentioned in a message, in the year nearest to `today`: 12/30
/// read on January 2nd is last year's.
pub fn nearest_day(text: &str, today: Date) -> Option<Date> {
    let (year, month, day) = date_parts(text)?;
    let on = |y: i16| Date::new(y, month, day).ok();
    match year {
        Some(y) => on(i16::try_from(y).ok()?),
        None => {
            let this = on(today.year())?;
            let half_year = jiff::Span::new().days(183);
            if this > today.checked_add(half_year).ok()? {
                on(today.year() - 1)
            } else if this < today.checked_sub(half_year).ok()? {
                on(today.year() + 1)
            } else {
                Some(this)
            }
        }
    }
}

/// The zh-TW reason a term cannot be registered.
fn term_reason(e: &TermError) -> String {
    match e {
        TermError::Empty => "請輸入要登錄的名稱。".into(),
        TermError::TooShort(_) => "名稱至少需要 2 個字，以免誤判一般對話。".into(),
        TermError::TooLong(_) => "名稱最多 40 個字，請登錄其中可辨識的部分。".into(),
    }
}

/// The first millisecond after `day` in `tz`: an entry's end.
pub fn end_of(day: Date, tz: &TimeZone) -> Option<i64> {
    let next = day.tomorrow().ok()?;
    Some(next.to_zoned(tz.clone()).ok()?.timestamp().as_millisecond())
}

/// The last day an entry ending at `until` (ms) is in force, in `tz`.
pub fn last_day(until: i64, tz: &TimeZone) -> Option<Date> {
    let ts = jiff::Timestamp::from_millisecond(until - 1).ok()?;
    Some(ts.to_zoned(tz.clone()).date())
}

/// `12/10`.
fn month_day(day: Date) -> String {
    format!("{}/{}", day.month(), day.day())
}

/// The categories of the entries found whose every entry is at home in
/// `chat_id` (one found elsewhere keeps its category warned), each once.
fn at_home<'a>(found: impl IntoIterator<Item = &'a WatchEntry>, chat_id: &str) -> Vec<String> {
    let mut home: Vec<String> = Vec::new();
    let mut away: Vec<&str> = Vec::new();
    for e in found {
        if e.allowed.iter().any(|c| c == chat_id) {
            crate::incident::push_unique(&mut home, &e.category);
        } else {
            away.push(&e.category);
        }
    }
    home.retain(|c| !away.contains(&c.as_str()));
    home
}

/// Terms to register together, from the command line, the admin API or
/// a chat command.
#[derive(Debug, Clone, Copy)]
pub struct WatchBatch<'a> {
    /// The terms, as typed.
    pub terms: &'a [String],
    /// Category id or name.
    pub category: &'a str,
    /// Last day in force, as typed; `[watch] default_days` when absent.
    pub last_day: Option<&'a str>,
    /// Groups (id or configured name) where the terms are at home.
    pub groups: &'a [String],
    /// Who registers them: a user id, `cli` or `api`.
    pub added_by: &'a str,
}

/// What [`Pipeline::prepare_watch`] makes of a batch.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The entries to register.
    pub entries: Vec<NewWatch>,
    /// The terms that cannot be registered: their index and why.
    pub invalid: Vec<(usize, String)>,
    /// The category id.
    pub category: String,
    /// The last day in force.
    pub last_day: Date,
    /// The allowed groups' names.
    pub group_names: Vec<String>,
}

/// A registered term found in a group message: its finding, where it is,
/// and whether it is at home in this chat.
pub(super) struct Watched {
    pub findings: Vec<Finding>,
    pub spans: Vec<(usize, usize)>,
    /// Categories whose every finding is an entry at home in this chat.
    pub at_home: Vec<String>,
}

impl Pipeline {
    /// The watchlist in force.
    pub fn watchlist(&self) -> Arc<Watchlist> {
        self.watch.load_full()
    }

    /// Swaps in the watchlist's entries as the store has them now.
    pub fn replace_watchlist(&self, entries: Vec<WatchEntry>) {
        let key = self.watch.load().key().clone();
        self.watch.store(Arc::new(Watchlist::new(key, entries)));
    }

    /// The findings of the watchlist entries in force in `norm`, a
    /// message of `chat_id`.
    pub(super) fn watched(
        &self,
        norm: &crate::normalize::NormalizedText,
        chat_id: &str,
        now: i64,
    ) -> Watched {
        let list = self.watch.load();
        let scanner = self.scanner.load();
        let hits = list.find(norm, now);
        Watched {
            findings: hits
                .iter()
                .map(|h| self.watch_finding(&scanner, h.entry, (h.start, h.end)))
                .collect(),
            spans: hits.iter().map(|h| (h.start, h.end)).collect(),
            at_home: at_home(hits.iter().map(|h| h.entry), chat_id),
        }
    }

    /// The finding of entry `e` found at `span` (original characters),
    /// explained by its hint, never its term.
    pub(super) fn watch_finding(
        &self,
        scanner: &Scanner,
        e: &WatchEntry,
        (start, end): (usize, usize),
    ) -> Finding {
        let (noun, laws) = match scanner.category_watch(&e.category) {
            Some(w) => (w.noun.as_str(), w.laws.iter().take(3).cloned().collect()),
            None => ("保密事項", Vec::new()),
        };
        let day = last_day(e.until, &self.tz)
            .map(month_day)
            .unwrap_or_default();
        Finding {
            rule: "watchlist".into(),
            category: e.category.clone(),
            severity: Severity::High,
            score: 100,
            title: format!("符合政風人員登錄之{noun}（{}），登錄至 {day}", e.hint),
            evidence: vec![Evidence {
                kind: EvidenceKind::Entity,
                label: "watchlist".into(),
                start,
                end,
                text: e.hint.clone(),
            }],
            laws,
            advice: vec!["此為政風人員登錄之保密事項，請勿在其他群組提及或轉傳。".into()],
            explanation: vec![Contribution {
                label: "watchlist".into(),
                points: 100,
                text: e.hint.clone(),
            }],
        }
    }

    /// The watchlist entries in force found in an attachment read in a
    /// group, each at its place, and the categories at home in `chat_id`.
    pub(super) fn watched_in(
        &self,
        extracted: &crate::extract::Extracted,
        chat_id: &str,
        now: i64,
    ) -> (Vec<super::attachment::Located>, Vec<String>) {
        let list = self.watch.load();
        let scanner = self.scanner.load();
        let (mut located, mut entries) = (Vec::new(), Vec::new());
        if list.is_empty() {
            return (located, Vec::new());
        }
        for section in &extracted.sections {
            let starts = section.line_starts();
            for (offset, text) in section.chunks(super::attachment::PIECE_CHARS) {
                let norm = crate::normalize::NormalizedText::new(text);
                for hit in list.find(&norm, now) {
                    let e = hit.entry;
                    entries.push(e);
                    let line = section.line_at(&starts, offset + hit.start);
                    located.push(super::attachment::Located {
                        finding: self.watch_finding(&scanner, e, (hit.start, hit.end)),
                        location: section.place.describe(line),
                    });
                }
            }
        }
        (located, at_home(entries, chat_id))
    }

    /// The ops of a watchlist command from `user` in a 1:1 chat, or
    /// `None` when `text` is not one.
    pub(super) fn watch_command(
        &self,
        event: &ChatEvent,
        user: &str,
        text: &str,
        at: i64,
    ) -> Option<Vec<Op>> {
        let command = parse(text)?;
        let mut ops = Vec::new();
        let reply = if !self.may_watch(user) {
            WatchReply::Refused
        } else {
            match command {
                Err(reason) => WatchReply::Usage { reason },
                Ok(c) => self.run_command(c, user, at, &mut ops),
            }
        };
        ops.extend(answer(event, Notice::Watch(reply), Some(user)).map(Op::Send));
        Some(ops)
    }

    fn run_command(&self, c: Command, user: &str, at: i64, ops: &mut Vec<Op>) -> WatchReply {
        let list = self.watch.load();
        let live = |e: &&WatchEntry| e.until > at;
        match c {
            Command::List => {
                let mut entries: Vec<&WatchEntry> = list.entries().iter().filter(live).collect();
                let total = entries.len();
                entries.sort_by_key(|e| std::cmp::Reverse(e.id));
                WatchReply::List {
                    entries: entries
                        .iter()
                        .take(LIST_MAX)
                        .map(|e| WatchLine {
                            id: e.id,
                            hint: e.hint.clone(),
                            noun: self.noun(&e.category),
                            last_day: last_day(e.until, &self.tz)
                                .map(month_day)
                                .unwrap_or_default(),
                            allowed: e.allowed.len(),
                        })
                        .collect(),
                    total,
                }
            }
            Command::RemoveId(id) => self.remove(WatchRef::Id(id), |e| e.id == id, ops),
            Command::RemoveTerm(term) => match list.key().print(&term) {
                Ok(p) => self.remove(WatchRef::Mac(p.mac.clone()), |e| e.mac == p.mac, ops),
                Err(_) => WatchReply::NotFound,
            },
            Command::Add {
                term,
                last_day,
                category,
                groups,
            } => match self.new_watch(&term, last_day, category, groups, user, at) {
                Ok((w, reply)) => {
                    ops.push(Op::Watch(w));
                    reply
                }
                Err(reason) => WatchReply::Usage { reason },
            },
        }
    }

    fn remove(
        &self,
        which: WatchRef,
        named: impl Fn(&WatchEntry) -> bool,
        ops: &mut Vec<Op>,
    ) -> WatchReply {
        let list = self.watch.load();
        let hints: Vec<String> = list
            .entries()
            .iter()
            .filter(|e| named(e))
            .map(|e| e.hint.clone())
            .collect();
        if hints.is_empty() {
            return WatchReply::NotFound;
        }
        ops.push(Op::Unwatch(which));
        WatchReply::Removed { hints }
    }

    /// The entry `/watch` registers, and the reply; or why it cannot.
    fn new_watch(
        &self,
        term: &str,
        last: Option<String>,
        category: Option<String>,
        groups: Vec<String>,
        user: &str,
        at: i64,
    ) -> Result<(NewWatch, WatchReply), String> {
        let batch = WatchBatch {
            terms: &[term.to_string()],
            category: category.as_deref().unwrap_or(DEFAULT_CATEGORY),
            last_day: last.as_deref(),
            groups: &groups,
            added_by: user,
        };
        let mut prepared = self.prepare_watch(&batch, at)?;
        if let Some((_, reason)) = prepared.invalid.pop() {
            return Err(reason);
        }
        let watch = prepared.entries.pop().ok_or("請輸入要登錄的名稱。")?;
        let renewed = self
            .watch
            .load()
            .entries()
            .iter()
            .any(|e| e.category == watch.category && e.mac == watch.print.mac);
        let day = prepared.last_day;
        let reply = WatchReply::Added {
            hint: watch.print.hint.clone(),
            noun: self.noun(&watch.category),
            last_day: format!("{}/{}/{}", day.year(), day.month(), day.day()),
            allowed: prepared.group_names,
            renewed,
        };
        Ok((watch, reply))
    }

    /// The entries `batch` registers at `at` (ms), and the terms that
    /// cannot be (by index, with the reason); or why none can (an unknown
    /// category or group, a day past or too far), in zh-TW.
    pub fn prepare_watch(&self, batch: &WatchBatch<'_>, at: i64) -> Result<Prepared, String> {
        let category = resolve_category(&self.scanner.load(), batch.category)?;
        let today = jiff::Timestamp::from_millisecond(at)
            .map_err(|_| "時間有誤。".to_string())?
            .to_zoned(self.tz.clone())
            .date();
        let settings = &self.config.watch;
        let days = |n: u32| {
            today
                .checked_add(jiff::Span::new().days(i64::from(n)))
                .map_err(|_| "日期有誤。".to_string())
        };
        let day = match batch.last_day {
            Some(text) => parse_day(text, today)
                .ok_or_else(|| format!("看不懂日期「{text}」，請寫成 12/10 或 2026-12-10。"))?,
            None => days(settings.default_days.saturating_sub(1))?,
        };
        if day < today {
            return Err(format!("日期 {} 已經過了。", month_day(day)));
        }
        if day > days(settings.max_days)? {
            return Err(format!("最長只能登錄 {} 天。", settings.max_days));
        }
        let until = end_of(day, &self.tz).ok_or_else(|| "日期有誤。".to_string())?;
        let mut allowed = Vec::new();
        let mut group_names = Vec::new();
        for g in batch.groups {
            let found = self
                .config
                .groups
                .iter()
                .find(|c| &c.id == g || c.name.as_deref() == Some(g.as_str()))
                .ok_or_else(|| format!("找不到群組「{g}」，請使用設定檔中的群組名稱或代碼。"))?;
            allowed.push(found.id.clone());
            group_names.push(found.name.clone().unwrap_or_else(|| found.id.clone()));
        }
        let key = self.watch.load().key().clone();
        let mut entries = Vec::new();
        let mut invalid = Vec::new();
        for (i, term) in batch.terms.iter().enumerate() {
            match key.print(term) {
                Ok(print) => entries.push(NewWatch {
                    category: category.clone(),
                    print,
                    allowed: allowed.clone(),
                    until,
                    added_by: batch.added_by.to_string(),
                    at,
                }),
                Err(e) => invalid.push((i, term_reason(&e))),
            }
        }
        Ok(Prepared {
            entries,
            invalid,
            category,
            last_day: day,
            group_names,
        })
    }

    /// What an entry of `category` is called.
    fn noun(&self, category: &str) -> String {
        self.scanner
            .load()
            .category_watch(category)
            .map(|w| w.noun.clone())
            .unwrap_or_else(|| "保密事項".to_string())
    }
}

/// The category `word` names in `scanner`'s packs: its id, or the start
/// of its name or of what its entries are called (採購, 稽查對象); else
/// why not, in zh-TW.
pub fn resolve_category(scanner: &Scanner, word: &str) -> Result<String, String> {
    let word = word.trim();
    let mut found: Vec<&String> = Vec::new();
    for c in scanner.categories() {
        let name = scanner.category_name(c).unwrap_or_default();
        let noun = scanner
            .category_watch(c)
            .map(|w| w.noun.as_str())
            .unwrap_or_default();
        if c.eq_ignore_ascii_case(word) {
            return Ok(c.clone());
        }
        if !word.is_empty() && (name.starts_with(word) || noun.starts_with(word)) {
            found.push(c);
        }
    }
    match found[..] {
        [one] => Ok(one.clone()),
        _ => Err(format!(
            "看不出「{word}」是哪一類，請改用：{}。",
            scanner
                .categories()
                .iter()
                .filter_map(|c| scanner.category_name(c))
                .collect::<Vec<_>>()
                .join("、")
        )),
    }
}

/// The category of an entry registered in a chat without one: the
/// seed's list case (tomorrow's inspection targets).
pub const DEFAULT_CATEGORY: &str = "inspection";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_as_civil_servants_write_them() {
        let today = Date::new(2026, 12, 5).unwrap();
        let d = |y, m, day| Date::new(y, m, day).unwrap();
        assert_eq!(parse_day("12/10", today), Some(d(2026, 12, 10)));
        assert_eq!(
            parse_day("1/3", today),
            Some(d(2027, 1, 3)),
            "next such day"
        );
        assert_eq!(parse_day("12月10日", today), Some(d(2026, 12, 10)));
        assert_eq!(parse_day("2026-12-10", today), Some(d(2026, 12, 10)));
        assert_eq!(parse_day("115/12/10", today), Some(d(2026, 12, 10)));
        assert_eq!(parse_day("民國115年12月10日", today), Some(d(2026, 12, 10)));
        assert_eq!(parse_day("13/45", today), None);
        assert_eq!(parse_day("明天", today), None);
        assert_eq!(
            nearest_day("12/3", today),
            Some(d(2026, 12, 3)),
            "this year's, past"
        );
    }
}
