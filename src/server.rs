//! The HTTP edge (SPEC §5): the axum router, the signature extractor over
//! the raw body, group commit of accepted events, and the start-up and
//! shutdown of the workers.
//!
//! A webhook request goes: verify `x-line-signature` on the raw bytes →
//! parse leniently → build one plan per event (pure CPU) → hand the plans
//! to the committer, which writes the plans of every request waiting at
//! that moment in one transaction → 200. A 200 therefore means the events,
//! incidents and outbox rows are on disk; if the commit fails the answer
//! is 503 and LINE redelivers.
//!
//! The committer runs on a thread of its own, with a single-threaded
//! runtime: on the shared runtime, the wake-up that follows each store
//! round trip waited in a queue behind the request handlers, and under
//! load that added about a third of a millisecond to every commit.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::{mpsc, oneshot, watch, Notify};

use crate::calendar::IsoWeek;
use crate::clock::now_ms;
use crate::config::{Config, Secrets};
use crate::line::client::Client;
use crate::line::event::parse_batch;
use crate::line::signature;
use crate::outbox::{self, Outbox};
use crate::pipeline::plan::Plan;
use crate::pipeline::{event_type, Pipeline};
use crate::scan::Scanner;
use crate::secret::link_is_valid;
use crate::store::{Held, Store, StoreError};
use crate::summary::schedule::Summaries;
use crate::summary::{self, page, render};

/// Largest webhook body accepted (SPEC §5).
pub const BODY_LIMIT: usize = 1 << 20;

/// Most plans written in one transaction.
const COMMIT_BATCH: usize = 256;

/// Yields without a new job before a transaction starts anyway.
const COMMIT_YIELDS: u32 = 4;

/// Why the server could not start; one line each.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The store could not be opened or migrated.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The configured address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
    /// The LINE client could not be built.
    #[error("cannot build the LINE client: {0}")]
    Client(String),
    /// The committer's thread or runtime could not be started.
    #[error("cannot start the commit thread: {0}")]
    Committer(std::io::Error),
}

struct Job {
    plans: Vec<Plan>,
    done: oneshot::Sender<Result<usize, String>>,
}

/// Shared by every handler. axum clones the state for every request, so
/// it is one reference count.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] shares; its fields are private to the server.
pub struct Shared {
    pipeline: Arc<Pipeline>,
    store: Store,
    channel_secret: Vec<u8>,
    commits: mpsc::Sender<Job>,
    summaries: Arc<Summaries>,
    admin_token: Option<String>,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    http: tokio::task::JoinHandle<()>,
    worker: tokio::task::JoinHandle<()>,
    /// Fires when the commit thread has finished.
    committer: oneshot::Receiver<()>,
    store: Store,
    pipeline: Arc<Pipeline>,
}

/// What [`Server::start`] needs.
pub struct Options {
    /// Settings.
    pub config: Arc<Config>,
    /// Secrets from the environment.
    pub secrets: Secrets,
    /// The compiled packs.
    pub scanner: Arc<Scanner>,
    /// Outbox pacing.
    pub outbox: outbox::Settings,
    /// How long the outbox may keep sending after shutdown is asked.
    pub drain: Duration,
}

impl Server {
    /// Opens the store, binds the listener and starts the workers.
    pub async fn start(opts: Options) -> Result<Server, StartError> {
        let config = opts.config;
        let store = Store::connect(&config.store.url).await?;
        let listener = tokio::net::TcpListener::bind(&config.server.listen)
            .await
            .map_err(|source| StartError::Listen {
                addr: config.server.listen.clone(),
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Listen {
            addr: config.server.listen.clone(),
            source,
        })?;
        let client = Client::new(
            &config.line.api_base,
            &opts.secrets.channel_access_token,
            Duration::from_secs(10),
        )
        .map_err(|e| StartError::Client(e.to_string()))?;
        let pipeline = Arc::new(Pipeline::new(
            opts.scanner,
            config.clone(),
            opts.secrets.hash_key.clone(),
        ));
        let wake = Arc::new(Notify::new());
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (commits, jobs) = mpsc::channel::<Job>(4096);
        let committer = start_committer(store.clone(), jobs, wake.clone())?;
        let summaries = Arc::new(Summaries {
            store: store.clone(),
            ctx: summary::Context::new(&config, &pipeline.scanner()),
            weekly_at: config.report.weekly_at,
            public_url: config.server.public_url.clone(),
            key: opts.secrets.hash_key.clone(),
        });
        let worker = tokio::spawn(
            Outbox::new(
                store.clone(),
                client.clone(),
                wake.clone(),
                opts.outbox,
                summaries.clone(),
            )
            .run(shutdown_rx.clone(), opts.drain),
        );
        tokio::spawn(quota_loop(client, shutdown_rx.clone()));
        tokio::spawn(retention_loop(
            store.clone(),
            config.store.retention_days,
            shutdown_rx.clone(),
        ));
        tokio::spawn(summary_loop(
            summaries.clone(),
            wake.clone(),
            shutdown_rx.clone(),
        ));
        let state = AppState(Arc::new(Shared {
            pipeline: pipeline.clone(),
            store: store.clone(),
            channel_secret: opts.secrets.channel_secret.into_bytes(),
            commits,
            summaries,
            admin_token: opts.secrets.admin_token,
        }));
        let app = router(state);
        let mut rx = shutdown_rx;
        let http = tokio::spawn(async move {
            let stop = async move {
                let _ = rx.wait_for(|s| *s).await;
            };
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(stop)
                .await
            {
                tracing::error!(error = %e, "http server failed");
            }
        });
        tracing::info!(%addr, store = store.url(), "leakguard listening");
        Ok(Server {
            addr,
            shutdown,
            http,
            worker,
            committer,
            store,
            pipeline,
        })
    }

    /// The bound address (useful with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The store, for reports and tests.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The pipeline, for hot reload.
    pub fn pipeline(&self) -> &Arc<Pipeline> {
        &self.pipeline
    }

    /// Stops accepting, finishes in-flight requests, lets the outbox
    /// drain for its bounded time, then closes the store.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.http.await;
        // The router (and with it the last commit sender) is gone now.
        let _ = self.committer.await;
        let _ = self.worker.await;
        self.store.close().await;
        tracing::info!("leakguard stopped");
    }
}

/// The routes of SPEC §5.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/webhook/line", post(webhook))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/reports/{file}", get(report))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

async fn readyz(State(state): State<AppState>) -> Response {
    let packs = state.pipeline.scanner().rule_count() > 0;
    if packs && state.store.ping().await {
        (StatusCode::OK, "ready\n").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready\n").into_response()
    }
}

async fn metrics() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        crate::metrics::render(),
    )
        .into_response()
}

/// The query of a signed report link.
#[derive(Debug, serde::Deserialize)]
struct LinkQuery {
    expires: Option<String>,
    sig: Option<String>,
}

/// Headers every report answer carries: never cached, never indexed, no
/// referrer, nothing loaded from elsewhere.
fn private(content_type: &'static str, body: String, status: StatusCode) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; \
                 form-action 'none'; frame-ancestors 'none'",
            ),
            (header::HeaderName::from_static("x-robots-tag"), "noindex"),
        ],
        body,
    )
        .into_response()
}

/// A short plain-text answer of the report route (404, 503): no figures.
fn private_text(status: StatusCode, text: &str) -> Response {
    private("text/plain; charset=utf-8", format!("{text}\n"), status)
}

/// `GET /reports/{YYYY-Www}[.csv|.json]` (SPEC §5): for a signed link that
/// has not expired, or the admin token as `Authorization: Bearer …`;
/// anything else gets 403 and no figures.
async fn report(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(link): Query<LinkQuery>,
    headers: HeaderMap,
) -> Response {
    const HTML: &str = "text/html; charset=utf-8";
    let (name, format) = match file.rsplit_once('.') {
        Some((name, "csv")) => (name, "csv"),
        Some((name, "json")) => (name, "json"),
        Some(_) => ("", ""),
        None => (file.as_str(), "html"),
    };
    let Ok(week) = name.parse::<IsoWeek>() else {
        return private_text(StatusCode::NOT_FOUND, "no such report");
    };
    let now = jiff::Timestamp::now();
    let signed = match (&link.expires, &link.sig) {
        (Some(expires), Some(sig)) => expires.parse::<i64>().is_ok_and(|expires| {
            link_is_valid(
                &state.summaries.key,
                &week.to_string(),
                expires,
                sig,
                now.as_second(),
            )
        }),
        _ => false,
    };
    let admin = state.admin_token.as_deref().is_some_and(|token| {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| {
                subtle::ConstantTimeEq::ct_eq(given.as_bytes(), token.as_bytes()).into()
            })
    });
    if !signed && !admin {
        crate::metrics::report_view(format, "denied");
        return private(HTML, page::denied(), StatusCode::FORBIDDEN);
    }
    let ctx = &state.summaries.ctx;
    let (start, end) = week.bounds(&ctx.tz);
    if start > now.as_millisecond() {
        crate::metrics::report_view(format, "not_found");
        return private_text(StatusCode::NOT_FOUND, "this week has not begun");
    }
    let figures = match summary::figures(&state.store, ctx, week).await {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(week = %week, error = %e, "report figures unavailable");
            crate::metrics::report_view(format, "unavailable");
            return private_text(
                StatusCode::SERVICE_UNAVAILABLE,
                "the store is not answering; please try again",
            );
        }
    };
    crate::metrics::report_view(format, "ok");
    match format {
        "csv" => {
            let mut r = private(
                "text/csv; charset=utf-8",
                render::csv(&figures),
                StatusCode::OK,
            );
            let disposition = format!("attachment; filename=\"leakguard-{week}.csv\"");
            if let Ok(v) = disposition.parse() {
                r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            r
        }
        "json" => private(
            "application/json",
            serde_json::to_string_pretty(&figures).expect("figures serialize"),
            StatusCode::OK,
        ),
        _ => {
            let query = match (&link.expires, &link.sig) {
                (Some(e), Some(s)) if signed => format!("?expires={e}&sig={s}"),
                _ => String::new(),
            };
            let links = page::PageLinks {
                query,
                so_far: end > now.as_millisecond(),
            };
            private(HTML, page::html(&figures, &links), StatusCode::OK)
        }
    }
}

/// The raw body, verified against `x-line-signature` before anything reads it.
pub struct SignedBody(pub Bytes);

/// Why a webhook body was refused before parsing.
#[derive(Debug)]
pub enum BodyRejection {
    /// 401: missing, not base64, or wrong.
    Signature(signature::SignatureError),
    /// 413: over [`BODY_LIMIT`].
    TooLarge,
    /// 400: the body could not be read.
    Unreadable,
}

impl IntoResponse for BodyRejection {
    fn into_response(self) -> Response {
        let (status, text) = match self {
            BodyRejection::Signature(_) => (StatusCode::UNAUTHORIZED, "invalid signature\n"),
            BodyRejection::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "body too large\n"),
            BodyRejection::Unreadable => (StatusCode::BAD_REQUEST, "unreadable body\n"),
        };
        crate::metrics::webhook_request(status.as_u16());
        (status, text).into_response()
    }
}

impl FromRequest<AppState> for SignedBody {
    type Rejection = BodyRejection;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = req
            .headers()
            .get("x-line-signature")
            .map(|v| v.to_str().map(str::to_owned).unwrap_or_default());
        if header.is_none() {
            return Err(BodyRejection::Signature(signature::SignatureError::Missing));
        }
        let body = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                BodyRejection::TooLarge
            } else {
                BodyRejection::Unreadable
            }
        })?;
        signature::verify(&state.channel_secret, &body, header.as_deref())
            .map_err(BodyRejection::Signature)?;
        Ok(SignedBody(body))
    }
}

async fn webhook(State(state): State<AppState>, SignedBody(body): SignedBody) -> Response {
    let status = accept(&state, &body).await;
    crate::metrics::webhook_request(status.as_u16());
    let text = match status {
        StatusCode::OK => "ok\n",
        StatusCode::BAD_REQUEST => "malformed json\n",
        _ => "cannot store the events now; please redeliver\n",
    };
    (status, text).into_response()
}

async fn accept(state: &AppState, body: &[u8]) -> StatusCode {
    let batch = match parse_batch(body) {
        Ok(b) => b,
        Err(e) => {
            tracing::info!(
                line = e.line(),
                column = e.column(),
                "webhook body is not valid json"
            );
            return StatusCode::BAD_REQUEST;
        }
    };
    let now = now_ms();
    let mut plans = Vec::with_capacity(batch.events.len());
    let mut unreadable = 0;
    for (i, event) in batch.events.iter().enumerate() {
        match event {
            Ok(event) => {
                let kind = event_type(event);
                crate::metrics::event(kind);
                plans.push(state.pipeline.plan(event, now));
            }
            Err(e) => {
                unreadable += 1;
                crate::metrics::event("unreadable");
                tracing::warn!(index = i, reason = %e.classify_name(), "webhook event skipped: unreadable");
            }
        }
    }
    let events = plans.len();
    if plans.is_empty() {
        return StatusCode::OK;
    }
    let (done, wait) = oneshot::channel();
    if state.commits.send(Job { plans, done }).await.is_err() {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    match wait.await {
        Ok(Ok(applied)) => {
            tracing::debug!(events, applied, unreadable, "webhook accepted");
            StatusCode::OK
        }
        Ok(Err(reason)) => {
            tracing::error!(events, %reason, "webhook events not stored; answering 503");
            StatusCode::SERVICE_UNAVAILABLE
        }
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

trait Classify {
    fn classify_name(&self) -> &'static str;
}

impl Classify for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "syntax",
            serde_json::error::Category::Data => "missing or mistyped field",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

/// Starts [`commit_loop`] on the thread `leakguard-commit`, with a
/// single-threaded runtime of its own.
fn start_committer(
    store: Store,
    jobs: mpsc::Receiver<Job>,
    wake: Arc<Notify>,
) -> Result<oneshot::Receiver<()>, StartError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(StartError::Committer)?;
    let (finished, committer) = oneshot::channel();
    std::thread::Builder::new()
        .name("leakguard-commit".into())
        .spawn(move || {
            // The loop ends when the last sender (the router) is gone. The
            // connection it held may still be on its way back to the pool
            // (a task of this runtime); if so, it is closed with the
            // runtime, and the pool opens a new one when next asked.
            runtime.block_on(commit_loop(store, jobs, wake));
            let _ = finished.send(());
        })
        .map_err(StartError::Committer)?;
    Ok(committer)
}

/// Consecutive batches the committer writes on one held connection before
/// it gives the connection back to the pool (on SQLite the pool's only
/// one), so that the outbox and the report pages get their turn.
const HOLD_BATCHES: u32 = 8;

/// Group commit: every job waiting when a transaction starts goes into it.
/// If a combined transaction fails, each job is retried alone so one bad
/// plan cannot fail its neighbours.
///
/// While batches follow one another the committer keeps its connection:
/// sqlx pings a connection on its way back to the pool, which on SQLite is
/// one more round trip to the connection's thread per commit. It gives the
/// connection back when no job is waiting, and after [`HOLD_BATCHES`].
async fn commit_loop(store: Store, mut jobs: mpsc::Receiver<Job>, wake: Arc<Notify>) {
    let mut pending: Vec<Job> = Vec::new();
    let mut last_batch = 0;
    let mut held: Option<Held> = None;
    let mut held_batches = 0;
    loop {
        let first = match jobs.try_recv() {
            Ok(j) => j,
            Err(mpsc::error::TryRecvError::Disconnected) => break,
            Err(mpsc::error::TryRecvError::Empty) => {
                held = None;
                match jobs.recv().await {
                    Some(j) => j,
                    None => break,
                }
            }
        };
        pending.push(first);
        let mut plans = pending[0].plans.len();
        // Under load, requests parsed while the last commit was syncing
        // are still on their way: yielding a few times lets them join
        // this transaction instead of waiting for the next fsync.
        let mut idle_yields = 0;
        while plans < COMMIT_BATCH && idle_yields < COMMIT_YIELDS {
            match jobs.try_recv() {
                Ok(j) => {
                    plans += j.plans.len();
                    pending.push(j);
                    idle_yields = 0;
                }
                Err(_) if last_batch > 1 => {
                    idle_yields += 1;
                    tokio::task::yield_now().await;
                }
                Err(_) => break,
            }
        }
        last_batch = pending.len();
        let all: Vec<Plan> = pending
            .iter()
            .flat_map(|j| j.plans.iter().cloned())
            .collect();
        let started = std::time::Instant::now();
        if held_batches >= HOLD_BATCHES {
            held = None;
        }
        let conn = match &mut held {
            Some(conn) => conn,
            None => match store.hold().await {
                Ok(conn) => {
                    held_batches = 0;
                    held.insert(conn)
                }
                Err(e) => {
                    for j in pending.drain(..) {
                        let _ = j.done.send(Err(e.to_string()));
                    }
                    continue;
                }
            },
        };
        held_batches += 1;
        let result = store.accept_on(conn, &all, now_ms()).await;
        crate::metrics::commit(started.elapsed().as_secs_f64(), all.len());
        match result {
            Ok(acc) => {
                if acc.queued > 0 {
                    wake.notify_one();
                }
                for j in pending.drain(..) {
                    let _ = j.done.send(Ok(j.plans.len()));
                }
            }
            // A connection a statement just failed on goes back to the
            // pool, whose ping on return tells whether it still works.
            Err(e) if pending.len() == 1 => {
                held = None;
                let j = pending.pop().expect("one job");
                let _ = j.done.send(Err(e.to_string()));
            }
            Err(_) => {
                // The retries take connections of their own: on SQLite the
                // held one must be back in the pool first.
                held = None;
                for j in pending.drain(..) {
                    let r = store.accept(&j.plans, now_ms()).await;
                    if matches!(&r, Ok(a) if a.queued > 0) {
                        wake.notify_one();
                    }
                    let _ = j
                        .done
                        .send(r.map(|_| j.plans.len()).map_err(|e| e.to_string()));
                }
            }
        }
    }
}

/// Queues the weekly summary when it is owed: at start (a week missed
/// while the service was down goes out now) and then at each `weekly_at`.
async fn summary_loop(
    summaries: Arc<Summaries>,
    wake: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let now = jiff::Timestamp::now();
        match summaries.send_due(now).await {
            Ok(0) => {}
            Ok(_) => wake.notify_one(),
            Err(e) => tracing::warn!(error = %e, "weekly summary not queued; trying again later"),
        }
        let next = summaries.weekly_at.next(now, &summaries.ctx.tz);
        let wait = Duration::from_millis(
            (next.as_millisecond() - now.as_millisecond()).clamp(1_000, 3_600_000) as u64,
        );
        if !pause(wait, &mut shutdown).await {
            return;
        }
    }
}

/// Sleeps for `wait` unless shutdown is asked first; false when it is.
async fn pause(wait: Duration, shutdown: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(wait) => true,
        _ = shutdown.wait_for(|s| *s) => false,
    }
}

/// How long webhook event ids are kept for redelivery dedupe; LINE
/// redelivers for a much shorter time.
pub const SEEN_EVENTS_DAYS: i64 = 7;

/// Applies retention once at `now` (ms): incidents and finished sends older
/// than `retention_days`, event ids older than [`SEEN_EVENTS_DAYS`].
pub async fn apply_retention(
    store: &Store,
    retention_days: u32,
    now: i64,
) -> Result<crate::store::Purged, StoreError> {
    const DAY: i64 = 24 * 3600 * 1000;
    let p = store
        .purge(
            now - i64::from(retention_days) * DAY,
            now - SEEN_EVENTS_DAYS * DAY,
        )
        .await?;
    for (table, n) in [
        ("incidents", p.incidents),
        ("feedback", p.feedback),
        ("outbox", p.outbox),
        ("seen_events", p.seen_events),
    ] {
        crate::metrics::retention_deleted(table, n);
    }
    tracing::info!(
        incidents = p.incidents,
        feedback = p.feedback,
        outbox = p.outbox,
        seen_events = p.seen_events,
        retention_days,
        "retention applied"
    );
    Ok(p)
}

/// Applies retention at start and then once a day.
async fn retention_loop(store: Store, retention_days: u32, mut shutdown: watch::Receiver<bool>) {
    loop {
        let wait = match apply_retention(&store, retention_days, now_ms()).await {
            Ok(_) => Duration::from_secs(24 * 3600),
            Err(e) => {
                tracing::warn!(error = %e, "retention not applied; trying again in an hour");
                Duration::from_secs(3600)
            }
        };
        if !pause(wait, &mut shutdown).await {
            return;
        }
    }
}

/// Reads the push quota every ten minutes into the metrics.
async fn quota_loop(client: Client, mut shutdown: watch::Receiver<bool>) {
    loop {
        if let Some((limit, used)) = client.quota().await {
            crate::metrics::quota(limit, used);
        }
        if !pause(Duration::from_secs(600), &mut shutdown).await {
            return;
        }
    }
}
