//! The HTTP edge (SPEC §5): the routes and the state they share. The
//! webhook of each platform (`webhook`), the report pages (`reports`),
//! the watchlist's admin API (`watch`), health, readiness and the metrics.

mod body;
mod reports;
pub mod server;
mod watch;
mod webhook;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;
use tokio::sync::mpsc;

use crate::clock::Clock;
use crate::pipeline::Pipeline;
use crate::platform::Platforms;
use crate::store::Store;
use crate::summary::schedule::Summaries;
use crate::workers::committer::Job;

pub use body::BodyBudget;

/// Largest webhook body accepted (SPEC §5).
pub const BODY_LIMIT: usize = 1 << 20;

/// Shared by every handler. axum clones the state for every request, so
/// it is one reference count.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] shares.
pub struct Shared {
    /// Builds the plans.
    pub pipeline: Arc<Pipeline>,
    /// Readiness and the report figures.
    pub store: Store,
    /// The platforms, each at `/webhook/{name}`.
    pub platforms: Platforms,
    /// The group committer's queue.
    pub commits: mpsc::Sender<Job>,
    /// Report links and figures.
    pub summaries: Arc<Summaries>,
    /// `LEAKGUARD_ADMIN_TOKEN`, for the report pages.
    pub admin_token: Option<String>,
    /// The time.
    pub clock: Clock,
    /// Room and time for webhook bodies.
    pub bodies: BodyBudget,
}

impl AppState {
    /// The state over `shared`.
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }
}

impl Shared {
    /// Whether `headers` carry the admin token as `Authorization: Bearer
    /// …` (compared in constant time); never without a token configured.
    pub(crate) fn is_admin(&self, headers: &HeaderMap) -> bool {
        self.admin_token.as_deref().is_some_and(|token| {
            headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .is_some_and(|given| {
                    subtle::ConstantTimeEq::ct_eq(given.as_bytes(), token.as_bytes()).into()
                })
        })
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The routes of SPEC §5.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/webhook/{platform}", post(webhook::webhook))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/reports/{file}", get(reports::report))
        .route("/admin/watch", get(watch::list).post(watch::register))
        .route("/admin/watch/{id}", delete(watch::remove))
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

/// `GET /metrics`, for the admin token only: the figures tell what the
/// groups are warned about.
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !state.is_admin(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "the metrics need the admin token (Authorization: Bearer)\n",
        )
            .into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        crate::metrics::render(),
    )
        .into_response()
}
