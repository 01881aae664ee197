//! When a weekly summary is owed, and queuing it exactly once (SPEC §8).
//!
//! At `[report] weekly_at` in `[report] timezone` each officer is owed the
//! last complete week. Owing is decided from the clock value passed in, so
//! tests move a fixed clock instead of waiting. Sending means one row in
//! `summaries` per (week, officer), written in the same transaction as the
//! outbox push that delivers it: restarts, replicas on one PostgreSQL
//! database and `report --send` all meet the same primary key.

use jiff::Timestamp;

use super::{figures, Context, Figures};
use crate::calendar::{IsoWeek, WeeklyAt};
use crate::notice::{Notice, SummaryCard};
use crate::pipeline::plan::{Route, Send};
use crate::secret::LinkKey;
use crate::store::{Store, StoreError};

/// `store_meta` key: the first time the schedule ran against this store.
/// Weeks whose send time came before it are not owed (a new install does
/// not send summaries of weeks it never saw).
const OWED_SINCE: &str = "summaries_owed_since";

/// How long a report link from a summary stays valid.
pub const LINK_VALID_DAYS: i64 = 30;

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
    pub links: LinkKey,
    /// The platform the officers are reached on.
    pub platform: &'static str,
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
        let officers = self.officers().await?;
        if officers.is_empty() {
            return Ok(0);
        }
        let card = self.card_of(week, now, false).await?;
        let week_name = week.to_string();
        let mut queued = 0;
        for officer in &officers {
            let send = Send {
                platform: self.platform,
                route: Route::Push {
                    to: officer.clone(),
                },
                notice: Notice::Summary(card.clone()),
            };
            if self
                .store
                .queue_summary(&week_name, officer, &send, force, now.as_millisecond())
                .await?
            {
                queued += 1;
                tracing::info!(week = %week_name, "weekly summary queued for an officer");
            }
        }
        Ok(queued)
    }

    /// The officers a summary goes to: those of the config file, then
    /// the enrolled ones reached on the officers' platform, each once.
    pub async fn officers(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .store
            .roster()
            .await?
            .officer_ids(&self.ctx.officers, self.platform))
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
            self.links.sign(&week.to_string(), expires)
        )
    }
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
