//! The weekly summary's forward chains (issue 19 B): the longest chains
//! of the week, each as the groups it reached in order with the time it
//! arrived there; never text.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Serialize;

use super::Context;
use crate::store::ChainRow;

/// How many chains the summary lists.
pub const TOP_CHAINS: usize = 5;

/// One chain of the week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainSummary {
    /// Category display name.
    pub category: String,
    /// Messages in the chain this week.
    pub messages: u64,
    /// Groups it reached.
    pub groups: u64,
    /// Where it went, in order: the first arrival in each group.
    pub path: Vec<ChainStop>,
}

/// One group a chain reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainStop {
    /// Group name (or id).
    pub group: String,
    /// When it arrived, `12/04 09:15`.
    pub at: String,
}

impl ChainSummary {
    /// `防疫工作群組 12/04 09:15 → 家族群 12/04 10:02`.
    pub fn path_text(&self) -> String {
        self.path
            .iter()
            .map(|s| format!("{} {}", s.group, s.at))
            .collect::<Vec<_>>()
            .join(" → ")
    }
}

/// The chains of `rows` (the week's chain messages) that reached more
/// than one message, longest first; `names` are the groups' cached names.
pub fn chains(
    rows: &[ChainRow],
    names: &HashMap<String, String>,
    ctx: &Context,
) -> Vec<ChainSummary> {
    let mut stories: HashMap<i64, Vec<&ChainRow>> = HashMap::new();
    for r in rows {
        stories.entry(r.story_id).or_default().push(r);
    }
    let name = |chat: &str| {
        ctx.group_names
            .get(chat)
            .or_else(|| names.get(chat))
            .cloned()
            .unwrap_or_else(|| chat.to_string())
    };
    let category = |id: &str| {
        ctx.categories
            .iter()
            .find(|(c, _)| c == id)
            .map_or(id, |(_, n)| n.as_str())
            .to_string()
    };
    let mut out: Vec<(i64, ChainSummary)> = stories
        .into_values()
        .filter(|members| members.len() > 1)
        .map(|mut members| {
            members.sort_by_key(|r| (r.posted_at, r.id));
            let mut path: Vec<ChainStop> = Vec::new();
            let mut seen: Vec<&str> = Vec::new();
            for r in &members {
                if !seen.contains(&r.chat_id.as_str()) {
                    seen.push(&r.chat_id);
                    path.push(ChainStop {
                        group: name(&r.chat_id),
                        at: Timestamp::from_millisecond(r.posted_at)
                            .map(|t| {
                                t.to_zoned(ctx.tz.clone())
                                    .strftime("%m/%d %H:%M")
                                    .to_string()
                            })
                            .unwrap_or_default(),
                    });
                }
            }
            let first = members[0];
            let summary = ChainSummary {
                category: category(&first.category),
                messages: members.len() as u64,
                groups: path.len() as u64,
                path,
            };
            (first.posted_at, summary)
        })
        .collect();
    out.sort_by(|(a_at, a), (b_at, b)| {
        (b.groups, b.messages)
            .cmp(&(a.groups, a.messages))
            .then(a_at.cmp(b_at))
    });
    out.into_iter().take(TOP_CHAINS).map(|(_, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, story: i64, chat: &str, at: i64) -> ChainRow {
        ChainRow {
            id,
            story_id: story,
            chat_id: chat.into(),
            category: "patient".into(),
            severity: "high".into(),
            posted_at: at,
            prints: vec![1, 2, 3],
        }
    }

    #[test]
    fn the_longest_chains_come_first_with_each_group_once_in_order() {
        let ctx = Context {
            tz: jiff::tz::TimeZone::get("Asia/Taipei").unwrap(),
            categories: vec![("patient".into(), "傳染病個案資料".into())],
            group_names: [("C1".to_string(), "防疫工作群組".to_string())].into(),
            officers: vec![],
        };
        let names = [("C2".to_string(), "家族群".to_string())].into();
        // 2026-12-04 09:15 Taipei, then 47 min and 3 h later.
        let t = 1_796_346_900_000;
        let rows = [
            row(1, 1, "C1", t),
            row(2, 1, "C2", t + 2_820_000),
            row(3, 1, "C3", t + 10_800_000),
            row(4, 1, "C2", t + 11_000_000),
            row(5, 5, "C1", t),
            row(6, 5, "C2", t + 60_000),
            row(7, 7, "C9", t),
        ];
        let found = chains(&rows, &names, &ctx);
        assert_eq!(found.len(), 2, "a message alone is no chain");
        assert_eq!((found[0].messages, found[0].groups), (4, 3));
        assert_eq!(found[0].category, "傳染病個案資料");
        assert_eq!(
            found[0].path_text(),
            "防疫工作群組 12/04 09:15 → 家族群 12/04 10:02 → C3 12/04 12:15"
        );
        assert_eq!((found[1].messages, found[1].groups), (2, 2));
    }
}
