//! Content jobs (the content stage): recorded by [`Store::accept`] in the
//! webhook's transaction, claimed here with a lease (on PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`), finished inside the transaction that applies
//! their plan, retried a bounded number of times, and erased when done or
//! given up. The sealed event is all a row holds of the message.

use std::time::Duration;

use sqlx::Row;

use super::{q, Queue, Store, StoreError};

/// A content job claimed for processing.
#[derive(Debug, Clone)]
pub struct ContentJobRow {
    /// Row id.
    pub id: i64,
    /// The platform the event came from.
    pub platform: String,
    /// The event, sealed.
    pub sealed: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

impl Store {
    /// Claims up to `limit` due content jobs for `worker` until `now + lease`.
    pub async fn claim_content(
        &self,
        worker: &str,
        now: i64,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<ContentJobRow>, StoreError> {
        let until = now + lease.as_millis() as i64;
        let sql = self.claim_sql(Queue::ContentJobs, "id, platform, event, attempts");
        const WHAT: &str = "claim content jobs";
        on_pool!(self, pool => {
            let rows = sqlx::query(&sql)
                .bind(worker)
                .bind(until)
                .bind(now)
                .bind(limit)
                .fetch_all(pool)
                .await
                .map_err(q(WHAT))?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                out.push(ContentJobRow {
                    id: r.try_get("id").map_err(q(WHAT))?,
                    platform: r.try_get("platform").map_err(q(WHAT))?,
                    sealed: r.try_get("event").map_err(q(WHAT))?,
                    attempts: r.try_get("attempts").map_err(q(WHAT))?,
                });
            }
            out.sort_by_key(|r| r.id);
            Ok(out)
        })
    }

    /// Schedules another attempt of a job `worker` holds at `due_at`.
    pub async fn retry_content(
        &self,
        id: i64,
        worker: &str,
        due_at: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE content_jobs SET due_at = $2, claimed_by = NULL, claimed_until = NULL \
                 WHERE id = $1 AND state = 'pending' AND claimed_by = $3",
            )
            .bind(id)
            .bind(due_at)
            .bind(worker)
            .execute(pool)
            .await
            .map_err(q("reschedule content job"))?;
            Ok(())
        })
    }

    /// Gives up a job `worker` holds and erases its sealed event.
    pub async fn fail_content(&self, id: i64, worker: &str, now: i64) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE content_jobs SET state = 'failed', event = '', done_at = $2, \
                 claimed_by = NULL, claimed_until = NULL \
                 WHERE id = $1 AND state = 'pending' AND claimed_by = $3",
            )
            .bind(id)
            .bind(now)
            .bind(worker)
            .execute(pool)
            .await
            .map_err(q("give up content job"))?;
            Ok(())
        })
    }

    /// Releases every content-job claim (SQLite start-up: no other process
    /// can hold one).
    pub async fn release_content_claims(&self) -> Result<u64, StoreError> {
        self.release(Queue::ContentJobs).await
    }

    /// Jobs still to do.
    pub async fn content_pending(&self) -> Result<i64, StoreError> {
        self.pending(Queue::ContentJobs).await
    }

    /// Jobs by state (`pending`, `done`, `failed`), for tests and the
    /// metrics.
    pub async fn content_jobs(&self) -> Result<Vec<(i64, String)>, StoreError> {
        on_pool!(self, pool => {
            let rows = sqlx::query("SELECT id, state FROM content_jobs ORDER BY id")
                .fetch_all(pool)
                .await
                .map_err(q("read content jobs"))?;
            rows.iter()
                .map(|r| Ok((r.try_get(0).map_err(q("read content jobs"))?, r.try_get(1).map_err(q("read content jobs"))?)))
                .collect()
        })
    }
}
