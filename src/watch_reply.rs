//! What the bot answers to a watchlist command in a 1:1 chat (issue 19):
//! plain data queued in the outbox like every notice, and its zh-TW text.
//! It names entries by their masked hints (老○牛○麵), never by the term.

use serde::{Deserialize, Serialize};

/// The answer to `/watch`, `/watch list` or `/unwatch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WatchReply {
    /// An entry was registered, or renewed.
    Added {
        /// The masked term.
        hint: String,
        /// What an entry of its category is called (稽查對象).
        noun: String,
        /// Its last day, `2026/12/10`.
        last_day: String,
        /// The groups where it is at home.
        allowed: Vec<String>,
        /// It was registered already: its end and groups were replaced.
        renewed: bool,
    },
    /// Entries were removed.
    Removed {
        /// Their masked terms.
        hints: Vec<String>,
    },
    /// Nothing matched what `/unwatch` named.
    NotFound,
    /// The entries in force.
    List {
        /// One line per entry, at most [`LIST_MAX`].
        entries: Vec<WatchLine>,
        /// How many there are in all.
        total: usize,
    },
    /// The user may not change the watchlist.
    Refused,
    /// The command could not be understood: why, in zh-TW.
    Usage {
        /// What was wrong.
        reason: String,
    },
}

/// One entry of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchLine {
    /// Store id, for `/unwatch #id`.
    pub id: i64,
    /// The masked term.
    pub hint: String,
    /// What an entry of its category is called.
    pub noun: String,
    /// Its last day, `12/10`.
    pub last_day: String,
    /// Groups where it is at home.
    pub allowed: usize,
}

/// Most entries a list shows in one message.
pub const LIST_MAX: usize = 30;

const USAGE: &str = "用法：\n\
・登錄：/watch 名稱 至 12/10（可再加「類別 採購」「群組 稽查小組」）\n\
・查看：/watch list\n\
・取消：/unwatch 名稱，或 /unwatch #編號";

impl WatchReply {
    /// The text sent for this reply.
    pub fn text(&self) -> String {
        match self {
            WatchReply::Added {
                hint,
                noun,
                last_day,
                allowed,
                renewed,
            } => {
                let done = if *renewed { "已更新" } else { "已登錄" };
                let home = if allowed.is_empty() {
                    String::new()
                } else {
                    format!("\n於「{}」提及時僅作提醒。", allowed.join("」「"))
                };
                format!(
                    "{done}保密事項「{hint}」（{noun}），至 {last_day} 止。\n\
                     期間若有人在群組中提及，將立即提醒該群組並通知政風人員。{home}\n\
                     本服務只保存無法還原的雜湊值，不保存名稱本身。"
                )
            }
            WatchReply::Removed { hints } => {
                format!("已取消登錄：{}。", hints.join("、"))
            }
            WatchReply::NotFound => {
                "查無此登錄項目。可輸入 /watch list 查看目前登錄的項目。".to_string()
            }
            WatchReply::List { entries, total } => {
                if entries.is_empty() {
                    return "目前沒有登錄中的保密事項。".to_string();
                }
                let mut out = format!("目前登錄中的保密事項（共 {total} 項）：");
                for e in entries {
                    let home = if e.allowed > 0 {
                        "｜限定群組可提及"
                    } else {
                        ""
                    };
                    out.push_str(&format!(
                        "\n#{} {}｜{}｜至 {}{home}",
                        e.id, e.hint, e.noun, e.last_day
                    ));
                }
                if *total > entries.len() {
                    out.push_str(&format!("\n（僅列出最近登錄的 {} 項）", entries.len()));
                }
                out.push_str("\n取消登錄請輸入 /unwatch #編號。");
                out
            }
            WatchReply::Refused => "抱歉，登錄保密事項僅限政風人員及群組管理者使用。\n\
                 如需登錄，請洽政風單位，謝謝。"
                .to_string(),
            WatchReply::Usage { reason } => format!("{reason}\n{USAGE}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_name_entries_by_their_hints_only() {
        let added = WatchReply::Added {
            hint: "老○牛○麵".into(),
            noun: "稽查對象".into(),
            last_day: "2026/12/10".into(),
            allowed: vec!["稽查小組".into()],
            renewed: false,
        }
        .text();
        assert!(added.starts_with("已登錄保密事項「老○牛○麵」（稽查對象），至 2026/12/10 止"));
        assert!(added.contains("於「稽查小組」提及時僅作提醒"));
        let list = WatchReply::List {
            entries: vec![WatchLine {
                id: 3,
                hint: "阿○小○".into(),
                noun: "稽查對象".into(),
                last_day: "12/10".into(),
                allowed: 0,
            }],
            total: 31,
        }
        .text();
        assert!(list.contains("共 31 項"));
        assert!(list.contains("#3 阿○小○｜稽查對象｜至 12/10"));
        assert!(list.contains("僅列出最近登錄的 1 項"));
        let usage = WatchReply::Usage {
            reason: "看不懂日期「13/45」。".into(),
        }
        .text();
        assert!(usage.starts_with("看不懂日期「13/45」。\n用法"));
    }
}
