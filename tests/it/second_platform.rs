//! The platform boundary holds: a second, minimal platform, written here
//! and nowhere in the crate, is registered with one line and runs through
//! the same server, pipeline, store, content stage and outbox as LINE.
//!
//! "jsonchat" posts `{"events": [...]}` signed with a hex HMAC-SHA256 in
//! `x-jsonchat-signature`, has no reply handles, and "sends" by recording
//! the plain-text form of each notice.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use leakguard::clock::Clock;
use leakguard::notice::{Names, Notice};
use leakguard::platform::{
    Body, BodyError, BoxFuture, Chat, ChatEvent, Content, EventError, EventKind, Platform,
    SendOutcome, Sent, Target,
};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::support::{unique, Local, INSPECTION, OFFICER};

const JSON_SECRET: &[u8] = b"jsonchat-test-secret";

/// The minimal platform; `sent` is what it delivered: (to, text).
#[derive(Clone, Default)]
struct JsonChat {
    sent: Arc<Mutex<Vec<(String, String)>>>,
}

fn sign(body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(JSON_SECRET).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn event_of(v: &Value) -> Option<ChatEvent> {
    let chat = v["chat"].as_str()?.to_string();
    let sender = v["sender"].as_str().map(String::from);
    let content = Content {
        message_id: v["message_id"].as_str()?.to_string(),
        body: match v["file"].as_str() {
            Some(name) => Body::File {
                name: name.to_string(),
                size: None,
            },
            None => Body::Text(v["text"].as_str()?.to_string()),
        },
        quote: None,
    };
    Some(ChatEvent {
        platform: "jsonchat",
        id: v["id"].as_str().map(String::from),
        at: None,
        standby: false,
        chat: if v["direct"] == true {
            Chat::User(chat)
        } else {
            Chat::Group(chat)
        },
        sender,
        reply: None,
        kind: EventKind::Message(content),
    })
}

impl Platform for JsonChat {
    fn name(&self) -> &'static str {
        "jsonchat"
    }

    fn signature_header(&self) -> &'static str {
        "x-jsonchat-signature"
    }

    fn verify(&self, signature: &str, body: &[u8]) -> bool {
        let Ok(sig) = hex::decode(signature) else {
            return false;
        };
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(JSON_SECRET).unwrap();
        mac.update(body);
        mac.verify_slice(&sig).is_ok()
    }

    fn parse(&self, body: &[u8]) -> Result<Vec<Result<ChatEvent, EventError>>, BodyError> {
        let v: Value = serde_json::from_slice(body).map_err(|e| BodyError {
            line: e.line(),
            column: e.column(),
            reason: "syntax",
        })?;
        Ok(v["events"]
            .as_array()
            .map(|events| {
                events
                    .iter()
                    .map(|e| {
                        event_of(e).ok_or(EventError {
                            reason: "missing field",
                        })
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    fn send<'a>(
        &'a self,
        target: Target<'a>,
        notice: &'a Notice,
        names: &'a Names,
    ) -> BoxFuture<'a, Sent> {
        Box::pin(async move {
            let to = match target {
                Target::Push { to, .. } => to.to_string(),
                Target::Reply { handle } => panic!("jsonchat has no reply handles: {handle}"),
            };
            self.sent.lock().unwrap().push((to, notice.text(names)));
            Sent {
                outcome: SendOutcome::Delivered(200),
                request_id: None,
            }
        })
    }

    fn chat_name<'a>(&'a self, _chat_id: &'a str) -> BoxFuture<'a, Option<String>> {
        Box::pin(async { None })
    }

    fn display_name<'a>(
        &'a self,
        _chat_id: Option<&'a str>,
        _user_id: &'a str,
    ) -> BoxFuture<'a, Option<String>> {
        Box::pin(async { None })
    }
}

async fn post(url: &str, path: &str, body: &str, signature: Option<String>) -> u16 {
    let mut req = reqwest::Client::new()
        .post(format!("{url}{path}"))
        .body(body.to_string());
    if let Some(s) = signature {
        req = req.header("x-jsonchat-signature", s);
    }
    req.send().await.unwrap().status().as_u16()
}

async fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_platform_runs_through_the_same_pipeline_store_and_outbox() {
    let jsonchat = JsonChat::default();
    // The one line of registration.
    let extra: Vec<Arc<dyn Platform>> = vec![Arc::new(jsonchat.clone())];
    let local = Local::start(Clock::system(), 0, extra).await;
    let (url, fake) = (&local.url, &local.fake);

    let id = unique();
    let body = json!({"events": [
        {"id": format!("j{id}"), "chat": "room-7", "sender": "alice", "message_id": format!("m{id}"), "text": INSPECTION},
        {"id": format!("k{id}"), "chat": "room-7", "sender": "bob", "message_id": format!("n{id}"), "file": "下週二突擊檢查名單.xlsx"},
        {"chat": "room-7"}
    ]})
    .to_string();
    assert_eq!(post(url, "/webhook/jsonchat", &body, None).await, 401);
    assert_eq!(
        post(url, "/webhook/jsonchat", &body, Some("00".into())).await,
        401
    );
    assert_eq!(
        post(url, "/webhook/nochat", &body, Some(sign(body.as_bytes()))).await,
        404
    );
    assert_eq!(
        post(url, "/webhook/jsonchat", &body, Some(sign(body.as_bytes()))).await,
        200
    );
    // The group warnings go back through jsonchat (one for the text, one
    // for the file's name from the content stage); the officer alert goes
    // through the first platform, LINE.
    wait_until("two jsonchat warnings", || {
        jsonchat.sent.lock().unwrap().len() >= 2
    })
    .await;
    assert!(fake.wait_for_deliveries(1, Duration::from_secs(10)).await);
    // A redelivery of the same body is processed once.
    assert_eq!(
        post(url, "/webhook/jsonchat", &body, Some(sign(body.as_bytes()))).await,
        200
    );
    tokio::time::sleep(Duration::from_millis(500)).await;

    let sent = jsonchat.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 2, "{sent:?}");
    for (to, text) in &sent {
        assert_eq!(to, "room-7");
        assert!(
            text.starts_with("各位好，這則訊息可能含有稽查")
                || text.starts_with("各位好，這則訊息所附的檔案可能含有稽查"),
            "{text}"
        );
    }
    assert!(
        sent.iter().any(|(_, t)| t.contains("突擊檢查名單")),
        "{sent:?}"
    );
    let alerts = fake.deliveries();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].to.as_deref(), Some(OFFICER));
    let incidents = local.server.store().incidents().await.unwrap();
    assert_eq!(incidents.len(), 2);
    assert!(incidents.iter().all(|i| i.chat_id == "room-7"));
    local.server.shutdown().await;
}
