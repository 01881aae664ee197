//! The durable send queue (SPEC §7): rows written in the webhook's
//! transaction are sent after the commit, and survive restarts.
//!
//! - Each row goes out through its platform ([`Platform::send`]), which
//!   says what the answer meant; the rules below are the outbox's.
//! - A reply carries no retry key. When the platform refuses the reply
//!   handle (LINE: an expired or used token), the same notice is pushed to
//!   the chat instead.
//! - A push carries the row's retry key, the same on every attempt, so the
//!   platform delivers it once.
//! - Transient failures are retried with exponential backoff (honouring
//!   the platform's wait); any other refusal is final and logged with the
//!   platform's request id.
//! - Rows are claimed with a lease; on PostgreSQL the claim uses
//!   `FOR UPDATE SKIP LOCKED`, so replicas never send the same row twice.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;

use crate::clock::Clock;
use crate::notice::{Names, Notice};
use crate::platform::{Platform, Platforms, SendOutcome, Sent, Target};
use crate::store::{OutboxRow, Store};
use crate::summary::schedule::Summaries;

/// How often the outbox depth gauge is refreshed.
const DEPTH_EVERY: Duration = Duration::from_secs(1);

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct Settings {
    /// First retry delay; doubled on every further attempt.
    pub backoff_base: Duration,
    /// Longest retry delay.
    pub backoff_max: Duration,
    /// Attempts before a row is given up.
    pub max_attempts: i64,
    /// How long a claim lasts before another worker may take the row.
    pub lease: Duration,
    /// Longest idle wait between polls (new rows wake the worker at once).
    pub poll: Duration,
    /// Rows claimed at a time.
    pub batch: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            backoff_base: Duration::from_millis(250),
            backoff_max: Duration::from_secs(300),
            max_attempts: 12,
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(1),
            batch: 32,
        }
    }
}

/// The worker.
#[derive(Clone)]
pub struct Outbox {
    store: Store,
    platforms: Platforms,
    clock: Clock,
    wake: Arc<Notify>,
    worker: String,
    settings: Settings,
    summaries: Arc<Summaries>,
}

/// What to do with a row after one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Next {
    Sent(u16),
    Retry(Option<u16>, Duration),
    ToPush(u16),
    GiveUp(Option<u16>),
}

impl Outbox {
    /// A worker with a fresh id.
    /// `summaries` answers `/summary` at the moment it is sent.
    pub fn new(
        store: Store,
        platforms: Platforms,
        clock: Clock,
        wake: Arc<Notify>,
        settings: Settings,
        summaries: Arc<Summaries>,
    ) -> Outbox {
        Outbox {
            store,
            platforms,
            clock,
            wake,
            worker: uuid::Uuid::new_v4().to_string(),
            settings,
            summaries,
        }
    }

    /// Sends until `shutdown` turns true, then keeps sending what is due
    /// for at most `drain` before returning.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>, drain: Duration) {
        if !self.store.is_shared() {
            // Only this process uses a SQLite file: claims left by a
            // crashed run can be taken back at once.
            match self.store.release_claims().await {
                Ok(n) if n > 0 => {
                    tracing::info!(rows = n, "outbox claims of an earlier run released")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "cannot release outbox claims"),
            }
        }
        let mut deadline: Option<tokio::time::Instant> = None;
        let mut last_depth = tokio::time::Instant::now() - DEPTH_EVERY;
        loop {
            if deadline.is_none() && *shutdown.borrow() {
                deadline = Some(tokio::time::Instant::now() + drain);
            }
            let sent = match self.round().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox round failed");
                    0
                }
            };
            // A COUNT(*) on every round would compete with the webhook's
            // commits for SQLite's one connection; once a second is enough
            // for a gauge.
            if last_depth.elapsed() >= DEPTH_EVERY {
                last_depth = tokio::time::Instant::now();
                if let Ok(depth) = self.store.outbox_depth().await {
                    crate::metrics::outbox_depth(depth);
                }
            }
            if let Some(d) = deadline {
                let due_now =
                    matches!(self.store.next_due().await, Ok(Some(t)) if t <= self.clock.now_ms());
                if (sent == 0 && !due_now) || tokio::time::Instant::now() >= d {
                    break;
                }
                continue;
            }
            if sent > 0 {
                continue;
            }
            let wait = match self.store.next_due().await {
                Ok(Some(t)) => {
                    Duration::from_millis((t - self.clock.now_ms()).clamp(0, i64::MAX) as u64)
                        .min(self.settings.poll)
                }
                _ => self.settings.poll,
            };
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => {}
            }
        }
        tracing::info!("outbox worker stopped");
    }

    /// Sends what is due, and what falls due (retries after a backoff)
    /// before `within` has passed, then returns. For one-shot senders such
    /// as `report --send`: unlike [`Outbox::run`] it never releases claims,
    /// so a `serve` on the same SQLite file keeps its own.
    pub async fn deliver_within(&self, within: Duration) {
        // The wait is in real time; what is due is read on the clock.
        let deadline = tokio::time::Instant::now() + within;
        while tokio::time::Instant::now() < deadline {
            let now = self.clock.now_ms();
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.store.next_due().await {
                Ok(Some(due)) if due > now + left.as_millis() as i64 => break,
                Ok(Some(due)) if due > now => {
                    let wait = (due - now).clamp(1, 1000) as u64;
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                    continue;
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the outbox");
                    break;
                }
            }
            if let Err(e) = self.round().await {
                tracing::warn!(error = %e, "outbox round failed");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }

    /// Claims one batch and sends it; returns how many rows were handled.
    pub async fn round(&self) -> Result<usize, crate::store::StoreError> {
        let rows = self
            .store
            .claim(
                &self.worker,
                self.clock.now_ms(),
                self.settings.lease,
                self.settings.batch,
            )
            .await?;
        let n = rows.len();
        let mut set = JoinSet::new();
        for row in rows {
            let this = self.clone();
            set.spawn(async move { this.handle(row).await });
        }
        while let Some(r) = set.join_next().await {
            if let Ok(Err(e)) = r {
                tracing::warn!(error = %e, "outbox row not updated");
            }
        }
        Ok(n)
    }

    async fn handle(&self, row: OutboxRow) -> Result<(), crate::store::StoreError> {
        let notice: Notice = match serde_json::from_str(&row.payload) {
            Ok(o) => o,
            Err(e) => {
                tracing::error!(row = row.id, error = %e, "outbox payload unreadable; giving up");
                crate::metrics::outbox_done("unknown", "failed");
                return self
                    .store
                    .finish(row.id, "failed", None, None, self.clock.now_ms())
                    .await;
            }
        };
        let notice = match notice {
            Notice::SummaryRequested => match self.summaries.card_so_far(self.clock.now()).await {
                Ok(card) => Notice::Summary(card),
                Err(e) => {
                    tracing::warn!(row = row.id, error = %e, "week so far unavailable; apologising");
                    Notice::SummaryRequested
                }
            },
            other => other,
        };
        let kind = notice.kind();
        let Some(platform) = self.platforms.get(&row.platform) else {
            tracing::error!(row = row.id, platform = %row.platform, "no such platform; giving up");
            crate::metrics::outbox_done(kind, "failed");
            return self
                .store
                .finish(row.id, "failed", None, None, self.clock.now_ms())
                .await;
        };
        let names = self.names(platform.as_ref(), &notice).await;
        let target = match (row.kind.as_str(), &row.reply_handle, &row.target) {
            ("reply", Some(handle), _) => Some(Target::Reply { handle }),
            (_, _, Some(to)) => Some(Target::Push {
                to,
                retry_key: &row.retry_key,
            }),
            _ => None,
        };
        let (next, request_id) = match target {
            Some(target) => {
                let sent = platform.send(target, &notice, &names).await;
                self.judge(&row, sent)
            }
            None => (Next::GiveUp(None), None),
        };
        let rid = request_id.as_deref();
        match next {
            Next::Sent(status) => {
                tracing::info!(row = row.id, kind, via = %row.kind, status, "message delivered");
                crate::metrics::outbox_done(kind, "sent");
                self.store
                    .finish(row.id, "sent", Some(status), rid, self.clock.now_ms())
                    .await
            }
            Next::ToPush(status) => {
                tracing::info!(
                    row = row.id,
                    kind,
                    status,
                    "reply token rejected; pushing instead"
                );
                self.store
                    .reply_to_push(row.id, status, self.clock.now_ms())
                    .await?;
                self.wake.notify_one();
                Ok(())
            }
            Next::Retry(status, delay) => {
                tracing::info!(
                    row = row.id, kind, via = %row.kind, status = status.unwrap_or(0),
                    attempt = row.attempts + 1, delay_ms = delay.as_millis() as u64,
                    "send failed; will retry"
                );
                let due = self.clock.now_ms() + delay.as_millis() as i64;
                self.store.retry_at(row.id, due, status, rid).await
            }
            Next::GiveUp(status) => {
                tracing::warn!(
                    row = row.id, kind, via = %row.kind, status = status.unwrap_or(0),
                    request_id = rid.unwrap_or("-"), attempts = row.attempts + 1,
                    "send refused by the platform; giving up"
                );
                crate::metrics::outbox_done(kind, "failed");
                self.store
                    .finish(row.id, "failed", status, rid, self.clock.now_ms())
                    .await
            }
        }
    }

    /// What to do after the platform's answer: the outbox's retry rules.
    fn judge(&self, row: &OutboxRow, sent: Sent) -> (Next, Option<String>) {
        let last_try = row.attempts + 1 >= self.settings.max_attempts;
        let backoff = self.backoff(row.attempts);
        let next = match sent.outcome {
            SendOutcome::Delivered(s) => Next::Sent(s),
            SendOutcome::Transient { status, .. } if last_try => Next::GiveUp(status),
            SendOutcome::Transient {
                status,
                retry_after,
            } => {
                let wait = retry_after.map_or(backoff, |ra| ra.max(backoff));
                Next::Retry(status, wait.min(self.settings.backoff_max))
            }
            SendOutcome::ReplyRefused(s) if row.target.is_some() => Next::ToPush(s),
            SendOutcome::ReplyRefused(s) => Next::GiveUp(Some(s)),
            SendOutcome::Refused(s) => Next::GiveUp(s),
        };
        (next, sent.request_id)
    }

    fn backoff(&self, attempts: i64) -> Duration {
        let factor = 1u32 << attempts.clamp(0, 20) as u32;
        (self.settings.backoff_base * factor).min(self.settings.backoff_max)
    }

    /// A group's name: the store's cache first, then the platform (and
    /// then cached).
    async fn chat_name(&self, platform: &dyn Platform, chat_id: &str) -> Option<String> {
        match self.store.chat_name(chat_id).await {
            Ok(Some(n)) => Some(n),
            _ => {
                let n = platform.chat_name(chat_id).await;
                if let Some(n) = &n {
                    let now = self.clock.now_ms();
                    let _ = self.store.set_chat_name(chat_id, n, now).await;
                }
                n
            }
        }
    }

    /// Group and display names for an alert: the store's cache first,
    /// then the platform.
    async fn names(&self, platform: &dyn Platform, notice: &Notice) -> Names {
        let Notice::Alert(a) = notice else {
            return Names::default();
        };
        let mut names = Names::default();
        if a.chat_name.is_none() {
            names.chat_name = self.chat_name(platform, &a.chat_id).await;
        }
        if let Some(c) = a.chain.as_ref().filter(|c| c.first_chat_name.is_none()) {
            names.chain_chat_name = self.chat_name(platform, &c.first_chat_id).await;
        }
        if let Some(user) = &a.user_id {
            names.display_name = match self.store.display_name(&a.chat_id, user).await {
                Ok(Some(n)) => Some(n),
                _ => {
                    let n = platform.display_name(Some(&a.chat_id), user).await;
                    if let Some(n) = &n {
                        let now = self.clock.now_ms();
                        let _ = self.store.set_display_name(&a.chat_id, user, n, now).await;
                    }
                    n
                }
            };
        }
        names
    }
}
