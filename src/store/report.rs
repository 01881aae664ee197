//! What the weekly summary, the report page and the tests read: incidents
//! without their text, chats joined and left, alerts delivered, and the
//! once-per-week-and-officer record of a queued summary.

use sqlx::Row;

use super::accept::insert_send;
use super::statement::Stmt;
use super::{q, Store, StoreError};
use crate::pipeline::plan::Send;
use crate::secret::Record;

/// An incident as stored (for reports and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredIncident {
    /// Row id.
    pub id: i64,
    /// Group or room id.
    pub chat_id: String,
    /// Sender.
    pub user_id: Option<String>,
    /// Category id.
    pub category: String,
    /// Rule ids, comma-separated.
    pub rules: String,
    /// Severity.
    pub severity: String,
    /// Redacted excerpt; `None` once retracted (or when it cannot be
    /// opened with this key).
    pub excerpt: Option<String>,
    /// What was done.
    pub action: String,
    /// `acknowledged`, `false_positive`, `retracted` or `None`.
    pub outcome: Option<String>,
    /// Who set the outcome.
    pub outcome_by: Option<String>,
}

impl Store {
    /// All incidents, oldest first.
    pub async fn incidents(&self) -> Result<Vec<StoredIncident>, StoreError> {
        on_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT id, chat_id, user_id, category, rules, severity, excerpt, action, outcome, outcome_by \
                 FROM incidents ORDER BY id",
            )
            .fetch_all(pool)
            .await
            .map_err(q("read incidents"))?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                out.push(StoredIncident {
                    id: r.try_get("id").map_err(q("read incidents"))?,
                    chat_id: r.try_get("chat_id").map_err(q("read incidents"))?,
                    user_id: r.try_get("user_id").map_err(q("read incidents"))?,
                    category: r.try_get("category").map_err(q("read incidents"))?,
                    rules: r.try_get("rules").map_err(q("read incidents"))?,
                    severity: r.try_get("severity").map_err(q("read incidents"))?,
                    excerpt: self.opened(
                        Record::Excerpt,
                        r.try_get("excerpt").map_err(q("read incidents"))?,
                    ),
                    action: r.try_get("action").map_err(q("read incidents"))?,
                    outcome: r.try_get("outcome").map_err(q("read incidents"))?,
                    outcome_by: r.try_get("outcome_by").map_err(q("read incidents"))?,
                });
            }
            Ok(out)
        })
    }
}

/// An incident as the weekly summary counts it: no excerpt, no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekIncident {
    /// Group or room id.
    pub chat_id: String,
    /// The chat's cached name, if any.
    pub chat_name: Option<String>,
    /// Category id.
    pub category: String,
    /// `low`, `medium` or `high`.
    pub severity: String,
    /// Rule ids, comma-separated.
    pub rules: String,
    /// `acknowledged`, `false_positive`, `retracted` or `None`.
    pub outcome: Option<String>,
    /// When, in ms.
    pub created_at: i64,
}

impl Store {
    /// Incidents created in `[start, end)` (ms), oldest first.
    pub async fn incidents_between(
        &self,
        start: i64,
        end: i64,
    ) -> Result<Vec<WeekIncident>, StoreError> {
        on_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT i.chat_id, c.name, i.category, i.severity, i.rules, i.outcome, i.created_at \
                 FROM incidents i LEFT JOIN chats c ON c.chat_id = i.chat_id \
                 WHERE i.created_at >= $1 AND i.created_at < $2 ORDER BY i.id",
            )
            .bind(start)
            .bind(end)
            .fetch_all(pool)
            .await
            .map_err(q("read incidents of a week"))?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                const WHAT: &str = "read incidents of a week";
                out.push(WeekIncident {
                    chat_id: r.try_get(0).map_err(q(WHAT))?,
                    chat_name: self.opened(Record::ChatName, r.try_get(1).map_err(q(WHAT))?),
                    category: r.try_get(2).map_err(q(WHAT))?,
                    severity: r.try_get(3).map_err(q(WHAT))?,
                    rules: r.try_get(4).map_err(q(WHAT))?,
                    outcome: r.try_get(5).map_err(q(WHAT))?,
                    created_at: r.try_get(6).map_err(q(WHAT))?,
                });
            }
            Ok(out)
        })
    }

    /// Groups and rooms joined and left in `[start, end)` (ms).
    pub async fn chat_changes_between(
        &self,
        start: i64,
        end: i64,
    ) -> Result<(i64, i64), StoreError> {
        on_pool!(self, pool => {
            let row = sqlx::query(
                "SELECT (SELECT COUNT(*) FROM chats WHERE joined_at >= $1 AND joined_at < $2), \
                        (SELECT COUNT(*) FROM chats WHERE left_at >= $1 AND left_at < $2)",
            )
            .bind(start)
            .bind(end)
            .fetch_one(pool)
            .await
            .map_err(q("count joined and left chats"))?;
            Ok((
                row.try_get(0).map_err(q("count joined and left chats"))?,
                row.try_get(1).map_err(q("count joined and left chats"))?,
            ))
        })
    }

    /// Recipients of the incident alerts delivered that were queued in
    /// `[start, end)` (ms), one entry per alert.
    pub async fn alert_recipients_between(
        &self,
        start: i64,
        end: i64,
    ) -> Result<Vec<String>, StoreError> {
        on_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT target FROM outbox WHERE state = 'sent' AND kind = 'push' \
                 AND incident_id IS NOT NULL AND target IS NOT NULL \
                 AND created_at >= $1 AND created_at < $2",
            )
            .bind(start)
            .bind(end)
            .fetch_all(pool)
            .await
            .map_err(q("count alerts"))?;
            rows.iter()
                .map(|r| r.try_get::<String, _>(0).map_err(q("count alerts")))
                .collect()
        })
    }

    /// The value of a `store_meta` key, set to `default` first if absent
    /// (the first writer wins, also across replicas).
    pub async fn meta_or_init(&self, key: &str, default: i64) -> Result<i64, StoreError> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO store_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                .bind(key)
                .bind(default)
                .execute(pool)
                .await
                .map_err(q("write store meta"))?;
            let row = sqlx::query("SELECT value FROM store_meta WHERE key = $1")
                .bind(key)
                .fetch_one(pool)
                .await
                .map_err(q("read store meta"))?;
            row.try_get::<i64, _>(0).map_err(q("read store meta"))
        })
    }

    /// Records the summary of `week` for `officer` and queues `send`, in one
    /// transaction; false (and nothing queued) when it was queued before,
    /// unless `force`.
    pub async fn queue_summary(
        &self,
        week: &str,
        officer: &str,
        send: &Send,
        force: bool,
        now: i64,
    ) -> Result<bool, StoreError> {
        let sql = if force {
            "INSERT INTO summaries (week, officer, sent_at) VALUES ($1, $2, $3) \
             ON CONFLICT (week, officer) DO UPDATE SET sent_at = excluded.sent_at, \
             sends = summaries.sends + 1"
        } else {
            "INSERT INTO summaries (week, officer, sent_at) VALUES ($1, $2, $3) \
             ON CONFLICT (week, officer) DO NOTHING"
        };
        let mut held = self.hold().await?;
        let begin = self.begin(&mut held).await?;
        let queued = async {
            // Rows come back only where the insert (or the forced update)
            // happened; on SQLite a count of changed rows would also count
            // the BEGIN in front of it, which reports the previous change.
            let stmt = Stmt::new(format!("{begin}{sql} RETURNING week"))
                .arg(week)
                .arg(officer)
                .arg(now);
            if held
                .texts(&stmt)
                .await
                .map_err(q("record summary"))?
                .is_empty()
            {
                return Ok(false);
            }
            insert_send(&mut held, &self.records, send, None, now).await?;
            Ok(true)
        }
        .await;
        if matches!(queued, Ok(true)) {
            if let Err(e) = held.execute(&Stmt::new("COMMIT")).await {
                // A failed COMMIT can leave the transaction open on the
                // connection, which goes back to the pool.
                let _ = held.execute(&Stmt::new("ROLLBACK")).await;
                return Err(q("commit")(e));
            }
        } else {
            let _ = held.execute(&Stmt::new("ROLLBACK")).await;
        }
        queued
    }
}
