//! A group message's text through every check: the packs (with time
//! decay), the officers' watchlist and the forward chains; then the
//! policy acts on what was found, and a message that warned or repeated a
//! chain is kept, as fingerprints only, for the next copy.

use super::plan::Op;
use super::{Judged, Pipeline};
use crate::incident::Scanned;
use crate::platform::{ChatEvent, Content};

impl Pipeline {
    /// The ops of a group message: its incidents and sends, and its
    /// place in a forward chain.
    pub(super) fn group_message(
        &self,
        event: &ChatEvent,
        chat_id: &str,
        content: &Content,
        text: &str,
        at: i64,
        now: i64,
    ) -> Vec<Op> {
        let (norm, mut findings) = self.scan(text, now);
        let watched = self.watched(&norm, chat_id, now);
        let (prints, chained) = self.chain_of(&norm, Some(chat_id));
        let mut extra = watched.findings;
        extra.extend(chained.as_ref().map(|c| c.finding.clone()));
        if findings.is_empty() && extra.is_empty() {
            return Vec::new();
        }
        for f in &extra {
            crate::metrics::finding(&f.category, f.severity.as_str());
        }
        findings.splice(0..0, extra);
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let mut ops = Vec::new();
        let top = &findings[0];
        if !prints.is_empty() && (chained.is_some() || top.severity >= self.config.policy.warn_at) {
            let link = super::chain::link(chained.as_ref(), chat_id, top, at, prints);
            ops.push(Op::Chain(link));
        }
        let judged = Judged {
            scanned: Scanned::hiding(text, &norm, &findings, &watched.spans),
            text_hash: self.text_key.hash(norm.as_str().as_bytes()),
            attachment: None,
            at_home: watched.at_home,
            chain: chained.map(|c| c.note),
        };
        ops.extend(self.act(event, chat_id, content, judged, at, now));
        ops
    }
}
