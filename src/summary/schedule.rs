//! When a weekly summary is owed, and queuing it exactly once (SPEC §8).
//!
//! At `[report] weekly_at` in `[report] timezone` each officer is owed the
//! last complete week. Owing is decided from the clock value passed in, so
//! tests move a fixed clock instead of waiting. Sending means one row in
//! `summaries` per (week, officer), written in the same transaction as the
//! outbox push that delivers it: restarts, replicas on one PostgreSQL
//! database and `report --send` all meet the same primary key.

use std::fmt;
use std::str::FromStr;

use hmac::{Hmac, Mac};
use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use sha2::Sha256;

use super::{figures, Context, Figures, IsoWeek};
use crate::incident::HashKey;
use crate::line::message::{Outgoing, SummaryCard};
use crate::store::{Route, Send, Store, StoreError};

/// `store_meta` key: the first time the schedule ran against this store.
/// Weeks whose send time came before it are not owed (a new install does
/// not send summaries of weeks it never saw).
const OWED_SINCE: &str = "summaries_owed_since";

/// How long a report link from a summary stays valid.
pub const LINK_VALID_DAYS: i64 = 30;

/// `weekly_at`, e.g. `Mon 09:00`; read from the config as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct WeeklyAt {
    /// Day of the week.
    pub weekday: Weekday,
    /// Local time of day.
    pub time: Time,
}

/// A `weekly_at` value that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("{given:?} is not a day and time such as \"Mon 09:00\"")]
pub struct WeeklyAtError {
    given: String,
}

impl FromStr for WeeklyAt {
    type Err = WeeklyAtError;

    fn from_str(s: &str) -> Result<WeeklyAt, WeeklyAtError> {
        let err = || WeeklyAtError {
            given: s.to_string(),
        };
        let (day, time) = s.trim().split_once(' ').ok_or_else(err)?;
        let weekday = match day.to_ascii_lowercase().as_str() {
            "mon" => Weekday::Monday,
            "tue" => Weekday::Tuesday,
            "wed" => Weekday::Wednesday,
            "thu" => Weekday::Thursday,
            "fri" => Weekday::Friday,
            "sat" => Weekday::Saturday,
            "sun" => Weekday::Sunday,
            _ => return Err(err()),
        };
        let (h, m) = time.trim().split_once(':').ok_or_else(err)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(err());
        }
        let time = Time::new(
            h.parse().map_err(|_| err())?,
            m.parse().map_err(|_| err())?,
            0,
            0,
        )
        .map_err(|_| err())?;
        Ok(WeeklyAt { weekday, time })
    }
}

impl TryFrom<String> for WeeklyAt {
    type Error = WeeklyAtError;

    fn try_from(s: String) -> Result<WeeklyAt, WeeklyAtError> {
        s.parse()
    }
}

impl fmt::Display for WeeklyAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = match self.weekday {
            Weekday::Monday => "Mon",
            Weekday::Tuesday => "Tue",
            Weekday::Wednesday => "Wed",
            Weekday::Thursday => "Thu",
            Weekday::Friday => "Fri",
            Weekday::Saturday => "Sat",
            Weekday::Sunday => "Sun",
        };
        write!(f, "{day} {:02}:{:02}", self.time.hour(), self.time.minute())
    }
}

impl WeeklyAt {
    /// The send time that falls in `week`.
    fn in_week(&self, week: IsoWeek, tz: &TimeZone) -> Timestamp {
        week.day(self.weekday)
            .to_datetime(self.time)
            .to_zoned(tz.clone())
            .expect("a local time maps to an instant")
            .timestamp()
    }

    /// The latest send time at or before `now`, with the week it reports:
    /// the last week complete before the week the send time falls in.
    pub fn latest(&self, now: Timestamp, tz: &TimeZone) -> (Timestamp, IsoWeek) {
        let week = IsoWeek::containing(now, tz);
        let this = self.in_week(week, tz);
        if this <= now {
            (this, week.previous())
        } else {
            let before = week.previous();
            (self.in_week(before, tz), before.previous())
        }
    }

    /// The first send time after `now`.
    pub fn next(&self, now: Timestamp, tz: &TimeZone) -> Timestamp {
        let (latest, _) = self.latest(now, tz);
        self.in_week(IsoWeek::containing(latest, tz).next(), tz)
    }
}

/// Queues summaries: owns what a summary needs besides the clock.
#[derive(Debug, Clone)]
pub struct Summaries {
    /// The store.
    pub store: Store,
    /// Figures context (zone, categories, group names, officers).
    pub ctx: Context,
    /// When the summary is due.
    pub weekly_at: WeeklyAt,
    /// `[server] public_url`, for the report link.
    pub public_url: String,
    /// Signs report links.
    pub key: HashKey,
}

impl Summaries {
    /// Queues the summary owed at `now`, if any, to every officer who has
    /// not had it; returns how many were queued.
    pub async fn send_due(&self, now: Timestamp) -> Result<usize, StoreError> {
        let since = self
            .store
            .meta_or_init(OWED_SINCE, now.as_millisecond())
            .await?;
        let (at, week) = self.weekly_at.latest(now, &self.ctx.tz);
        if at.as_millisecond() < since {
            return Ok(0);
        }
        self.send(week, now, false).await
    }

    /// Queues the summary of `week` to every officer who has not had it
    /// (with `force`, to every officer); returns how many were queued.
    pub async fn send(
        &self,
        week: IsoWeek,
        now: Timestamp,
        force: bool,
    ) -> Result<usize, StoreError> {
        if self.ctx.officers.is_empty() {
            return Ok(0);
        }
        let card = self.card_of(week, now, false).await?;
        let week_name = week.to_string();
        let mut queued = 0;
        for officer in &self.ctx.officers {
            let send = Send {
                route: Route::Push {
                    to: officer.clone(),
                },
                outgoing: Outgoing::Summary(card.clone()),
            };
            if self
                .store
                .queue_summary(&week_name, officer, &send, force, now.as_millisecond())
                .await?
            {
                queued += 1;
                tracing::info!(week = %week_name, officer = %officer, "weekly summary queued");
            }
        }
        Ok(queued)
    }

    /// The card for `/summary`: the week containing `now`, so far, with a
    /// signed link to its page.
    pub async fn card_so_far(&self, now: Timestamp) -> Result<SummaryCard, StoreError> {
        self.card_of(IsoWeek::containing(now, &self.ctx.tz), now, true)
            .await
    }

    /// The card of `week` as read at `now`, with a link valid for
    /// [`LINK_VALID_DAYS`] from `now`.
    async fn card_of(
        &self,
        week: IsoWeek,
        now: Timestamp,
        so_far: bool,
    ) -> Result<SummaryCard, StoreError> {
        let figures = figures(&self.store, &self.ctx, week).await?;
        let expires = now.as_second() + LINK_VALID_DAYS * 24 * 3600;
        Ok(card(&figures, Some(self.link(week, expires)), so_far))
    }

    /// A signed link to the report page of `week`, valid until `expires`
    /// (Unix seconds).
    pub fn link(&self, week: IsoWeek, expires: i64) -> String {
        format!(
            "{}/reports/{week}?expires={expires}&sig={}",
            self.public_url.trim_end_matches('/'),
            link_signature(&self.key, &week.to_string(), expires)
        )
    }
}

fn link_mac(key: &HashKey, week: &str, expires: i64) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.bytes()).expect("hmac takes any key length");
    mac.update(format!("report-link:{week}:{expires}").as_bytes());
    mac
}

/// The hex signature of a report link.
pub fn link_signature(key: &HashKey, week: &str, expires: i64) -> String {
    hex::encode(link_mac(key, week, expires).finalize().into_bytes())
}

/// Whether `sig` signs (`week`, `expires`) and `expires` is after `now`
/// (Unix seconds); compared in constant time.
pub fn link_is_valid(key: &HashKey, week: &str, expires: i64, sig: &str, now: i64) -> bool {
    let Ok(sig) = hex::decode(sig) else {
        return false;
    };
    expires > now && link_mac(key, week, expires).verify_slice(&sig).is_ok()
}

/// The Flex card's content for `figures`; `so_far` marks a week in progress.
pub fn card(figures: &Figures, link: Option<String>, so_far: bool) -> SummaryCard {
    SummaryCard {
        week: figures.week.clone(),
        first_day: figures.first_day.clone(),
        last_day: figures.last_day.clone(),
        so_far,
        total: figures.total,
        change: figures.change(),
        categories: figures
            .categories
            .iter()
            .map(|c| (c.name.clone(), c.total, c.high))
            .collect(),
        top_groups: figures
            .top_groups
            .iter()
            .take(3)
            .map(|g| (g.name.clone(), g.incidents))
            .collect(),
        top_rules: figures
            .rules
            .iter()
            .take(3)
            .map(|r| (r.rule.clone(), r.incidents, r.false_positive))
            .collect(),
        outcomes: [
            figures.outcomes.acknowledged,
            figures.outcomes.false_positive,
            figures.outcomes.retracted,
            figures.outcomes.no_reaction,
        ],
        alerts_sent: figures.alerts_sent,
        link,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse::<jiff::Zoned>().unwrap().timestamp()
    }

    #[test]
    fn weekly_at_reads_a_day_and_a_time_and_rejects_the_rest() {
        let w: WeeklyAt = "Mon 09:00".parse().unwrap();
        assert_eq!(w.weekday, Weekday::Monday);
        assert_eq!(w.to_string(), "Mon 09:00");
        assert_eq!(
            "sun 23:30".parse::<WeeklyAt>().unwrap().to_string(),
            "Sun 23:30"
        );
        for bad in [
            "Monday 09:00",
            "Mon 9:00",
            "Mon 24:00",
            "Mon",
            "09:00",
            "Mon 09:60",
        ] {
            assert!(bad.parse::<WeeklyAt>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_summary_is_due_at_monday_nine_in_taipei_and_not_before() {
        let tz = TimeZone::get("Asia/Taipei").unwrap();
        let w: WeeklyAt = "Mon 09:00".parse().unwrap();
        let (t, week) = w.latest(at("2026-11-30T09:00[Asia/Taipei]"), &tz);
        assert_eq!(
            (t, week.to_string()),
            (at("2026-11-30T09:00[Asia/Taipei]"), "2026-W48".into())
        );
        let (t, week) = w.latest(at("2026-11-30T08:59:59[Asia/Taipei]"), &tz);
        assert_eq!(
            (t, week.to_string()),
            (at("2026-11-23T09:00[Asia/Taipei]"), "2026-W47".into())
        );
        assert_eq!(
            w.next(at("2026-11-30T08:59[Asia/Taipei]"), &tz),
            at("2026-11-30T09:00[Asia/Taipei]")
        );
        assert_eq!(
            w.next(at("2026-11-30T09:00[Asia/Taipei]"), &tz),
            at("2026-12-07T09:00[Asia/Taipei]")
        );
    }

    #[test]
    fn a_report_link_is_valid_until_it_expires_and_only_for_its_week() {
        let key = HashKey::new(b"0123456789abcdef0123".to_vec()).unwrap();
        let sig = link_signature(&key, "2026-W48", 1_000);
        assert!(link_is_valid(&key, "2026-W48", 1_000, &sig, 999));
        assert!(
            !link_is_valid(&key, "2026-W48", 1_000, &sig, 1_000),
            "expired"
        );
        assert!(
            !link_is_valid(&key, "2026-W47", 1_000, &sig, 999),
            "other week"
        );
        assert!(
            !link_is_valid(&key, "2026-W48", 2_000, &sig, 999),
            "other expiry"
        );
        assert!(!link_is_valid(&key, "2026-W48", 1_000, "zz", 999));
        let other = HashKey::new(b"another key, sixteen+".to_vec()).unwrap();
        assert!(!link_is_valid(&other, "2026-W48", 1_000, &sig, 999));
    }
}
