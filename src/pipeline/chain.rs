//! Forward chains in the pipeline (issue 19 B): a group message that
//! repeats a warned one from another group — identical, prefixed, cut or
//! with a time changed — is linked to the chain's first message and is at
//! least as severe, even when the packs alone would miss this copy.
//!
//! The chains are held in memory ([`ChainBook`]): the fingerprints of
//! every kept message, read from the store by each replica (at start, at
//! once after its own commits, and every few seconds for the others'), so
//! planning stays free of IO. Only the sequence of (group, time) is ever
//! shown, never text.

use std::collections::HashMap;

use crate::notice::ChainNote;
use crate::scan::fingerprint::PrintIndex;
use crate::scan::{Contribution, Finding, Severity};
use crate::store::{ChainRow, NewChainLink};

/// One kept message, as the book holds it.
#[derive(Debug, Clone)]
struct Kept {
    story_id: i64,
    chat_id: String,
    chat_name: Option<String>,
    category: String,
    severity: Severity,
    posted_at: i64,
}

/// The kept messages of every chain, indexed by fingerprint.
#[derive(Debug, Default)]
pub struct ChainBook {
    index: PrintIndex,
    kept: Vec<Kept>,
    stories: HashMap<i64, Vec<usize>>,
    last_id: i64,
}

/// What a message's match to a chain says.
#[derive(Debug, Clone)]
pub(super) struct Chained {
    /// The chain's first message.
    pub story_id: i64,
    /// The finding that links this copy to the chain.
    pub finding: Finding,
    /// What the officers are told of the chain.
    pub note: ChainNote,
}

impl ChainBook {
    /// The id of the last row read.
    pub fn last_id(&self) -> i64 {
        self.last_id
    }

    /// How many messages the book holds.
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// Whether the book holds no message.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// Adds rows read from the store, each with its chat's name if known.
    pub fn extend(&mut self, rows: Vec<(ChainRow, Option<String>)>) {
        for (row, chat_name) in rows {
            if row.id <= self.last_id {
                continue;
            }
            self.last_id = row.id;
            let n = self.index.add(&row.prints);
            debug_assert_eq!(n, self.kept.len());
            self.stories.entry(row.story_id).or_default().push(n);
            self.kept.push(Kept {
                story_id: row.story_id,
                chat_id: row.chat_id,
                chat_name,
                category: row.category,
                severity: row.severity.parse().unwrap_or(Severity::High),
                posted_at: row.posted_at,
            });
        }
    }

    /// The chain `prints` repeats from another group, with the finding
    /// that says so: a message of the group `here` counts as one more
    /// appearance; a 1:1 draft (`None`) does not. `when` formats a time.
    pub(super) fn chained(
        &self,
        prints: &[u64],
        here: Option<&str>,
        when: impl Fn(i64) -> String,
    ) -> Option<Chained> {
        let (n, overlap) = self
            .index
            .matches(prints)
            .into_iter()
            .find(|(n, _)| Some(self.kept[*n].chat_id.as_str()) != here)?;
        let story_id = self.kept[n].story_id;
        let members = self
            .stories
            .get(&story_id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let first = members
            .iter()
            .map(|&i| &self.kept[i])
            .min_by_key(|k| k.posted_at)
            .unwrap_or(&self.kept[n]);
        let mut chats: Vec<&str> = members
            .iter()
            .map(|&i| self.kept[i].chat_id.as_str())
            .collect();
        chats.extend(here);
        chats.sort_unstable();
        chats.dedup();
        let severity = members
            .iter()
            .map(|&i| self.kept[i].severity)
            .max()
            .unwrap_or(first.severity);
        let note = ChainNote {
            first_chat_id: first.chat_id.clone(),
            first_chat_name: first.chat_name.clone(),
            first_at: when(first.posted_at),
            count: members.len() + usize::from(here.is_some()),
            groups: chats.len(),
        };
        // The group is not told where the message came from.
        let title = if here.is_some() {
            format!(
                "與先前已警示之訊息內容相同（第 {} 次出現，已出現於 {} 個群組）",
                note.count, note.groups
            )
        } else {
            format!(
                "與先前已警示之訊息內容相同（已出現 {} 次，於 {} 個群組）",
                note.count, note.groups
            )
        };
        let finding = Finding {
            rule: "chain".into(),
            category: first.category.clone(),
            severity,
            score: (overlap.containment * 100.0).round().min(100.0) as u8,
            title,
            evidence: Vec::new(),
            laws: Vec::new(),
            advice: vec!["這則訊息是先前已警示內容的轉傳，請勿再轉傳。".into()],
            explanation: vec![Contribution {
                label: "chain".into(),
                points: overlap.shared as i32,
                text: format!("{:.0}%", overlap.containment * 100.0),
            }],
        };
        Some(Chained {
            story_id,
            finding,
            note,
        })
    }
}

impl super::Pipeline {
    /// The fingerprints of `norm`, a message of the group `here` (or a
    /// 1:1 draft), and the chain it continues from another group, with
    /// its finding citing the category's laws.
    pub(super) fn chain_of(
        &self,
        norm: &crate::normalize::NormalizedText,
        here: Option<&str>,
    ) -> (Vec<u64>, Option<Chained>) {
        let prints = self.chain_key.prints(norm);
        if prints.is_empty() {
            return (prints, None);
        }
        let chained = self
            .chains
            .read()
            .ok()
            .and_then(|book| book.chained(&prints, here, |ms| self.local_time(ms)));
        let chained = chained.map(|mut c| {
            if let Some(w) = self.scanner.load().category_watch(&c.finding.category) {
                c.finding.laws = w.laws.iter().take(3).cloned().collect();
            }
            c
        });
        (prints, chained)
    }

    /// The configured name of a group.
    pub fn group_name(&self, chat_id: &str) -> Option<String> {
        self.config.group(chat_id).and_then(|g| g.name.clone())
    }

    /// The id of the last forward-chain row read.
    pub fn chain_last_id(&self) -> i64 {
        self.chains.read().map(|b| b.last_id()).unwrap_or(i64::MAX)
    }

    /// Adds forward-chain rows read from the store, each with its chat's
    /// name if known; how many messages the chains now hold.
    pub fn extend_chains(&self, rows: Vec<(crate::store::ChainRow, Option<String>)>) -> usize {
        match self.chains.write() {
            Ok(mut book) => {
                book.extend(rows);
                book.len()
            }
            Err(_) => 0,
        }
    }
}

/// The row that keeps a group message in a chain: the one it continues,
/// or a new one when it starts a chain.
pub(super) fn link(
    chained: Option<&Chained>,
    chat_id: &str,
    top: &Finding,
    posted_at: i64,
    prints: Vec<u64>,
) -> NewChainLink {
    NewChainLink {
        story_id: chained.map(|c| c.story_id),
        chat_id: chat_id.to_string(),
        category: top.category.clone(),
        severity: top.severity.as_str(),
        posted_at,
        prints,
    }
}
