//! The watchlist's admin API (issue 19 A), for the admin token only:
//! `GET /admin/watch` lists the entries by their masked hints,
//! `POST /admin/watch` registers terms, `DELETE /admin/watch/{id}` removes
//! one. A change is matched by this replica at once and by the others
//! within `[watch] refresh_seconds`. Terms are hashed as they arrive and
//! never stored or logged.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use crate::pipeline::WatchBatch;
use crate::store::WatchRef;

/// The body of `POST /admin/watch`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Register {
    /// Category id or name.
    category: String,
    /// The terms.
    terms: Vec<String>,
    /// Last day in force (`2026-12-10`); `[watch] default_days` if absent.
    #[serde(default)]
    until: Option<String>,
    /// Groups (ids or configured names) where the terms are at home.
    #[serde(default)]
    groups: Vec<String>,
    /// Who registers them, for the list (default `api`).
    #[serde(default)]
    added_by: Option<String>,
}

/// Most terms in one request.
const MAX_TERMS: usize = 10_000;

fn refused() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        "the watchlist needs the admin token (Authorization: Bearer)\n",
    )
        .into_response()
}

fn failed(e: impl std::fmt::Display) -> Response {
    tracing::warn!(error = %e, "watchlist request failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({"error": "the store cannot be reached"})),
    )
        .into_response()
}

fn bad(reason: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": reason }))).into_response()
}

/// Reads the entries again so this replica matches the change now.
async fn reload(state: &AppState) {
    if let Err(e) = crate::workers::read_watchlist(&state.store, &state.pipeline).await {
        tracing::warn!(error = %e, "cannot read the watchlist after a change");
    }
}

/// `GET /admin/watch`.
pub(super) async fn list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !state.is_admin(&headers) {
        return refused();
    }
    let now = state.clock.now_ms();
    match state.store.watch_entries().await {
        Ok(entries) => {
            let rows: Vec<_> = entries
                .iter()
                .filter(|e| e.until > now)
                .map(|e| {
                    json!({
                        "id": e.id, "category": e.category, "hint": e.hint,
                        "chars": e.chars, "until_ms": e.until, "allowed": e.allowed,
                        "added_by": e.added_by,
                    })
                })
                .collect();
            Json(json!({ "entries": rows })).into_response()
        }
        Err(e) => failed(e),
    }
}

/// `POST /admin/watch`: 200 with the count and the new entries' hints,
/// 400 naming the first term (by index) or setting that cannot be used.
pub(super) async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<Register>, axum::extract::rejection::JsonRejection>,
) -> Response {
    if !state.is_admin(&headers) {
        return refused();
    }
    let Json(r) = match body {
        Ok(b) => b,
        Err(e) => return bad(e.body_text()),
    };
    if r.terms.is_empty() || r.terms.len() > MAX_TERMS {
        return bad(format!("terms: give 1 to {MAX_TERMS} terms"));
    }
    let batch = WatchBatch {
        terms: &r.terms,
        category: &r.category,
        last_day: r.until.as_deref(),
        groups: &r.groups,
        added_by: r.added_by.as_deref().unwrap_or("api"),
    };
    let prepared = match state.pipeline.prepare_watch(&batch, state.clock.now_ms()) {
        Ok(p) => p,
        Err(reason) => return bad(reason),
    };
    if let Some((i, reason)) = prepared.invalid.first() {
        return bad(format!("terms[{i}]: {reason}"));
    }
    match state.store.add_watches(&prepared.entries).await {
        Ok((added, renewed)) => {
            reload(&state).await;
            let hints: Vec<&str> = prepared
                .entries
                .iter()
                .map(|e| e.print.hint.as_str())
                .collect();
            Json(json!({
                "added": added, "renewed": renewed, "category": prepared.category,
                "last_day": prepared.last_day.to_string(), "hints": hints,
            }))
            .into_response()
        }
        Err(e) => failed(e),
    }
}

/// `DELETE /admin/watch/{id}`: 200, or 404 when there is no such entry.
pub(super) async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    if !state.is_admin(&headers) {
        return refused();
    }
    match state.store.remove_watch(&WatchRef::Id(id)).await {
        Ok(0) => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such entry"})),
        )
            .into_response(),
        Ok(n) => {
            reload(&state).await;
            Json(json!({ "removed": n })).into_response()
        }
        Err(e) => failed(e),
    }
}
