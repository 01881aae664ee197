//! Webhook event types, lenient as SPEC §7 requires: every field the
//! platform's own fixtures sometimes omit is optional, and unknown event,
//! source and message types parse as `Unknown` and are ignored, so one odd
//! event never fails a batch. Field names follow LINE's `webhook.yml`.

use serde::Deserialize;

use super::render::{ACK_PREFIX, FALSE_POSITIVE_PREFIX};
use crate::platform::{self as chat, Body, Chat, ChatEvent, Content, ImageSet};

/// The webhook body.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackRequest {
    /// The bot's user id (missing in some fixtures).
    #[serde(default)]
    pub destination: Option<String>,
    /// The events, possibly none.
    #[serde(default)]
    pub events: Vec<Event>,
}

/// A webhook body whose events are parsed one by one, so that one bad
/// event never fails the batch (SPEC §5).
#[derive(Debug)]
pub struct Batch {
    /// The bot's user id, when given.
    pub destination: Option<String>,
    /// Each event, or why it could not be read.
    pub events: Vec<Result<Event, serde_json::Error>>,
}

/// Parses a webhook body; an error only when the body itself is not a
/// JSON object with an optional `events` array.
pub fn parse_batch(body: &[u8]) -> Result<Batch, serde_json::Error> {
    #[derive(Deserialize)]
    struct Raw<'a> {
        #[serde(default)]
        destination: Option<String>,
        #[serde(default, borrow)]
        events: Vec<&'a serde_json::value::RawValue>,
    }
    // serde would also read a struct from an array; LINE sends an object.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(<serde_json::Error as serde::de::Error>::custom(
            "the body is not a JSON object",
        ));
    }
    let raw: Raw = serde_json::from_slice(body)?;
    Ok(Batch {
        destination: raw.destination,
        events: raw
            .events
            .into_iter()
            .map(|e| serde_json::from_str(e.get()))
            .collect(),
    })
}

/// One event.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Milliseconds since the epoch.
    #[serde(default)]
    pub timestamp: Option<i64>,
    /// `active` or `standby`.
    #[serde(default)]
    pub mode: Option<String>,
    /// Unique per event; the same on redelivery.
    #[serde(default)]
    pub webhook_event_id: Option<String>,
    /// Whether this is a redelivery.
    #[serde(default)]
    pub delivery_context: Option<DeliveryContext>,
    /// Who and where.
    #[serde(default)]
    pub source: Option<Source>,
    /// Token for one free reply.
    #[serde(default)]
    pub reply_token: Option<String>,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

impl Event {
    /// Whether the channel is in standby for this event (then nothing is sent).
    pub fn is_standby(&self) -> bool {
        self.mode.as_deref() == Some("standby")
    }
}

impl Event {
    /// The event in the guard's terms; `platform` names the adapter.
    pub fn into_chat_event(self, platform: &'static str) -> ChatEvent {
        let standby = self.is_standby();
        let (chat, sender) = match self.source {
            Some(Source::Group { group_id, user_id }) => (Chat::Group(group_id), user_id),
            Some(Source::Room { room_id, user_id }) => (Chat::Room(room_id), user_id),
            Some(Source::User {
                user_id: Some(user_id),
            }) => (Chat::User(user_id.clone()), Some(user_id)),
            _ => (Chat::Unknown, None),
        };
        let kind = match self.kind {
            EventKind::Message { message } => match message.into_content() {
                Some(c) => chat::EventKind::Message(c),
                None => chat::EventKind::Other("message"),
            },
            EventKind::MessageEdited { message } => match message.into_content() {
                Some(c) => chat::EventKind::Edited(c),
                None => chat::EventKind::Other("messageEdited"),
            },
            EventKind::Unsend { unsend } => chat::EventKind::Unsent {
                message_id: unsend.message_id,
            },
            EventKind::Join => chat::EventKind::Joined,
            EventKind::Leave => chat::EventKind::Left,
            EventKind::Follow => chat::EventKind::Followed,
            EventKind::Unfollow => chat::EventKind::Unfollowed,
            EventKind::Postback { postback } => match feedback(&postback.data) {
                Some((incident_id, false_positive)) => chat::EventKind::Feedback {
                    incident_id,
                    false_positive,
                },
                None => chat::EventKind::Other("postback"),
            },
            EventKind::Unknown => chat::EventKind::Other("unknown"),
        };
        ChatEvent {
            platform,
            id: self.webhook_event_id,
            at: self.timestamp,
            standby,
            chat,
            sender,
            reply: self.reply_token,
            kind,
        }
    }
}

impl Message {
    /// Text or a file as content; `None` for the types the guard does not read.
    fn into_content(self) -> Option<Content> {
        match self {
            Message::Text {
                id,
                text,
                quote_token,
                ..
            } => Some(Content {
                message_id: id,
                body: Body::Text(text),
                quote: quote_token,
            }),
            Message::File {
                id,
                file_name,
                file_size,
            } => Some(Content {
                message_id: id,
                body: Body::File {
                    name: file_name,
                    size: file_size,
                },
                quote: None,
            }),
            Message::Image {
                id,
                content_provider,
                image_set,
                quote_token,
            } => Some(Content {
                message_id: id,
                body: Body::Image {
                    source: content_provider.into_source(),
                    set: image_set.map(|s| ImageSet {
                        id: s.id,
                        index: s.index,
                        total: s.total,
                    }),
                },
                quote: quote_token,
            }),
            Message::Video {
                id,
                content_provider,
                quote_token,
            } => Some(Content {
                message_id: id,
                body: Body::Video {
                    source: content_provider.into_source(),
                },
                quote: quote_token,
            }),
            Message::Audio {
                id,
                content_provider,
            } => Some(Content {
                message_id: id,
                body: Body::Audio {
                    source: content_provider.into_source(),
                },
                quote: None,
            }),
            Message::Unknown => None,
        }
    }
}

/// The incident and the answer a warning's postback button carries
/// (`ack:ID` or `fp:ID`, as [`render`](super::render) writes them).
fn feedback(data: &str) -> Option<(i64, bool)> {
    if let Some(id) = data.strip_prefix(ACK_PREFIX) {
        id.parse().ok().map(|id| (id, false))
    } else if let Some(id) = data.strip_prefix(FALSE_POSITIVE_PREFIX) {
        id.parse().ok().map(|id| (id, true))
    } else {
        None
    }
}

/// Redelivery flag.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryContext {
    /// True when LINE delivers the event again.
    #[serde(default)]
    pub is_redelivery: bool,
}

/// The event types the guard acts on; everything else is `Unknown`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum EventKind {
    /// A new message.
    Message {
        /// The message.
        message: Message,
    },
    /// A message was edited (rescanned).
    MessageEdited {
        /// The edited message.
        message: Message,
    },
    /// A message was unsent.
    Unsend {
        /// Which one.
        unsend: Unsend,
    },
    /// The bot joined a group or room.
    Join,
    /// The bot left a group or room.
    Leave,
    /// A user added the bot as a friend.
    Follow,
    /// A user blocked the bot.
    Unfollow,
    /// A button was tapped.
    Postback {
        /// The button's data.
        postback: Postback,
    },
    /// Any other event type.
    #[serde(other)]
    Unknown,
}

/// Which message was unsent.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Unsend {
    /// The message id.
    pub message_id: String,
}

/// Postback data.
#[derive(Debug, Clone, Deserialize)]
pub struct Postback {
    /// The data string set on the button.
    #[serde(default)]
    pub data: String,
}

/// Where an event happened and who caused it.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Source {
    /// A 1:1 chat.
    #[serde(rename_all = "camelCase")]
    User {
        /// The user (may be missing).
        #[serde(default)]
        user_id: Option<String>,
    },
    /// A group chat.
    #[serde(rename_all = "camelCase")]
    Group {
        /// The group.
        group_id: String,
        /// The sender, when they have consented.
        #[serde(default)]
        user_id: Option<String>,
    },
    /// A multi-person chat.
    #[serde(rename_all = "camelCase")]
    Room {
        /// The room.
        room_id: String,
        /// The sender, when known.
        #[serde(default)]
        user_id: Option<String>,
    },
    /// Any other source type.
    #[serde(other)]
    Unknown,
}

/// Message types the guard reads; others are `Unknown`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Message {
    /// Text.
    #[serde(rename_all = "camelCase")]
    Text {
        /// Message id.
        id: String,
        /// The text.
        #[serde(default)]
        text: String,
        /// Token to quote this message in a reply.
        #[serde(default)]
        quote_token: Option<String>,
        /// Emoji placements (UTF-16 offsets).
        #[serde(default)]
        emojis: Vec<Placement>,
    },
    /// A file: its name is scanned.
    #[serde(rename_all = "camelCase")]
    File {
        /// Message id.
        id: String,
        /// The file name.
        #[serde(default)]
        file_name: String,
        /// Size in bytes.
        #[serde(default)]
        file_size: Option<u64>,
    },
    /// A photo or a screenshot: its text is read by OCR.
    #[serde(rename_all = "camelCase")]
    Image {
        /// Message id.
        id: String,
        /// Where the image is.
        #[serde(default)]
        content_provider: ContentProvider,
        /// The set it belongs to, when several were sent at once.
        #[serde(default)]
        image_set: Option<WireImageSet>,
        /// Token to quote this message in a reply.
        #[serde(default)]
        quote_token: Option<String>,
    },
    /// A video.
    #[serde(rename_all = "camelCase")]
    Video {
        /// Message id.
        id: String,
        /// Where the video is.
        #[serde(default)]
        content_provider: ContentProvider,
        /// Token to quote this message in a reply.
        #[serde(default)]
        quote_token: Option<String>,
    },
    /// A voice message or an audio file (LINE gives no quote token).
    #[serde(rename_all = "camelCase")]
    Audio {
        /// Message id.
        id: String,
        /// Where the audio is.
        #[serde(default)]
        content_provider: ContentProvider,
    },
    /// Any other message type (sticker, location …).
    #[serde(other)]
    Unknown,
}

/// `contentProvider`: LINE keeps the content (`line`), or the sender's
/// app gave a URL (`external`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentProvider {
    /// `line` or `external`.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// The content's URL, for `external`.
    #[serde(default)]
    pub original_content_url: Option<String>,
}

impl ContentProvider {
    /// Where the bytes are (an external provider without a URL has an
    /// empty one, which no allow-list admits).
    fn into_source(self) -> chat::Source {
        match self.kind.as_str() {
            "external" => chat::Source::External {
                url: self.original_content_url.unwrap_or_default(),
            },
            _ => chat::Source::Platform,
        }
    }
}

/// `imageSet`.
#[derive(Debug, Clone, Deserialize)]
pub struct WireImageSet {
    /// The set's id.
    pub id: String,
    /// From 1; missing from old Android apps.
    #[serde(default)]
    pub index: Option<u32>,
    /// Images in the set.
    #[serde(default)]
    pub total: Option<u32>,
}

/// A span in LINE's UTF-16 code units.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Placement {
    /// Start, in UTF-16 code units.
    #[serde(default)]
    pub index: usize,
    /// Length, in UTF-16 code units.
    #[serde(default)]
    pub length: usize,
}

/// Converts a UTF-16 `[index, index + length)` span of `text` to character
/// offsets; `None` when it lies outside the text (real payloads have such
/// indexes) or splits a surrogate pair.
pub fn utf16_span_to_chars(text: &str, index: usize, length: usize) -> Option<(usize, usize)> {
    let end16 = index.checked_add(length)?;
    let (mut u16_pos, mut start, mut end) = (0usize, None, None);
    for (ci, c) in text.chars().enumerate() {
        if u16_pos == index {
            start = Some(ci);
        }
        if u16_pos == end16 {
            end = Some(ci);
        }
        u16_pos += c.len_utf16();
    }
    let n = text.chars().count();
    if u16_pos == index {
        start = Some(n);
    }
    if u16_pos == end16 {
        end = Some(n);
    }
    match (start, end) {
        (Some(s), Some(e)) if s <= e => Some((s, e)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_spans_convert_and_out_of_range_is_none() {
        let text = "😷稽查";
        assert_eq!(utf16_span_to_chars(text, 0, 2), Some((0, 1)));
        assert_eq!(utf16_span_to_chars(text, 2, 2), Some((1, 3)));
        assert_eq!(
            utf16_span_to_chars(text, 1, 1),
            None,
            "splits a surrogate pair"
        );
        assert_eq!(utf16_span_to_chars("Hello, world", 14, 6), None);
        assert_eq!(utf16_span_to_chars("abc", usize::MAX, 2), None);
    }

    #[test]
    fn one_malformed_event_does_not_fail_the_batch() {
        let body = br#"{"destination":"U0","events":[
            {"type":"message","message":{"type":"text","text":"no id"}},
            {"type":"join","source":{"type":"group","groupId":"C1"}}
        ]}"#;
        let batch = parse_batch(body).unwrap();
        assert_eq!(batch.events.len(), 2);
        assert!(batch.events[0].is_err());
        assert!(matches!(
            batch.events[1].as_ref().unwrap().kind,
            EventKind::Join
        ));
        assert!(parse_batch(b"[1,2]").is_err());
        assert!(parse_batch(b"{}").unwrap().events.is_empty());
    }

    #[test]
    fn unknown_types_are_kept_as_unknown() {
        let body = r#"{"events":[
            {"type":"greatNewFeature","source":{"type":"user","userId":"U1"}},
            {"type":"message","source":{"type":"somewhere"},"message":{"id":"1","type":"hologram","x":1}},
            {"type":"message","message":{"id":"2","type":"text","text":"hi"}}
        ]}"#;
        let req: CallbackRequest = serde_json::from_str(body).unwrap();
        assert!(matches!(req.events[0].kind, EventKind::Unknown));
        assert!(matches!(req.events[1].source, Some(Source::Unknown)));
        assert!(matches!(
            req.events[1].kind,
            EventKind::Message {
                message: Message::Unknown
            }
        ));
        assert!(
            matches!(&req.events[2].kind, EventKind::Message { message: Message::Text { text, .. } } if text == "hi")
        );
        assert!(req.destination.is_none());
    }
}
