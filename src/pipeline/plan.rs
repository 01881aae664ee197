//! What one event changes, as plain data: the pipeline builds a [`Plan`]
//! without IO, and the store applies it in one transaction (with the
//! redelivery check and the cooldown), so everything a plan says is on
//! disk before the platform gets its 200. Nothing here holds message text:
//! incidents carry redacted excerpts and keyed hashes, sends carry
//! [`Notice`]s.

use crate::notice::Notice;
use crate::store::{NewChainLink, NewWatch, WatchRef};

/// Everything one webhook event changes, applied in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// `webhookEventId`; an id seen before makes the whole plan a no-op.
    pub event_id: Option<String>,
    /// What to record and send.
    pub ops: Vec<Op>,
}

/// One change.
#[derive(Debug, Clone)]
pub enum Op {
    /// A risky message: its incidents and, unless the cooldown holds, its sends.
    Incidents(IncidentGroup),
    /// A message to send regardless of any cooldown.
    Send(Send),
    /// A group or room the bot is (still) in.
    ChatSeen {
        /// Group or room id.
        chat_id: String,
        /// `group` or `room`.
        kind: &'static str,
        /// True on a `join` event.
        joined: bool,
        /// When.
        at: i64,
    },
    /// The bot left a group or room.
    ChatLeft {
        /// Group or room id.
        chat_id: String,
        /// When.
        at: i64,
    },
    /// A message was unsent: its incidents are retracted, excerpts erased.
    Retract {
        /// LINE message id.
        message_id: String,
        /// When.
        at: i64,
    },
    /// Content the webhook cannot judge by itself (a file): a job for the
    /// content stage, recorded with the event's id and due at once.
    QueueContent {
        /// The platform to fetch content from.
        platform: &'static str,
        /// The platform's message id, so that an unsend can find the job.
        message_id: String,
        /// The event, sealed under a key derived from the hash key.
        sealed: String,
    },
    /// A content job is done; the plan it belongs to is applied only if
    /// the job is still pending and claimed by `worker`, so it takes
    /// effect once.
    FinishContent {
        /// The job.
        job_id: i64,
        /// The worker that claimed it.
        worker: String,
        /// When, in ms.
        at: i64,
    },
    /// A postback tap on a warning.
    Feedback {
        /// The incident named in the postback data.
        incident_id: i64,
        /// Who tapped.
        user_id: Option<String>,
        /// What they said.
        outcome: Outcome,
        /// When.
        at: i64,
        /// The thanks, sent only when the incident exists.
        thanks: Option<Send>,
    },
    /// A watchlist entry registered or renewed from a chat command.
    Watch(NewWatch),
    /// Watchlist entries removed from a chat command.
    Unwatch(WatchRef),
    /// A group message kept in a forward chain (its fingerprints only).
    Chain(NewChainLink),
    /// An enrollment code sent in a 1:1 chat: the store checks it against
    /// the invitations and the sender's recent failures, and queues the
    /// answer.
    Enroll(EnrollAttempt),
}

/// An enrollment code as the store checks it.
#[derive(Debug, Clone)]
pub struct EnrollAttempt {
    /// The sender, recorded only when the code is valid.
    pub user_id: String,
    /// Keyed hash of the sender, for the rate limit.
    pub user_mac: String,
    /// Keyed hash of the canonical code.
    pub code_mac: String,
    /// When, in ms.
    pub at: i64,
    /// Where the answer goes; its notice is replaced by the outcome.
    pub answer: Send,
}

/// Outcome of a warning, as told by a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 「我知道了」.
    Acknowledged,
    /// 「這是誤判」.
    FalsePositive,
}

impl Outcome {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Acknowledged => "acknowledged",
            Outcome::FalsePositive => "false_positive",
        }
    }
}

/// The incidents of one message and what they would send.
#[derive(Debug, Clone)]
pub struct IncidentGroup {
    /// One per category.
    pub incidents: Vec<NewIncident>,
    /// When set, the sends go out only if at least one of these rules was
    /// not warned about in this chat since `since`.
    pub cooldown: Option<Cooldown>,
    /// Warning, reminder and alerts; their incident id is set to the first
    /// incident's id when it is known.
    pub sends: Vec<Send>,
}

/// A cooldown gate.
#[derive(Debug, Clone)]
pub struct Cooldown {
    /// Group or room id.
    pub chat_id: String,
    /// The rules that would warn.
    pub rules: Vec<String>,
    /// Now, in ms.
    pub now: i64,
    /// Length of the cooldown, in ms.
    pub window: i64,
}

/// An incident to record.
#[derive(Debug, Clone)]
pub struct NewIncident {
    /// `webhookEventId`, when known.
    pub event_id: Option<String>,
    /// Group or room id.
    pub chat_id: String,
    /// Sender.
    pub user_id: Option<String>,
    /// LINE message id.
    pub message_id: Option<String>,
    /// Category id.
    pub category: String,
    /// Rule ids, comma-separated.
    pub rules: String,
    /// `low`, `medium` or `high`.
    pub severity: &'static str,
    /// 0–100.
    pub score: i64,
    /// Redacted evidence.
    pub excerpt: String,
    /// Keyed hash of the normalized text.
    pub text_hash: String,
    /// What was done (`warned`, `alerted`, `reminded`, `recorded`, `standby`);
    /// becomes `cooldown` when the gate holds.
    pub action: &'static str,
    /// When, in ms.
    pub created_at: i64,
}

/// A message for the outbox.
#[derive(Debug, Clone)]
pub struct Send {
    /// The platform it goes out through ([`Platform::name`](crate::platform::Platform::name)).
    pub platform: &'static str,
    /// How it goes out.
    pub route: Route,
    /// What it says.
    pub notice: Notice,
}

/// How a message goes out.
#[derive(Debug, Clone)]
pub enum Route {
    /// A free reply; when the platform rejects the handle (LINE: an
    /// expired or used reply token), a push to `fallback_to`.
    Reply {
        /// The event's reply handle, opaque to everything but its platform.
        handle: String,
        /// The chat or user to push to instead.
        fallback_to: Option<String>,
    },
    /// A push.
    Push {
        /// Recipient: user, group or room id.
        to: String,
    },
}
