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
            Outgoing::Summary(card) => vec![summary_message(card)],
            Outgoing::SummaryRequested => {
                vec![json!({"type": "text", "text": SUMMARY_UNAVAILABLE})]
            }
            Outgoing::SummaryRefused => vec![json!({"type": "text", "text": SUMMARY_REFUSED})],
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
            Outgoing::Summary(_) => "summary",
            Outgoing::SummaryRequested => "summary",
            Outgoing::SummaryRefused => "summary_refused",
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

/// When `/summary` cannot be answered because the store is not answering.
pub const SUMMARY_UNAVAILABLE: &str = "抱歉，本週摘要目前無法產生，請稍後再傳送 /summary，謝謝。";

/// The refusal of `/summary` to a member who is not an officer.
pub const SUMMARY_REFUSED: &str = "抱歉，每週摘要僅提供本機關政風人員查閱。\n\
如需相關資料，請洽政風單位，謝謝。";

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

/// `2026-11-23` → `11/23`.
fn month_day(date: &str) -> String {
    let mut parts = date.splitn(3, '-').skip(1);
    match (parts.next(), parts.next()) {
        (Some(m), Some(d)) => format!("{}/{}", m.trim_start_matches('0'), d),
        _ => date.to_string(),
    }
}

/// A label, a bar as wide as `value / max`, and the value, in one row.
fn bar_row(label: &str, value: u64, max: u64, color: &str) -> Value {
    let percent = if max == 0 {
        0
    } else {
        (value * 100).div_ceil(max)
    };
    let mut bar = json!({
        "type": "box", "layout": "vertical", "flex": 5, "height": "12px",
        "contents": [{"type": "filler"}]
    });
    if percent > 0 {
        bar["contents"] = json!([{
            "type": "box", "layout": "vertical", "width": format!("{percent}%"),
            "height": "12px", "backgroundColor": color, "cornerRadius": "2px",
            "contents": [{"type": "filler"}]
        }]);
    }
    json!({
        "type": "box", "layout": "horizontal", "spacing": "sm", "alignItems": "center",
        "contents": [
            {"type": "text", "text": label, "size": "sm", "flex": 3, "wrap": true},
            bar,
            {"type": "text", "text": value.to_string(), "size": "sm", "flex": 1, "align": "end"}
        ]
    })
}

fn small(text: String) -> Value {
    json!({"type": "text", "text": text, "size": "sm", "wrap": true})
}

fn heading(text: &str) -> Value {
    json!({"type": "text", "text": text, "size": "sm", "weight": "bold", "margin": "md"})
}

fn summary_message(c: &SummaryCard) -> Value {
    let period = format!("{}–{}", month_day(&c.first_day), month_day(&c.last_day));
    let title = if c.so_far {
        "本週資訊保護摘要（截至目前）"
    } else {
        "每週資訊保護摘要"
    };
    let headline = format!("事件 {} 件（較前週 {}）", c.total, c.change);
    let max = c.categories.iter().map(|(_, n, _)| *n).max().unwrap_or(0);
    let mut body = vec![
        json!({"type": "text", "text": headline, "weight": "bold", "size": "md"}),
        heading("依類別"),
    ];
    for (name, n, high) in &c.categories {
        let label = if *high > 0 {
            format!("{name}（高 {high}）")
        } else {
            name.clone()
        };
        body.push(bar_row(&label, *n, max, "#B03A2E"));
    }
    if !c.top_groups.is_empty() {
        body.push(heading("事件最多的群組"));
        for (i, (name, n)) in c.top_groups.iter().enumerate() {
            body.push(small(format!("{}. {name}：{n} 件", i + 1)));
        }
    }
    if !c.top_rules.is_empty() {
        body.push(heading("觸發最多的規則"));
        for (i, (rule, n, fp)) in c.top_rules.iter().enumerate() {
            body.push(small(format!("{}. {rule}：{n} 件，誤判回報 {fp}", i + 1)));
        }
    }
    let [ack, fp, retracted, none] = c.outcomes;
    body.push(heading("處理情形"));
    body.push(small(format!(
        "已知悉 {ack}、回報誤判 {fp}、已收回 {retracted}、未回應 {none}"
    )));
    body.push(small(format!("政風警示 {} 則", c.alerts_sent)));
    let mut bubble = json!({
        "type": "bubble",
        "header": {
            "type": "box", "layout": "vertical",
            "contents": [
                {"type": "text", "text": title, "weight": "bold", "size": "lg", "wrap": true},
                {"type": "text", "text": format!("{}（{period}）", c.week), "size": "sm", "color": "#666666"}
            ]
        },
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body}
    });
    if let Some(link) = &c.link {
        bubble["footer"] = json!({
            "type": "box", "layout": "vertical",
            "contents": [{
                "type": "button", "style": "primary", "height": "sm",
                "action": {"type": "uri", "label": "開啟週報與圖表", "uri": link}
            }]
        });
    }
    json!({
        "type": "flex",
        "altText": format!("{title} {}（{period}）：{headline}", c.week),
        "contents": bubble,
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
    fn a_summary_card_draws_bars_lists_and_a_link_button() {
        let card = SummaryCard {
            week: "2026-W48".into(),
            first_day: "2026-11-23".into(),
            last_day: "2026-11-29".into(),
            so_far: false,
            total: 6,
            change: "+2".into(),
            categories: vec![
                ("病患資料".into(), 4, 1),
                ("稽查".into(), 2, 0),
                ("檢舉人".into(), 0, 0),
            ],
            top_groups: vec![("防疫小組".into(), 4)],
            top_rules: vec![("patient.case".into(), 4, 1)],
            outcomes: [1, 1, 1, 3],
            alerts_sent: 1,
            link: Some("https://guard.example.gov.tw/reports/2026-W48?expires=1&sig=ab".into()),
        };
        let m = &Outgoing::Summary(card).render(&Names::default())[0];
        assert_eq!(m["type"], "flex");
        assert_eq!(
            m["altText"],
            "每週資訊保護摘要 2026-W48（11/23–11/29）：事件 6 件（較前週 +2）"
        );
        let body = m["contents"]["body"]["contents"].as_array().unwrap();
        // One bar per category, as wide as its share of the largest.
        let widths: Vec<Value> = body
            .iter()
            .filter(|c| c["layout"] == "horizontal")
            .map(|row| row["contents"][1]["contents"][0]["width"].clone())
            .collect();
        assert_eq!(widths, [json!("100%"), json!("50%"), Value::Null]);
        let button = &m["contents"]["footer"]["contents"][0];
        assert_eq!(button["action"]["type"], "uri");
        assert!(button["action"]["uri"]
            .as_str()
            .unwrap()
            .contains("/reports/2026-W48"));
        let s = m.to_string();
        assert!(
            s.contains("防疫小組：4 件") && s.contains("誤判回報 1"),
            "{s}"
        );
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
