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
//! Nothing here ever receives raw message text: [`Plan`]s carry redacted
//! excerpts, keyed hashes, ids and rendered-later [`Outgoing`] values.

use std::collections::HashSet;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Row;

use crate::line::message::Outgoing;

/// The migrations, embedded in the binary: (version, description, SQL)
/// per dialect. sqlx's `migrate!` macro would embed them too, but needs the
/// macros feature, which compiles both database drivers a second time.
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../../migrations/sqlite/0001_init.sql"),
    ),
    (
        2,
        "seen events without rowid",
        include_str!("../../migrations/sqlite/0002_seen_events_without_rowid.sql"),
    ),
    (
        3,
        "summaries",
        include_str!("../../migrations/sqlite/0003_summaries.sql"),
    ),
];
/// PostgreSQL has no version 2: SQLite's 0002 only changes a table layout
/// that PostgreSQL does not have.
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../../migrations/postgres/0001_init.sql"),
    ),
    (
        3,
        "summaries",
        include_str!("../../migrations/postgres/0003_summaries.sql"),
    ),
];

/// A [`MigrationSource`](sqlx::migrate::MigrationSource) over embedded SQL.
#[derive(Debug)]
struct Embedded(&'static [(i64, &'static str, &'static str)]);

impl<'s> sqlx::migrate::MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<
                    Output = Result<Vec<sqlx::migrate::Migration>, sqlx::error::BoxDynError>,
                > + std::marker::Send
                + 's,
        >,
    > {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|&(version, description, sql)| {
                    sqlx::migrate::Migration::new(
                        version,
                        description.into(),
                        sqlx::migrate::MigrationType::Simple,
                        sql.into(),
                        false,
                    )
                })
                .collect())
        })
    }
}

async fn migrator(
    source: &'static [(i64, &'static str, &'static str)],
) -> Result<sqlx::migrate::Migrator, sqlx::migrate::MigrateError> {
    sqlx::migrate::Migrator::new(Embedded(source)).await
}

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
}

fn q(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |source| StoreError::Query { what, source }
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same body against whichever pool the store has; the body is
/// type-checked once per backend.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            Backend::Sqlite($pool) => $body,
            Backend::Postgres($pool) => $body,
        }
    };
}

/// Runs the same body on a held connection of either backend; `$conn` is
/// the `&mut` connection itself, type-checked once per backend.
macro_rules! on_held {
    ($held:expr, $conn:ident => $body:expr) => {
        match &mut $held.0 {
            HeldConn::Sqlite(c) => {
                let $conn: &mut sqlx::SqliteConnection = &mut **c;
                $body
            }
            HeldConn::Postgres(c) => {
                let $conn: &mut sqlx::PgConnection = &mut **c;
                $body
            }
        }
    };
}

/// A pool connection kept by one user across several calls (the group
/// committer, for consecutive batches). On SQLite the pool's only
/// connection: hold it briefly. Dropping it returns it to the pool.
#[derive(Debug)]
pub struct Held(HeldConn);

#[derive(Debug)]
enum HeldConn {
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
}

/// Records the batch's event ids in one statement (after `prefix`, which
/// may open the transaction; it runs alone when there is no id) and yields
/// the ones not seen before; a redelivery finds its id already there.
macro_rules! record_ids {
    ($conn:expr, $prefix:expr, $ids:expr) => {{
        let ids: &[&str] = $ids;
        let mut new_ids: HashSet<String> = HashSet::new();
        if ids.is_empty() {
            // Events without ids (older SDKs' fixtures) still need the
            // transaction the prefix opens.
            if !$prefix.is_empty() {
                sqlx::query($prefix)
                    .execute($conn)
                    .await
                    .map_err(q("begin"))?;
            }
        } else {
            let mut sql = format!(
                "{}INSERT INTO seen_events (event_id, seen_at) VALUES ",
                $prefix
            );
            sql.push_str(&value_rows(ids.len(), |i| format!("(${}, $1)", i + 2)));
            sql.push_str(" ON CONFLICT DO NOTHING RETURNING event_id");
            let mut query = sqlx::query(&sql).bind(now_ms());
            for id in ids {
                query = query.bind(*id);
            }
            for row in query
                .fetch_all($conn)
                .await
                .map_err(q("record event ids"))?
            {
                new_ids.insert(row.try_get(0).map_err(q("record event ids"))?);
            }
        }
        new_ids
    }};
}

/// The rows of a multi-row `VALUES` list: `row(i)` for each of `n` rows,
/// comma-separated.
fn value_rows(n: usize, row: impl Fn(usize) -> String) -> String {
    (0..n).map(row).collect::<Vec<_>>().join(", ")
}

/// Whether `plan` is applied: it has no event id, or its id is among the
/// batch's `new_ids`. Taking the id out makes a second copy of it in the
/// same batch a duplicate.
fn is_new(plan: &Plan, new_ids: &mut HashSet<String>) -> bool {
    plan.event_id.as_ref().is_none_or(|id| new_ids.remove(id))
}

/// Writes one outbox row inside a transaction.
macro_rules! insert_send {
    ($tx:expr, $send:expr, $incident:expr) => {{
        let send: &Send = $send;
        let (kind, target, token) = match &send.route {
            Route::Reply { token, fallback_to } => ("reply", fallback_to.clone(), Some(token.clone())),
            Route::Push { to } => ("push", Some(to.clone()), None),
        };
        let payload = serde_json::to_string(&send.outgoing).expect("outgoing serializes");
        sqlx::query(
            "INSERT INTO outbox (incident_id, kind, target, reply_token, retry_key, payload, due_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind($incident)
        .bind(kind)
        .bind(target)
        .bind(token)
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(payload)
        .bind(now_ms())
        .execute(&mut *$tx)
        .await
        .map_err(q("queue message"))?;
    }};
}

/// The store; cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    url: String,
    /// Chats known to have a row, so that a message in a known chat
    /// costs no statement (rows are never deleted).
    chats: Arc<Mutex<HashSet<String>>>,
}

/// Everything one webhook event changes, applied in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// `webhookEventId`; an id seen before makes the whole plan a no-op.
    pub event_id: Option<String>,
    /// What to record and send.
    pub ops: Vec<Op>,
}

/// One change.
#[derive(Debug, Clone)]
pub enum Op {
    /// A risky message: its incidents and, unless the cooldown holds, its sends.
    Incidents(IncidentGroup),
    /// A message to send regardless of any cooldown.
    Send(Send),
    /// A group or room the bot is (still) in.
    ChatSeen {
        /// Group or room id.
        chat_id: String,
        /// `group` or `room`.
        kind: &'static str,
        /// True on a `join` event.
        joined: bool,
        /// When.
        at: i64,
    },
    /// The bot left a group or room.
    ChatLeft {
        /// Group or room id.
        chat_id: String,
        /// When.
        at: i64,
    },
    /// A message was unsent: its incidents are retracted, excerpts erased.
    Retract {
        /// LINE message id.
        message_id: String,
        /// When.
        at: i64,
    },
    /// A postback tap on a warning.
    Feedback {
        /// The incident named in the postback data.
        incident_id: i64,
        /// Who tapped.
        user_id: Option<String>,
        /// What they said.
        outcome: Outcome,
        /// When.
        at: i64,
        /// The thanks, sent only when the incident exists.
        thanks: Option<Send>,
    },
}

/// Outcome of a warning, as told by a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 「我知道了」.
    Acknowledged,
    /// 「這是誤判」.
    FalsePositive,
}

impl Outcome {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Acknowledged => "acknowledged",
            Outcome::FalsePositive => "false_positive",
        }
    }
}

/// The incidents of one message and what they would send.
#[derive(Debug, Clone)]
pub struct IncidentGroup {
    /// One per category.
    pub incidents: Vec<NewIncident>,
    /// When set, the sends go out only if at least one of these rules was
    /// not warned about in this chat since `since`.
    pub cooldown: Option<Cooldown>,
    /// Warning, reminder and alerts; their incident id is set to the first
    /// incident's id when it is known.
    pub sends: Vec<Send>,
}

/// A cooldown gate.
#[derive(Debug, Clone)]
pub struct Cooldown {
    /// Group or room id.
    pub chat_id: String,
    /// The rules that would warn.
    pub rules: Vec<String>,
    /// Now, in ms.
    pub now: i64,
    /// Length of the cooldown, in ms.
    pub window: i64,
}

/// An incident to record.
#[derive(Debug, Clone)]
pub struct NewIncident {
    /// `webhookEventId`, when known.
    pub event_id: Option<String>,
    /// Group or room id.
    pub chat_id: String,
    /// Sender.
    pub user_id: Option<String>,
    /// LINE message id.
    pub message_id: Option<String>,
    /// Category id.
    pub category: String,
    /// Rule ids, comma-separated.
    pub rules: String,
    /// `low`, `medium` or `high`.
    pub severity: &'static str,
    /// 0–100.
    pub score: i64,
    /// Redacted evidence.
    pub excerpt: String,
    /// Keyed hash of the normalized text.
    pub text_hash: String,
    /// What was done (`warned`, `alerted`, `reminded`, `recorded`, `standby`);
    /// becomes `cooldown` when the gate holds.
    pub action: &'static str,
    /// When, in ms.
    pub created_at: i64,
}

/// A message for the outbox.
#[derive(Debug, Clone)]
pub struct Send {
    /// How it goes out.
    pub route: Route,
    /// What it says.
    pub outgoing: Outgoing,
}

/// How a message goes out.
#[derive(Debug, Clone)]
pub enum Route {
    /// A free reply; when the token is rejected, a push to `fallback_to`.
    Reply {
        /// The event's reply token.
        token: String,
        /// The chat or user to push to instead.
        fallback_to: Option<String>,
    },
    /// A push.
    Push {
        /// Recipient: user, group or room id.
        to: String,
    },
}

/// What a batch of plans did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Accepted {
    /// Plans applied.
    pub applied: usize,
    /// Plans skipped as redeliveries.
    pub duplicates: usize,
    /// Outbox rows written.
    pub queued: usize,
}

/// An outbox row claimed for sending.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    /// Row id.
    pub id: i64,
    /// `reply` or `push`.
    pub kind: String,
    /// Push recipient, or a reply's fallback.
    pub target: Option<String>,
    /// A reply's token.
    pub reply_token: Option<String>,
    /// The push's `X-Line-Retry-Key`, the same on every attempt.
    pub retry_key: String,
    /// The [`Outgoing`], as JSON.
    pub payload: String,
    /// Attempts so far.
    pub attempts: i64,
}

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
    /// Redacted excerpt; `None` once retracted.
    pub excerpt: Option<String>,
    /// What was done.
    pub action: String,
    /// `acknowledged`, `false_positive`, `retracted` or `None`.
    pub outcome: Option<String>,
    /// Who set the outcome.
    pub outcome_by: Option<String>,
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

impl Store {
    /// Opens (creating a SQLite file and its directory if needed) and migrates.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
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
            migrator(POSTGRES_MIGRATIONS)
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
                .foreign_keys(false);
            if let Some(dir) = opts.get_filename().parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(|e| StoreError::Url {
                        url: shown.clone(),
                        reason: format!("cannot create {}: {e}", dir.display()),
                    })?;
                }
            }
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
            migrator(SQLITE_MIGRATIONS)
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
        Ok(Store {
            backend,
            url: redact_url(url),
            chats: Arc::default(),
        })
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
        Ok(Held(match &self.backend {
            Backend::Sqlite(pool) => HeldConn::Sqlite(pool.acquire().await.map_err(q("begin"))?),
            Backend::Postgres(pool) => {
                HeldConn::Postgres(pool.acquire().await.map_err(q("begin"))?)
            }
        }))
    }

    /// [`Store::accept_on`] on a connection of its own from the pool.
    pub async fn accept(&self, plans: &[Plan]) -> Result<Accepted, StoreError> {
        let mut held = self.hold().await?;
        self.accept_on(&mut held, plans).await
    }

    /// Applies `plans` in one transaction: redeliveries are skipped, the
    /// rest recorded with their outbox rows. Nothing is applied on error.
    ///
    /// Every statement is a round trip to the connection (on SQLite, to
    /// its thread), so the common batch, where no event changes more than
    /// its id, is one autocommit statement, and a batch that does more
    /// opens its transaction in the same round trip as its first insert.
    ///
    /// A connection returned to the pool is pinged first (sqlx does this
    /// on every release), one more round trip to the connection; the
    /// committer avoids it by holding one across consecutive batches.
    pub async fn accept_on(&self, held: &mut Held, plans: &[Plan]) -> Result<Accepted, StoreError> {
        let ids: Vec<&str> = plans.iter().filter_map(|p| p.event_id.as_deref()).collect();
        let writes = plans.iter().any(|p| p.ops.iter().any(|op| self.writes(op)));
        on_held!(held, conn => {
            if !writes {
                let mut new_ids = record_ids!(&mut *conn, "", &ids);
                let mut acc = Accepted::default();
                for plan in plans {
                    if is_new(plan, &mut new_ids) {
                        acc.applied += 1;
                    } else {
                        acc.duplicates += 1;
                    }
                }
                return Ok(acc);
            }
            // SQLite runs several statements from one string: BEGIN costs no
            // round trip of its own there. The transaction is opened and
            // closed by hand, so every error path below rolls it back (the
            // commit loop never drops this future half-way).
            let begin = if self.is_shared() {
                sqlx::query("BEGIN").execute(&mut *conn).await.map_err(q("begin"))?;
                ""
            } else {
                "BEGIN IMMEDIATE; "
            };
            let applied = async {
                let mut new_ids = record_ids!(&mut *conn, begin, &ids);
                let mut acc = Accepted::default();
                let mut new_chats: Vec<&str> = Vec::new();
                for plan in plans {
                    if !is_new(plan, &mut new_ids) {
                        acc.duplicates += 1;
                        continue;
                    }
                    acc.applied += 1;
                    for op in &plan.ops {
                        match op {
                            Op::Incidents(g) => {
                                let open = match &g.cooldown {
                                    None => true,
                                    Some(c) => {
                                        // One upsert for all the rules: a row
                                        // changes where the rule is new to the
                                        // chat or its window has passed.
                                        let mut rules: Vec<&str> = c.rules.iter().map(String::as_str).collect();
                                        rules.sort_unstable();
                                        rules.dedup();
                                        let sql = format!(
                                            "INSERT INTO cooldowns (chat_id, rule, last_at) VALUES {} \
                                             ON CONFLICT (chat_id, rule) DO UPDATE SET last_at = excluded.last_at \
                                             WHERE cooldowns.last_at <= $3",
                                            value_rows(rules.len(), |i| format!("($1, ${}, $2)", i + 4))
                                        );
                                        let mut query = sqlx::query(&sql).bind(&c.chat_id).bind(c.now).bind(c.now - c.window);
                                        for rule in &rules {
                                            query = query.bind(*rule);
                                        }
                                        !rules.is_empty()
                                            && query.execute(&mut *conn).await.map_err(q("update cooldown"))?.rows_affected() > 0
                                    }
                                };
                                // All the group's incidents in one statement;
                                // the sends carry the first one's id.
                                let mut first_id = None;
                                if !g.incidents.is_empty() {
                                    const COLUMNS: usize = 12;
                                    let sql = format!(
                                        "INSERT INTO incidents (event_id, chat_id, user_id, message_id, category, rules, \
                                         severity, score, excerpt, text_hash, action, created_at) VALUES {} RETURNING id",
                                        value_rows(g.incidents.len(), |i| {
                                            let row: Vec<String> =
                                                (1..=COLUMNS).map(|c| format!("${}", i * COLUMNS + c)).collect();
                                            format!("({})", row.join(", "))
                                        })
                                    );
                                    let mut query = sqlx::query(&sql);
                                    for inc in &g.incidents {
                                        let action = if open { inc.action } else { cooled(inc.action) };
                                        query = query
                                            .bind(&inc.event_id)
                                            .bind(&inc.chat_id)
                                            .bind(&inc.user_id)
                                            .bind(&inc.message_id)
                                            .bind(&inc.category)
                                            .bind(&inc.rules)
                                            .bind(inc.severity)
                                            .bind(inc.score)
                                            .bind(&inc.excerpt)
                                            .bind(&inc.text_hash)
                                            .bind(action)
                                            .bind(inc.created_at);
                                    }
                                    // RETURNING gives no order; ids grow in
                                    // the order of the rows.
                                    for row in query.fetch_all(&mut *conn).await.map_err(q("record incident"))? {
                                        let id: i64 = row.try_get(0).map_err(q("record incident"))?;
                                        first_id = Some(first_id.map_or(id, |f: i64| f.min(id)));
                                    }
                                }
                                if open {
                                    for s in &g.sends {
                                        let mut s = s.clone();
                                        if let Some(id) = first_id {
                                            s.outgoing.set_incident(id);
                                        }
                                        insert_send!(conn, &s, first_id);
                                        acc.queued += 1;
                                    }
                                }
                            }
                            Op::Send(s) => {
                                insert_send!(conn, s, None::<i64>);
                                acc.queued += 1;
                            }
                            Op::ChatSeen { chat_id, kind, joined, at } => {
                                if !*joined && self.known_chat(chat_id) {
                                    continue;
                                }
                                new_chats.push(chat_id);
                                let sql = if *joined {
                                    "INSERT INTO chats (chat_id, kind, active, joined_at) VALUES ($1, $2, 1, $3) \
                                     ON CONFLICT (chat_id) DO UPDATE SET active = 1, joined_at = excluded.joined_at, left_at = NULL"
                                } else {
                                    "INSERT INTO chats (chat_id, kind, active, joined_at) VALUES ($1, $2, 1, $3) \
                                     ON CONFLICT (chat_id) DO NOTHING"
                                };
                                sqlx::query(sql)
                                    .bind(chat_id)
                                    .bind(*kind)
                                    .bind(*at)
                                    .execute(&mut *conn)
                                    .await
                                    .map_err(q("record chat"))?;
                            }
                            Op::ChatLeft { chat_id, at } => {
                                sqlx::query(
                                    "INSERT INTO chats (chat_id, kind, active, left_at) VALUES ($1, 'group', 0, $2) \
                                     ON CONFLICT (chat_id) DO UPDATE SET active = 0, left_at = excluded.left_at",
                                )
                                .bind(chat_id)
                                .bind(*at)
                                .execute(&mut *conn)
                                .await
                                .map_err(q("record leave"))?;
                            }
                            Op::Retract { message_id, at } => {
                                sqlx::query(
                                    "UPDATE incidents SET outcome = 'retracted', outcome_at = $2, excerpt = NULL \
                                     WHERE message_id = $1",
                                )
                                .bind(message_id)
                                .bind(*at)
                                .execute(&mut *conn)
                                .await
                                .map_err(q("retract incident"))?;
                            }
                            Op::Feedback { incident_id, user_id, outcome, at, thanks } => {
                                let r = sqlx::query(
                                    "UPDATE incidents SET outcome = $2, outcome_by = $3, outcome_at = $4 \
                                     WHERE (id = $1 OR (message_id IS NOT NULL AND message_id = \
                                     (SELECT message_id FROM incidents WHERE id = $1))) \
                                     AND (outcome IS NULL OR outcome <> 'retracted')",
                                )
                                .bind(*incident_id)
                                .bind(outcome.as_str())
                                .bind(user_id)
                                .bind(*at)
                                .execute(&mut *conn)
                                .await
                                .map_err(q("record feedback"))?;
                                if r.rows_affected() > 0 {
                                    sqlx::query(
                                        "INSERT INTO feedback (incident_id, user_id, kind, created_at) VALUES ($1, $2, $3, $4)",
                                    )
                                    .bind(*incident_id)
                                    .bind(user_id)
                                    .bind(outcome.as_str())
                                    .bind(*at)
                                    .execute(&mut *conn)
                                    .await
                                    .map_err(q("record feedback"))?;
                                    if let Some(s) = thanks {
                                        insert_send!(conn, s, Some(*incident_id));
                                        acc.queued += 1;
                                    }
                                }
                            }
                        }
                    }
                }
                sqlx::query("COMMIT").execute(&mut *conn).await.map_err(q("commit"))?;
                Ok::<_, StoreError>((acc, new_chats))
            }
            .await;
            match applied {
                Ok((acc, new_chats)) => {
                    let mut known = self.chats.lock().expect("chat cache");
                    for c in new_chats {
                        known.insert(c.to_string());
                    }
                    Ok(acc)
                }
                Err(e) => {
                    // Whatever the failed statement left open is undone; if
                    // BEGIN itself failed there is nothing to roll back.
                    let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
                    Err(e)
                }
            }
        })
    }

    /// Whether `op` needs a statement (a message in a known chat does not).
    fn writes(&self, op: &Op) -> bool {
        match op {
            Op::ChatSeen {
                chat_id,
                joined: false,
                ..
            } => !self.known_chat(chat_id),
            _ => true,
        }
    }

    /// Claims up to `limit` due outbox rows for `worker` until `now + lease`.
    pub async fn claim(
        &self,
        worker: &str,
        now: i64,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let until = now + lease.as_millis() as i64;
        let lock = match self.backend {
            Backend::Postgres(_) => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite(_) => "",
        };
        let sql = format!(
            "UPDATE outbox SET claimed_by = $1, claimed_until = $2 WHERE id IN (\
             SELECT id FROM outbox WHERE state = 'pending' AND due_at <= $3 \
             AND (claimed_until IS NULL OR claimed_until < $3) ORDER BY id LIMIT $4{lock}) \
             RETURNING id, kind, target, reply_token, retry_key, payload, attempts"
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
                    reply_token: r.try_get("reply_token").map_err(q("read outbox row"))?,
                    retry_key: r.try_get("retry_key").map_err(q("read outbox row"))?,
                    payload: r.try_get("payload").map_err(q("read outbox row"))?,
                    attempts: r.try_get("attempts").map_err(q("read outbox row"))?,
                });
            }
            out.sort_by_key(|r| r.id);
            Ok(out)
        })
    }

    /// Releases every claim (SQLite start-up: no other process can hold one).
    pub async fn release_claims(&self) -> Result<u64, StoreError> {
        on_pool!(self, pool => {
            let r = sqlx::query(
                "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE state = 'pending' AND claimed_by IS NOT NULL",
            )
            .execute(pool)
            .await
            .map_err(q("release outbox claims"))?;
            Ok(r.rows_affected())
        })
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
        on_pool!(self, pool => {
            let row = sqlx::query("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
                .fetch_one(pool)
                .await
                .map_err(q("count outbox"))?;
            row.try_get::<i64, _>(0).map_err(q("count outbox"))
        })
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

    /// The cached name of a chat.
    pub async fn chat_name(&self, chat_id: &str) -> Result<Option<String>, StoreError> {
        on_pool!(self, pool => {
            let row = sqlx::query("SELECT name FROM chats WHERE chat_id = $1")
                .bind(chat_id)
                .fetch_optional(pool)
                .await
                .map_err(q("read chat"))?;
            match row {
                Some(r) => r.try_get::<Option<String>, _>(0).map_err(q("read chat")),
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
            .bind(name)
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
                Some(r) => r.try_get::<String, _>(0).map(Some).map_err(q("read profile")),
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
            .bind(name)
            .bind(now)
            .execute(pool)
            .await
            .map_err(q("cache profile"))?;
            Ok(())
        })
    }

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
                    excerpt: r.try_get("excerpt").map_err(q("read incidents"))?,
                    action: r.try_get("action").map_err(q("read incidents"))?,
                    outcome: r.try_get("outcome").map_err(q("read incidents"))?,
                    outcome_by: r.try_get("outcome_by").map_err(q("read incidents"))?,
                });
            }
            Ok(out)
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
                    chat_name: r.try_get(1).map_err(q(WHAT))?,
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
        on_pool!(self, pool => {
            let mut tx = pool.begin().await.map_err(q("begin"))?;
            let r = sqlx::query(sql)
                .bind(week)
                .bind(officer)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(q("record summary"))?;
            if r.rows_affected() == 0 {
                return Ok(false);
            }
            insert_send!(tx, send, None::<i64>);
            tx.commit().await.map_err(q("commit"))?;
            Ok(true)
        })
    }
}

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
}

/// Rows deleted per statement, so a first purge of a large store never
/// holds the write lock long enough to stall the webhook.
const PURGE_BATCH: i64 = 2_000;

impl Store {
    /// Deletes incidents (with their feedback) and finished outbox rows
    /// created before `records_before`, and event ids seen before
    /// `events_before` (ms), in batches.
    pub async fn purge(
        &self,
        records_before: i64,
        events_before: i64,
    ) -> Result<Purged, StoreError> {
        // Feedback first: it is found through the incidents it belongs to.
        Ok(Purged {
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
            seen_events: self
                .delete_batched(
                    "DELETE FROM seen_events WHERE event_id IN \
                     (SELECT event_id FROM seen_events WHERE seen_at < $1 LIMIT $2)",
                    events_before,
                )
                .await?,
        })
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

/// The action recorded when the cooldown held back the sends.
fn cooled(action: &'static str) -> &'static str {
    match action {
        "warned" | "alerted" | "reminded" => "cooldown",
        other => other,
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
