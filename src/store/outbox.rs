//! The outbox rows (SPEC §7): claimed with a lease (on PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`, so replicas never take the same row), then
//! finished, rescheduled or turned from a reply into a push. The rows are
//! written by [`Store::accept`] in the webhook's transaction.

use std::time::Duration;

use sqlx::Row;

use super::{q, Queue, Store, StoreError};
use crate::secret::Record;

/// An outbox row claimed for sending.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    /// Row id.
    pub id: i64,
    /// `reply` or `push`.
    pub kind: String,
    /// Push recipient, or a reply's fallback.
    pub target: Option<String>,
    /// A reply's handle (LINE: the reply token).
    pub reply_handle: Option<String>,
    /// The push's retry key, the same on every attempt (LINE:
    /// `X-Line-Retry-Key`).
    pub retry_key: String,
    /// The [`Notice`](crate::notice::Notice), as JSON, opened; empty
    /// when it cannot be opened with this key.
    pub payload: String,
    /// Attempts so far.
    pub attempts: i64,
    /// The platform it goes out through.
    pub platform: String,
}

impl Store {
    /// Claims up to `limit` due outbox rows for `worker` until `now + lease`.
    pub async fn claim(
        &self,
        worker: &str,
        now: i64,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let until = now + lease.as_millis() as i64;
        let sql = self.claim_sql(
            Queue::Outbox,
            "id, kind, target, reply_token, retry_key, payload, attempts, platform",
        );
        on_pool!(self, pool => {
            let rows = sqlx::query(&sql)
                .bind(worker)
                .bind(until)
                .bind(now)
                .bind(limit)
                .fetch_all(pool)
                .await
                .map_err(q("claim outbox rows"))?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                out.push(OutboxRow {
                    id: r.try_get("id").map_err(q("read outbox row"))?,
                    kind: r.try_get("kind").map_err(q("read outbox row"))?,
                    target: r.try_get("target").map_err(q("read outbox row"))?,
                    reply_handle: r.try_get("reply_token").map_err(q("read outbox row"))?,
                    retry_key: r.try_get("retry_key").map_err(q("read outbox row"))?,
                    payload: self
                        .opened(Record::Notice, r.try_get("payload").map_err(q("read outbox row"))?)
                        .unwrap_or_default(),
                    attempts: r.try_get("attempts").map_err(q("read outbox row"))?,
                    platform: r.try_get("platform").map_err(q("read outbox row"))?,
                });
            }
            out.sort_by_key(|r| r.id);
            Ok(out)
        })
    }

    /// Releases every claim (SQLite start-up: no other process can hold one).
    pub async fn release_claims(&self) -> Result<u64, StoreError> {
        self.release(Queue::Outbox).await
    }

    /// Marks a row delivered (`state` `sent`) or given up (`failed`) and
    /// erases its payload, which is no longer needed.
    pub async fn finish(
        &self,
        id: i64,
        state: &'static str,
        status: Option<u16>,
        request_id: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE outbox SET state = $2, last_status = $3, request_id = $4, done_at = $5, \
                 payload = '', reply_token = NULL, claimed_by = NULL, claimed_until = NULL, \
                 attempts = attempts + 1 WHERE id = $1",
            )
            .bind(id)
            .bind(state)
            .bind(status.map(i64::from))
            .bind(request_id)
            .bind(now)
            .execute(pool)
            .await
            .map_err(q("finish outbox row"))?;
            Ok(())
        })
    }

    /// Schedules another attempt at `due_at`.
    pub async fn retry_at(
        &self,
        id: i64,
        due_at: i64,
        status: Option<u16>,
        request_id: Option<&str>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE outbox SET due_at = $2, last_status = $3, request_id = $4, attempts = attempts + 1, \
                 claimed_by = NULL, claimed_until = NULL WHERE id = $1",
            )
            .bind(id)
            .bind(due_at)
            .bind(status.map(i64::from))
            .bind(request_id)
            .execute(pool)
            .await
            .map_err(q("reschedule outbox row"))?;
            Ok(())
        })
    }

    /// Turns a reply whose token was rejected into a push to its fallback,
    /// due now; the push keeps the row's retry key.
    pub async fn reply_to_push(&self, id: i64, status: u16, now: i64) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE outbox SET kind = 'push', reply_token = NULL, last_status = $2, due_at = $3, \
                 attempts = attempts + 1, claimed_by = NULL, claimed_until = NULL WHERE id = $1",
            )
            .bind(id)
            .bind(i64::from(status))
            .bind(now)
            .execute(pool)
            .await
            .map_err(q("turn reply into push"))?;
            Ok(())
        })
    }

    /// Rows still to send.
    pub async fn outbox_depth(&self) -> Result<i64, StoreError> {
        self.pending(Queue::Outbox).await
    }

    /// The earliest due time of a pending row, if any.
    pub async fn next_due(&self) -> Result<Option<i64>, StoreError> {
        on_pool!(self, pool => {
            let row = sqlx::query("SELECT MIN(due_at) FROM outbox WHERE state = 'pending'")
                .fetch_one(pool)
                .await
                .map_err(q("read outbox"))?;
            row.try_get::<Option<i64>, _>(0).map_err(q("read outbox"))
        })
    }
}
