//! The platform boundary: what every chat platform is to the guard.
//!
//! An adapter (LINE in `crate::line`; LINE WORKS would be a sibling folder)
//! turns its webhook bodies into [`ChatEvent`]s and renders and sends
//! [`Notice`]s; past the adapter nothing knows a platform's wire format,
//! its reply-token rules or its status codes. The pipeline, the store and
//! the outbox see only the types here.
//!
//! Adding a platform means one folder implementing [`Platform`] and one
//! line where the server's platforms are listed (`cli::serve`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::notice::{Names, Notice};

/// A boxed future, so that [`Platform`] can be used as a trait object.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One event from a platform, in the guard's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatEvent {
    /// The adapter it came from ([`Platform::name`]); answers go back
    /// through it.
    pub platform: &'static str,
    /// The platform's id for this delivery, the same on redelivery; an
    /// event seen before is processed once.
    pub id: Option<String>,
    /// When it happened, in Unix ms.
    pub at: Option<i64>,
    /// True when the bot must not answer (LINE's `mode: standby`).
    pub standby: bool,
    /// Where it happened.
    pub chat: Chat,
    /// Who caused it, when the platform says.
    pub sender: Option<String>,
    /// A handle for one free reply (LINE: the reply token).
    pub reply: Option<String>,
    /// What happened.
    pub kind: EventKind,
}

/// Where an event happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Chat {
    /// A group.
    Group(String),
    /// A multi-person room.
    Room(String),
    /// A 1:1 chat with a user.
    User(String),
    /// No usable source.
    Unknown,
}

impl Chat {
    /// The id to push to.
    pub fn id(&self) -> Option<&str> {
        match self {
            Chat::Group(id) | Chat::Room(id) | Chat::User(id) => Some(id),
            Chat::Unknown => None,
        }
    }

    /// A group or room with its kind (`group`, `room`); `None` for a 1:1
    /// chat or an unknown source.
    pub fn shared(&self) -> Option<(&str, &'static str)> {
        match self {
            Chat::Group(id) => Some((id, "group")),
            Chat::Room(id) => Some((id, "room")),
            _ => None,
        }
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// A new message.
    Message(Content),
    /// A message was edited: its content is scanned again.
    Edited(Content),
    /// A message was unsent.
    Unsent {
        /// Which one.
        message_id: String,
    },
    /// The bot joined a group or room.
    Joined,
    /// The bot left a group or room.
    Left,
    /// A user added the bot as a friend.
    Followed,
    /// A user blocked the bot.
    Unfollowed,
    /// A member answered a warning's button.
    Feedback {
        /// The incident the warning was about.
        incident_id: i64,
        /// True for 「這是誤判」, false for 「我知道了」.
        false_positive: bool,
    },
    /// Anything the guard does not act on, by the platform's name for it.
    Other(&'static str),
}

impl EventKind {
    /// The name used in metrics and logs.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Message(_) => "message",
            EventKind::Edited(_) => "messageEdited",
            EventKind::Unsent { .. } => "unsend",
            EventKind::Joined => "join",
            EventKind::Left => "leave",
            EventKind::Followed => "follow",
            EventKind::Unfollowed => "unfollow",
            EventKind::Feedback { .. } => "postback",
            EventKind::Other(name) => name,
        }
    }
}

/// A message's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Content {
    /// The platform's message id.
    pub message_id: String,
    /// Text or an attachment.
    pub body: Body,
    /// A handle to quote this message in a reply, when the platform has one.
    pub quote: Option<String>,
}

/// What a message carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Body {
    /// Text.
    Text(String),
    /// A file; its content is fetched from the platform when needed.
    File {
        /// The file name as the sender gave it.
        name: String,
        /// Size in bytes, when the platform says.
        size: Option<u64>,
    },
    /// A photo or a screenshot.
    Image {
        /// Where its bytes are.
        source: Source,
        /// The set it was sent in, when several were sent at once.
        set: Option<ImageSet>,
    },
    /// A video: it has no name and its pictures and sound are not read.
    Video {
        /// Where its bytes are.
        source: Source,
    },
    /// A voice message or an audio file: not read either.
    Audio {
        /// Where its bytes are.
        source: Source,
    },
}

impl Body {
    /// The kind of message, for metrics and logs: `text`, `file`,
    /// `image`, `video` or `audio`.
    pub fn kind(&self) -> &'static str {
        match self {
            Body::Text(_) => "text",
            Body::File { .. } => "file",
            Body::Image { .. } => "image",
            Body::Video { .. } => "video",
            Body::Audio { .. } => "audio",
        }
    }

    /// Where the bytes of an attachment are.
    pub fn source(&self) -> Option<&Source> {
        match self {
            Body::Text(_) => None,
            Body::File { .. } => Some(&Source::Platform),
            Body::Image { source, .. } | Body::Video { source } | Body::Audio { source } => {
                Some(source)
            }
        }
    }
}

/// Where an attachment's bytes are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Source {
    /// Kept by the platform, fetched by message id.
    #[default]
    Platform,
    /// At a URL the sender's app gave (LINE: `contentProvider.type`
    /// `external`); fetched only from hosts on the allow-list.
    External {
        /// The URL.
        url: String,
    },
}

/// Several images sent at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageSet {
    /// The set's id, the same for each of its images.
    pub id: String,
    /// This image's place in the set, from 1, when the platform says.
    pub index: Option<u32>,
    /// How many images the set has, when the platform says.
    pub total: Option<u32>,
}

/// How an attachment may be fetched.
#[derive(Debug, Clone)]
pub struct FetchLimits {
    /// Largest content accepted, in bytes.
    pub max_bytes: u64,
    /// Hosts an external URL may point at.
    pub external_hosts: Vec<String>,
    /// How long to wait for a video or audio to be ready.
    pub ready_wait: Duration,
}

/// Why an attachment's bytes did not arrive.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// Larger than [`FetchLimits::max_bytes`].
    #[error("larger than the size limit")]
    TooLarge,
    /// An external URL whose host is not on the allow-list.
    #[error("external host not allowed")]
    HostNotAllowed,
    /// The platform no longer has it, or never prepared it.
    #[error("content unavailable{}", .0.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
    Unavailable(Option<u16>),
    /// Busy, failing or unreachable: try again later.
    #[error("transient failure{}", .0.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
    Transient(Option<u16>),
    /// This platform cannot fetch content.
    #[error("fetching content is not supported")]
    Unsupported,
}

/// A webhook body the adapter could not read at all (one bad event is an
/// [`EventError`] instead, and never fails the batch).
#[derive(Debug, thiserror::Error)]
#[error("malformed body at line {line}, column {column}: {reason}")]
pub struct BodyError {
    /// Where the body stopped making sense.
    pub line: usize,
    /// Where the body stopped making sense.
    pub column: usize,
    /// What was wrong, without the body's content.
    pub reason: &'static str,
}

/// One event that could not be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("unreadable event: {reason}")]
pub struct EventError {
    /// Why, without the event's content.
    pub reason: &'static str,
}

/// Where a notice goes.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// A free reply with the event's handle.
    Reply {
        /// The reply handle.
        handle: &'a str,
    },
    /// A push, with a key the platform uses to deliver it once however
    /// often it is retried.
    Push {
        /// User, group or room id.
        to: &'a str,
        /// The same on every attempt of this message.
        retry_key: &'a str,
    },
}

/// What the platform made of one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// What to do next.
    pub outcome: SendOutcome,
    /// The platform's request id, for the logs.
    pub request_id: Option<String>,
}

/// The platform's answer to a send, in the outbox's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// Delivered (also: an earlier attempt with the same retry key was).
    Delivered(u16),
    /// Try again later: the platform was busy, failing or unreachable.
    Transient {
        /// The HTTP status, when there was an answer.
        status: Option<u16>,
        /// How long the platform asked to wait.
        retry_after: Option<Duration>,
    },
    /// The reply handle was refused (expired or used): push instead.
    ReplyRefused(u16),
    /// Refused for good.
    Refused(Option<u16>),
}

/// The platforms a server speaks, found by name; cheap to clone.
#[derive(Clone)]
pub struct Platforms(Arc<[Arc<dyn Platform>]>);

impl Platforms {
    /// The platforms, in order: the first is the officers'.
    pub fn new(platforms: Vec<Arc<dyn Platform>>) -> Platforms {
        Platforms(platforms.into())
    }

    /// The platform called `name` (a webhook path, an outbox row, a job).
    pub fn get(&self, name: &str) -> Option<&Arc<dyn Platform>> {
        self.0.iter().find(|p| p.name() == name)
    }

    /// Every platform, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn Platform>> {
        self.0.iter()
    }
}

/// A chat platform, as the server, the outbox and the workers use it.
pub trait Platform: Send + Sync + 'static {
    /// Short name: the webhook path `/webhook/{name}`, logs, the outbox.
    fn name(&self) -> &'static str;

    /// The header that carries the webhook body's signature.
    fn signature_header(&self) -> &'static str;

    /// Whether `signature` has the form of this platform's signatures (a
    /// cheap check of the header alone), so that a request which cannot
    /// be signed is refused before its body is read. Any non-empty value
    /// unless the platform says more.
    fn signature_well_formed(&self, signature: &str) -> bool {
        !signature.trim().is_empty()
    }

    /// Whether `signature` signs `body`; compared in constant time.
    fn verify(&self, signature: &str, body: &[u8]) -> bool;

    /// The events of a verified body, each parsed on its own.
    fn parse(&self, body: &[u8]) -> Result<Vec<Result<ChatEvent, EventError>>, BodyError>;

    /// Renders `notice` (with names looked up at send time) and sends it.
    fn send<'a>(
        &'a self,
        target: Target<'a>,
        notice: &'a Notice,
        names: &'a Names,
    ) -> BoxFuture<'a, Sent>;

    /// A group's or room's name, when the platform can tell.
    fn chat_name<'a>(&'a self, chat_id: &'a str) -> BoxFuture<'a, Option<String>>;

    /// A member's display name in a chat (or, without a chat, a friend's).
    fn display_name<'a>(
        &'a self,
        chat_id: Option<&'a str>,
        user_id: &'a str,
    ) -> BoxFuture<'a, Option<String>>;

    /// The monthly push quota and its use, for the metrics: (limit, used);
    /// `None` where the platform has none or did not answer.
    fn quota(&self) -> BoxFuture<'_, Option<(Option<i64>, i64)>> {
        Box::pin(async { None })
    }

    /// The bytes of attachment `message_id` (what `body` says of it), at
    /// most `limits.max_bytes`; a platform that cannot fetch says so.
    fn fetch<'a>(
        &'a self,
        message_id: &'a str,
        body: &'a Body,
        limits: &'a FetchLimits,
    ) -> BoxFuture<'a, Result<Vec<u8>, FetchError>> {
        let _ = (message_id, body, limits);
        Box::pin(async { Err(FetchError::Unsupported) })
    }
}
