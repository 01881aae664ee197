//! What the bot says (DESIGN "The bot's voice"), independent of any
//! platform: plain data, already redacted, never the raw message. A
//! [`Notice`] is what the outbox keeps; a platform adapter renders it when
//! it is sent (LINE: `textV2` with a quote and a mention, postback buttons,
//! Flex bubbles), so names looked up at send time can be filled in.
//!
//! The Traditional Chinese wording lives here, once for every platform:
//! [`Notice::text`] is the plain-text form an adapter without rich
//! messages sends, and the LINE adapter builds its messages from the same
//! sentences.

pub use crate::enrollment::EnrollReply;
pub use crate::watch_reply::WatchReply;
use serde::{Deserialize, Serialize};

/// One thing to say, as stored in the outbox (the serde names are the
/// stored form: renaming a variant needs a migration of pending rows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Notice {
    /// The group warning for a risky message.
    Warning(Warning),
    /// The short reminder in a group allowed to handle the category.
    Reminder {
        /// Category display name, e.g. 稽查資訊.
        category_name: String,
        /// Quote token of the message, when LINE gave one.
        quote_token: Option<String>,
    },
    /// The alert to one officer.
    Alert(Alert),
    /// The verdict for a text pasted in a 1:1 chat.
    Verdict(Verdict),
    /// Introduction and privacy notice on joining a group or room.
    Introduction,
    /// Greeting when a user adds the bot as a friend.
    Greeting,
    /// The weekly summary for an officer (SPEC §8).
    Summary(SummaryCard),
    /// `/summary` from an officer: the outbox computes the week so far when
    /// it sends, and renders this variant itself only if the figures
    /// cannot be read then (an apology).
    SummaryRequested,
    /// The polite refusal of `/summary` to someone who is not an officer.
    SummaryRefused,
    /// Thanks for a postback tap.
    FeedbackThanks {
        /// True for 「這是誤判」.
        false_positive: bool,
    },
    /// The answer to a watchlist command.
    Watch(WatchReply),
    /// The answer to an enrollment code.
    Enrollment(EnrollReply),
}

/// The content of a group warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    /// The incident the buttons refer to.
    pub incident_id: i64,
    /// Category display names, e.g. 稽查資訊.
    pub categories: Vec<String>,
    /// The findings' titles.
    pub titles: Vec<String>,
    /// Redacted evidence, e.g. 明天…稽查…老王○○.
    pub evidence: String,
    /// Law citations, as in the packs.
    pub laws: Vec<String>,
    /// Advice, as in the packs.
    pub advice: Vec<String>,
    /// The sender, mentioned when known (never for a suspected phishing
    /// message: its sender is more likely a victim or an impostor).
    pub mention: Option<String>,
    /// Quote token of the message, when LINE gave one.
    pub quote_token: Option<String>,
    /// The message looks like phishing: the group is told not to click or
    /// fill anything, not to take anything back.
    #[serde(default)]
    pub phishing: bool,
    /// What kind of attachment the findings are in (圖片, 試算表); its
    /// evidence is then where in it they are, never its words.
    #[serde(default)]
    pub attachment: Option<String>,
}

/// The content of an officer alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// The incident.
    pub incident_id: i64,
    /// Group or room id.
    pub chat_id: String,
    /// Group name from the config, when set (else looked up at send time).
    pub chat_name: Option<String>,
    /// Sender's user id, when known.
    pub user_id: Option<String>,
    /// Category display names.
    pub categories: Vec<String>,
    /// Severity in Chinese, e.g. 高.
    pub severity: String,
    /// Redacted evidence.
    pub evidence: String,
    /// When the message was posted, already formatted in Asia/Taipei.
    pub at: String,
    /// The message looks like phishing rather than a leak.
    #[serde(default)]
    pub phishing: bool,
    /// What kind of attachment the findings are in; `evidence` is then
    /// where in it they are.
    #[serde(default)]
    pub attachment: Option<String>,
    /// The forward chain this message continues: where and when it was
    /// first warned, how often and in how many groups it has appeared.
    #[serde(default)]
    pub chain: Option<ChainNote>,
}

/// The content of a 1:1 verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Severity in Chinese, or `None` when nothing was found.
    pub severity: Option<String>,
    /// Category display names.
    pub categories: Vec<String>,
    /// The findings' titles.
    pub titles: Vec<String>,
    /// Redacted evidence.
    pub evidence: String,
    /// Law citations.
    pub laws: Vec<String>,
    /// Advice.
    pub advice: Vec<String>,
    /// The text looks like phishing.
    #[serde(default)]
    pub phishing: bool,
    /// What kind of attachment was checked; `evidence` is then where in
    /// it the findings are.
    #[serde(default)]
    pub attachment: Option<String>,
    /// Why the attachment could not be read (檔案設有密碼), when it could
    /// not.
    #[serde(default)]
    pub unread: Option<String>,
}

/// The content of a weekly summary card: counts and names only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryCard {
    /// `2026-W48`.
    pub week: String,
    /// Monday, `YYYY-MM-DD`.
    pub first_day: String,
    /// Sunday, `YYYY-MM-DD`.
    pub last_day: String,
    /// True for the week in progress (`/summary`).
    pub so_far: bool,
    /// Incidents.
    pub total: u64,
    /// Against the week before, e.g. `+3`.
    pub change: String,
    /// (category name, incidents, of which high).
    pub categories: Vec<(String, u64, u64)>,
    /// (group name, incidents), most first.
    pub top_groups: Vec<(String, u64)>,
    /// (rule id, incidents, reported false positives), most first.
    pub top_rules: Vec<(String, u64, u64)>,
    /// Acknowledged, false positive, retracted, no reaction.
    pub outcomes: [u64; 4],
    /// Officer alerts delivered.
    pub alerts_sent: u64,
    /// Signed link to the report page.
    pub link: Option<String>,
}

/// Names looked up when an alert is sent.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// The group's name.
    pub chat_name: Option<String>,
    /// The sender's display name.
    pub display_name: Option<String>,
    /// The name of the group where a forwarded message was first warned.
    pub chain_chat_name: Option<String>,
}

/// Where a forwarded message was first warned and how far it has gone,
/// for the officers: groups and times only, never text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainNote {
    /// The group of the chain's first message.
    pub first_chat_id: String,
    /// Its configured name, if any (else looked up when sent).
    pub first_chat_name: Option<String>,
    /// When the first message was posted, already formatted.
    pub first_at: String,
    /// Which appearance this one is (2 for the first copy).
    pub count: usize,
    /// In how many groups it has appeared, this one included.
    pub groups: usize,
}

impl ChainNote {
    /// 此訊息與 2026-12-04 09:15 防疫工作群組 之警示內容相同（第 3 次出現，已出現於 3 個群組）.
    pub fn text(&self, names: &Names) -> String {
        let group = self
            .first_chat_name
            .as_deref()
            .or(names.chain_chat_name.as_deref())
            .unwrap_or("其他群組");
        format!(
            "此訊息與 {} {group} 之警示內容相同（第 {} 次出現，已出現於 {} 個群組）",
            self.first_at, self.count, self.groups
        )
    }
}

impl Notice {
    /// Points the warning's buttons and the alert at the incident `id`.
    pub fn set_incident(&mut self, id: i64) {
        match self {
            Notice::Warning(w) => w.incident_id = id,
            Notice::Alert(a) => a.incident_id = id,
            _ => {}
        }
    }

    /// A short name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Notice::Warning(_) => "warning",
            Notice::Reminder { .. } => "reminder",
            Notice::Alert(_) => "alert",
            Notice::Verdict(_) => "verdict",
            Notice::Introduction => "introduction",
            Notice::Greeting => "greeting",
            Notice::Summary(_) => "summary",
            Notice::SummaryRequested => "summary",
            Notice::SummaryRefused => "summary_refused",
            Notice::FeedbackThanks { .. } => "feedback_thanks",
            Notice::Watch(_) => "watch",
            Notice::Enrollment(_) => "enrollment",
        }
    }

    /// The whole notice as plain text, for a platform without rich
    /// messages; `names` fills in what was looked up at send time.
    pub fn text(&self, names: &Names) -> String {
        match self {
            Notice::Warning(w) => {
                let greeting = match &names.display_name {
                    Some(n) => format!("{n} 您好，"),
                    None => GREETING_ALL.to_string(),
                };
                format!("{greeting}{}", warning_body(w))
            }
            Notice::Reminder { category_name, .. } => reminder_text(category_name),
            Notice::Alert(a) => {
                let chat = alert_chat(a, names);
                let who = alert_sender(a, names);
                let attachment = match &a.attachment {
                    Some(kind) => format!("\n附件：{kind}\n位置：{}", a.evidence),
                    None => format!("\n內容：{}", a.evidence),
                };
                let chain = match &a.chain {
                    Some(c) => format!("\n轉傳：{}", c.text(names)),
                    None => String::new(),
                };
                format!(
                    "{}\n群組：{chat}\n類別：{}\n風險：{}{attachment}{chain}\n時間：{}\n傳送者：{who}\n案號：{}",
                    alert_title(a),
                    a.categories.join("、"),
                    a.severity,
                    a.at,
                    a.incident_id
                )
            }
            Notice::Verdict(v) => verdict_text(v),
            Notice::Watch(reply) => reply.text(),
            Notice::Enrollment(reply) => reply.text(),
            Notice::Introduction => INTRODUCTION.to_string(),
            Notice::Greeting => GREETING.to_string(),
            Notice::Summary(c) => summary_headline(c),
            Notice::SummaryRequested => SUMMARY_UNAVAILABLE.to_string(),
            Notice::SummaryRefused => SUMMARY_REFUSED.to_string(),
            Notice::FeedbackThanks { false_positive } => thanks_text(*false_positive).to_string(),
        }
    }
}

/// Said once on joining a group or room.
pub const INTRODUCTION: &str = "各位好，我是機關的資訊保護提醒小幫手。\n\
我會檢查本群組的訊息，若發現病患資料、稽查行程、檢舉人身分、個人資料、\
採購底價、考績評議、密件公文、系統查詢結果或監視器影像等不宜外流的內容，\
會立即提醒大家勿轉傳；收到疑似釣魚的連結或附件，也會提醒大家不要點選。\n\
隱私說明：我不保存訊息原文，只記錄規則名稱、遮蔽後的片段與時間，\
供政風人員統計；紀錄依保存期限定期刪除。\n\
如有疑問，請洽本機關政風單位。";

/// Said when a user adds the bot as a friend.
pub const GREETING: &str = "您好，謝謝加入。\n\
轉傳訊息前，可以先把內容貼到這裡，我會告訴您其中是否含有不宜外流的資料。\n\
我不保存您貼上的原文。\n\
政風人員或業務主管：請傳送系統管理者提供的登錄碼（例如 ABCD-2345）完成登錄。";

/// When `/summary` cannot be answered because the store is not answering.
pub const SUMMARY_UNAVAILABLE: &str = "抱歉，本週摘要目前無法產生，請稍後再傳送 /summary，謝謝。";

/// The refusal of `/summary` to a member who is not an officer.
pub const SUMMARY_REFUSED: &str = "抱歉，每週摘要僅提供本機關政風人員查閱。\n\
如需相關資料，請洽政風單位，謝謝。";

/// How a warning greets the group when the sender is not known.
pub const GREETING_ALL: &str = "各位好，";

/// The title of an officer alert.
pub fn alert_title(a: &Alert) -> &'static str {
    if a.phishing {
        "疑似釣魚訊息警示"
    } else {
        "資訊外流警示"
    }
}

/// What a suspected phishing message asks of everyone who received it.
const PHISHING_DONT: &str = "請勿點選其中的連結、開啟附件，\
也不要輸入帳號、密碼、驗證碼或個人資料。";

/// What to do if someone already did.
const PHISHING_IF_CLICKED: &str = "若已點選或輸入資料，請立即通知本機關資訊單位處理。謝謝大家。";

/// 發現, 內容 (位置 in an attachment), 依據 and 建議 lines, as every
/// notice about findings shows them.
fn details(
    titles: &[String],
    evidence: &str,
    attachment: bool,
    laws: &[String],
    advice: &[String],
) -> String {
    let label = if attachment { "位置" } else { "內容" };
    format!(
        "發現：{}\n{label}：{evidence}\n依據：{}\n建議：\n{}",
        titles.join("、"),
        laws.join("；"),
        bullet_list(advice),
    )
}

/// 這則訊息, or 這則訊息所附的圖片.
fn this_message(attachment: Option<&str>) -> String {
    match attachment {
        Some(kind) => format!("這則訊息所附的{kind}"),
        None => "這則訊息".to_string(),
    }
}

/// The warning after its greeting: what was found, why it matters, what to do.
pub fn warning_body(w: &Warning) -> String {
    let attachment = w.attachment.as_deref();
    let details = details(
        &w.titles,
        &w.evidence,
        attachment.is_some(),
        &w.laws,
        &w.advice,
    );
    let this = this_message(attachment);
    if w.phishing {
        return format!(
            "{this}疑似釣魚或社交工程訊息，{PHISHING_DONT}\n{details}\n{PHISHING_IF_CLICKED}"
        );
    }
    format!(
        "{this}可能含有{}，請勿轉傳。\n{details}\n\
         如已傳送，請長按訊息選擇「收回」。謝謝配合。",
        w.categories.join("、"),
    )
}

/// The reminder in a group allowed to handle `category_name`.
pub fn reminder_text(category_name: &str) -> String {
    format!(
        "提醒您：本群組可討論{category_name}相關業務，\
         但請勿將內容轉傳至群組以外，謝謝配合。"
    )
}

/// The thanks for a postback tap.
pub fn thanks_text(false_positive: bool) -> &'static str {
    if false_positive {
        "已收到您的誤判回報，將請政風人員檢視此規則，謝謝您的協助。"
    } else {
        "已收到，謝謝您的配合。"
    }
}

/// The group an alert names: the configured name, else the one looked up,
/// else its id.
pub fn alert_chat(a: &Alert, names: &Names) -> String {
    a.chat_name
        .clone()
        .or_else(|| names.chat_name.clone())
        .unwrap_or_else(|| a.chat_id.clone())
}

/// The sender an alert names: display name and id, the id alone, or 不明.
pub fn alert_sender(a: &Alert, names: &Names) -> String {
    match (&names.display_name, &a.user_id) {
        (Some(n), Some(id)) => format!("{n}（{id}）"),
        (None, Some(id)) => id.clone(),
        _ => "不明".to_string(),
    }
}

/// `2026-11-23` → `11/23`.
pub fn month_day(date: &str) -> String {
    let mut parts = date.splitn(3, '-').skip(1);
    match (parts.next(), parts.next()) {
        (Some(m), Some(d)) => format!("{}/{}", m.trim_start_matches('0'), d),
        _ => date.to_string(),
    }
}

/// The card's title.
pub fn summary_title(c: &SummaryCard) -> &'static str {
    if c.so_far {
        "本週資訊保護摘要（截至目前）"
    } else {
        "每週資訊保護摘要"
    }
}

/// `2026-W48（11/23–11/29）`.
pub fn summary_period(c: &SummaryCard) -> String {
    format!(
        "{}（{}–{}）",
        c.week,
        month_day(&c.first_day),
        month_day(&c.last_day)
    )
}

/// `事件 6 件（較前週 +2）`.
pub fn summary_total(c: &SummaryCard) -> String {
    format!("事件 {} 件（較前週 {}）", c.total, c.change)
}

/// Title, period and total in one line: the alt text of a card.
pub fn summary_headline(c: &SummaryCard) -> String {
    format!(
        "{} {}：{}",
        summary_title(c),
        summary_period(c),
        summary_total(c)
    )
}

/// `・item` lines.
pub fn bullet_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("・{s}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The answer to a text pasted, or an attachment sent, in a 1:1 chat.
pub fn verdict_text(v: &Verdict) -> String {
    let checked = match &v.attachment {
        Some(kind) => format!("（{kind}）"),
        None => String::new(),
    };
    let Some(sev) = &v.severity else {
        if let Some(why) = &v.unread {
            return format!(
                "檢查結果{checked}：無法讀取內容（{why}），未能檢查。\n\
                 請確認內容無不宜外流的資料後再轉傳，謝謝。"
            );
        }
        return format!(
            "檢查結果{checked}：未發現不宜外流的內容。\n\
             轉傳前仍請確認對象與用途，謝謝。"
        );
    };
    let details = details(
        &v.titles,
        &v.evidence,
        v.attachment.is_some(),
        &v.laws,
        &v.advice,
    );
    if v.phishing {
        format!(
            "檢查結果{checked}：風險{sev}，這段內容疑似釣魚或社交工程訊息。\n\
             {PHISHING_DONT}\n{details}\n{PHISHING_IF_CLICKED}"
        )
    } else {
        format!(
            "檢查結果{checked}：風險{sev}，請勿轉傳。\n可能含有：{}\n{details}",
            v.categories.join("、"),
        )
    }
}
