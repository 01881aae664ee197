//! The content stage's side of the pipeline. A message whose content the
//! webhook cannot judge by itself (a file) is sealed into a job in the
//! webhook's transaction; a content worker later opens it, gets the text
//! it carries, and plans it here through the same checks as a text
//! message. The job's plan finishes the job in the same transaction, so
//! whatever happens to the worker, the job takes effect once.
//!
//! What an attachment carries is its name (a file's) and the text the
//! content worker read inside it in the sandbox (`extract`); a finding in
//! it is shown by where it is, never by its words.

use serde::{Deserialize, Serialize};

use super::attachment::{keep_strongest, scan_extracted, sort, Located};
use super::plan::{Op, Plan};
use super::{answer, Judged, Pipeline};
use crate::extract::{Extracted, Format, NotScanned};
use crate::incident::{self, Scanned};
use crate::normalize::NormalizedText;
use crate::notice::Notice;
use crate::platform::{Body, Chat, ChatEvent, Content, EventKind};
use crate::redact;
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

/// What the content stage read of a job's attachment.
#[derive(Debug, Clone)]
pub struct AttachmentRead {
    /// Its text, or why it could not be read.
    pub outcome: Result<Extracted, NotScanned>,
    /// [`Pipeline::content_hash`] of its bytes, when they arrived.
    pub hash: Option<String>,
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

    /// A keyed hash of an attachment's bytes (the same file forwarded
    /// again has the same hash; the bytes cannot be recovered from it).
    pub fn content_hash(&self, bytes: &[u8]) -> String {
        self.text_key.hash(bytes)
    }

    /// The plan for a content job of `platform` claimed by `worker`, with
    /// what the content stage `read` of its attachment: the checks of the
    /// text it carries, and the job's end.
    pub fn plan_content(
        &self,
        platform: &'static str,
        job_id: i64,
        worker: &str,
        job: &ContentJob,
        read: &AttachmentRead,
        now: i64,
    ) -> Plan {
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
        match &job.content.body {
            Body::Text(text) => self.check(&event, &job.content, text, job.at, now, &mut ops),
            body => {
                let outcome = match &read.outcome {
                    Ok(_) => "scanned",
                    Err(reason) => reason.label(),
                };
                crate::metrics::attachment(body.kind(), outcome);
                self.check_attachment(&event, &job.content, read, job.at, now, &mut ops);
            }
        }
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

    /// An attachment's findings (a file's name, and what was read inside
    /// it), each at its place: acted on in a group or room, answered with
    /// a verdict in a 1:1 chat.
    fn check_attachment(
        &self,
        event: &ChatEvent,
        content: &Content,
        read: &AttachmentRead,
        at: i64,
        now: i64,
        ops: &mut Vec<Op>,
    ) {
        let scanner = self.scanner();
        let mut found = Vec::new();
        if let Body::File { name, .. } = &content.body {
            // The group sees the name already: a finding in it shows its
            // evidence, masked, as a typed message's would.
            let norm = NormalizedText::new(name);
            let masked = redact::masked_chars(name, &norm);
            for finding in scanner.scan_normalized(name, &norm).findings {
                let spans = finding.evidence.iter().map(|e| (e.start, e.end)).collect();
                let location = format!("檔案名稱「{}」", incident::excerpt(&masked, spans));
                keep_strongest(&mut found, Located { finding, location });
            }
        }
        let mut at_home = Vec::new();
        if let Ok(extracted) = &read.outcome {
            for l in scan_extracted(&scanner, extracted) {
                keep_strongest(&mut found, l);
            }
            // Only in a group: a 1:1 check never consults the watchlist.
            if let Some((chat_id, _)) = event.chat.shared() {
                let (located, home) = self.watched_in(extracted, chat_id, now);
                located
                    .into_iter()
                    .for_each(|l| keep_strongest(&mut found, l));
                at_home = home;
            }
        }
        sort(&mut found);
        for l in &found {
            crate::metrics::finding(&l.finding.category, l.finding.severity.as_str());
        }
        let found: Vec<_> = found.into_iter().map(|l| (l.finding, l.location)).collect();
        let judged = Judged {
            scanned: Scanned::located(&found),
            text_hash: read.hash.clone().unwrap_or_else(|| {
                let name = match &content.body {
                    Body::File { name, .. } => name.as_str(),
                    _ => "",
                };
                self.text_key.hash(name.as_bytes())
            }),
            attachment: Some(kind_of(&content.body, &read.outcome)),
            at_home,
            chain: None,
        };
        if let Some((chat_id, _)) = event.chat.shared() {
            ops.extend(self.act(event, chat_id, content, judged, at, now));
        } else if let Chat::User(user_id) = &event.chat {
            let unread = read.outcome.as_ref().err().map(|r| r.zh_tw().to_string());
            let verdict = self.verdict_of(&judged.scanned, judged.attachment, unread);
            ops.extend(answer(event, Notice::Verdict(verdict), Some(user_id)).map(Op::Send));
        }
    }
}

/// What an attachment is, in the words of a warning: 圖片, 試算表.
fn kind_of(body: &Body, outcome: &Result<Extracted, NotScanned>) -> String {
    match (body, outcome) {
        (Body::Image { .. }, _) => "圖片".into(),
        (Body::Video { .. }, _) => "影片".into(),
        (Body::Audio { .. }, _) => "語音或音訊".into(),
        (_, Ok(extracted)) if extracted.format != Format::Binary => extracted.format.zh_tw().into(),
        _ => "檔案".into(),
    }
}
