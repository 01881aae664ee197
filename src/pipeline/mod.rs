//! One platform event in → one [`Plan`] out: what to record and what to
//! send. This is the only place that knows the whole order: normalize →
//! scan → policy → incident (redacted) → outbox messages.
//!
//! Building a plan is pure CPU work and touches no IO; the store applies it
//! in one transaction (with the redelivery check and the cooldown), and the
//! outbox sends it after the commit.

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::config::Config;
use crate::incident::{CategoryFindings, Scanned};
use crate::line::event::{Event, EventKind, Message, Source};
use crate::normalize::NormalizedText;
use crate::policy::{self, Action};
use crate::scan::Scanner;

pub mod notice;
pub mod plan;

use crate::line::render::{ACK_PREFIX, FALSE_POSITIVE_PREFIX};
use crate::secret::HashKey;
use notice::{Alert, Notice, Verdict, Warning};
use plan::{Cooldown, IncidentGroup, NewIncident, Op, Outcome, Plan, Route, Send};

/// Where an event happened, as the pipeline sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chat {
    /// A group.
    Group(String),
    /// A multi-person room.
    Room(String),
    /// A 1:1 chat with a user.
    User(String),
    /// No usable source.
    Unknown,
}

impl Chat {
    fn from_source(source: Option<&Source>) -> (Chat, Option<String>) {
        match source {
            Some(Source::Group { group_id, user_id }) => {
                (Chat::Group(group_id.clone()), user_id.clone())
            }
            Some(Source::Room { room_id, user_id }) => {
                (Chat::Room(room_id.clone()), user_id.clone())
            }
            Some(Source::User {
                user_id: Some(user_id),
            }) => (Chat::User(user_id.clone()), Some(user_id.clone())),
            _ => (Chat::Unknown, None),
        }
    }

    /// The id to push to.
    pub fn id(&self) -> Option<&str> {
        match self {
            Chat::Group(id) | Chat::Room(id) | Chat::User(id) => Some(id),
            Chat::Unknown => None,
        }
    }

    fn shared(&self) -> Option<(&str, &'static str)> {
        match self {
            Chat::Group(id) => Some((id, "group")),
            Chat::Room(id) => Some((id, "room")),
            _ => None,
        }
    }
}

/// Builds plans; shared by every request.
pub struct Pipeline {
    scanner: ArcSwap<Scanner>,
    config: Arc<Config>,
    hash_key: HashKey,
    tz: jiff::tz::TimeZone,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline").finish_non_exhaustive()
    }
}

/// The event type name used in metrics and logs.
pub fn event_type(event: &Event) -> &'static str {
    match &event.kind {
        EventKind::Message { .. } => "message",
        EventKind::MessageEdited { .. } => "messageEdited",
        EventKind::Unsend { .. } => "unsend",
        EventKind::Join => "join",
        EventKind::Leave => "leave",
        EventKind::Follow => "follow",
        EventKind::Unfollow => "unfollow",
        EventKind::Postback { .. } => "postback",
        EventKind::Unknown => "unknown",
    }
}

impl Pipeline {
    /// A pipeline over `scanner` with the settings and hash key.
    pub fn new(scanner: Arc<Scanner>, config: Arc<Config>, hash_key: HashKey) -> Pipeline {
        let tz = config.report.timezone.clone();
        Pipeline {
            scanner: ArcSwap::new(scanner),
            config,
            hash_key,
            tz,
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

    /// The plan for one event; `now` in ms is used when the event has no timestamp.
    pub fn plan(&self, event: &Event, now: i64) -> Plan {
        let at = event.timestamp.unwrap_or(now);
        let (chat, user) = Chat::from_source(event.source.as_ref());
        let mut plan = Plan {
            event_id: event.webhook_event_id.clone(),
            ops: Vec::new(),
        };
        let standby = event.is_standby();
        let reply = |notice: Notice, fallback: Option<&str>| -> Option<Send> {
            if standby {
                return None;
            }
            let route = match (&event.reply_token, fallback) {
                (Some(token), fallback) => Route::Reply {
                    handle: token.clone(),
                    fallback_to: fallback.map(String::from),
                },
                (None, Some(to)) => Route::Push { to: to.to_string() },
                (None, None) => return None,
            };
            Some(Send { route, notice })
        };
        match &event.kind {
            EventKind::Message { message } | EventKind::MessageEdited { message } => {
                let (message_id, text, quote) = match message {
                    Message::Text {
                        id,
                        text,
                        quote_token,
                        ..
                    } => (id, text.as_str(), quote_token.clone()),
                    Message::File { id, file_name, .. } => (id, file_name.as_str(), None),
                    Message::Unknown => return plan,
                };
                if let Some((chat_id, kind)) = chat.shared() {
                    plan.ops.push(Op::ChatSeen {
                        chat_id: chat_id.to_string(),
                        kind,
                        joined: false,
                        at,
                    });
                    if let Some(op) = self.group_message(
                        event,
                        chat_id,
                        user.as_deref(),
                        message_id,
                        text,
                        quote,
                        at,
                        now,
                        standby,
                    ) {
                        plan.ops.push(op);
                    }
                } else if let Chat::User(user_id) = &chat {
                    let notice = if is_summary_command(text) {
                        if self.config.report.officers.iter().any(|o| o == user_id) {
                            Notice::SummaryRequested
                        } else {
                            Notice::SummaryRefused
                        }
                    } else {
                        Notice::Verdict(self.verdict(text))
                    };
                    if let Some(s) = reply(notice, Some(user_id)) {
                        plan.ops.push(Op::Send(s));
                    }
                }
            }
            EventKind::Unsend { unsend } => plan.ops.push(Op::Retract {
                message_id: unsend.message_id.clone(),
                at,
            }),
            EventKind::Join => {
                if let Some((chat_id, kind)) = chat.shared() {
                    plan.ops.push(Op::ChatSeen {
                        chat_id: chat_id.to_string(),
                        kind,
                        joined: true,
                        at,
                    });
                    if let Some(s) = reply(Notice::Introduction, Some(chat_id)) {
                        plan.ops.push(Op::Send(s));
                    }
                }
            }
            EventKind::Leave => {
                if let Some((chat_id, _)) = chat.shared() {
                    plan.ops.push(Op::ChatLeft {
                        chat_id: chat_id.to_string(),
                        at,
                    });
                }
            }
            EventKind::Follow => {
                if let Some(s) = reply(Notice::Greeting, chat.id()) {
                    plan.ops.push(Op::Send(s));
                }
            }
            EventKind::Postback { postback } => {
                let parsed = if let Some(id) = postback.data.strip_prefix(ACK_PREFIX) {
                    id.parse().ok().map(|id| (id, Outcome::Acknowledged))
                } else if let Some(id) = postback.data.strip_prefix(FALSE_POSITIVE_PREFIX) {
                    id.parse().ok().map(|id| (id, Outcome::FalsePositive))
                } else {
                    None
                };
                if let Some((incident_id, outcome)) = parsed {
                    let thanks = reply(
                        Notice::FeedbackThanks {
                            false_positive: outcome == Outcome::FalsePositive,
                        },
                        None,
                    );
                    plan.ops.push(Op::Feedback {
                        incident_id,
                        user_id: user.clone(),
                        outcome,
                        at,
                        thanks,
                    });
                }
            }
            EventKind::Unfollow | EventKind::Unknown => {}
        }
        plan
    }

    fn scan(&self, text: &str) -> (NormalizedText, Scanned) {
        let started = std::time::Instant::now();
        let scanner = self.scanner.load();
        let norm = NormalizedText::new(text);
        let result = scanner.scan_normalized(text, &norm);
        let cats = Scanned::new(text, &norm, &result.findings);
        crate::metrics::scan_time(started.elapsed().as_secs_f64());
        for f in &result.findings {
            crate::metrics::finding(&f.category, f.severity.as_str());
        }
        (norm, cats)
    }

    fn category_name(&self, category: &str) -> String {
        self.scanner
            .load()
            .category_name(category)
            .unwrap_or(category)
            .to_string()
    }

    fn verdict(&self, text: &str) -> Verdict {
        let (_, scanned) = self.scan(text);
        let cats = &scanned.categories;
        let severity = cats.iter().map(|c| c.severity).max();
        let warn: Vec<&CategoryFindings> = cats
            .iter()
            .filter(|c| c.severity >= self.config.policy.warn_at)
            .collect();
        let shown: Vec<&CategoryFindings> = if warn.is_empty() {
            cats.iter().collect()
        } else {
            warn
        };
        Verdict {
            severity: severity.map(|s| s.zh().to_string()),
            categories: shown
                .iter()
                .map(|c| self.category_name(&c.category))
                .collect(),
            titles: shown.iter().flat_map(|c| c.titles.clone()).collect(),
            evidence: scanned.excerpt_of(shown.iter().copied()),
            laws: limit(dedup(shown.iter().flat_map(|c| c.laws.clone())), MAX_LAWS),
            advice: limit(
                dedup(shown.iter().flat_map(|c| c.advice.clone())),
                MAX_ADVICE,
            ),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn group_message(
        &self,
        event: &Event,
        chat_id: &str,
        user: Option<&str>,
        message_id: &str,
        text: &str,
        quote: Option<String>,
        at: i64,
        now: i64,
        standby: bool,
    ) -> Option<Op> {
        let (norm, scanned) = self.scan(text);
        let cats = &scanned.categories;
        if cats.is_empty() {
            return None;
        }
        let group = self.config.group(chat_id);
        let allow = group.map(|g| g.allow.as_slice()).unwrap_or(&[]);
        let actions: Vec<Action> = cats
            .iter()
            .map(|c| policy::decide(&self.config.policy, allow, &c.category, c.severity))
            .collect();
        let text_hash = self.hash_key.hash(norm.as_str().as_bytes());
        let incidents = cats
            .iter()
            .zip(&actions)
            .map(|(c, a)| NewIncident {
                event_id: event.webhook_event_id.clone(),
                chat_id: chat_id.to_string(),
                user_id: user.map(String::from),
                message_id: Some(message_id.to_string()),
                category: c.category.clone(),
                rules: c.rules.join(","),
                severity: c.severity.as_str(),
                score: i64::from(c.score),
                excerpt: c.excerpt.clone(),
                text_hash: text_hash.clone(),
                action: if standby { "standby" } else { a.as_str() },
                created_at: at,
            })
            .collect();
        let warned: Vec<&CategoryFindings> = cats
            .iter()
            .zip(&actions)
            .filter(|(_, a)| **a >= Action::Warn)
            .map(|(c, _)| c)
            .collect();
        let reminded: Vec<&CategoryFindings> = cats
            .iter()
            .zip(&actions)
            .filter(|(_, a)| **a == Action::Remind)
            .map(|(c, _)| c)
            .collect();
        let alert = actions.contains(&Action::Alert);
        let mut sends = Vec::new();
        let route = || match &event.reply_token {
            Some(token) => Route::Reply {
                handle: token.clone(),
                fallback_to: Some(chat_id.to_string()),
            },
            None => Route::Push {
                to: chat_id.to_string(),
            },
        };
        let gated: Vec<&CategoryFindings> = if !warned.is_empty() {
            sends.push(Send {
                route: route(),
                notice: Notice::Warning(Warning {
                    incident_id: 0,
                    categories: warned
                        .iter()
                        .map(|c| self.category_name(&c.category))
                        .collect(),
                    titles: warned.iter().flat_map(|c| c.titles.clone()).collect(),
                    evidence: scanned.excerpt_of(warned.iter().copied()),
                    laws: limit(dedup(warned.iter().flat_map(|c| c.laws.clone())), MAX_LAWS),
                    advice: limit(
                        dedup(warned.iter().flat_map(|c| c.advice.clone())),
                        MAX_ADVICE,
                    ),
                    mention: user.map(String::from),
                    quote_token: quote.clone(),
                }),
            });
            if alert {
                let alerted: Vec<&CategoryFindings> = cats
                    .iter()
                    .zip(&actions)
                    .filter(|(_, a)| **a == Action::Alert)
                    .map(|(c, _)| c)
                    .collect();
                let severity = alerted.iter().map(|c| c.severity).max().map(|s| s.zh());
                for officer in &self.config.report.officers {
                    sends.push(Send {
                        route: Route::Push {
                            to: officer.clone(),
                        },
                        notice: Notice::Alert(Alert {
                            incident_id: 0,
                            chat_id: chat_id.to_string(),
                            chat_name: group.and_then(|g| g.name.clone()),
                            user_id: user.map(String::from),
                            categories: alerted
                                .iter()
                                .map(|c| self.category_name(&c.category))
                                .collect(),
                            severity: severity.unwrap_or("高").to_string(),
                            evidence: scanned.excerpt_of(alerted.iter().copied()),
                            at: self.local_time(at),
                        }),
                    });
                }
            }
            warned
        } else if !reminded.is_empty() {
            sends.push(Send {
                route: route(),
                notice: Notice::Reminder {
                    category_name: reminded
                        .iter()
                        .map(|c| self.category_name(&c.category))
                        .collect::<Vec<_>>()
                        .join("、"),
                    quote_token: quote,
                },
            });
            reminded
        } else {
            Vec::new()
        };
        if standby {
            sends.clear();
        }
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

fn limit(mut v: Vec<String>, n: usize) -> Vec<String> {
    v.truncate(n);
    v
}

fn dedup(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::is_summary_command;

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
}
