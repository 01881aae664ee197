//! The content stage's worker: claims content jobs, opens each sealed
//! event, reads its attachment ([`Reader`]), plans it through the pipeline
//! and applies the plan, which ends the job in the same transaction. A
//! job whose content cannot be fetched yet, or whose plan cannot be
//! stored, is retried with backoff a bounded number of times; a crash
//! leaves the job pending, and its lease lets another worker (or the next
//! start) take it. A job whose attempts all ended abruptly is planned
//! without reading its attachment ("not scanned: given up").

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify};

use super::attachment::{Reader, TryLater};
use crate::clock::Clock;
use crate::extract::NotScanned;
use crate::pipeline::{AttachmentRead, ContentJob, Pipeline};
use crate::platform::{Body, Platform, Platforms};
use crate::store::{ContentJobRow, Store, StoreError};

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a claim lasts before another worker may take the job.
    pub lease: Duration,
    /// Longest idle wait between polls (new jobs wake the worker at once).
    pub poll: Duration,
    /// Jobs claimed at a time.
    pub batch: i64,
    /// Attempts before a job is given up.
    pub max_attempts: i64,
    /// First retry delay; doubled on every further attempt.
    pub backoff_base: Duration,
    /// Longest retry delay.
    pub backoff_max: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lease: Duration::from_secs(240),
            poll: Duration::from_secs(1),
            batch: 4,
            max_attempts: 5,
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(300),
        }
    }
}

/// One content worker.
pub struct ContentWorker {
    /// The store the jobs are in.
    pub store: Store,
    /// Plans the jobs.
    pub pipeline: Arc<Pipeline>,
    /// The platforms jobs may come from.
    pub platforms: Platforms,
    /// Fetches and reads attachments.
    pub reader: Arc<Reader>,
    /// The time.
    pub clock: Clock,
    /// Woken when a job is queued.
    pub wake: Arc<Notify>,
    /// Woken when a job's plan queued messages.
    pub outbox: Arc<Notify>,
    /// Pacing.
    pub settings: Settings,
    /// This worker's id in claims.
    pub id: String,
}

impl ContentWorker {
    /// Works until `shutdown` turns true. Jobs left are durable: they wait
    /// for the next start.
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        while !*shutdown.borrow() {
            let handled = match self.round().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "content round failed");
                    0
                }
            };
            if handled > 0 {
                continue;
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.settings.poll) => {}
                _ = shutdown.changed() => {}
            }
        }
        tracing::info!(worker = %self.id, "content worker stopped");
    }

    /// Claims one batch and handles it; how many jobs were handled.
    pub async fn round(self: &Arc<Self>) -> Result<usize, StoreError> {
        let now = self.clock.now_ms();
        let jobs = self
            .store
            .claim_content(&self.id, now, self.settings.lease, self.settings.batch)
            .await?;
        let n = jobs.len();
        // The jobs of a batch run side by side, each in a task of its own:
        // a panic while handling one is contained there (its claim then
        // lapses, and the attempt it used is already counted), and
        // while one waits for a download another can be read.
        let mut tasks = tokio::task::JoinSet::new();
        for job in jobs {
            let this = self.clone();
            tasks.spawn(async move {
                let id = job.id;
                (id, this.handle(&job).await)
            });
        }
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok((_, Ok(()))) => {}
                Ok((id, Err(e))) => tracing::warn!(job = id, error = %e, "content job not updated"),
                Err(e) => {
                    tracing::error!(error = %e, "content job failed abruptly; it is retried when its claim lapses")
                }
            }
        }
        Ok(n)
    }

    async fn handle(&self, job: &ContentJobRow) -> Result<(), StoreError> {
        let now = self.clock.now_ms();
        let give_up = |why: &str| {
            tracing::error!(
                job = job.id,
                attempts = job.attempts,
                why,
                "content job given up"
            );
            self.store.fail_content(job.id, &self.id, now)
        };
        if job.attempts > self.settings.max_attempts {
            return give_up("its earlier attempts ended abruptly").await;
        }
        let Some(platform) = self.platforms.get(&job.platform) else {
            return give_up("no such platform").await;
        };
        let event = match self.pipeline.open_content(job.id, &job.sealed) {
            Ok(event) => event,
            Err(e) => return give_up(&e.to_string()).await,
        };
        let read = match self.read(platform.as_ref(), job, &event).await {
            Ok(read) => read,
            Err(TryLater(e)) => return self.retry(job, &e.to_string()).await,
        };
        let now = self.clock.now_ms();
        let plan =
            self.pipeline
                .plan_content(platform.name(), job.id, &self.id, &event, &read, now);
        match self.store.accept(&[plan], now).await {
            Ok(acc) => {
                if acc.queued > 0 {
                    self.outbox.notify_one();
                }
                tracing::debug!(job = job.id, queued = acc.queued, "content job done");
                Ok(())
            }
            Err(StoreError::JobLost { job }) => {
                tracing::info!(
                    job,
                    "content job no longer this worker's (taken over or unsent)"
                );
                Ok(())
            }
            Err(e) if job.attempts >= self.settings.max_attempts => give_up(&e.to_string()).await,
            Err(e) => self.retry(job, &e.to_string()).await,
        }
    }

    /// What the job's attachment holds: nothing to read for a text; not
    /// read when its earlier attempts all ended abruptly (the last one
    /// may have been the reading itself), or when the platform stayed
    /// unreachable through every attempt.
    async fn read(
        &self,
        platform: &dyn Platform,
        job: &ContentJobRow,
        event: &ContentJob,
    ) -> Result<AttachmentRead, TryLater> {
        let not_read = |reason| AttachmentRead {
            outcome: Err(reason),
            hash: None,
        };
        if matches!(event.content.body, Body::Text(_)) {
            return Ok(not_read(NotScanned::Unsupported));
        }
        if job.attempts >= self.settings.max_attempts {
            return Ok(not_read(NotScanned::GivenUp));
        }
        let hash = |bytes: &[u8]| self.pipeline.content_hash(bytes);
        match self.reader.read(platform, &event.content, hash).await {
            Err(TryLater(e)) if job.attempts + 1 >= self.settings.max_attempts => {
                tracing::warn!(job = job.id, error = %e, "content not fetched after every attempt");
                Ok(not_read(NotScanned::Unavailable))
            }
            other => other,
        }
    }

    /// Schedules another attempt with a delay that doubles each time.
    async fn retry(&self, job: &ContentJobRow, why: &str) -> Result<(), StoreError> {
        let factor = 1u32 << (job.attempts - 1).clamp(0, 16) as u32;
        let delay = (self.settings.backoff_base * factor).min(self.settings.backoff_max);
        tracing::warn!(
            job = job.id,
            error = why,
            delay_ms = delay.as_millis() as u64,
            "content job will be retried"
        );
        let due = self.clock.now_ms() + delay.as_millis() as i64;
        self.store.retry_content(job.id, &self.id, due).await
    }
}
