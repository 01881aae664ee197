//! The content stage's side of the pipeline. A message whose content the
//! webhook cannot judge by itself (a file) is sealed into a job in the
//! webhook's transaction; a content worker later opens it, gets the text
//! it carries, and plans it here through the same checks as a text
//! message. The job's plan finishes the job in the same transaction, so
//! whatever happens to the worker, the job takes effect once.
//!
//! What a file carries is, for now, its name (SPEC §7: "file → scan the
//! file name"); reading its content comes with the attachment stage.

use serde::{Deserialize, Serialize};

use super::plan::{Op, Plan};
use super::Pipeline;
use crate::platform::{Body, Chat, ChatEvent, Content, EventKind};
use crate::secret::Record;

/// The event of a content job, as sealed into the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContentJob {
    /// The platform's event id (already recorded; the job's plan has none).
    pub event_id: Option<String>,
    /// When the message was posted, in ms.
    pub at: i64,
    /// True when the bot must not answer.
    pub standby: bool,
    /// Where.
    pub chat: Chat,
    /// Who.
    pub sender: Option<String>,
    /// The event's reply handle (the outbox pushes instead if it expired).
    pub reply: Option<String>,
    /// The message.
    pub content: Content,
}

/// A job that cannot be planned.
#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    /// The sealed event does not open under this key, or is not a job.
    #[error("the sealed event of content job {0} cannot be opened with this hash key")]
    Unreadable(i64),
}

impl Pipeline {
    /// The job for `content` of `event`, sealed.
    pub(super) fn queue_content(&self, event: &ChatEvent, content: &Content, at: i64) -> Op {
        let job = ContentJob {
            event_id: event.id.clone(),
            at,
            standby: event.standby,
            chat: event.chat.clone(),
            sender: event.sender.clone(),
            reply: event.reply.clone(),
            content: content.clone(),
        };
        let json = serde_json::to_vec(&job).expect("a content job serializes");
        Op::QueueContent {
            platform: event.platform,
            message_id: content.message_id.clone(),
            sealed: self.records.seal(Record::ContentJob, &json),
        }
    }

    /// Opens the sealed event of job `job_id`.
    pub fn open_content(&self, job_id: i64, sealed: &str) -> Result<ContentJob, ContentError> {
        self.records
            .open(Record::ContentJob, sealed)
            .and_then(|json| serde_json::from_slice(&json).ok())
            .ok_or(ContentError::Unreadable(job_id))
    }

    /// The plan for a content job of `platform` claimed by `worker`: the
    /// checks of the text it carries, and the job's end.
    pub fn plan_content(
        &self,
        platform: &'static str,
        job_id: i64,
        worker: &str,
        job: &ContentJob,
        now: i64,
    ) -> Plan {
        let text = match &job.content.body {
            Body::Text(text) => text.as_str(),
            Body::File { name, .. } => name.as_str(),
        };
        let event = ChatEvent {
            platform,
            id: job.event_id.clone(),
            at: Some(job.at),
            standby: job.standby,
            chat: job.chat.clone(),
            sender: job.sender.clone(),
            reply: job.reply.clone(),
            kind: EventKind::Message(job.content.clone()),
        };
        let mut ops = Vec::new();
        self.check(&event, &job.content, text, job.at, now, &mut ops);
        ops.push(Op::FinishContent {
            job_id,
            worker: worker.to_string(),
            at: now,
        });
        Plan {
            event_id: None,
            ops,
        }
    }
}
