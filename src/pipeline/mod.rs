//! One platform-neutral event in → one [`Plan`] out: what to record and
//! what to send. This is the only place that knows the whole order:
//! normalize → scan → policy → incident (redacted) → notices.
//!
//! Building a plan is pure CPU work and touches no IO; the store applies it
//! in one transaction (with the redelivery check and the cooldown), and the
//! outbox sends it after the commit. The pipeline sees [`ChatEvent`]s only:
//! which platform an event came from matters only as the name its answers
//! go back through.

pub mod attachment;
mod chain;
mod command;
mod content;
mod decay;
mod enroll;
mod group;
pub mod plan;
mod watch;

pub use watch::{last_day, parse_day, resolve_category, Prepared, WatchBatch, DEFAULT_CATEGORY};

pub use chain::ChainBook;
pub use content::{AttachmentRead, ContentError, ContentJob};
pub use enroll::code_mac;

use std::sync::{Arc, RwLock};

use arc_swap::ArcSwap;

use crate::config::Config;
use crate::incident::{push_unique, CategoryFindings, Scanned};
use crate::normalize::NormalizedText;
use crate::notice::{Alert, Notice, Verdict, Warning};
use crate::platform::{Body, Chat, ChatEvent, Content, EventKind};
use crate::policy::{self, Action};
use crate::scan::fingerprint::PrintKey;
use crate::scan::watch::{WatchKey, Watchlist};
use crate::scan::{Finding, Scanner};
use crate::secret::{Keys, RecordKey, TextKey};
use plan::{Cooldown, IncidentGroup, NewIncident, Op, Outcome, Plan, Route, Send};

/// Builds plans; shared by every request.
pub struct Pipeline {
    scanner: ArcSwap<Scanner>,
    watch: ArcSwap<Watchlist>,
    chain_key: PrintKey,
    chains: RwLock<ChainBook>,
    roster: ArcSwap<crate::enrollment::Roster>,
    enroll_key: TextKey,
    config: Arc<Config>,
    text_key: TextKey,
    records: RecordKey,
    tz: jiff::tz::TimeZone,
    officers_platform: &'static str,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline").finish_non_exhaustive()
    }
}

/// A message's findings by category, ready to act on.
struct Judged {
    scanned: Scanned,
    /// Keyed hash of the normalized text (or of an attachment's bytes).
    text_hash: String,
    /// What kind of attachment the findings are in, if they are.
    attachment: Option<String>,
    /// Categories found only as watchlist entries at home in this chat.
    at_home: Vec<String>,
    /// The chain this message continues, as the officers are told.
    chain: Option<crate::notice::ChainNote>,
}

/// What a warning, an alert or a verdict says about some categories.
struct Described {
    categories: Vec<String>,
    titles: Vec<String>,
    evidence: String,
    laws: Vec<String>,
    advice: Vec<String>,
}

impl Pipeline {
    /// A pipeline over `scanner` with the settings and keys (text hashes,
    /// sealed content jobs); officer alerts go out through
    /// `officers_platform`.
    pub fn new(
        scanner: Arc<Scanner>,
        config: Arc<Config>,
        keys: &Keys,
        officers_platform: &'static str,
    ) -> Pipeline {
        let tz = config.report.timezone.clone();
        let watch_key = WatchKey::new(keys.watch.probe, keys.watch.mac);
        Pipeline {
            scanner: ArcSwap::new(scanner),
            watch: ArcSwap::from_pointee(Watchlist::empty(watch_key)),
            chain_key: PrintKey::new(keys.chain.0),
            chains: RwLock::new(ChainBook::default()),
            roster: ArcSwap::default(),
            enroll_key: keys.enroll.clone(),
            config,
            text_key: keys.text.clone(),
            records: keys.records.clone(),
            tz,
            officers_platform,
        }
    }

    /// The scanner in force.
    pub fn scanner(&self) -> Arc<Scanner> {
        self.scanner.load_full()
    }

    /// Swaps in new packs; scans in flight finish on the old ones.
    pub fn replace_scanner(&self, scanner: Arc<Scanner>) {
        self.scanner.store(scanner);
    }

    /// The plan for one event received at `now` (ms).
    pub fn plan(&self, event: &ChatEvent, now: i64) -> Plan {
        let at = event_time(event.at, now);
        let mut ops = Vec::new();
        match &event.kind {
            EventKind::Message(content) | EventKind::Edited(content) => {
                self.message(event, content, at, now, &mut ops)
            }
            EventKind::Unsent { message_id } => ops.push(Op::Retract {
                message_id: message_id.clone(),
                at,
            }),
            EventKind::Joined => {
                if let Some((chat_id, kind)) = event.chat.shared() {
                    ops.push(Op::ChatSeen {
                        chat_id: chat_id.to_string(),
                        kind,
                        joined: true,
                        at,
                    });
                    ops.extend(answer(event, Notice::Introduction, Some(chat_id)).map(Op::Send));
                }
            }
            EventKind::Left => {
                if let Some((chat_id, _)) = event.chat.shared() {
                    ops.push(Op::ChatLeft {
                        chat_id: chat_id.to_string(),
                        at,
                    });
                }
            }
            EventKind::Followed => {
                ops.extend(answer(event, Notice::Greeting, event.chat.id()).map(Op::Send));
            }
            EventKind::Feedback {
                incident_id,
                false_positive,
            } => ops.push(Op::Feedback {
                incident_id: *incident_id,
                user_id: event.sender.clone(),
                outcome: if *false_positive {
                    Outcome::FalsePositive
                } else {
                    Outcome::Acknowledged
                },
                at,
                thanks: answer(
                    event,
                    Notice::FeedbackThanks {
                        false_positive: *false_positive,
                    },
                    None,
                ),
            }),
            EventKind::Unfollowed | EventKind::Other(_) => {}
        }
        Plan {
            event_id: event.id.clone(),
            ops,
        }
    }

    /// A message in a group or room is recorded as seen. Its text is
    /// checked now; content that needs more (a file) becomes a job for the
    /// content stage, which plans it with [`Pipeline::plan_content`].
    fn message(&self, event: &ChatEvent, content: &Content, at: i64, now: i64, ops: &mut Vec<Op>) {
        if let Some((chat_id, kind)) = event.chat.shared() {
            ops.push(Op::ChatSeen {
                chat_id: chat_id.to_string(),
                kind,
                joined: false,
                at,
            });
        }
        match &content.body {
            Body::Text(text) => self.check(event, content, text, at, now, ops),
            _ => {
                if event.chat.id().is_some() {
                    ops.push(self.queue_content(event, content, at));
                }
            }
        }
    }

    /// Checks `text`, what `content` says: in a group or room it is acted
    /// on; in a 1:1 chat it is answered with a verdict (or, for
    /// `/summary`, the summary).
    fn check(
        &self,
        event: &ChatEvent,
        content: &Content,
        text: &str,
        at: i64,
        now: i64,
        ops: &mut Vec<Op>,
    ) {
        if let Some((chat_id, _)) = event.chat.shared() {
            ops.extend(self.group_message(event, chat_id, content, text, at, now));
        } else if let Chat::User(user_id) = &event.chat {
            if let Some(enroll) = self.enroll_command(event, user_id, text, at) {
                ops.extend(enroll);
                return;
            }
            if let Some(command) = self.watch_command(event, user_id, text, at) {
                ops.extend(command);
                return;
            }
            let notice = if is_summary_command(text) {
                if self.is_officer(user_id) {
                    Notice::SummaryRequested
                } else {
                    Notice::SummaryRefused
                }
            } else {
                Notice::Verdict(self.verdict(text, now))
            };
            ops.extend(answer(event, notice, Some(user_id)).map(Op::Send));
        }
    }

    /// The packs' findings in `text` at `now` (ms), counted: those of
    /// categories whose secrets expire with their dates are lowered when
    /// every date in it is past.
    fn scan(&self, text: &str, now: i64) -> (NormalizedText, Vec<Finding>) {
        let started = std::time::Instant::now();
        let scanner = self.scanner.load();
        let norm = NormalizedText::new(text);
        let mut result = scanner.scan_normalized(text, &norm);
        decay::lower_past(&scanner, &mut result.findings, || {
            self.today(now)
                .is_some_and(|d| decay::only_past_dates(&norm, d))
        });
        crate::metrics::scan_time(started.elapsed().as_secs_f64());
        for f in &result.findings {
            crate::metrics::finding(&f.category, f.severity.as_str());
        }
        (norm, result.findings)
    }

    fn category_name(&self, category: &str) -> String {
        self.scanner
            .load()
            .category_name(category)
            .unwrap_or(category)
            .to_string()
    }

    /// Categories, titles, evidence, laws and advice of `cats`, as every
    /// notice about findings shows them.
    fn describe(&self, scanned: &Scanned, cats: &[&CategoryFindings]) -> Described {
        let mut laws = Vec::new();
        let mut advice = Vec::new();
        for c in cats {
            c.laws.iter().for_each(|l| push_unique(&mut laws, l));
            c.advice.iter().for_each(|a| push_unique(&mut advice, a));
        }
        laws.truncate(MAX_LAWS);
        advice.truncate(MAX_ADVICE);
        Described {
            categories: cats
                .iter()
                .map(|c| self.category_name(&c.category))
                .collect(),
            titles: cats.iter().flat_map(|c| c.titles.clone()).collect(),
            evidence: match scanned.excerpt_of(cats.iter().copied()) {
                e if e.is_empty() => "（與先前已警示之訊息內容相同）".to_string(),
                e => e,
            },
            laws,
            advice,
        }
    }

    /// The verdict on a draft pasted in a 1:1 chat: the packs, and
    /// whether it repeats a message warned in a group (never the
    /// watchlist, which would answer whether a name is on it).
    fn verdict(&self, text: &str, now: i64) -> Verdict {
        let (norm, mut findings) = self.scan(text, now);
        if let (_, Some(c)) = self.chain_of(&norm, None) {
            findings.insert(0, c.finding);
        }
        self.verdict_of(&Scanned::new(text, &norm, &findings), None, None)
    }

    /// The verdict on `scanned`, the findings of a text or of an
    /// `attachment`; `unread` says why an attachment could not be read.
    fn verdict_of(
        &self,
        scanned: &Scanned,
        attachment: Option<String>,
        unread: Option<String>,
    ) -> Verdict {
        let cats = &scanned.categories;
        let severity = cats.iter().map(|c| c.severity).max();
        let warn = with_action(cats, |c| c.severity >= self.config.policy.warn_at);
        let shown = if warn.is_empty() {
            cats.iter().collect()
        } else {
            warn
        };
        let d = self.describe(scanned, &shown);
        let phishing = self.any_attack(&shown);
        Verdict {
            severity: severity.map(|s| s.zh().to_string()),
            categories: d.categories,
            titles: d.titles,
            evidence: d.evidence,
            laws: d.laws,
            advice: d.advice,
            phishing,
            attachment,
            unread,
        }
    }

    /// Whether any of `cats` is an attack (phishing) rather than a leak.
    fn any_attack(&self, cats: &[&CategoryFindings]) -> bool {
        let scanner = self.scanner.load();
        cats.iter().any(|c| scanner.is_attack(&c.category))
    }

    /// The incidents of `judged`, a group message's findings, and what
    /// they send.
    fn act(
        &self,
        event: &ChatEvent,
        chat_id: &str,
        content: &Content,
        judged: Judged,
        at: i64,
        now: i64,
    ) -> Option<Op> {
        let Judged {
            scanned,
            text_hash,
            attachment,
            at_home,
            chain,
        } = judged;
        let cats = &scanned.categories;
        if cats.is_empty() {
            return None;
        }
        let group = self.config.group(chat_id);
        let allow: Vec<String> = group
            .map(|g| g.allow.as_slice())
            .unwrap_or(&[])
            .iter()
            .chain(&at_home)
            .cloned()
            .collect();
        let action = |c: &CategoryFindings| {
            policy::decide(&self.config.policy, &allow, &c.category, c.severity)
        };
        let user = event.sender.as_deref();
        let incidents = cats
            .iter()
            .map(|c| NewIncident {
                event_id: event.id.clone(),
                chat_id: chat_id.to_string(),
                user_id: event.sender.clone(),
                message_id: Some(content.message_id.clone()),
                category: c.category.clone(),
                rules: c.rules.join(","),
                severity: c.severity.as_str(),
                score: i64::from(c.score),
                excerpt: c.excerpt.clone(),
                text_hash: text_hash.clone(),
                action: if event.standby {
                    "standby"
                } else {
                    action(c).as_str()
                },
                created_at: at,
            })
            .collect();
        let warned = with_action(cats, |c| action(c) >= Action::Warn);
        let reminded = with_action(cats, |c| action(c) == Action::Remind);
        let alerted = with_action(cats, |c| action(c) == Action::Alert);
        let mut sends = Vec::new();
        let gated = if !warned.is_empty() {
            let d = self.describe(&scanned, &warned);
            // Phishing: the sender is more likely an impostor or a victim
            // than a culprit, so the warning names nobody.
            let phishing = self.any_attack(&warned);
            let warning = Notice::Warning(Warning {
                incident_id: 0,
                categories: d.categories,
                titles: d.titles,
                evidence: d.evidence,
                laws: d.laws,
                advice: d.advice,
                mention: user.filter(|_| !phishing).map(String::from),
                quote_token: content.quote.clone(),
                phishing,
                attachment: attachment.clone(),
            });
            sends.extend(answer(event, warning, Some(chat_id)));
            if !alerted.is_empty() && !event.standby {
                let severity = alerted.iter().map(|c| c.severity).max().map(|s| s.zh());
                let d = self.describe(&scanned, &alerted);
                let alert = Alert {
                    incident_id: 0,
                    chat_id: chat_id.to_string(),
                    chat_name: group.and_then(|g| g.name.clone()),
                    user_id: user.map(String::from),
                    categories: d.categories,
                    severity: severity.unwrap_or("高").to_string(),
                    evidence: d.evidence,
                    at: self.local_time(at),
                    phishing: self.any_attack(&alerted),
                    attachment: attachment.clone(),
                    chain: chain.clone(),
                };
                sends.extend(self.officer_ids().into_iter().map(|officer| Send {
                    platform: self.officers_platform,
                    route: Route::Push { to: officer },
                    notice: Notice::Alert(alert.clone()),
                }));
            }
            warned
        } else if !reminded.is_empty() {
            let category_name = reminded
                .iter()
                .map(|c| self.category_name(&c.category))
                .collect::<Vec<_>>()
                .join("、");
            let reminder = Notice::Reminder {
                category_name,
                quote_token: content.quote.clone(),
            };
            sends.extend(answer(event, reminder, Some(chat_id)));
            reminded
        } else {
            Vec::new()
        };
        let window = self.config.policy.cooldown_seconds as i64 * 1000;
        let cooldown = (!sends.is_empty() && window > 0).then(|| Cooldown {
            chat_id: chat_id.to_string(),
            rules: gated.iter().flat_map(|c| c.rules.clone()).collect(),
            now,
            window,
        });
        Some(Op::Incidents(IncidentGroup {
            incidents,
            cooldown,
            sends,
        }))
    }

    /// The local day of `ms`.
    fn today(&self, ms: i64) -> Option<jiff::civil::Date> {
        let ts = jiff::Timestamp::from_millisecond(ms).ok()?;
        Some(ts.to_zoned(self.tz.clone()).date())
    }

    fn local_time(&self, ms: i64) -> String {
        match jiff::Timestamp::from_millisecond(ms) {
            Ok(ts) => ts
                .to_zoned(self.tz.clone())
                .strftime("%Y-%m-%d %H:%M")
                .to_string(),
            Err(_) => "-".to_string(),
        }
    }
}

/// The answer to `event`: a free reply when it has a reply handle (pushed
/// to `fallback` if the platform refuses the handle), else a push to
/// `fallback`; nothing in standby or with nowhere to go.
fn answer(event: &ChatEvent, notice: Notice, fallback: Option<&str>) -> Option<Send> {
    if event.standby {
        return None;
    }
    let route = match (&event.reply, fallback) {
        (Some(handle), fallback) => Route::Reply {
            handle: handle.clone(),
            fallback_to: fallback.map(String::from),
        },
        (None, Some(to)) => Route::Push { to: to.to_string() },
        (None, None) => return None,
    };
    Some(Send {
        platform: event.platform,
        route,
        notice,
    })
}

/// The categories for which `keep` holds, in their order.
fn with_action(
    cats: &[CategoryFindings],
    keep: impl Fn(&CategoryFindings) -> bool,
) -> Vec<&CategoryFindings> {
    cats.iter().filter(|c| keep(c)).collect()
}

/// A warning fits on a phone screen: the first citations and advice only
/// (the packs list the most important first).
const MAX_LAWS: usize = 4;
const MAX_ADVICE: usize = 3;

/// `/summary` as an officer would type it: any case, surrounding blanks,
/// and the full-width slash of a CJK keyboard.
fn is_summary_command(text: &str) -> bool {
    let t = text.trim();
    let rest = t.strip_prefix('/').or_else(|| t.strip_prefix('／'));
    rest.is_some_and(|r| r.eq_ignore_ascii_case("summary"))
}

/// How far an event's time may be from its receive time and be believed.
const BELIEVED_SKEW_MS: i64 = 24 * 3600 * 1000;

/// The time an event is stored and kept by: its own, unless it has none or
/// is more than a day from `now`, the receive time (a signed but forged or
/// broken time must not keep a record past retention, or date it years
/// back); such a time is counted.
fn event_time(at: Option<i64>, now: i64) -> i64 {
    match at {
        Some(at) if at.abs_diff(now) <= BELIEVED_SKEW_MS as u64 => at,
        Some(_) => {
            crate::metrics::event_time_clamped();
            now
        }
        None => now,
    }
}

#[cfg(test)]
mod tests {
    use super::{event_time, is_summary_command};

    #[test]
    fn summary_is_the_whole_message_in_any_case_and_either_slash() {
        for yes in ["/summary", " /Summary\n", "／SUMMARY", "/summary "] {
            assert!(is_summary_command(yes), "{yes:?}");
        }
        for no in [
            "summary",
            "/summary please",
            "請看 /summary",
            "/summaries",
            "//summary",
            "",
        ] {
            assert!(!is_summary_command(no), "{no:?}");
        }
    }

    #[test]
    fn an_event_time_far_from_now_is_stored_as_the_receive_time() {
        const DAY: i64 = 24 * 3600 * 1000;
        let now = 1_800_000_000_000;
        assert_eq!(event_time(Some(now - 5_000), now), now - 5_000);
        assert_eq!(event_time(Some(now - DAY), now), now - DAY);
        assert_eq!(event_time(Some(now + DAY + 1), now), now);
        assert_eq!(event_time(Some(i64::MAX), now), now);
        assert_eq!(event_time(Some(i64::MIN), now), now);
        assert_eq!(event_time(Some(0), now), now);
        assert_eq!(event_time(None, now), now);
    }
}
