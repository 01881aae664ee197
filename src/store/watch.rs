//! Watchlist entries (issue 19): what an officer registered as
//! confidential until an end date, kept as keyed hashes, a length and a
//! sealed masked hint; never the term. Entries are added and removed from
//! a chat command (inside the webhook's transaction), the command line and
//! the admin API, and read whole by every replica to match against.

use sqlx::Row;

use super::statement::{Held, Stmt};
use super::{q, Store, StoreError};
use crate::scan::watch::{TermPrint, WatchEntry};
use crate::secret::{Record, RecordKey};

/// An entry to register, or to renew when its category already has the
/// term: its end, allowed chats and author are replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWatch {
    /// Category id.
    pub category: String,
    /// What is kept of the term.
    pub print: TermPrint,
    /// Chats where the term is at home.
    pub allowed: Vec<String>,
    /// End, in ms (exclusive).
    pub until: i64,
    /// A user id, `cli` or `api`.
    pub added_by: String,
    /// When, in ms.
    pub at: i64,
}

/// Which entries to remove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchRef {
    /// By store id.
    Id(i64),
    /// By the term's HMAC, in every category.
    Mac(String),
}

impl Store {
    /// Registers every entry of `batch` in one transaction; how many were
    /// new and how many renewed.
    pub async fn add_watches(&self, batch: &[NewWatch]) -> Result<(usize, usize), StoreError> {
        let mut held = self.hold().await?;
        let begin = if self.is_shared() {
            "BEGIN"
        } else {
            "BEGIN IMMEDIATE"
        };
        held.execute(&Stmt::new(begin)).await.map_err(q("begin"))?;
        let mut new = 0;
        for w in batch {
            match add_on(&mut held, &self.records, w).await {
                Ok(true) => new += 1,
                Ok(false) => {}
                Err(e) => {
                    let _ = held.execute(&Stmt::new("ROLLBACK")).await;
                    return Err(e);
                }
            }
        }
        held.execute(&Stmt::new("COMMIT"))
            .await
            .map_err(q("commit"))?;
        Ok((new, batch.len() - new))
    }

    /// Removes the entries `which` names; how many there were.
    pub async fn remove_watch(&self, which: &WatchRef) -> Result<u64, StoreError> {
        let mut held = self.hold().await?;
        remove_on(&mut held, which).await
    }

    /// Every entry, oldest first (expired ones until the retention job
    /// deletes them).
    pub async fn watch_entries(&self) -> Result<Vec<WatchEntry>, StoreError> {
        on_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT id, category, mac, probe, lead, chars, hint, allowed, until_at, added_by \
                 FROM watch_entries ORDER BY id",
            )
            .fetch_all(pool)
            .await
            .map_err(q("read watchlist"))?;
            rows.iter()
                .map(|r| {
                    let sealed: String = r.try_get(6)?;
                    let allowed: String = r.try_get(7)?;
                    Ok(WatchEntry {
                        id: r.try_get(0)?,
                        category: r.try_get(1)?,
                        mac: r.try_get(2)?,
                        probe: r.try_get::<i64, _>(3)? as u64,
                        lead: r.try_get::<i64, _>(4)? as u16,
                        chars: r.try_get::<i64, _>(5)? as u16,
                        hint: self
                            .records
                            .open_text(Record::WatchHint, &sealed)
                            .unwrap_or_else(|| "○○".to_string()),
                        until: r.try_get(8)?,
                        allowed: allowed.lines().map(String::from).collect(),
                        added_by: r.try_get(9)?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(q("read watchlist"))
        })
    }
}

/// Registers `w` on a held connection (inside a transaction or not).
pub(super) async fn add_on(
    held: &mut Held,
    records: &RecordKey,
    w: &NewWatch,
) -> Result<bool, StoreError> {
    let known = held
        .ints(
            &Stmt::new("SELECT id FROM watch_entries WHERE category = $1 AND mac = $2")
                .arg(&w.category)
                .arg(&w.print.mac),
        )
        .await
        .map_err(q("read watchlist"))?;
    let hint = records.seal_text(Record::WatchHint, &w.print.hint);
    let allowed = w.allowed.join("\n");
    let stmt = Stmt::new(
        "INSERT INTO watch_entries \
         (category, mac, probe, lead, chars, hint, allowed, until_at, added_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (category, mac) DO UPDATE SET allowed = excluded.allowed, \
         until_at = excluded.until_at, added_by = excluded.added_by, hint = excluded.hint",
    )
    .arg(&w.category)
    .arg(&w.print.mac)
    .arg(w.print.probe as i64)
    .arg(i64::from(w.print.lead))
    .arg(i64::from(w.print.chars))
    .arg(hint.as_str())
    .arg(allowed.as_str())
    .arg(w.until)
    .arg(&w.added_by)
    .arg(w.at);
    held.execute(&stmt).await.map_err(q("register watch"))?;
    Ok(known.is_empty())
}

/// Removes the entries `which` names on a held connection.
pub(super) async fn remove_on(held: &mut Held, which: &WatchRef) -> Result<u64, StoreError> {
    let stmt = match which {
        WatchRef::Id(id) => Stmt::new("DELETE FROM watch_entries WHERE id = $1").arg(*id),
        WatchRef::Mac(mac) => Stmt::new("DELETE FROM watch_entries WHERE mac = $1").arg(mac),
    };
    held.execute(&stmt).await.map_err(q("remove watch"))
}
