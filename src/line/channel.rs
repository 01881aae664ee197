//! The channel's own settings through the Messaging API, for `leakguard
//! doctor`: the bot's profile (proves the access token), the webhook URL
//! (read and set) and LINE's test call, which makes the platform send a
//! signed webhook with no events to a URL and report what it answered.
//! Paths and fields as in LINE's OpenAPI spec (`messaging-api.yml`).

use serde_json::{json, Value};

use super::client::{Client, Response, TransportError};

/// What LINE's test call reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCall {
    /// The webhook answered 200.
    pub success: bool,
    /// What the webhook answered; 0 or below when it did not.
    pub status_code: i64,
    /// LINE's reason, e.g. `Could not connect`.
    pub reason: String,
    /// LINE's detail.
    pub detail: String,
}

impl Client {
    /// `GET /v2/bot/info`.
    pub async fn bot_info(&self) -> Result<Response, TransportError> {
        self.send("bot_info", self.get("/v2/bot/info")).await
    }

    /// `GET /v2/bot/channel/webhook/endpoint`.
    pub async fn webhook_endpoint(&self) -> Result<Response, TransportError> {
        let req = self.get("/v2/bot/channel/webhook/endpoint");
        self.send("webhook_endpoint", req).await
    }

    /// `PUT /v2/bot/channel/webhook/endpoint`.
    pub async fn set_webhook_endpoint(&self, url: &str) -> Result<Response, TransportError> {
        let req = self
            .put("/v2/bot/channel/webhook/endpoint")
            .json(&json!({ "endpoint": url }));
        self.send("set_webhook_endpoint", req).await
    }

    /// `POST /v2/bot/channel/webhook/test` for `url`; the LINE answer,
    /// and the test's outcome when LINE ran it.
    pub async fn test_webhook_endpoint(
        &self,
        url: &str,
    ) -> Result<(Response, Option<TestCall>), TransportError> {
        let req = self
            .post("/v2/bot/channel/webhook/test")
            .json(&json!({ "endpoint": url }));
        let r = self.send("test_webhook_endpoint", req).await?;
        let outcome = r
            .body
            .as_ref()
            .filter(|_| r.is_success())
            .map(|b| TestCall {
                success: b.get("success").and_then(Value::as_bool).unwrap_or(false),
                status_code: b.get("statusCode").and_then(Value::as_i64).unwrap_or(0),
                reason: text(b, "reason"),
                detail: text(b, "detail"),
            });
        Ok((r, outcome))
    }
}

fn text(body: &Value, key: &str) -> String {
    body.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}
