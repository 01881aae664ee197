//! Names looked up from the platform when an alert is sent (a group's
//! name, a member's display name), cached so that each is asked once, and
//! whether a chat is still active. Names are personal data: they are
//! kept sealed.

use sqlx::Row;

use super::{q, Store, StoreError};
use crate::secret::Record;

impl Store {
    /// The cached name of a chat.
    pub async fn chat_name(&self, chat_id: &str) -> Result<Option<String>, StoreError> {
        on_pool!(self, pool => {
            let row = sqlx::query("SELECT name FROM chats WHERE chat_id = $1")
                .bind(chat_id)
                .fetch_optional(pool)
                .await
                .map_err(q("read chat"))?;
            match row {
                Some(r) => Ok(self.opened(
                    Record::ChatName,
                    r.try_get::<Option<String>, _>(0).map_err(q("read chat"))?,
                )),
                None => Ok(None),
            }
        })
    }

    /// Caches the name of a chat.
    pub async fn set_chat_name(
        &self,
        chat_id: &str,
        name: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO chats (chat_id, kind, name, name_fetched_at) VALUES ($1, 'group', $2, $3) \
                 ON CONFLICT (chat_id) DO UPDATE SET name = excluded.name, name_fetched_at = excluded.name_fetched_at",
            )
            .bind(chat_id)
            .bind(self.records.seal_text(Record::ChatName, name))
            .bind(now)
            .execute(pool)
            .await
            .map_err(q("cache chat name"))?;
            Ok(())
        })
    }

    /// The cached display name of a member.
    pub async fn display_name(
        &self,
        chat_id: &str,
        user_id: &str,
    ) -> Result<Option<String>, StoreError> {
        on_pool!(self, pool => {
            let row = sqlx::query("SELECT display_name FROM profiles WHERE chat_id = $1 AND user_id = $2")
                .bind(chat_id)
                .bind(user_id)
                .fetch_optional(pool)
                .await
                .map_err(q("read profile"))?;
            match row {
                Some(r) => Ok(self.opened(
                    Record::DisplayName,
                    r.try_get::<Option<String>, _>(0).map_err(q("read profile"))?,
                )),
                None => Ok(None),
            }
        })
    }

    /// Caches the display name of a member.
    pub async fn set_display_name(
        &self,
        chat_id: &str,
        user_id: &str,
        name: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO profiles (chat_id, user_id, display_name, fetched_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (chat_id, user_id) DO UPDATE SET display_name = excluded.display_name, \
                 fetched_at = excluded.fetched_at",
            )
            .bind(chat_id)
            .bind(user_id)
            .bind(self.records.seal_text(Record::DisplayName, name))
            .bind(now)
            .execute(pool)
            .await
            .map_err(q("cache profile"))?;
            Ok(())
        })
    }

    /// Whether a chat is marked active, if known.
    pub async fn chat_active(&self, chat_id: &str) -> Result<Option<bool>, StoreError> {
        on_pool!(self, pool => {
            let row = sqlx::query("SELECT active FROM chats WHERE chat_id = $1")
                .bind(chat_id)
                .fetch_optional(pool)
                .await
                .map_err(q("read chat"))?;
            match row {
                Some(r) => Ok(Some(r.try_get::<i64, _>(0).map_err(q("read chat"))? != 0)),
                None => Ok(None),
            }
        })
    }
}
