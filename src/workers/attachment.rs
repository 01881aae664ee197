//! Reading an attachment for the content stage: its bytes fetched from
//! the platform (in memory, at most the size cap), then read in the
//! sandbox (`extract::child`) on a blocking thread, at most
//! `content.extractions` at a time in this process. The bytes and the
//! text never leave this process's memory and the child's private scratch
//! directory.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use crate::config::ContentStage;
use crate::extract::child::Sandbox;
use crate::extract::NotScanned;
use crate::pipeline::AttachmentRead;
use crate::platform::{Content, FetchError, FetchLimits, Platform};

/// Fetches and reads attachments; shared by the content workers of a
/// process.
#[derive(Debug)]
pub struct Reader {
    /// How a child reads one.
    pub sandbox: Sandbox,
    /// How one is fetched.
    pub fetch: FetchLimits,
    /// Extractions at once.
    pub slots: Arc<Semaphore>,
}

/// The platform could not be reached, or was busy: the job is tried
/// again later.
#[derive(Debug)]
pub struct TryLater(pub FetchError);

impl Reader {
    /// A reader with the `[content]` settings, running this very binary's
    /// `extract` subcommand as the child.
    pub fn new(settings: &ContentStage) -> std::io::Result<Reader> {
        let mut sandbox = Sandbox::current()?;
        let max_bytes = settings.max_file_mib << 20;
        sandbox.max_input = max_bytes;
        sandbox.limits.max_pixels = settings.max_pixels;
        sandbox.limits.max_pages = settings.max_pdf_pages as usize;
        sandbox.limits.max_ocr_pages = settings.max_ocr_pages as usize;
        sandbox.limits.ocr_seconds = settings.ocr_seconds;
        sandbox.memory_mib = settings.extract_memory_mib;
        sandbox.cpu_seconds = settings.extract_cpu_seconds;
        sandbox.timeout = Duration::from_secs(settings.extract_timeout_seconds);
        Ok(Reader {
            sandbox,
            fetch: FetchLimits {
                max_bytes,
                external_hosts: settings.external_hosts.clone(),
                ready_wait: Duration::from_secs(settings.ready_wait_seconds),
            },
            slots: Arc::new(Semaphore::new(settings.extractions.max(1) as usize)),
        })
    }

    /// Reads the attachment `content` carries; `hash` keys its bytes.
    pub async fn read(
        &self,
        platform: &dyn Platform,
        content: &Content,
        hash: impl FnOnce(&[u8]) -> String,
    ) -> Result<AttachmentRead, TryLater> {
        let fetched = platform
            .fetch(&content.message_id, &content.body, &self.fetch)
            .await;
        let bytes = match fetched {
            Ok(bytes) => bytes,
            Err(e @ FetchError::Transient(_)) => return Err(TryLater(e)),
            Err(e) => {
                let reason = match e {
                    FetchError::TooLarge => NotScanned::TooLarge,
                    FetchError::HostNotAllowed => NotScanned::HostNotAllowed,
                    FetchError::Unsupported => NotScanned::Unsupported,
                    FetchError::Unavailable(_) | FetchError::Transient(_) => {
                        NotScanned::Unavailable
                    }
                };
                return Ok(AttachmentRead {
                    outcome: Err(reason),
                    hash: None,
                });
            }
        };
        let hash = Some(hash(&bytes));
        crate::metrics::extract_waiting(1);
        let permit = self.slots.clone().acquire_owned().await;
        crate::metrics::extract_waiting(-1);
        let Ok(permit) = permit else {
            // The semaphore is never closed; were it, reading nothing is
            // the safe answer.
            return Ok(AttachmentRead {
                outcome: Err(NotScanned::Crashed),
                hash,
            });
        };
        let sandbox = self.sandbox.clone();
        let started = Instant::now();
        let outcome = tokio::task::spawn_blocking(move || {
            let outcome = sandbox.run(&bytes);
            drop(permit);
            outcome
        })
        .await
        .unwrap_or(Err(NotScanned::Crashed));
        let format = match &outcome {
            Ok(extracted) => extracted.format.label(),
            Err(reason) => reason.label(),
        };
        crate::metrics::extract_time(format, started.elapsed().as_secs_f64());
        Ok(AttachmentRead { outcome, hash })
    }
}
