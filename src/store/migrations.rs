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
