//! One statement, backend-neutral: its SQL and its arguments as plain
//! values, bound to whichever driver the store has in one place
//! (`bind!`). The multi-statement paths (accepting a batch, queuing a
//! summary) are written once, in ordinary Rust, over a [`Held`]
//! connection; only the few lines here know that there are two drivers.

use sqlx::Row;

use super::Backend;

/// One bound value. Every column the store writes is an integer or text,
/// either of which may be NULL.
#[derive(Debug, Clone, Copy)]
pub(super) enum Arg<'a> {
    /// An integer.
    Int(i64),
    /// Text.
    Text(&'a str),
    /// Text or NULL.
    MaybeText(Option<&'a str>),
    /// An integer or NULL.
    MaybeInt(Option<i64>),
}

impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Arg::Int(v)
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Arg::Text(v)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(v: &'a String) -> Self {
        Arg::Text(v)
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Arg::MaybeText(v)
    }
}

impl<'a> From<&'a Option<String>> for Arg<'a> {
    fn from(v: &'a Option<String>) -> Self {
        Arg::MaybeText(v.as_deref())
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(v: Option<i64>) -> Self {
        Arg::MaybeInt(v)
    }
}

/// SQL with `$n` parameters and the values they take, in order.
#[derive(Debug, Clone)]
pub(super) struct Stmt<'a> {
    sql: std::borrow::Cow<'a, str>,
    args: Vec<Arg<'a>>,
}

impl<'a> Stmt<'a> {
    /// A statement over `sql`.
    pub(super) fn new(sql: impl Into<std::borrow::Cow<'a, str>>) -> Stmt<'a> {
        Stmt {
            sql: sql.into(),
            args: Vec::new(),
        }
    }

    /// Binds the next parameter.
    pub(super) fn arg(mut self, value: impl Into<Arg<'a>>) -> Stmt<'a> {
        self.args.push(value.into());
        self
    }

    /// Binds the next parameter in place (for loops).
    pub(super) fn push(&mut self, value: impl Into<Arg<'a>>) {
        self.args.push(value.into());
    }
}

/// Binds a [`Stmt`]'s arguments to a sqlx query of either backend.
macro_rules! bind {
    ($stmt:expr) => {{
        let stmt: &Stmt<'_> = $stmt;
        let mut query = sqlx::query(&stmt.sql);
        for arg in &stmt.args {
            query = match *arg {
                Arg::Int(v) => query.bind(v),
                Arg::Text(v) => query.bind(v),
                Arg::MaybeText(v) => query.bind(v),
                Arg::MaybeInt(v) => query.bind(v),
            };
        }
        query
    }};
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

/// Runs the same body on the held connection of either backend.
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

impl Held {
    /// Takes a connection from `backend`'s pool.
    pub(super) async fn acquire(backend: &Backend) -> Result<Held, sqlx::Error> {
        Ok(Held(match backend {
            Backend::Sqlite(pool) => HeldConn::Sqlite(pool.acquire().await?),
            Backend::Postgres(pool) => HeldConn::Postgres(pool.acquire().await?),
        }))
    }

    /// Runs `stmt`; the rows it changed.
    pub(super) async fn execute(&mut self, stmt: &Stmt<'_>) -> Result<u64, sqlx::Error> {
        on_held!(self, conn => Ok(bind!(stmt).execute(conn).await?.rows_affected()))
    }

    /// Runs `stmt`; the integer first column of every row it returns.
    pub(super) async fn ints(&mut self, stmt: &Stmt<'_>) -> Result<Vec<i64>, sqlx::Error> {
        on_held!(self, conn => {
            bind!(stmt)
                .fetch_all(conn)
                .await?
                .iter()
                .map(|row| row.try_get::<i64, _>(0))
                .collect()
        })
    }

    /// Runs `stmt`; the text first column of every row it returns.
    pub(super) async fn texts(&mut self, stmt: &Stmt<'_>) -> Result<Vec<String>, sqlx::Error> {
        on_held!(self, conn => {
            bind!(stmt)
                .fetch_all(conn)
                .await?
                .iter()
                .map(|row| row.try_get::<String, _>(0))
                .collect()
        })
    }
}
