//! The schema, embedded in the binary and run on start: (version,
//! description, SQL) per dialect. sqlx's `migrate!` macro would embed them
//! too, but needs the macros feature, which compiles both database drivers
//! a second time.

/// SQLite's migrations.
pub(super) const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
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
    (
        4,
        "outbox platform",
        include_str!("../../migrations/sqlite/0004_outbox_platform.sql"),
    ),
    (
        5,
        "content jobs",
        include_str!("../../migrations/sqlite/0005_content_jobs.sql"),
    ),
    (
        6,
        "watchlist",
        include_str!("../../migrations/sqlite/0006_watchlist.sql"),
    ),
    (
        7,
        "chains",
        include_str!("../../migrations/sqlite/0007_chains.sql"),
    ),
    (
        8,
        "officers",
        include_str!("../../migrations/sqlite/0008_officers.sql"),
    ),
];
/// PostgreSQL has no version 2: SQLite's 0002 only changes a table layout
/// that PostgreSQL does not have.
pub(super) const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
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
    (
        4,
        "outbox platform",
        include_str!("../../migrations/postgres/0004_outbox_platform.sql"),
    ),
    (
        5,
        "content jobs",
        include_str!("../../migrations/postgres/0005_content_jobs.sql"),
    ),
    (
        6,
        "watchlist",
        include_str!("../../migrations/postgres/0006_watchlist.sql"),
    ),
    (
        7,
        "chains",
        include_str!("../../migrations/postgres/0007_chains.sql"),
    ),
    (
        8,
        "officers",
        include_str!("../../migrations/postgres/0008_officers.sql"),
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

pub(super) async fn migrator(
    source: &'static [(i64, &'static str, &'static str)],
) -> Result<sqlx::migrate::Migrator, sqlx::migrate::MigrateError> {
    sqlx::migrate::Migrator::new(Embedded(source)).await
}

/// How far a store's schema is, read without changing anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schema {
    /// The newest migration applied (0: none).
    pub applied: i64,
    /// The newest migration this binary has.
    pub latest: i64,
}

impl Schema {
    /// Every migration of this binary is applied.
    pub fn is_current(&self) -> bool {
        self.applied >= self.latest
    }
}

/// The schema of the store at `url`: connects without creating a file or
/// running a migration (for `leakguard doctor`).
pub async fn schema(url: &str) -> Result<Schema, super::StoreError> {
    use sqlx::{ConnectOptions, Connection};
    use std::str::FromStr;
    let shown = super::redact_url(url);
    let connect_err = |source| super::StoreError::Connect {
        url: shown.clone(),
        source,
    };
    let bad_url = |reason: String| super::StoreError::Url {
        url: shown.clone(),
        reason,
    };
    let (applied, migrations) =
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = sqlx::postgres::PgConnectOptions::from_str(url)
                .map_err(|e| bad_url(e.to_string()))?;
            let conn = opts.connect().await.map_err(connect_err)?;
            (applied(conn).await, POSTGRES_MIGRATIONS)
        } else if url.starts_with("sqlite:") {
            let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                .map_err(|e| bad_url(e.to_string()))?
                .create_if_missing(false);
            let conn = sqlx::SqliteConnection::connect_with(&opts)
                .await
                .map_err(connect_err)?;
            (applied(conn).await, SQLITE_MIGRATIONS)
        } else {
            return Err(bad_url("must start with sqlite: or postgres://".into()));
        };
    Ok(Schema {
        applied,
        latest: latest(migrations),
    })
}

/// The newest migration applied on `conn` (0 when none, or no table yet),
/// closing the connection after.
async fn applied<C>(mut conn: C) -> i64
where
    C: sqlx::Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    for<'q> <C::Database as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, C::Database>,
    (i64,): for<'r> sqlx::FromRow<'r, <C::Database as sqlx::Database>::Row>,
{
    const APPLIED: &str = "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success";
    let applied = sqlx::query_scalar::<_, i64>(APPLIED)
        .fetch_one(&mut conn)
        .await
        .unwrap_or(0);
    let _ = conn.close().await;
    applied
}

fn latest(migrations: &[(i64, &str, &str)]) -> i64 {
    migrations.iter().map(|m| m.0).max().unwrap_or(0)
}
