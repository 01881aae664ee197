//! Reading a webhook body within bounds: all bodies being read or held
//! at once share a budget of bytes (a semaphore with one permit per
//! byte), and each body must arrive, its wait for the budget included,
//! before a deadline. So a crowd of clients that send large bodies
//! slowly, or never finish them, holds at most the budget in memory and
//! each of them for at most the deadline.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::BODY_LIMIT;

/// The budget and deadline of webhook bodies.
#[derive(Debug, Clone)]
pub struct BodyBudget {
    bytes: Arc<Semaphore>,
    timeout: Duration,
}

/// A body that was read, with its share of the budget: the share goes
/// back when this is dropped.
#[derive(Debug)]
pub struct ReadBody {
    /// The bytes.
    pub bytes: Bytes,
    _share: OwnedSemaphorePermit,
}

/// Why a body was not read: the status and the answer.
pub type Unread = (StatusCode, &'static str);

impl BodyBudget {
    /// `bytes` of bodies at once (at least one largest body), each read
    /// within `timeout`.
    pub fn new(bytes: usize, timeout: Duration) -> BodyBudget {
        BodyBudget {
            bytes: Arc::new(Semaphore::new(bytes.max(BODY_LIMIT))),
            timeout,
        }
    }

    /// Reads the body of `req`: 503 when the budget has no room for it
    /// before the deadline, 408 when it has not arrived by then, 400 when
    /// it cannot be read, 413 past [`BODY_LIMIT`].
    pub async fn read(&self, req: Request) -> Result<ReadBody, Unread> {
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        // A body declared longer than the limit takes the limit's share and
        // is answered 413 once that much has been read, as before: refused
        // at once, the client (still sending) would see a reset, not 413.
        let share = declared.map_or(BODY_LIMIT, |n| n.min(BODY_LIMIT as u64) as usize) as u32;
        let deadline = tokio::time::Instant::now() + self.timeout;
        let share = tokio::time::timeout_at(deadline, self.bytes.clone().acquire_many_owned(share))
            .await
            .map_err(|_| (StatusCode::SERVICE_UNAVAILABLE, "busy; please redeliver\n"))?
            .expect("the semaphore is never closed");
        // The router's `DefaultBodyLimit` still stops a body that runs past
        // its declared length or past the limit without declaring one.
        let bytes = tokio::time::timeout_at(deadline, Bytes::from_request(req, &()))
            .await
            .map_err(|_| (StatusCode::REQUEST_TIMEOUT, "body too slow\n"))?
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    (StatusCode::PAYLOAD_TOO_LARGE, "body too large\n")
                } else {
                    (StatusCode::BAD_REQUEST, "unreadable body\n")
                }
            })?;
        Ok(ReadBody {
            bytes,
            _share: share,
        })
    }
}
