//! What keeps a copy of the store's files from telling anything without
//! the key (SPEC §9): every message-derived text is sealed (excerpts,
//! queued notices, cached names; content jobs seal their own event), the
//! SQLite files are private to the service's user, deleted content is
//! overwritten (`secure_delete`) and, after an unsend or a purge, the
//! write-ahead log that still held the old pages is truncated.
//!
//! A store written before sealing is sealed in place on the first start
//! with the key, then vacuumed so that no free page keeps the old text.

use std::path::Path;

use sqlx::Row;

use super::{q, Backend, Store, StoreError};
use crate::secret::{Record, SEALED_PREFIX};

/// The columns that hold sealed text: table, an expression naming a row
/// as text (the same in both dialects), column, kind.
const SEALED_COLUMNS: [(&str, &str, &str, Record); 4] = [
    ("incidents", "CAST(id AS TEXT)", "excerpt", Record::Excerpt),
    ("outbox", "CAST(id AS TEXT)", "payload", Record::Notice),
    ("chats", "chat_id", "name", Record::ChatName),
    (
        "profiles",
        "chat_id || ' ' || user_id",
        "display_name",
        Record::DisplayName,
    ),
];

/// Moves the write-ahead log into the database file and truncates it.
pub(super) const TRUNCATE_LOG: &str = "PRAGMA wal_checkpoint(TRUNCATE)";

impl Store {
    /// The text of a value sealed as `kind`; `None` for no value, or one
    /// that does not open with this key.
    pub(super) fn opened(&self, kind: Record, sealed: Option<String>) -> Option<String> {
        self.records.open_text(kind, &sealed?)
    }

    /// Moves the pages of the write-ahead log into the database file and
    /// truncates the log, so that pages overwritten by an unsend or a
    /// purge no longer linger in it (SQLite; PostgreSQL keeps no such
    /// file of ours).
    pub async fn truncate_log(&self) -> Result<(), StoreError> {
        if let Backend::Sqlite(pool) = &self.backend {
            sqlx::query(TRUNCATE_LOG)
                .execute(pool)
                .await
                .map_err(q("checkpoint the log"))?;
        }
        Ok(())
    }

    /// Seals the values a store written before sealing holds in clear;
    /// how many. On SQLite the file is then vacuumed, so that the pages
    /// that held them are rewritten.
    pub(super) async fn seal_plain_values(&self) -> Result<u64, StoreError> {
        let mut sealed = 0;
        for (table, key, column, kind) in SEALED_COLUMNS {
            let select = format!(
                "SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL \
                 AND {column} <> '' AND {column} NOT LIKE '{SEALED_PREFIX}%'"
            );
            let update = format!("UPDATE {table} SET {column} = $1 WHERE {key} = $2");
            let rows: Vec<(String, String)> = on_pool!(self, pool => {
                let rows = sqlx::query(&select)
                    .fetch_all(pool)
                    .await
                    .map_err(q("read values to seal"))?;
                rows.iter()
                    .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<String, _>(1)?)))
                    .collect::<Result<_, sqlx::Error>>()
                    .map_err(q("read values to seal"))?
            });
            for (id, plain) in rows {
                let value = self.records.seal_text(kind, &plain);
                on_pool!(self, pool => {
                    sqlx::query(&update)
                        .bind(value)
                        .bind(&id)
                        .execute(pool)
                        .await
                        .map_err(q("seal a stored value"))?
                        .rows_affected()
                });
                sealed += 1;
            }
        }
        if sealed > 0 {
            if let Backend::Sqlite(pool) = &self.backend {
                sqlx::query("VACUUM")
                    .execute(pool)
                    .await
                    .map_err(q("vacuum after sealing"))?;
                self.truncate_log().await?;
            }
        }
        Ok(sealed)
    }
}

/// Makes the SQLite database at `file` private to this user before it is
/// opened: its directory is created 0700 when missing, the file 0600 when
/// missing (SQLite gives its `-wal` and `-shm` files the database file's
/// mode), and existing files are narrowed to 0600. A directory that
/// already exists is left as it is, with a warning when others may enter.
pub(super) fn private_files(file: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            if dir.exists() {
                let mode = std::fs::metadata(dir)?.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    tracing::warn!(
                        dir = %dir.display(),
                        mode = format!("{mode:04o}"),
                        "the database directory is open to other users; chmod 700 it"
                    );
                }
            } else {
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)?;
            }
        }
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(file)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut path = file.as_os_str().to_owned();
            path.push(suffix);
            let path = Path::new(&path);
            if path.exists() {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    #[cfg(not(unix))]
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    Ok(())
}
