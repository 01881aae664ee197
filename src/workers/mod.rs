//! The background work of a running server, each a loop that watches the
//! same shutdown signal: the group [`committer`], the [`content`] stage,
//! the [`outbox`] sender,
//! the weekly summary schedule, retention, and the push quota reading.

pub mod attachment;
pub mod committer;
pub mod content;
pub mod outbox;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify};

use crate::clock::Clock;
use crate::platform::Platforms;
use crate::store::{Accepted, Purged, Store, StoreError};
use crate::summary::schedule::Summaries;

/// Wakes the workers that have new rows to handle.
#[derive(Debug, Clone, Default)]
pub struct Wakers {
    /// The outbox sender.
    pub outbox: Arc<Notify>,
    /// The content workers.
    pub content: Arc<Notify>,
    /// The reloader of the watchlist and the enrolled officers.
    pub watch: Arc<Notify>,
    /// The forward-chain reader.
    pub chains: Arc<Notify>,
}

impl Wakers {
    /// Wakes whoever has work after a batch was accepted.
    pub fn after(&self, acc: &Accepted) {
        if acc.queued > 0 {
            self.outbox.notify_one();
        }
        if acc.jobs > 0 {
            self.content.notify_one();
        }
        if acc.watch > 0 || acc.enrollments > 0 {
            self.watch.notify_one();
        }
        if acc.chains > 0 {
            self.chains.notify_one();
        }
    }
}

/// Queues the weekly summary when it is owed: at start (a week missed
/// while the service was down goes out now) and then at each `weekly_at`.
pub async fn summary_loop(
    summaries: Arc<Summaries>,
    wake: Arc<Notify>,
    clock: Clock,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let now = clock.now();
        match summaries.send_due(now).await {
            Ok(0) => {}
            Ok(_) => wake.notify_one(),
            Err(e) => tracing::warn!(error = %e, "weekly summary not queued; trying again later"),
        }
        let next = summaries.weekly_at.next(now, &summaries.ctx.tz);
        let wait = Duration::from_millis(
            (next.as_millisecond() - now.as_millisecond()).clamp(1_000, 3_600_000) as u64,
        );
        if !pause(wait, &mut shutdown).await {
            return;
        }
    }
}

/// Sleeps for `wait` unless shutdown is asked first; false when it is.
pub async fn pause(wait: Duration, shutdown: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(wait) => true,
        _ = shutdown.wait_for(|s| *s) => false,
    }
}

/// How long webhook event ids are kept for redelivery dedupe; LINE
/// redelivers for a much shorter time.
pub const SEEN_EVENTS_DAYS: i64 = 7;

/// Applies retention once at `now` (ms): incidents and finished sends older
/// than `retention_days`, event ids older than [`SEEN_EVENTS_DAYS`].
pub async fn apply_retention(
    store: &Store,
    retention_days: u32,
    now: i64,
) -> Result<Purged, StoreError> {
    const DAY: i64 = 24 * 3600 * 1000;
    let p = store
        .purge(
            now - i64::from(retention_days) * DAY,
            now - SEEN_EVENTS_DAYS * DAY,
            now,
        )
        .await?;
    for (table, n) in [
        ("incidents", p.incidents),
        ("feedback", p.feedback),
        ("outbox", p.outbox),
        ("seen_events", p.seen_events),
        ("content_jobs", p.content_jobs),
        ("watch_entries", p.watch_entries),
        ("chain_messages", p.chain_messages),
        ("enrollment", p.enrollment),
    ] {
        crate::metrics::retention_deleted(table, n);
    }
    tracing::info!(
        incidents = p.incidents,
        feedback = p.feedback,
        outbox = p.outbox,
        seen_events = p.seen_events,
        content_jobs = p.content_jobs,
        watch_entries = p.watch_entries,
        chain_messages = p.chain_messages,
        enrollment = p.enrollment,
        retention_days,
        "retention applied"
    );
    Ok(p)
}

/// Runs `work` whenever `wake` fires and every `every`, until shutdown
/// (start-up has done the first reading already).
async fn refreshing<F, Fut>(
    wake: Arc<Notify>,
    every: Duration,
    mut shutdown: watch::Receiver<bool>,
    mut work: F,
) where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    loop {
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.wait_for(|s| *s) => return,
        }
        work().await;
    }
}

/// Reads the watchlist and the enrolled officers again whenever this
/// replica changed them (`wake`) and every `every`, so that entries
/// registered and officers enrolled or removed through another replica or
/// the command line take effect here within that time.
pub async fn watch_loop(
    store: Store,
    pipeline: Arc<crate::pipeline::Pipeline>,
    wake: Arc<Notify>,
    every: Duration,
    shutdown: watch::Receiver<bool>,
) {
    refreshing(wake, every, shutdown, || async {
        if let Err(e) = read_watchlist(&store, &pipeline).await {
            tracing::warn!(error = %e, "cannot read the watchlist; keeping the last one");
        }
        if let Err(e) = read_roster(&store, &pipeline).await {
            tracing::warn!(error = %e, "cannot read the enrolled officers; keeping the last list");
        }
    })
    .await
}

/// Reads every watchlist entry into the pipeline; how many there are.
pub async fn read_watchlist(
    store: &Store,
    pipeline: &crate::pipeline::Pipeline,
) -> Result<usize, StoreError> {
    let entries = store.watch_entries().await?;
    let n = entries.len();
    crate::metrics::watch_entries(n);
    pipeline.replace_watchlist(entries);
    Ok(n)
}

/// Reads who is enrolled into the pipeline; how many.
pub async fn read_roster(
    store: &Store,
    pipeline: &crate::pipeline::Pipeline,
) -> Result<usize, StoreError> {
    let roster = store.roster().await?;
    let n = roster.people.len();
    pipeline.replace_roster(roster);
    Ok(n)
}

/// Rows read from the store at a time into the forward chains.
const CHAIN_PAGE: i64 = 5_000;

/// Reads the forward-chain rows this replica has not seen: whenever it
/// kept one itself (`wake`) and every `every` for those kept by other
/// replicas.
pub async fn chain_loop(
    store: Store,
    pipeline: Arc<crate::pipeline::Pipeline>,
    wake: Arc<Notify>,
    every: Duration,
    shutdown: watch::Receiver<bool>,
) {
    refreshing(wake, every, shutdown, || async {
        if let Err(e) = read_chains(&store, &pipeline).await {
            tracing::warn!(error = %e, "cannot read the forward chains; trying again");
        }
    })
    .await
}

/// Reads every chain row after the pipeline's last one, with the names
/// the config gives or the store has cached for their groups.
pub async fn read_chains(
    store: &Store,
    pipeline: &crate::pipeline::Pipeline,
) -> Result<usize, StoreError> {
    loop {
        let rows = store
            .chain_rows_after(pipeline.chain_last_id(), CHAIN_PAGE)
            .await?;
        let full = rows.len() as i64 == CHAIN_PAGE;
        // Each group's name is asked once per page, not once per row.
        let mut names: std::collections::HashMap<String, Option<String>> = Default::default();
        let mut named = Vec::with_capacity(rows.len());
        for row in rows {
            if !names.contains_key(&row.chat_id) {
                let name = match pipeline.group_name(&row.chat_id) {
                    Some(n) => Some(n),
                    None => store.chat_name(&row.chat_id).await.unwrap_or(None),
                };
                names.insert(row.chat_id.clone(), name);
            }
            let name = names[&row.chat_id].clone();
            named.push((row, name));
        }
        let held = pipeline.extend_chains(named);
        crate::metrics::chain_messages(held);
        if !full {
            return Ok(held);
        }
    }
}

/// Applies retention at start and then once a day.
pub async fn retention_loop(
    store: Store,
    retention_days: u32,
    clock: Clock,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let wait = match apply_retention(&store, retention_days, clock.now_ms()).await {
            Ok(_) => Duration::from_secs(24 * 3600),
            Err(e) => {
                tracing::warn!(error = %e, "retention not applied; trying again in an hour");
                Duration::from_secs(3600)
            }
        };
        if !pause(wait, &mut shutdown).await {
            return;
        }
    }
}

/// Reads the platforms' push quota every ten minutes into the metrics.
pub async fn quota_loop(platforms: Platforms, mut shutdown: watch::Receiver<bool>) {
    loop {
        for p in platforms.iter() {
            if let Some((limit, used)) = p.quota().await {
                crate::metrics::quota(limit, used);
            }
        }
        if !pause(Duration::from_secs(600), &mut shutdown).await {
            return;
        }
    }
}
