//! Serving the routes on the public port, with bounds an attacker cannot
//! stretch: hyper's HTTP/1 connection with a timer (so its header-read
//! timeout applies, also between keep-alive requests: hyper restarts it
//! whenever the connection waits for a request head, which makes it the
//! idle timeout too), a cap on connections served at once, accept errors
//! logged at a bounded rate, and a shutdown that closes the connections
//! still open after a grace period. Bodies have their own deadline and
//! budget (`body`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

/// The bounds of the public port that are about connections.
#[derive(Debug, Clone)]
pub struct Limits {
    /// To send a request head, from when the server waits for one.
    pub header_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
    /// How long requests in flight may finish after shutdown is asked.
    pub shutdown_grace: Duration,
}

/// The most a connection's read buffer grows to (hyper's default is about
/// 400 KiB): heads fit easily, and a body is read in pieces this size, so
/// what bodies take in memory stays close to the body budget.
const READ_BUFFER: usize = 64 << 10;

/// How long to wait before accepting again after an accept failed for
/// want of resources (descriptors, memory): the connections waiting in
/// the listen queue stay there, and the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// How often at most a failing accept is logged.
const ACCEPT_LOG_EVERY: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `stop` turns true, then lets the
/// requests in flight finish for the grace period and closes what is
/// still open.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(READ_BUFFER)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (force, forced) = watch::channel(false);
    let mut accept_log = RateLimit::new(ACCEPT_LOG_EVERY);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = raised(&mut stop) => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    crate::metrics::accept_error();
                    if let Some(suppressed) = accept_log.check(Instant::now()) {
                        tracing::warn!(
                            error = %e,
                            suppressed,
                            "cannot accept a connection on the public port"
                        );
                    }
                    if !is_connection_error(&e) {
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                    }
                    continue;
                }
            },
            () = raised(&mut stop) => break,
        };
        let _ = stream.set_nodelay(true);
        let conn =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let conn = graceful.watch(conn);
        let mut forced = forced.clone();
        crate::metrics::connection_opened();
        tokio::spawn(async move {
            let reason = tokio::select! {
                done = conn => match done {
                    Ok(()) => "done",
                    Err(e) if e.is_timeout() => "header_timeout",
                    Err(_) => "error",
                },
                () = raised(&mut forced) => "forced",
            };
            crate::metrics::connection_closed(reason);
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        let open = limits.max_connections - slots.available_permits();
        tracing::warn!(
            open,
            grace_s = limits.shutdown_grace.as_secs(),
            "connections still busy after the shutdown grace period; closing them"
        );
        let _ = force.send(true);
        let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
        let _ = tokio::time::timeout(Duration::from_secs(1), slots.acquire_many(all)).await;
    }
}

/// Returns once `flag` is true (or its sender is gone).
async fn raised(flag: &mut watch::Receiver<bool>) {
    let _ = flag.wait_for(|f| *f).await;
}

/// Errors of one connection that went away before it was accepted: the
/// next accept may well succeed at once.
fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}

/// Lets one event through per period and counts the ones held back.
#[derive(Debug)]
struct RateLimit {
    every: Duration,
    last: Option<Instant>,
    held: u64,
}

impl RateLimit {
    fn new(every: Duration) -> RateLimit {
        RateLimit {
            every,
            last: None,
            held: 0,
        }
    }

    /// `Some(events held back since the last one let through)` when this
    /// event at `now` may be logged, else `None`.
    fn check(&mut self, now: Instant) -> Option<u64> {
        if self
            .last
            .is_some_and(|last| now.duration_since(last) < self.every)
        {
            self.held += 1;
            return None;
        }
        self.last = Some(now);
        Some(std::mem::take(&mut self.held))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_accept_is_logged_once_per_period_with_the_count_held_back() {
        let mut limit = RateLimit::new(Duration::from_secs(10));
        let t0 = Instant::now();
        assert_eq!(limit.check(t0), Some(0));
        for i in 1..=5 {
            assert_eq!(limit.check(t0 + Duration::from_secs(i)), None);
        }
        assert_eq!(limit.check(t0 + Duration::from_secs(10)), Some(5));
        assert_eq!(limit.check(t0 + Duration::from_secs(11)), None);
        assert_eq!(limit.check(t0 + Duration::from_secs(25)), Some(1));
    }
}
