//! What the bot says, in Traditional Chinese as an agency writes it
//! (DESIGN "The bot's voice"), and how that becomes LINE message objects.
//!
//! An [`Outgoing`] is the durable form kept in the outbox: plain data,
//! already redacted, never the raw message. It is rendered into LINE's
//! JSON (`textV2` with a quote and a mention, quick-reply postback buttons,
//! a Flex bubble for officers) only when it is sent, so names looked up at
//! send time (group name, display name) can be filled in.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Postback data prefix for 「我知道了」.
pub const ACK_PREFIX: &str = "ack:";
/// Postback data prefix for 「這是誤判」.
pub const FALSE_POSITIVE_PREFIX: &str = "fp:";

/// One thing to say, as stored in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Outgoing {
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
    /// Thanks for a postback tap.
    FeedbackThanks {
        /// True for 「這是誤判」.
        false_positive: bool,
    },
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
    /// The sender, mentioned when known.
    pub mention: Option<String>,
    /// Quote token of the message, when LINE gave one.
    pub quote_token: Option<String>,
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
}

/// Names looked up when an alert is sent.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// The group's name.
    pub chat_name: Option<String>,
    /// The sender's display name.
    pub display_name: Option<String>,
}

impl Outgoing {
    /// Renders the LINE message objects (at most five).
    pub fn render(&self, names: &Names) -> Vec<Value> {
        match self {
            Outgoing::Warning(w) => vec![warning_message(w)],
            Outgoing::Reminder {
                category_name,
                quote_token,
            } => {
                let mut m = json!({
                    "type": "text",
                    "text": format!(
                        "提醒您：本群組可討論{category_name}相關業務，\
                         但請勿將內容轉傳至群組以外，謝謝配合。"
                    ),
                });
                if let Some(q) = quote_token {
                    m["quoteToken"] = json!(q);
                }
                vec![m]
            }
            Outgoing::Alert(a) => vec![alert_message(a, names)],
            Outgoing::Verdict(v) => vec![json!({"type": "text", "text": verdict_text(v)})],
            Outgoing::Introduction => vec![json!({"type": "text", "text": INTRODUCTION})],
            Outgoing::Greeting => vec![json!({"type": "text", "text": GREETING})],
            Outgoing::FeedbackThanks { false_positive } => {
                let text = if *false_positive {
                    "已收到您的誤判回報，將請政風人員檢視此規則，謝謝您的協助。"
                } else {
                    "已收到，謝謝您的配合。"
                };
                vec![json!({"type": "text", "text": text})]
            }
        }
    }

    /// Points the warning's buttons and the alert at the incident `id`.
    pub fn set_incident(&mut self, id: i64) {
        match self {
            Outgoing::Warning(w) => w.incident_id = id,
            Outgoing::Alert(a) => a.incident_id = id,
            _ => {}
        }
    }

    /// A short name for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Outgoing::Warning(_) => "warning",
            Outgoing::Reminder { .. } => "reminder",
            Outgoing::Alert(_) => "alert",
            Outgoing::Verdict(_) => "verdict",
            Outgoing::Introduction => "introduction",
            Outgoing::Greeting => "greeting",
            Outgoing::FeedbackThanks { .. } => "feedback_thanks",
        }
    }
}

/// Said once on joining a group or room.
pub const INTRODUCTION: &str = "各位好，我是機關的資訊保護提醒小幫手。\n\
我會檢查本群組的訊息，若發現病患資料、稽查行程、檢舉人身分或個人資料等\
不宜外流的內容，會立即提醒大家勿轉傳。\n\
隱私說明：我不保存訊息原文，只記錄規則名稱、遮蔽後的片段與時間，\
供政風人員統計；紀錄依保存期限定期刪除。\n\
如有疑問，請洽本機關政風單位。";

/// Said when a user adds the bot as a friend.
pub const GREETING: &str = "您好，謝謝加入。\n\
轉傳訊息前，可以先把內容貼到這裡，我會告訴您其中是否含有不宜外流的資料。\n\
我不保存您貼上的原文。";

fn bullet_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("・{s}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn warning_message(w: &Warning) -> Value {
    let greeting = if w.mention.is_some() {
        "{sender} 您好，"
    } else {
        "各位好，"
    };
    let text = format!(
        "{greeting}這則訊息可能含有{cats}，請勿轉傳。\n\
         發現：{titles}\n\
         內容：{evidence}\n\
         依據：{laws}\n\
         建議：\n{advice}\n\
         如已傳送，請長按訊息選擇「收回」。謝謝配合。",
        cats = w.categories.join("、"),
        titles = w.titles.join("、"),
        evidence = w.evidence,
        laws = w.laws.join("；"),
        advice = bullet_list(&w.advice),
    );
    // `{` and `}` in the text itself would be read as placeholders.
    let text = escape_placeholders(&text, w.mention.is_some());
    let mut m = json!({
        "type": "textV2",
        "text": text,
        "quickReply": {"items": [
            postback_item("我知道了", &format!("{ACK_PREFIX}{}", w.incident_id)),
            postback_item("這是誤判", &format!("{FALSE_POSITIVE_PREFIX}{}", w.incident_id)),
        ]},
    });
    if let Some(user) = &w.mention {
        m["substitution"] = json!({
            "sender": {"type": "mention", "mentionee": {"type": "user", "userId": user}}
        });
    }
    if let Some(q) = &w.quote_token {
        m["quoteToken"] = json!(q);
    }
    m
}

/// textV2 has no escape for braces; full-width ones read the same.
fn escape_placeholders(text: &str, keep_sender: bool) -> String {
    let mut out = text.replace('{', "｛").replace('}', "｝");
    if keep_sender {
        out = out.replacen("｛sender｝", "{sender}", 1);
    }
    out
}

fn postback_item(label: &str, data: &str) -> Value {
    json!({
        "type": "action",
        "action": {"type": "postback", "label": label, "data": data, "displayText": label}
    })
}

fn verdict_text(v: &Verdict) -> String {
    match &v.severity {
        None => "檢查結果：未發現不宜外流的內容。\n\
                 轉傳前仍請確認對象與用途，謝謝。"
            .to_string(),
        Some(sev) => format!(
            "檢查結果：風險{sev}，請勿轉傳。\n\
             可能含有：{cats}\n\
             發現：{titles}\n\
             內容：{evidence}\n\
             依據：{laws}\n\
             建議：\n{advice}",
            cats = v.categories.join("、"),
            titles = v.titles.join("、"),
            evidence = v.evidence,
            laws = v.laws.join("；"),
            advice = bullet_list(&v.advice),
        ),
    }
}

fn alert_message(a: &Alert, names: &Names) -> Value {
    let chat = a
        .chat_name
        .clone()
        .or_else(|| names.chat_name.clone())
        .unwrap_or_else(|| a.chat_id.clone());
    let who = match (&names.display_name, &a.user_id) {
        (Some(n), Some(id)) => format!("{n}（{id}）"),
        (None, Some(id)) => id.clone(),
        _ => "不明".to_string(),
    };
    let cats = a.categories.join("、");
    let row = |label: &str, value: &str| {
        json!({
            "type": "box", "layout": "baseline", "spacing": "sm",
            "contents": [
                {"type": "text", "text": label, "size": "sm", "color": "#888888", "flex": 2},
                {"type": "text", "text": value, "size": "sm", "wrap": true, "flex": 5}
            ]
        })
    };
    json!({
        "type": "flex",
        "altText": format!("資訊外流警示：{chat}，{cats}，風險{}", a.severity),
        "contents": {
            "type": "bubble",
            "header": {
                "type": "box", "layout": "vertical",
                "contents": [{"type": "text", "text": "資訊外流警示", "weight": "bold", "size": "lg"}]
            },
            "body": {
                "type": "box", "layout": "vertical", "spacing": "sm",
                "contents": [
                    row("群組", &chat),
                    row("類別", &cats),
                    row("風險", &a.severity),
                    row("內容", &a.evidence),
                    row("時間", &a.at),
                    row("傳送者", &who),
                    row("案號", &a.incident_id.to_string()),
                ]
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warning(mention: Option<&str>) -> Warning {
        Warning {
            incident_id: 7,
            categories: vec!["稽查資訊".into()],
            titles: vec!["稽查時間地點外流".into()],
            evidence: "明天…稽查…{x}".into(),
            laws: vec!["中華民國刑法第132條第2項".into()],
            advice: vec!["請勿轉傳".into()],
            mention: mention.map(String::from),
            quote_token: Some("q1".into()),
        }
    }

    #[test]
    fn a_warning_mentions_the_sender_through_one_substitution() {
        let m = &Outgoing::Warning(warning(Some("U1"))).render(&Names::default())[0];
        let text = m["text"].as_str().unwrap();
        assert_eq!(text.matches('{').count(), 1, "{text}");
        assert!(text.starts_with("{sender} 您好"));
        assert!(text.contains("｛x｝"));
        assert_eq!(m["substitution"]["sender"]["mentionee"]["userId"], "U1");
        assert_eq!(m["quoteToken"], "q1");
        assert_eq!(m["quickReply"]["items"][1]["action"]["data"], "fp:7");
    }

    #[test]
    fn a_warning_without_a_sender_has_no_placeholder() {
        let m = &Outgoing::Warning(warning(None)).render(&Names::default())[0];
        assert!(!m["text"].as_str().unwrap().contains('{'));
        assert!(m.get("substitution").is_none());
    }

    #[test]
    fn an_alert_uses_the_looked_up_names() {
        let a = Alert {
            incident_id: 3,
            chat_id: "C1".into(),
            chat_name: None,
            user_id: Some("U1".into()),
            categories: vec!["病患資料".into()],
            severity: "高".into(),
            evidence: "確診…".into(),
            at: "2026-12-01 10:00".into(),
        };
        let names = Names {
            chat_name: Some("防疫小組".into()),
            display_name: Some("王小明".into()),
        };
        let m = &Outgoing::Alert(a).render(&names)[0];
        let s = m.to_string();
        assert!(s.contains("防疫小組") && s.contains("王小明（U1）"), "{s}");
        assert_eq!(m["contents"]["type"], "bubble");
    }
}
