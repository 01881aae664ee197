//! The durable store (SPEC §9, §10): SQLite in WAL mode by default,
//! PostgreSQL when the URL says `postgres://`, both through sqlx with
//! runtime queries (a build needs no database) and embedded migrations run
//! on start.
//!
//! The two backends share every statement: sqlx binds `$1`-style
//! parameters on SQLite too, and `ON CONFLICT`/`RETURNING` exist in both.
//! The one difference is the outbox claim, which on PostgreSQL takes rows
//! with `FOR UPDATE SKIP LOCKED` so that replicas share the work.
//!
//! Nothing here ever receives raw message text: plans carry redacted
//! excerpts, keyed hashes, ids and notices rendered later by a platform
//! adapter, and the excerpts, notices and names are sealed before they
//! are written ([`at_rest`]). The store knows no platform.
//!
//! By concern: `migrations` and connecting (here), [`at_rest`] (sealed
//! columns, private files, erased pages), [`statement`] (one
//! statement over either driver), [`accept`] (a batch of plans in one
//! transaction), [`content`] jobs, [`outbox`] rows, [`names`] cached from the platform,
//! [`report`] queries, [`retention`], [`watch`]list entries.

use std::collections::HashSet;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::secret::RecordKey;

/// Runs the same body against whichever pool the store has; the body is
/// type-checked once per backend.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            $crate::store::Backend::Sqlite($pool) => $body,
            $crate::store::Backend::Postgres($pool) => $body,
        }
    };
}

pub mod accept;
mod at_rest;
pub mod chain;
pub mod content;
pub mod migrations;
pub mod names;
pub mod officers;
pub mod outbox;
pub mod report;
pub mod retention;
pub mod statement;
pub mod watch;

pub use accept::Accepted;
pub use chain::{ChainRow, NewChainLink};
pub use content::ContentJobRow;
pub use officers::{Invitation, InviteError, OfficerRow};
pub use outbox::OutboxRow;
pub use report::{StoredIncident, WeekIncident};
pub use retention::Purged;
pub use statement::Held;
pub use watch::{NewWatch, WatchRef};

/// A store failure, with what was being done.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL is neither `sqlite:` nor `postgres:`, or is malformed.
    #[error("store url {url}: {reason}")]
    Url {
        /// The URL with any password removed.
        url: String,
        /// Why.
        reason: String,
    },
    /// The database could not be reached or opened.
    #[error("cannot open the database {url}: {source}")]
    Connect {
        /// The URL with any password removed.
        url: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// Migrations failed.
    #[error("cannot migrate the database {url}: {source}")]
    Migrate {
        /// The URL with any password removed.
        url: String,
        /// The migrator's error.
        source: sqlx::migrate::MigrateError,
    },
    /// A statement failed.
    #[error("database {what}: {source}")]
    Query {
        /// What was being done.
        what: &'static str,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// A content job was no longer this worker's to finish (its lease ran
    /// out and another worker took it, or its message was unsent);
    /// nothing of its plan was applied.
    #[error("content job {job} is no longer pending for this worker")]
    JobLost {
        /// The job.
        job: i64,
    },
}

fn q(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |source| StoreError::Query { what, source }
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The store; cheap to clone.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    /// Seals and opens every message-derived text.
    records: RecordKey,
    url: String,
    /// Chats known to have a row, so that a message in a known chat
    /// costs no statement (rows are never deleted).
    chats: Arc<Mutex<HashSet<String>>>,
}

fn redact_url(url: &str) -> String {
    // postgres://user:password@host → postgres://user:***@host
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((auth, host)) = rest.split_once('@') {
            if let Some((user, _)) = auth.split_once(':') {
                return format!("{scheme}://{user}:***@{host}");
            }
        }
    }
    url.to_string()
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating a private SQLite file and its directory if needed),
    /// migrates, and seals what an older version kept in clear; every
    /// message-derived text is sealed and opened with `records`.
    pub async fn connect(url: &str, records: RecordKey) -> Result<Store, StoreError> {
        let shown = redact_url(url);
        let connect_err = |source| StoreError::Connect {
            url: shown.clone(),
            source,
        };
        let migrate_err = |source| StoreError::Migrate {
            url: shown.clone(),
            source,
        };
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url).map_err(|e| StoreError::Url {
                url: shown.clone(),
                reason: e.to_string(),
            })?;
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(opts)
                .await
                .map_err(connect_err)?;
            migrations::migrator(migrations::POSTGRES_MIGRATIONS)
                .await
                .map_err(migrate_err)?
                .run(&pool)
                .await
                .map_err(migrate_err)?;
            Backend::Postgres(pool)
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Url {
                    url: shown.clone(),
                    reason: e.to_string(),
                })?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(5))
                // Deleted content is overwritten, not left in free pages.
                .pragma("secure_delete", "ON")
                .foreign_keys(false);
            at_rest::private_files(opts.get_filename()).map_err(|e| StoreError::Url {
                url: shown.clone(),
                reason: format!("cannot create {}: {e}", opts.get_filename().display()),
            })?;
            // One connection: SQLite has one writer anyway, and a single
            // connection never meets SQLITE_BUSY from itself. Throughput
            // comes from batching events into one transaction (group commit).
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                // The file is local: a ping before each use would be one
                // more round trip to the connection's thread.
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await
                .map_err(connect_err)?;
            migrations::migrator(migrations::SQLITE_MIGRATIONS)
                .await
                .map_err(migrate_err)?
                .run(&pool)
                .await
                .map_err(migrate_err)?;
            Backend::Sqlite(pool)
        } else {
            return Err(StoreError::Url {
                url: shown,
                reason: "must start with sqlite: or postgres://".into(),
            });
        };
        let store = Store {
            backend,
            records,
            url: redact_url(url),
            chats: Arc::default(),
        };
        let sealed = store.seal_plain_values().await?;
        if sealed > 0 {
            tracing::info!(values = sealed, "stored values of an older version sealed");
        }
        Ok(store)
    }

    fn known_chat(&self, chat_id: &str) -> bool {
        self.chats.lock().expect("chat cache").contains(chat_id)
    }

    /// The URL, password removed.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// True on PostgreSQL (several replicas may share it).
    pub fn is_shared(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.is_ok())
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }

    /// Takes a connection from the pool until the [`Held`] is dropped.
    pub async fn hold(&self) -> Result<Held, StoreError> {
        Held::acquire(&self.backend).await.map_err(q("begin"))
    }
}

/// The two queues claimed with a lease: the outbox and the content jobs.
#[derive(Debug, Clone, Copy)]
enum Queue {
    Outbox,
    ContentJobs,
}

impl Queue {
    fn table(self) -> &'static str {
        match self {
            Queue::Outbox => "outbox",
            Queue::ContentJobs => "content_jobs",
        }
    }

    /// What else a claim sets. A content job's attempt is counted when it
    /// is claimed, so that a job that crashes its worker runs out of
    /// attempts too; an outbox row's when its send is answered.
    fn on_claim(self) -> &'static str {
        match self {
            Queue::Outbox => "",
            Queue::ContentJobs => ", attempts = attempts + 1",
        }
    }
}

impl Store {
    /// The statement that claims up to `$4` due rows of `queue` for worker
    /// `$1` until `$2` (now is `$3`) and returns `returning` of each. On
    /// PostgreSQL the rows are locked and skipped by other replicas.
    fn claim_sql(&self, queue: Queue, returning: &str) -> String {
        let lock = match self.backend {
            Backend::Postgres(_) => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite(_) => "",
        };
        let (table, also) = (queue.table(), queue.on_claim());
        format!(
            "UPDATE {table} SET claimed_by = $1, claimed_until = $2{also} WHERE id IN (\
             SELECT id FROM {table} WHERE state = 'pending' AND due_at <= $3 \
             AND (claimed_until IS NULL OR claimed_until < $3) ORDER BY id LIMIT $4{lock}) \
             RETURNING {returning}"
        )
    }

    /// Rows of `queue` still pending.
    async fn pending(&self, queue: Queue) -> Result<i64, StoreError> {
        let sql = format!(
            "SELECT COUNT(*) FROM {} WHERE state = 'pending'",
            queue.table()
        );
        on_pool!(self, pool => {
            let row = sqlx::query(&sql).fetch_one(pool).await.map_err(q("count pending rows"))?;
            sqlx::Row::try_get::<i64, _>(&row, 0).map_err(q("count pending rows"))
        })
    }

    /// Releases every claim on `queue` (SQLite start-up: no other process
    /// can hold one); how many.
    async fn release(&self, queue: Queue) -> Result<u64, StoreError> {
        let sql = format!(
            "UPDATE {} SET claimed_by = NULL, claimed_until = NULL \
             WHERE state = 'pending' AND claimed_by IS NOT NULL",
            queue.table()
        );
        on_pool!(self, pool => {
            let r = sqlx::query(&sql).execute(pool).await.map_err(q("release claims"))?;
            Ok(r.rows_affected())
        })
    }
}
