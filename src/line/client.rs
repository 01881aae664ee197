//! The Messaging API client: reply, push (with `X-Line-Retry-Key`), group
//! summary, member profiles and the message quota. Base URLs come from the
//! config so the tests and `simulate` can point it at the loopback fake.
//!
//! The client only reports what LINE answered; what to do about it
//! (retry, fall back to a push, give up) is the outbox's decision.

use std::time::Duration;

use serde_json::{json, Value};

/// What one API call came back with.
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// `x-line-request-id`, for the logs.
    pub request_id: Option<String>,
    /// `Retry-After` in seconds, on 429.
    pub retry_after: Option<Duration>,
    /// The JSON body, when there was one.
    pub body: Option<Value>,
}

impl Response {
    /// 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A call that got no HTTP answer (connection refused, timeout).
#[derive(Debug, thiserror::Error)]
#[error("line api {endpoint}: {reason}")]
pub struct TransportError {
    /// Which endpoint.
    pub endpoint: &'static str,
    /// Why, without any request body.
    pub reason: String,
    /// True when it timed out.
    pub timeout: bool,
}

/// The Messaging API over HTTP.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    api_base: String,
    token: String,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("api_base", &self.api_base)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `api_base` (e.g. `https://api.line.me`) with the channel access token.
    pub fn new(api_base: &str, token: &str, timeout: Duration) -> Result<Client, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("leakguard/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Client {
            http,
            api_base: api_base.trim_end_matches('/').to_string(),
            token: token.to_string(),
        })
    }

    /// `POST /v2/bot/message/reply`; never carries a retry key.
    pub async fn reply(
        &self,
        reply_token: &str,
        messages: &[Value],
    ) -> Result<Response, TransportError> {
        let body = json!({"replyToken": reply_token, "messages": messages});
        let req = self.post("/v2/bot/message/reply").json(&body);
        self.send("reply", req).await
    }

    /// `POST /v2/bot/message/push` with one retry key per message.
    pub async fn push(
        &self,
        to: &str,
        messages: &[Value],
        retry_key: &str,
    ) -> Result<Response, TransportError> {
        let body = json!({"to": to, "messages": messages});
        let req = self
            .post("/v2/bot/message/push")
            .header("X-Line-Retry-Key", retry_key)
            .json(&body);
        self.send("push", req).await
    }

    /// The group's name from `GET /v2/bot/group/{groupId}/summary`.
    pub async fn group_name(&self, group_id: &str) -> Option<String> {
        let path = format!("/v2/bot/group/{}/summary", path_segment(group_id));
        let r = self.send("group_summary", self.get(&path)).await.ok()?;
        let name = r.body?.get("groupName")?.as_str()?.to_string();
        Some(name)
    }

    /// A member's display name: group member, room member or friend profile.
    pub async fn display_name(&self, chat_id: Option<&str>, user_id: &str) -> Option<String> {
        let user = path_segment(user_id);
        let (endpoint, path) = match chat_id {
            Some(c) if c.starts_with('R') => (
                "room_member_profile",
                format!("/v2/bot/room/{}/member/{user}", path_segment(c)),
            ),
            Some(c) => (
                "group_member_profile",
                format!("/v2/bot/group/{}/member/{user}", path_segment(c)),
            ),
            None => ("profile", format!("/v2/bot/profile/{user}")),
        };
        let r = self.send(endpoint, self.get(&path)).await.ok()?;
        let name = r.body?.get("displayName")?.as_str()?.to_string();
        Some(name)
    }

    /// Monthly push quota and usage, when the plan has a limit:
    /// `GET /v2/bot/message/quota` and `/quota/consumption`.
    pub async fn quota(&self) -> Option<(Option<i64>, i64)> {
        let q = self
            .send("quota", self.get("/v2/bot/message/quota"))
            .await
            .ok()?
            .body?;
        let limit = match q.get("type").and_then(Value::as_str) {
            Some("limited") => q.get("value").and_then(Value::as_i64),
            _ => None,
        };
        let c = self
            .send(
                "quota_consumption",
                self.get("/v2/bot/message/quota/consumption"),
            )
            .await
            .ok()?
            .body?;
        Some((limit, c.get("totalUsage")?.as_i64()?))
    }

    pub(super) fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.api_base))
            .bearer_auth(&self.token)
    }

    pub(super) fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .get(format!("{}{path}", self.api_base))
            .bearer_auth(&self.token)
    }

    pub(super) fn put(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .put(format!("{}{path}", self.api_base))
            .bearer_auth(&self.token)
    }

    pub(super) async fn send(
        &self,
        endpoint: &'static str,
        req: reqwest::RequestBuilder,
    ) -> Result<Response, TransportError> {
        let started = std::time::Instant::now();
        let result = req.send().await;
        let resp = match result {
            Ok(r) => r,
            Err(e) => {
                crate::metrics::line_api_call(endpoint, "error");
                return Err(TransportError {
                    endpoint,
                    reason: without_url(&e),
                    timeout: e.is_timeout(),
                });
            }
        };
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(String::from)
        };
        let request_id = header("x-line-request-id");
        let retry_after = header("retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = resp.json::<Value>().await.ok();
        crate::metrics::line_api_call(endpoint, &status.to_string());
        tracing::debug!(
            endpoint,
            status,
            request_id = request_id.as_deref().unwrap_or("-"),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "line api call"
        );
        Ok(Response {
            status,
            request_id,
            retry_after,
            body,
        })
    }
}

/// Ids from LINE are alphanumeric; anything else is percent-encoded so a
/// strange id can never change the path.
pub(super) fn path_segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {detail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_ids_cannot_change_the_path() {
        assert_eq!(path_segment("Cabc123"), "Cabc123");
        assert_eq!(path_segment("../x"), "%2E%2E%2Fx");
    }
}
