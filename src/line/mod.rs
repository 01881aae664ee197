//! The LINE adapter: everything LINE-specific, in and out. The
//! `x-line-signature` check over the raw body, the webhook event types
//! parsed leniently (SPEC §7) and turned into [`ChatEvent`]s, the rendering
//! of notices as LINE messages, the Messaging API client, what LINE's
//! answers mean (409 on a push with a retry key was delivered before; 400
//! on a reply is a spent reply token), and a loopback fake of the platform.
//! Nothing here knows the pipeline or the scanner.

pub mod channel;
pub mod client;
pub mod content;
pub mod event;
pub mod fake;
pub mod render;
pub mod signature;

use crate::notice::{Names, Notice};
use crate::platform::{
    Body, BodyError, BoxFuture, ChatEvent, EventError, FetchError, FetchLimits, Platform,
    SendOutcome, Sent, Target,
};
use client::{Client, Response, TransportError};
use content::Downloader;

/// The LINE Messaging API as a [`Platform`].
#[derive(Debug, Clone)]
pub struct Line {
    secret: Vec<u8>,
    client: Client,
    downloader: Downloader,
}

impl Line {
    /// The adapter for a channel: its secret signs webhook bodies, the
    /// client and the downloader carry its access token.
    pub fn new(channel_secret: &str, client: Client, downloader: Downloader) -> Line {
        Line {
            secret: channel_secret.as_bytes().to_vec(),
            client,
            downloader,
        }
    }
}

impl Platform for Line {
    fn name(&self) -> &'static str {
        "line"
    }

    fn signature_header(&self) -> &'static str {
        "x-line-signature"
    }

    fn signature_well_formed(&self, signature: &str) -> bool {
        signature::well_formed(signature)
    }

    fn verify(&self, signature: &str, body: &[u8]) -> bool {
        signature::verify(&self.secret, body, Some(signature)).is_ok()
    }

    fn parse(&self, body: &[u8]) -> Result<Vec<Result<ChatEvent, EventError>>, BodyError> {
        let batch = event::parse_batch(body).map_err(|e| BodyError {
            line: e.line(),
            column: e.column(),
            reason: classify(&e),
        })?;
        Ok(batch
            .events
            .into_iter()
            .map(|e| match e {
                Ok(e) => Ok(e.into_chat_event(self.name())),
                Err(e) => Err(EventError {
                    reason: classify(&e),
                }),
            })
            .collect())
    }

    fn send<'a>(
        &'a self,
        target: Target<'a>,
        notice: &'a Notice,
        names: &'a Names,
    ) -> BoxFuture<'a, Sent> {
        Box::pin(async move {
            let messages = render::render(notice, names);
            match target {
                Target::Reply { handle } => judge(self.client.reply(handle, &messages).await, true),
                Target::Push { to, retry_key } => {
                    judge(self.client.push(to, &messages, retry_key).await, false)
                }
            }
        })
    }

    fn chat_name<'a>(&'a self, chat_id: &'a str) -> BoxFuture<'a, Option<String>> {
        Box::pin(async move {
            // Group ids start with C, room ids with R; rooms have no name.
            if chat_id.starts_with('C') {
                self.client.group_name(chat_id).await
            } else {
                None
            }
        })
    }

    fn display_name<'a>(
        &'a self,
        chat_id: Option<&'a str>,
        user_id: &'a str,
    ) -> BoxFuture<'a, Option<String>> {
        Box::pin(self.client.display_name(chat_id, user_id))
    }

    fn quota(&self) -> BoxFuture<'_, Option<(Option<i64>, i64)>> {
        Box::pin(self.client.quota())
    }

    fn fetch<'a>(
        &'a self,
        message_id: &'a str,
        body: &'a Body,
        limits: &'a FetchLimits,
    ) -> BoxFuture<'a, Result<Vec<u8>, FetchError>> {
        Box::pin(self.downloader.fetch(message_id, body, limits))
    }
}

/// What LINE's answer to a reply or a push means for the outbox (SPEC §7).
fn judge(result: Result<Response, TransportError>, reply: bool) -> Sent {
    let r = match result {
        Ok(r) => r,
        Err(e) => {
            tracing::debug!(error = %e, "line api unreachable");
            return Sent {
                outcome: SendOutcome::Transient {
                    status: None,
                    retry_after: None,
                },
                request_id: None,
            };
        }
    };
    let s = r.status;
    let outcome = if r.is_success() || (s == 409 && !reply) {
        // 409 on a push: an earlier attempt with this retry key was accepted.
        SendOutcome::Delivered(s)
    } else if s == 429 || s >= 500 {
        SendOutcome::Transient {
            status: Some(s),
            retry_after: r.retry_after,
        }
    } else if reply && s == 400 {
        // The reply token expired or was used.
        SendOutcome::ReplyRefused(s)
    } else {
        SendOutcome::Refused(Some(s))
    };
    Sent {
        outcome,
        request_id: r.request_id,
    }
}

/// What kind of JSON error, for the logs (never the body's content).
fn classify(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "io",
        serde_json::error::Category::Syntax => "syntax",
        serde_json::error::Category::Data => "missing or mistyped field",
        serde_json::error::Category::Eof => "truncated",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16) -> Result<Response, TransportError> {
        Ok(Response {
            status,
            request_id: Some("r1".into()),
            retry_after: None,
            body: None,
        })
    }

    #[test]
    fn line_answers_mean_what_spec_section_7_says() {
        let table = [
            (200, false, SendOutcome::Delivered(200)),
            (409, false, SendOutcome::Delivered(409)),
            (409, true, SendOutcome::Refused(Some(409))),
            (400, true, SendOutcome::ReplyRefused(400)),
            (400, false, SendOutcome::Refused(Some(400))),
            (
                429,
                false,
                SendOutcome::Transient {
                    status: Some(429),
                    retry_after: None,
                },
            ),
            (
                503,
                true,
                SendOutcome::Transient {
                    status: Some(503),
                    retry_after: None,
                },
            ),
        ];
        for (status, reply, want) in table {
            let sent = judge(answer(status), reply);
            assert_eq!(sent.outcome, want, "{status} reply={reply}");
            assert_eq!(sent.request_id.as_deref(), Some("r1"));
        }
    }
}
