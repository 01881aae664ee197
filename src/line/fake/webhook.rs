//! Builders for webhook bodies as LINE sends them.

use serde_json::{json, Value};

/// A group or room source.
pub fn group_source(group: &str, user: Option<&str>) -> Value {
    let mut s = if group.starts_with('R') {
        json!({"type": "room", "roomId": group})
    } else {
        json!({"type": "group", "groupId": group})
    };
    if let Some(u) = user {
        s["userId"] = json!(u);
    }
    s
}

/// A 1:1 source.
pub fn user_source(user: &str) -> Value {
    json!({"type": "user", "userId": user})
}

/// The fields every event carries.
pub fn base(kind: &str, event_id: &str, source: Value, reply_token: Option<&str>) -> Value {
    let mut e = json!({
        "type": kind,
        "mode": "active",
        "timestamp": crate::clock::now_ms(),
        "source": source,
        "webhookEventId": event_id,
        "deliveryContext": {"isRedelivery": false},
    });
    if let Some(t) = reply_token {
        e["replyToken"] = json!(t);
    }
    e
}

/// A text message event.
pub fn text(
    event_id: &str,
    source: Value,
    reply_token: Option<&str>,
    message_id: &str,
    text: &str,
) -> Value {
    let mut e = base("message", event_id, source, reply_token);
    e["message"] = json!({
        "type": "text", "id": message_id, "text": text,
        "quoteToken": format!("q-{message_id}"),
    });
    e
}

/// A file message event.
pub fn file(
    event_id: &str,
    source: Value,
    reply_token: Option<&str>,
    message_id: &str,
    name: &str,
) -> Value {
    let mut e = base("message", event_id, source, reply_token);
    e["message"] = json!({"type": "file", "id": message_id, "fileName": name, "fileSize": 2048});
    e
}

/// An image message event, `set` its image set (id, index, total)
/// when several were sent at once.
pub fn image(
    event_id: &str,
    source: Value,
    reply_token: Option<&str>,
    message_id: &str,
    set: Option<(&str, u32, u32)>,
) -> Value {
    let mut e = base("message", event_id, source, reply_token);
    e["message"] = json!({
        "type": "image", "id": message_id,
        "contentProvider": {"type": "line"},
        "quoteToken": format!("q-{message_id}"),
    });
    if let Some((id, index, total)) = set {
        e["message"]["imageSet"] = json!({"id": id, "index": index, "total": total});
    }
    e
}

/// An image message event whose content is at the sender's own `url`.
pub fn external_image(event_id: &str, source: Value, message_id: &str, url: &str) -> Value {
    let mut e = base("message", event_id, source, None);
    e["message"] = json!({
        "type": "image", "id": message_id,
        "contentProvider": {"type": "external", "originalContentUrl": url, "previewImageUrl": url},
        "quoteToken": format!("q-{message_id}"),
    });
    e
}

/// A video message event.
pub fn video(event_id: &str, source: Value, message_id: &str) -> Value {
    let mut e = base("message", event_id, source, None);
    e["message"] = json!({
        "type": "video", "id": message_id, "duration": 60000,
        "contentProvider": {"type": "line"},
        "quoteToken": format!("q-{message_id}"),
    });
    e
}

/// An unsend event.
pub fn unsend(event_id: &str, source: Value, message_id: &str) -> Value {
    let mut e = base("unsend", event_id, source, None);
    e["unsend"] = json!({"messageId": message_id});
    e
}

/// A postback event.
pub fn postback(event_id: &str, source: Value, reply_token: Option<&str>, data: &str) -> Value {
    let mut e = base("postback", event_id, source, reply_token);
    e["postback"] = json!({"data": data});
    e
}

/// The body for `events`.
pub fn body(events: Vec<Value>) -> String {
    json!({"destination": "Uffffffffffffffffffffffffffffffff", "events": events}).to_string()
}

/// A redelivery of `event`: same id, flagged as such.
pub fn redelivered(mut event: Value) -> Value {
    event["deliveryContext"] = json!({"isRedelivery": true});
    event
}
