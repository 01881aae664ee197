//! Retention (SPEC §9): incidents, their feedback, finished outbox rows and
//! finished content jobs past `retention_days`, watchlist entries past
//! their end, wrong enrollment codes past the rate limit's window, and
//! webhook event ids past the redelivery window,
//! deleted in batches so that a first purge never stalls the webhook; the
//! write-ahead log is truncated after a purge that deleted anything, so
//! the old pages do not linger in it.

use super::{q, Store, StoreError};

/// Rows removed by [`Store::purge`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Incidents past retention.
    pub incidents: u64,
    /// Postback taps on those incidents.
    pub feedback: u64,
    /// Finished outbox rows past retention (they hold redacted excerpts).
    pub outbox: u64,
    /// Webhook event ids past the redelivery window.
    pub seen_events: u64,
    /// Content jobs past retention, whatever their state: one still
    /// pending then (no worker ran for that long) goes with its sealed
    /// event.
    pub content_jobs: u64,
    /// Watchlist entries past their end.
    pub watch_entries: u64,
    /// Forward-chain rows past retention.
    pub chain_messages: u64,
    /// Wrong enrollment codes past the rate limit's window, and
    /// invitations never used by the end of retention.
    pub enrollment: u64,
}

/// Rows deleted per statement, so a first purge of a large store never
/// holds the write lock long enough to stall the webhook.
const PURGE_BATCH: i64 = 2_000;

impl Store {
    /// Deletes incidents (with their feedback) and finished outbox rows
    /// created before `records_before`, event ids seen before
    /// `events_before` and watchlist entries that ended by `now` (ms), in
    /// batches.
    pub async fn purge(
        &self,
        records_before: i64,
        events_before: i64,
        now: i64,
    ) -> Result<Purged, StoreError> {
        // Feedback first: it is found through the incidents it belongs to.
        let purged = Purged {
            feedback: self
                .delete_batched(
                    "DELETE FROM feedback WHERE id IN (SELECT f.id FROM feedback f \
                     JOIN incidents i ON i.id = f.incident_id WHERE i.created_at < $1 LIMIT $2)",
                    records_before,
                )
                .await?,
            incidents: self
                .delete_batched(
                    "DELETE FROM incidents WHERE id IN \
                     (SELECT id FROM incidents WHERE created_at < $1 LIMIT $2)",
                    records_before,
                )
                .await?,
            outbox: self
                .delete_batched(
                    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox \
                     WHERE state IN ('sent', 'failed') AND created_at < $1 LIMIT $2)",
                    records_before,
                )
                .await?,
            content_jobs: self
                .delete_batched(
                    "DELETE FROM content_jobs WHERE id IN (SELECT id FROM content_jobs \
                     WHERE created_at < $1 LIMIT $2)",
                    records_before,
                )
                .await?,
            seen_events: self
                .delete_batched(
                    "DELETE FROM seen_events WHERE event_id IN \
                     (SELECT event_id FROM seen_events WHERE seen_at < $1 LIMIT $2)",
                    events_before,
                )
                .await?,
            chain_messages: self
                .delete_batched(
                    "DELETE FROM chain_messages WHERE id IN \
                     (SELECT id FROM chain_messages WHERE created_at < $1 LIMIT $2)",
                    records_before,
                )
                .await?,
            watch_entries: self
                .delete_batched(
                    "DELETE FROM watch_entries WHERE id IN \
                     (SELECT id FROM watch_entries WHERE until_at <= $1 LIMIT $2)",
                    now,
                )
                .await?,
            enrollment: self
                .delete_batched(
                    "DELETE FROM enroll_failures WHERE id IN \
                     (SELECT id FROM enroll_failures WHERE at <= $1 LIMIT $2)",
                    now - crate::enrollment::FAILURE_WINDOW_MS,
                )
                .await?
                + self
                    .delete_batched(
                        "DELETE FROM officers WHERE id IN (SELECT id FROM officers \
                         WHERE user_id IS NULL AND expires_at < $1 LIMIT $2)",
                        records_before,
                    )
                    .await?,
        };
        if purged != Purged::default() {
            self.truncate_log().await?;
        }
        Ok(purged)
    }

    /// Runs `sql` (a delete of at most `$2` rows older than `$1`) until it
    /// deletes fewer than a batch; the total.
    async fn delete_batched(&self, sql: &str, before: i64) -> Result<u64, StoreError> {
        let mut total = 0u64;
        loop {
            let n = on_pool!(self, pool => {
                sqlx::query(sql)
                    .bind(before)
                    .bind(PURGE_BATCH)
                    .execute(pool)
                    .await
                    .map_err(q("purge old rows"))?
                    .rows_affected()
            });
            total += n;
            if n < PURGE_BATCH as u64 {
                return Ok(total);
            }
            tokio::task::yield_now().await;
        }
    }
}
