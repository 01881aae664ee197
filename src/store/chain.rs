//! Forward-chain rows (issue 19 B): for each group message that led to a
//! finding or repeated one, its chat, category, severity, time and keyed
//! fingerprints; never text. Every replica reads the rows it has not seen
//! yet into its in-memory index; they are deleted with the incidents.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sqlx::Row;

use super::statement::{Held, Stmt};
use super::{q, Store, StoreError};

/// A message to keep in a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChainLink {
    /// The chain's first message, or `None` when this one starts a chain.
    pub story_id: Option<i64>,
    /// Group or room id.
    pub chat_id: String,
    /// The category it carries.
    pub category: String,
    /// Its severity (`low`, `medium`, `high`).
    pub severity: &'static str,
    /// When it was posted, ms.
    pub posted_at: i64,
    /// Its fingerprints, sorted.
    pub prints: Vec<u64>,
}

/// A stored chain message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainRow {
    /// Row id.
    pub id: i64,
    /// The chain's first message.
    pub story_id: i64,
    /// Group or room id.
    pub chat_id: String,
    /// Category id.
    pub category: String,
    /// Severity name.
    pub severity: String,
    /// When it was posted, ms.
    pub posted_at: i64,
    /// Its fingerprints, sorted.
    pub prints: Vec<u64>,
}

fn encode(prints: &[u64]) -> String {
    let bytes: Vec<u8> = prints.iter().flat_map(|p| p.to_le_bytes()).collect();
    STANDARD.encode(bytes)
}

fn decode(text: &str) -> Vec<u64> {
    STANDARD
        .decode(text)
        .unwrap_or_default()
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect()
}

impl Store {
    /// The chain rows posted in `[start, end)` (ms), oldest first.
    pub async fn chain_rows_between(
        &self,
        start: i64,
        end: i64,
    ) -> Result<Vec<ChainRow>, StoreError> {
        self.chain_rows(
            "WHERE posted_at >= $1 AND posted_at < $2 ORDER BY posted_at, id",
            start,
            end,
        )
        .await
    }

    /// The chain rows after `last_id`, oldest first, at most `limit`.
    pub async fn chain_rows_after(
        &self,
        last_id: i64,
        limit: i64,
    ) -> Result<Vec<ChainRow>, StoreError> {
        self.chain_rows("WHERE id > $1 ORDER BY id LIMIT $2", last_id, limit)
            .await
    }

    /// The chain rows `tail` selects with its two integer parameters.
    async fn chain_rows(&self, tail: &str, a: i64, b: i64) -> Result<Vec<ChainRow>, StoreError> {
        let sql = format!(
            "SELECT id, story_id, chat_id, category, severity, posted_at, prints \
             FROM chain_messages {tail}"
        );
        on_pool!(self, pool => {
            let rows = sqlx::query(&sql)
            .bind(a)
            .bind(b)
            .fetch_all(pool)
            .await
            .map_err(q("read chains"))?;
            rows.iter()
                .map(|r| {
                    let id: i64 = r.try_get(0)?;
                    Ok(ChainRow {
                        id,
                        story_id: r.try_get::<Option<i64>, _>(1)?.unwrap_or(id),
                        chat_id: r.try_get(2)?,
                        category: r.try_get(3)?,
                        severity: r.try_get(4)?,
                        posted_at: r.try_get(5)?,
                        prints: decode(&r.try_get::<String, _>(6)?),
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(q("read chains"))
        })
    }
}

/// Keeps `link` at `now` on a held connection inside the transaction.
pub(super) async fn add_on(
    held: &mut Held,
    link: &NewChainLink,
    now: i64,
) -> Result<(), StoreError> {
    let prints = encode(&link.prints);
    let stmt = Stmt::new(
        "INSERT INTO chain_messages (story_id, chat_id, category, severity, posted_at, prints, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .arg(link.story_id)
    .arg(&link.chat_id)
    .arg(&link.category)
    .arg(link.severity)
    .arg(link.posted_at)
    .arg(prints.as_str())
    .arg(now);
    held.execute(&stmt).await.map_err(q("keep chain"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprints_survive_the_text_column() {
        let prints = vec![0, 1, u64::MAX, 0x0123_4567_89ab_cdef];
        assert_eq!(super::decode(&super::encode(&prints)), prints);
        assert!(super::decode("not base64!").is_empty());
    }
}
