//! Fetching what a message carries from LINE: `GET
//! /v2/bot/message/{messageId}/content` on the data host (after `GET
//! …/content/transcoding` says a video or audio is ready), or the sender's
//! own URL when `contentProvider.type` is `external` and its host is on
//! the configured allow-list. The channel's token goes to LINE's data host
//! only; redirects are never followed (a redirect could leave the
//! allow-list); bodies are read through the size cap, so a server that
//! never stops sending costs at most the cap.

use std::time::{Duration, Instant};

use reqwest::header::CONTENT_LENGTH;
use reqwest::StatusCode;
use serde_json::Value;

use crate::platform::{Body, FetchError, FetchLimits, Source};

/// Downloads from the data host and allow-listed external hosts.
#[derive(Clone)]
pub struct Downloader {
    http: reqwest::Client,
    data_base: String,
    token: String,
}

impl std::fmt::Debug for Downloader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Downloader")
            .field("data_base", &self.data_base)
            .finish_non_exhaustive()
    }
}

/// The first wait between two transcoding polls; doubled up to
/// [`POLL_MAX`].
const POLL_FIRST: Duration = Duration::from_millis(250);
const POLL_MAX: Duration = Duration::from_secs(4);

impl Downloader {
    /// A downloader for `data_base` (e.g. `https://api-data.line.me`) with
    /// the channel access token; `timeout` bounds each request, the body
    /// included.
    pub fn new(data_base: &str, token: &str, timeout: Duration) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("leakguard/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Downloader {
            http,
            data_base: data_base.trim_end_matches('/').to_string(),
            token: token.to_string(),
        })
    }

    /// The bytes of message `message_id`, which carries `body`.
    pub async fn fetch(
        &self,
        message_id: &str,
        body: &Body,
        limits: &FetchLimits,
    ) -> Result<Vec<u8>, FetchError> {
        match body.source() {
            None => Err(FetchError::Unsupported),
            Some(Source::External { url }) => self.external(url, limits).await,
            Some(Source::Platform) => {
                let id = super::client::path_segment(message_id);
                if matches!(body, Body::Video { .. } | Body::Audio { .. }) {
                    self.wait_until_ready(&id, limits.ready_wait).await?;
                }
                let url = format!("{}/v2/bot/message/{id}/content", self.data_base);
                let req = self.http.get(url).bearer_auth(&self.token);
                read_capped("content", req, limits.max_bytes).await
            }
        }
    }

    /// Polls `…/content/transcoding` with a doubling wait until LINE says
    /// `succeeded`, at most `wait` in all.
    async fn wait_until_ready(&self, id: &str, wait: Duration) -> Result<(), FetchError> {
        let url = format!("{}/v2/bot/message/{id}/content/transcoding", self.data_base);
        let deadline = Instant::now() + wait;
        let mut pause = POLL_FIRST;
        loop {
            let resp = self
                .http
                .get(&url)
                .bearer_auth(&self.token)
                .send()
                .await
                .map_err(|_| transport("content_transcoding"))?;
            let status = resp.status();
            crate::metrics::line_api_call("content_transcoding", status.as_str());
            if !status.is_success() {
                return Err(by_status(status));
            }
            let answer: Value = resp
                .json()
                .await
                .map_err(|_| FetchError::Transient(Some(status.as_u16())))?;
            match answer.get("status").and_then(Value::as_str) {
                Some("succeeded") => return Ok(()),
                Some("failed") => return Err(FetchError::Unavailable(None)),
                _ => {}
            }
            let now = Instant::now();
            if now >= deadline {
                // Still processing: the job is tried again later.
                return Err(FetchError::Transient(None));
            }
            tokio::time::sleep(pause.min(deadline - now)).await;
            pause = (pause * 2).min(POLL_MAX);
        }
    }

    /// An external URL: only `http(s)` to an allow-listed host, and never
    /// with the channel's token.
    async fn external(&self, url: &str, limits: &FetchLimits) -> Result<Vec<u8>, FetchError> {
        let parsed = reqwest::Url::parse(url).map_err(|_| FetchError::HostNotAllowed)?;
        let allowed = matches!(parsed.scheme(), "https" | "http")
            && parsed.host_str().is_some_and(|host| {
                limits
                    .external_hosts
                    .iter()
                    .any(|h| h.eq_ignore_ascii_case(host))
            });
        if !allowed {
            return Err(FetchError::HostNotAllowed);
        }
        read_capped("external_content", self.http.get(parsed), limits.max_bytes).await
    }
}

/// Sends `req` and reads its body, refusing one longer than `max` bytes
/// (by its declared length before reading, and while reading).
async fn read_capped(
    endpoint: &'static str,
    req: reqwest::RequestBuilder,
    max: u64,
) -> Result<Vec<u8>, FetchError> {
    let mut resp = req.send().await.map_err(|_| transport(endpoint))?;
    let status = resp.status();
    crate::metrics::line_api_call(endpoint, status.as_str());
    if !status.is_success() {
        return Err(by_status(status));
    }
    let declared = resp
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(FetchError::TooLarge);
    }
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0) as usize);
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|_| FetchError::Transient(None))?
    {
        if (bytes.len() + chunk.len()) as u64 > max {
            return Err(FetchError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

fn transport(endpoint: &'static str) -> FetchError {
    crate::metrics::line_api_call(endpoint, "error");
    FetchError::Transient(None)
}

/// 429 and 5xx pass; anything else (404 once LINE has dropped the content,
/// a redirect that is not followed) will not get better.
fn by_status(status: StatusCode) -> FetchError {
    let code = Some(status.as_u16());
    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        FetchError::Transient(code)
    } else {
        FetchError::Unavailable(code)
    }
}
