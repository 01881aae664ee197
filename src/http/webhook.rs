//! `POST /webhook/{platform}` (SPEC §5, §7): the raw body is verified
//! against the platform's signature header before anything reads it, then
//! parsed by the platform's adapter into neutral events, one plan per event
//! (pure CPU), and the plans go to the group committer. The answer is 200
//! only once they are on disk; 503 when they cannot be stored, so the
//! platform redelivers. One unreadable event never fails the batch.

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tokio::sync::oneshot;

use super::body::ReadBody;
use super::AppState;
use crate::platform::Platform;
use crate::workers::committer::Job;

/// Handles one webhook request of the platform named in the path.
pub(super) async fn webhook(
    State(state): State<AppState>,
    Path(name): Path<String>,
    req: Request,
) -> Response {
    let Some(platform) = state.platforms.get(&name).cloned() else {
        return (StatusCode::NOT_FOUND, "no such platform\n").into_response();
    };
    let (status, text) = match signed_body(&state, platform.as_ref(), req).await {
        Ok(body) => match accept(&state, platform.as_ref(), &body.bytes).await {
            StatusCode::OK => (StatusCode::OK, "ok\n"),
            StatusCode::BAD_REQUEST => (StatusCode::BAD_REQUEST, "malformed json\n"),
            status => (status, "cannot store the events now; please redeliver\n"),
        },
        Err(refused) => refused,
    };
    crate::metrics::webhook_request(status.as_u16());
    (status, text).into_response()
}

/// Why a body was refused before parsing, as status and answer.
type Refused = (StatusCode, &'static str);

const BAD_SIGNATURE: Refused = (StatusCode::UNAUTHORIZED, "invalid signature\n");

/// The raw body, once its signature checks out: 401 without a signature
/// or with one that cannot be the platform's (both before the body is
/// read) or with a wrong one; otherwise what reading within the body
/// budget and deadline answers (`body`).
async fn signed_body(
    state: &AppState,
    platform: &dyn Platform,
    req: Request,
) -> Result<ReadBody, Refused> {
    let signature = req
        .headers()
        .get(platform.signature_header())
        .map(|v| v.to_str().map(str::to_owned).unwrap_or_default())
        .ok_or(BAD_SIGNATURE)?;
    if !platform.signature_well_formed(&signature) {
        return Err(BAD_SIGNATURE);
    }
    let body = state.bodies.read(req).await?;
    if platform.verify(&signature, &body.bytes) {
        Ok(body)
    } else {
        Err(BAD_SIGNATURE)
    }
}

async fn accept(state: &AppState, platform: &dyn Platform, body: &[u8]) -> StatusCode {
    let events = match platform.parse(body) {
        Ok(events) => events,
        Err(e) => {
            tracing::info!(
                platform = platform.name(),
                line = e.line,
                column = e.column,
                "webhook body is not valid json"
            );
            return StatusCode::BAD_REQUEST;
        }
    };
    let now = state.clock.now_ms();
    let mut plans = Vec::with_capacity(events.len());
    let mut unreadable = 0;
    for (i, event) in events.iter().enumerate() {
        match event {
            Ok(event) => {
                crate::metrics::event(event.kind.name());
                plans.push(state.pipeline.plan(event, now));
            }
            Err(e) => {
                unreadable += 1;
                crate::metrics::event("unreadable");
                tracing::warn!(
                    index = i,
                    reason = e.reason,
                    "webhook event skipped: unreadable"
                );
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
