//! `GET /reports/{YYYY-Www}[.csv|.json]` (SPEC §5): the weekly report for
//! officers only, behind a signed, expiring link from the summary push or
//! the admin token. Every answer is private: never cached, never indexed,
//! no referrer, nothing loaded from elsewhere.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::calendar::IsoWeek;
use crate::summary::{self, page, render};

/// The query of a signed report link.
#[derive(Debug, serde::Deserialize)]
pub(super) struct LinkQuery {
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
pub(super) async fn report(
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
    let now = state.clock.now();
    let signed = match (&link.expires, &link.sig) {
        (Some(expires), Some(sig)) => expires.parse::<i64>().is_ok_and(|expires| {
            state
                .summaries
                .links
                .verify(&week.to_string(), expires, sig, now.as_second())
        }),
        _ => false,
    };
    if !signed && !state.is_admin(&headers) {
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
