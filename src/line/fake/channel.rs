//! The fake's channel settings, for `leakguard doctor`: the bot's
//! profile (`GET /v2/bot/info`), the webhook URL (`GET`/`PUT
//! /v2/bot/channel/webhook/endpoint`) and LINE's test call (`POST
//! /v2/bot/channel/webhook/test`), which sends a signed webhook with no
//! events to the URL and reports what it answered. Field names follow
//! LINE's OpenAPI spec (`messaging-api.yml`). Unlike LINE, the fake also
//! accepts `http://` URLs, so that a loopback server can be tested.

use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::{answer, authorized, error, Call, FakeLine, Shared};

/// The bot's user id the fake reports (and signs test webhooks for).
pub const BOT_USER_ID: &str = "U0000000000000000000000000000b0t";

/// What the fake knows of its channel.
#[derive(Debug, Clone, Default)]
pub(super) struct Channel {
    /// The channel secret test webhooks are signed with.
    pub secret: String,
    /// The webhook URL; empty when unset.
    pub endpoint: String,
    /// "Use webhook".
    pub active: bool,
}

impl FakeLine {
    /// The channel secret the test call signs with.
    pub fn set_channel_secret(&self, secret: &str) {
        self.with(|i| i.channel.secret = secret.to_string());
    }

    /// Sets the webhook URL (empty: unset) and "Use webhook", as the
    /// LINE Developers console would.
    pub fn set_webhook(&self, endpoint: &str, active: bool) {
        self.with(|i| {
            i.channel.endpoint = endpoint.to_string();
            i.channel.active = active;
        });
    }

    /// The webhook URL as set now.
    pub fn webhook_endpoint(&self) -> String {
        self.with(|i| i.channel.endpoint.clone())
    }
}

/// The channel routes.
pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/v2/bot/info", get(bot_info))
        .route(
            "/v2/bot/channel/webhook/endpoint",
            get(get_endpoint).put(set_endpoint),
        )
        .route("/v2/bot/channel/webhook/test", post(test_endpoint))
}

/// Records the call; `Some(401 answer)` without the token.
fn checked(state: &Shared, headers: &HeaderMap, endpoint: &'static str) -> Option<Response> {
    let mut i = state.0.lock().expect("fake state");
    let ok = authorized(&i, headers);
    i.calls.push(Call {
        endpoint,
        status: if ok { 200 } else { 401 },
        retry_key: None,
    });
    (!ok).then(|| error(401, "Authentication failed. Confirm that the access token in the authorization header is valid."))
}

async fn bot_info(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(denied) = checked(&state, &headers, "bot_info") {
        return denied;
    }
    answer(
        200,
        json!({
            "userId": BOT_USER_ID,
            "basicId": "@000fake",
            "displayName": "資訊保護小幫手",
            "chatMode": "bot",
            "markAsReadMode": "auto",
        }),
    )
}

async fn get_endpoint(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(denied) = checked(&state, &headers, "webhook_endpoint") {
        return denied;
    }
    let c = state.0.lock().expect("fake state").channel.clone();
    answer(200, json!({"endpoint": c.endpoint, "active": c.active}))
}

async fn set_endpoint(
    State(state): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Some(denied) = checked(&state, &headers, "set_webhook_endpoint") {
        return denied;
    }
    let endpoint = body["endpoint"].as_str().unwrap_or("");
    if !(endpoint.starts_with("https://") || endpoint.starts_with("http://"))
        || endpoint.len() > 500
    {
        return error(400, "Invalid webhook endpoint URL");
    }
    state.0.lock().expect("fake state").channel.endpoint = endpoint.to_string();
    answer(200, json!({}))
}

async fn test_endpoint(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Option<Json<Value>>,
) -> Response {
    if let Some(denied) = checked(&state, &headers, "test_webhook_endpoint") {
        return denied;
    }
    let channel = state.0.lock().expect("fake state").channel.clone();
    let endpoint = body
        .as_ref()
        .and_then(|b| b["endpoint"].as_str())
        .map(String::from)
        .unwrap_or(channel.endpoint);
    if endpoint.is_empty() {
        return error(400, "The webhook endpoint URL is not set");
    }
    let payload = json!({"destination": BOT_USER_ID, "events": []}).to_string();
    let signature = crate::line::signature::sign(channel.secret.as_bytes(), payload.as_bytes());
    let sent = reqwest::Client::new()
        .post(&endpoint)
        .timeout(Duration::from_secs(10))
        .header("content-type", "application/json")
        .header("x-line-signature", signature)
        .body(payload)
        .send()
        .await;
    let timestamp = jiff::Timestamp::now().to_string();
    let (code, reason, detail) = match sent {
        Ok(r) => {
            let code = r.status().as_u16();
            let reason = r.status().canonical_reason().unwrap_or("").to_string();
            (i32::from(code), reason, code.to_string())
        }
        Err(e) if e.is_timeout() => (-1, "Request timeout".into(), e.to_string()),
        Err(e) => (0, "Could not connect".into(), e.to_string()),
    };
    answer(
        200,
        json!({
            "success": code == 200,
            "timestamp": timestamp,
            "statusCode": code,
            "reason": reason,
            "detail": detail,
        }),
    )
}
