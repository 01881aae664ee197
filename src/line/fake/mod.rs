//! A loopback fake of the LINE platform, speaking the Messaging API's wire
//! format, for `leakguard simulate` and the integration tests.
//!
//! It checks the bearer token, accepts a reply token once, delivers a push
//! once per `X-Line-Retry-Key` (a repeat gets 409, as LINE does), answers
//! the group summary and member profile APIs, and can be told to fail:
//! scripted statuses for the next calls, expired reply tokens, a slow
//! answer; it also answers the channel endpoints `leakguard doctor`
//! reads ([`channel`]). A message counts as delivered only when its answer is written,
//! so a caller killed mid-request has delivered nothing.
//!
//! It also builds and signs webhook bodies the way LINE does.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::Notify;

/// How a message reached the fake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// `POST /v2/bot/message/reply`.
    Reply,
    /// `POST /v2/bot/message/push`.
    Push,
}

/// One delivered request.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Reply or push.
    pub via: Via,
    /// The chat or user it went to (a reply's chat is known when its
    /// token came from [`FakeLine::reply_token`]).
    pub to: Option<String>,
    /// The push's retry key.
    pub retry_key: Option<String>,
    /// The message objects.
    pub messages: Vec<Value>,
}

/// One API call, delivered or not.
#[derive(Debug, Clone)]
pub struct Call {
    /// `reply`, `push`, `group_summary`, `member_profile`, `quota` …
    pub endpoint: &'static str,
    /// What the fake answered.
    pub status: u16,
    /// The push's retry key.
    pub retry_key: Option<String>,
}

#[derive(Default)]
struct Inner {
    token: String,
    deliveries: Vec<Delivery>,
    calls: Vec<Call>,
    used_reply_tokens: HashSet<String>,
    reply_chats: HashMap<String, String>,
    accepted_retry_keys: HashSet<String>,
    push_failures: VecDeque<u16>,
    reply_failures: VecDeque<u16>,
    replies_expired: bool,
    group_names: HashMap<String, String>,
    display_names: HashMap<String, String>,
    delay: Duration,
    next_token: u64,
    quota: Option<i64>,
    used: i64,
    contents: HashMap<String, Stored>,
    channel: channel::Channel,
}

/// What the fake keeps of a message's content.
#[derive(Clone)]
enum Stored {
    /// These bytes, after answering `processing` to this many
    /// transcoding polls.
    Bytes(Arc<Vec<u8>>, u32),
    /// A body that never ends.
    Endless,
    /// Transcoding failed.
    Failed,
}

/// The fake platform; clones share it.
#[derive(Clone)]
pub struct FakeLine {
    addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
    changed: Arc<Notify>,
}

type Shared = (Arc<Mutex<Inner>>, Arc<Notify>);

impl FakeLine {
    /// Starts on `127.0.0.1:0`, accepting `access_token`.
    pub async fn start(access_token: &str) -> std::io::Result<FakeLine> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let inner = Arc::new(Mutex::new(Inner {
            token: access_token.to_string(),
            quota: Some(200),
            ..Inner::default()
        }));
        let changed = Arc::new(Notify::new());
        let app = Router::new()
            .route("/v2/bot/message/reply", post(reply))
            .route("/v2/bot/message/push", post(push))
            .route("/v2/bot/group/{group}/summary", get(group_summary))
            .route("/v2/bot/group/{group}/member/{user}", get(member_profile))
            .route("/v2/bot/room/{room}/member/{user}", get(member_profile))
            .route("/v2/bot/message/quota", get(quota))
            .route("/v2/bot/message/quota/consumption", get(consumption))
            .route("/v2/bot/message/{id}/content", get(content))
            .route("/v2/bot/message/{id}/content/transcoding", get(transcoding))
            .merge(channel::routes())
            .with_state((inner.clone(), changed.clone()));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(FakeLine {
            addr,
            inner,
            changed,
        })
    }

    /// `http://127.0.0.1:PORT`, for `[line] api_base`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().expect("fake state"))
    }

    /// Serves `bytes` as the content of message `id` (for the data host,
    /// `[line] data_api_base`).
    pub fn set_content(&self, id: &str, bytes: Vec<u8>) {
        self.set_video(id, bytes, 0);
    }

    /// Serves `bytes` as the content of video or audio message `id`, after
    /// answering `processing` to `polls` transcoding polls.
    pub fn set_video(&self, id: &str, bytes: Vec<u8>, polls: u32) {
        let stored = Stored::Bytes(Arc::new(bytes), polls);
        self.with(|i| i.contents.insert(id.to_string(), stored));
    }

    /// Serves a content for message `id` that never ends.
    pub fn set_endless_content(&self, id: &str) {
        self.with(|i| i.contents.insert(id.to_string(), Stored::Endless));
    }

    /// Makes the transcoding of message `id` fail.
    pub fn set_transcoding_failed(&self, id: &str) {
        self.with(|i| i.contents.insert(id.to_string(), Stored::Failed));
    }

    /// A fresh reply token for an event in `chat`.
    pub fn reply_token(&self, chat: &str) -> String {
        self.with(|i| {
            i.next_token += 1;
            let t = format!("rt{:08}", i.next_token);
            i.reply_chats.insert(t.clone(), chat.to_string());
            t
        })
    }

    /// Every delivered message so far, in order.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.with(|i| i.deliveries.clone())
    }

    /// Every API call so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.with(|i| i.calls.clone())
    }

    /// The next pushes fail with these statuses, in order.
    pub fn fail_next_pushes(&self, statuses: &[u16]) {
        self.with(|i| i.push_failures.extend(statuses));
    }

    /// The next replies fail with these statuses, in order.
    pub fn fail_next_replies(&self, statuses: &[u16]) {
        self.with(|i| i.reply_failures.extend(statuses));
    }

    /// Every reply token counts as expired (400 Invalid reply token).
    pub fn expire_reply_tokens(&self, expired: bool) {
        self.with(|i| i.replies_expired = expired);
    }

    /// Answers slowly; a caller that goes away meanwhile delivers nothing.
    pub fn set_delay(&self, delay: Duration) {
        self.with(|i| i.delay = delay);
    }

    /// The name the group summary API returns.
    pub fn set_group_name(&self, group: &str, name: &str) {
        self.with(|i| i.group_names.insert(group.to_string(), name.to_string()));
    }

    /// The display name the profile APIs return.
    pub fn set_display_name(&self, user: &str, name: &str) {
        self.with(|i| i.display_names.insert(user.to_string(), name.to_string()));
    }

    /// Waits until at least `n` messages were delivered; false on timeout.
    pub async fn wait_for_deliveries(&self, n: usize, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.changed.notified();
            if self.with(|i| i.deliveries.len()) >= n {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.with(|i| i.deliveries.len()) >= n;
            }
        }
    }
}

fn authorized(inner: &Inner, headers: &HeaderMap) -> bool {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| t == inner.token)
}

fn answer(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [("x-line-request-id", uuid::Uuid::new_v4().to_string())],
        Json(body),
    )
        .into_response()
}

fn error(status: u16, message: &str) -> Response {
    let mut r = answer(status, json!({"message": message}));
    if status == 429 {
        r.headers_mut()
            .insert("retry-after", axum::http::HeaderValue::from_static("1"));
    }
    r
}

async fn pause(state: &Shared) {
    let delay = state.0.lock().expect("fake state").delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
}

async fn reply(State(state): State<Shared>, headers: HeaderMap, body: Json<Value>) -> Response {
    pause(&state).await;
    let (inner, changed) = &state;
    let mut i = inner.lock().expect("fake state");
    let token = body["replyToken"].as_str().unwrap_or("").to_string();
    let status = if !authorized(&i, &headers) {
        401
    } else if let Some(s) = i.reply_failures.pop_front() {
        s
    } else if token.is_empty() || i.replies_expired || i.used_reply_tokens.contains(&token) {
        400
    } else {
        200
    };
    i.calls.push(Call {
        endpoint: "reply",
        status,
        retry_key: headers
            .get("x-line-retry-key")
            .and_then(|v| v.to_str().ok())
            .map(String::from),
    });
    let resp = match status {
        200 => {
            i.used_reply_tokens.insert(token.clone());
            let to = i.reply_chats.get(&token).cloned();
            i.deliveries.push(Delivery {
                via: Via::Reply,
                to,
                retry_key: None,
                messages: messages(&body),
            });
            answer(200, json!({"sentMessages": []}))
        }
        400 => error(400, "Invalid reply token"),
        401 => error(401, "Authentication failed. Confirm that the access token in the authorization header is valid."),
        s => error(s, "fake failure"),
    };
    changed.notify_waiters();
    resp
}

async fn push(State(state): State<Shared>, headers: HeaderMap, body: Json<Value>) -> Response {
    pause(&state).await;
    let (inner, changed) = &state;
    let mut i = inner.lock().expect("fake state");
    let key = headers
        .get("x-line-retry-key")
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let status = if !authorized(&i, &headers) {
        401
    } else if key
        .as_ref()
        .is_some_and(|k| i.accepted_retry_keys.contains(k))
    {
        409
    } else if let Some(s) = i.push_failures.pop_front() {
        s
    } else if body["to"].as_str().unwrap_or("").is_empty() {
        400
    } else {
        200
    };
    i.calls.push(Call {
        endpoint: "push",
        status,
        retry_key: key.clone(),
    });
    let resp = match status {
        200 => {
            if let Some(k) = &key {
                i.accepted_retry_keys.insert(k.clone());
            }
            i.used += 1;
            i.deliveries.push(Delivery {
                via: Via::Push,
                to: body["to"].as_str().map(String::from),
                retry_key: key,
                messages: messages(&body),
            });
            answer(200, json!({"sentMessages": []}))
        }
        409 => error(409, "The retry key is already accepted"),
        401 => error(401, "Authentication failed. Confirm that the access token in the authorization header is valid."),
        429 => error(429, "Too Many Requests"),
        s => error(s, "fake failure"),
    };
    changed.notify_waiters();
    resp
}

fn messages(body: &Value) -> Vec<Value> {
    body["messages"].as_array().cloned().unwrap_or_default()
}

/// A GET that looks a name up: 401 without the token, 404 when unknown.
fn lookup(
    inner: &Mutex<Inner>,
    headers: &HeaderMap,
    endpoint: &'static str,
    find: impl FnOnce(&Inner) -> Option<Value>,
) -> Response {
    let mut i = inner.lock().expect("fake state");
    let (status, resp) = if !authorized(&i, headers) {
        (401, error(401, "Authentication failed"))
    } else if let Some(body) = find(&i) {
        (200, answer(200, body))
    } else {
        (404, error(404, "Not found"))
    };
    i.calls.push(Call {
        endpoint,
        status,
        retry_key: None,
    });
    resp
}

async fn group_summary(
    State((inner, _)): State<Shared>,
    headers: HeaderMap,
    Path(group): Path<String>,
) -> Response {
    lookup(&inner, &headers, "group_summary", |i| {
        let name = i.group_names.get(&group)?;
        Some(
            json!({"groupId": group, "groupName": name, "pictureUrl": "https://example.invalid/g.png"}),
        )
    })
}

async fn member_profile(
    State((inner, _)): State<Shared>,
    headers: HeaderMap,
    Path((_, user)): Path<(String, String)>,
) -> Response {
    lookup(&inner, &headers, "member_profile", |i| {
        let name = i.display_names.get(&user)?;
        Some(
            json!({"displayName": name, "userId": user, "pictureUrl": "https://example.invalid/u.png"}),
        )
    })
}

async fn quota(State((inner, _)): State<Shared>) -> Response {
    let i = inner.lock().expect("fake state");
    match i.quota {
        Some(v) => answer(200, json!({"type": "limited", "value": v})),
        None => answer(200, json!({"type": "none"})),
    }
}

async fn consumption(State((inner, _)): State<Shared>) -> Response {
    let i = inner.lock().expect("fake state");
    answer(200, json!({"totalUsage": i.used}))
}

async fn content(
    State((inner, _)): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let stored = {
        let mut i = inner.lock().expect("fake state");
        if !authorized(&i, &headers) {
            return error(401, "Authentication failed");
        }
        let stored = i.contents.get(&id).cloned();
        let status = if stored.is_some() { 200 } else { 404 };
        i.calls.push(Call {
            endpoint: "content",
            status,
            retry_key: None,
        });
        stored
    };
    match stored {
        Some(Stored::Bytes(bytes, _)) => {
            let headers = [(axum::http::header::CONTENT_TYPE, "application/octet-stream")];
            (headers, bytes.as_ref().clone()).into_response()
        }
        Some(Stored::Endless) => {
            let chunk = axum::body::Bytes::from(vec![b'A'; 64 << 10]);
            let stream = futures_util::stream::repeat_with(move || {
                Ok::<_, std::convert::Infallible>(chunk.clone())
            });
            axum::body::Body::from_stream(stream).into_response()
        }
        Some(Stored::Failed) | None => error(404, "Not found"),
    }
}

async fn transcoding(
    State((inner, _)): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let mut i = inner.lock().expect("fake state");
    if !authorized(&i, &headers) {
        return error(401, "Authentication failed");
    }
    let status = match i.contents.get_mut(&id) {
        Some(Stored::Bytes(_, polls)) if *polls > 0 => {
            *polls -= 1;
            "processing"
        }
        Some(Stored::Failed) => "failed",
        Some(_) => "succeeded",
        None => return error(404, "Not found"),
    };
    i.calls.push(Call {
        endpoint: "content_transcoding",
        status: 200,
        retry_key: None,
    });
    answer(200, json!({ "status": status }))
}

/// The channel's settings and LINE's webhook test call.
pub mod channel;
/// Builders for webhook bodies as LINE sends them.
pub mod webhook;
