//! Prometheus metrics for `GET /metrics` (SPEC §5). Labels are ids and
//! categories only, never message text (SPEC §9).
//!
//! One registry per process: the server, the outbox worker and the LINE
//! client all count into it, so it is a process-wide static.

use std::sync::LazyLock;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

type Labels = Vec<(&'static str, String)>;

struct Metrics {
    registry: Registry,
    webhook_requests: Family<Labels, Counter>,
    events: Family<Labels, Counter>,
    event_times_clamped: Counter,
    findings: Family<Labels, Counter>,
    line_api_calls: Family<Labels, Counter>,
    outbox_depth: Gauge,
    outbox_sent: Family<Labels, Counter>,
    scan_seconds: Histogram,
    commit_seconds: Histogram,
    commit_plans: Histogram,
    quota_limit: Gauge,
    quota_used: Gauge,
    report_views: Family<Labels, Counter>,
    retention_deleted: Family<Labels, Counter>,
    connections_open: Gauge,
    connections_closed: Family<Labels, Counter>,
    accept_errors: Counter,
    attachments: Family<Labels, Counter>,
    extract_seconds: Family<Labels, Histogram, fn() -> Histogram>,
    extract_waiting: Gauge,
    watch_entries: Gauge,
    chain_messages: Gauge,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("leakguard");
    let webhook_requests = Family::<Labels, Counter>::default();
    registry.register(
        "webhook_requests",
        "Webhook requests by HTTP status",
        webhook_requests.clone(),
    );
    let events = Family::<Labels, Counter>::default();
    registry.register("events", "Webhook events by type", events.clone());
    let event_times_clamped = Counter::default();
    registry.register(
        "event_times_clamped",
        "Events whose time was more than a day from the receive time, stored at the receive time",
        event_times_clamped.clone(),
    );
    let findings = Family::<Labels, Counter>::default();
    registry.register(
        "findings",
        "Findings by category and severity",
        findings.clone(),
    );
    let line_api_calls = Family::<Labels, Counter>::default();
    registry.register(
        "line_api_calls",
        "LINE API calls by endpoint and status",
        line_api_calls.clone(),
    );
    let outbox_depth = Gauge::default();
    registry.register(
        "outbox_depth",
        "Messages waiting in the outbox",
        outbox_depth.clone(),
    );
    let outbox_sent = Family::<Labels, Counter>::default();
    registry.register(
        "outbox_done",
        "Outbox messages finished, by kind and result",
        outbox_sent.clone(),
    );
    let scan_seconds = Histogram::new([
        0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01,
        0.05,
    ]);
    registry.register(
        "scan_seconds",
        "Time to normalize and scan one message",
        scan_seconds.clone(),
    );
    let commit_seconds = Histogram::new([
        0.000_1, 0.000_25, 0.000_5, 0.001, 0.002, 0.004, 0.008, 0.016, 0.05, 0.25, 1.0,
    ]);
    registry.register(
        "store_commit_seconds",
        "Time to write one group commit of webhook events durably",
        commit_seconds.clone(),
    );
    let commit_plans = Histogram::new([1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0]);
    registry.register(
        "store_commit_events",
        "Webhook events written per group commit",
        commit_plans.clone(),
    );
    let quota_limit = Gauge::default();
    registry.register(
        "line_quota_limit",
        "Monthly push message limit (-1 when unlimited)",
        quota_limit.clone(),
    );
    let quota_used = Gauge::default();
    registry.register(
        "line_quota_used",
        "Push messages used this month",
        quota_used.clone(),
    );
    let report_views = Family::<Labels, Counter>::default();
    registry.register(
        "report_views",
        "Report page requests by format and result",
        report_views.clone(),
    );
    let retention_deleted = Family::<Labels, Counter>::default();
    registry.register(
        "retention_deleted",
        "Rows deleted by the daily retention job, by table",
        retention_deleted.clone(),
    );
    let connections_open = Gauge::default();
    registry.register(
        "http_connections_open",
        "Connections on the public port being served now",
        connections_open.clone(),
    );
    let connections_closed = Family::<Labels, Counter>::default();
    registry.register(
        "http_connections_closed",
        "Connections on the public port closed, by reason (done, header_timeout, error, forced at shutdown)",
        connections_closed.clone(),
    );
    let accept_errors = Counter::default();
    registry.register(
        "http_accept_errors",
        "Failed accepts on the public port (e.g. out of file descriptors)",
        accept_errors.clone(),
    );
    let attachments = Family::<Labels, Counter>::default();
    registry.register(
        "attachments",
        "Attachments by kind (image, file, video, audio) and outcome (scanned, or the reason \
         they were not: too_large, unsupported, encrypted, malformed, too_deep, timeout, \
         crashed, no_ocr, unavailable, host_not_allowed, given_up)",
        attachments.clone(),
    );
    let extract_seconds =
        Family::<Labels, Histogram, fn() -> Histogram>::new_with_constructor(|| {
            Histogram::new([0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0])
        });
    registry.register(
        "extract_seconds",
        "Time to read one attachment in its child process, by the format read or the reason it was not",
        extract_seconds.clone(),
    );
    let extract_waiting = Gauge::default();
    registry.register(
        "extract_queue_depth",
        "Attachments downloaded and waiting for a free extraction (OCR) slot",
        extract_waiting.clone(),
    );
    let watch_entries = Gauge::default();
    registry.register(
        "watch_entries",
        "Watchlist entries this replica matches against (a count; never a term)",
        watch_entries.clone(),
    );
    let chain_messages = Gauge::default();
    registry.register(
        "chain_messages",
        "Messages this replica holds in forward chains (fingerprints only)",
        chain_messages.clone(),
    );
    Metrics {
        registry,
        watch_entries,
        chain_messages,
        attachments,
        extract_seconds,
        extract_waiting,
        webhook_requests,
        events,
        event_times_clamped,
        findings,
        line_api_calls,
        outbox_depth,
        outbox_sent,
        scan_seconds,
        commit_seconds,
        commit_plans,
        quota_limit,
        quota_used,
        report_views,
        retention_deleted,
        connections_open,
        connections_closed,
        accept_errors,
    }
});

/// One more connection being served.
pub fn connection_opened() {
    METRICS.connections_open.inc();
}

/// A connection closed, and why: `done`, `header_timeout`, `error`, `forced`.
pub fn connection_closed(reason: &'static str) {
    METRICS.connections_open.dec();
    METRICS
        .connections_closed
        .get_or_create(&vec![("reason", reason.to_string())])
        .inc();
}

/// One failed accept.
pub fn accept_error() {
    METRICS.accept_errors.inc();
}

/// Counts one webhook request.
pub fn webhook_request(status: u16) {
    METRICS
        .webhook_requests
        .get_or_create(&vec![("status", status.to_string())])
        .inc();
}

/// Counts one event of a type.
pub fn event(kind: &str) {
    METRICS
        .events
        .get_or_create(&vec![("type", kind.to_string())])
        .inc();
}

/// Counts one event whose time was not believed.
pub fn event_time_clamped() {
    METRICS.event_times_clamped.inc();
}

/// Counts one finding.
pub fn finding(category: &str, severity: &str) {
    METRICS
        .findings
        .get_or_create(&vec![
            ("category", category.to_string()),
            ("severity", severity.to_string()),
        ])
        .inc();
}

/// Counts one LINE API call.
pub fn line_api_call(endpoint: &str, status: &str) {
    METRICS
        .line_api_calls
        .get_or_create(&vec![
            ("endpoint", endpoint.to_string()),
            ("status", status.to_string()),
        ])
        .inc();
}

/// Sets the outbox depth.
pub fn outbox_depth(n: i64) {
    METRICS.outbox_depth.set(n);
}

/// Counts one finished outbox message.
pub fn outbox_done(kind: &str, result: &str) {
    METRICS
        .outbox_sent
        .get_or_create(&vec![
            ("kind", kind.to_string()),
            ("result", result.to_string()),
        ])
        .inc();
}

/// Records one scan's duration.
pub fn scan_time(seconds: f64) {
    METRICS.scan_seconds.observe(seconds);
}

/// Records one group commit: how long it took and how many events it held.
pub fn commit(seconds: f64, events: usize) {
    METRICS.commit_seconds.observe(seconds);
    METRICS.commit_plans.observe(events as f64);
}

/// Records the push quota (`limit` `None` = unlimited).
pub fn quota(limit: Option<i64>, used: i64) {
    METRICS.quota_limit.set(limit.unwrap_or(-1));
    METRICS.quota_used.set(used);
}

/// Counts one report request: `format` html/csv/json, `result` ok,
/// denied, not_found or unavailable.
pub fn report_view(format: &str, result: &str) {
    METRICS
        .report_views
        .get_or_create(&vec![
            ("format", format.to_string()),
            ("result", result.to_string()),
        ])
        .inc();
}

/// Counts rows the retention job deleted from `table`.
pub fn retention_deleted(table: &str, rows: u64) {
    METRICS
        .retention_deleted
        .get_or_create(&vec![("table", table.to_string())])
        .inc_by(rows);
}

/// Counts one attachment by its message kind and what came of it.
pub fn attachment(kind: &str, outcome: &str) {
    METRICS
        .attachments
        .get_or_create(&vec![
            ("kind", kind.to_string()),
            ("outcome", outcome.to_string()),
        ])
        .inc();
}

/// Records how long one attachment took to read: `result` is the format
/// read (`xlsx`) or why it was not (`timeout`).
pub fn extract_time(result: &str, seconds: f64) {
    METRICS
        .extract_seconds
        .get_or_create(&vec![("result", result.to_string())])
        .observe(seconds);
}

/// One more (`+1`) or one fewer (`-1`) attachment waiting for a slot.
pub fn extract_waiting(delta: i64) {
    METRICS.extract_waiting.inc_by(delta);
}

/// The number of watchlist entries read from the store.
pub fn watch_entries(count: usize) {
    METRICS.watch_entries.set(count as i64);
}

/// The number of messages held in forward chains.
pub fn chain_messages(count: usize) {
    METRICS.chain_messages.set(count as i64);
}

/// The text exposition format.
pub fn render() -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = encode(&mut out, &METRICS.registry);
    out
}
