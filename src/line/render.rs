//! How a [`Notice`] becomes LINE message objects: the warning as `textV2`
//! with a quote, a mention of the sender and two postback quick-reply
//! buttons; the officer alert and the weekly summary as Flex bubbles;
//! everything else as plain text. The wording itself is the notice's.

use serde_json::{json, Value};

use crate::notice::{
    alert_chat, alert_sender, alert_title, reminder_text, summary_headline, summary_period,
    summary_title, summary_total, thanks_text, verdict_text, warning_body, Alert, Names, Notice,
    SummaryCard, Warning, GREETING, GREETING_ALL, INTRODUCTION, SUMMARY_REFUSED,
    SUMMARY_UNAVAILABLE,
};

/// Postback data prefix for 「我知道了」.
pub const ACK_PREFIX: &str = "ack:";
/// Postback data prefix for 「這是誤判」.
pub const FALSE_POSITIVE_PREFIX: &str = "fp:";

/// The LINE message objects for `notice` (at most five).
pub fn render(notice: &Notice, names: &Names) -> Vec<Value> {
    let text = |t: &str| json!({"type": "text", "text": t});
    match notice {
        Notice::Warning(w) => vec![warning_message(w)],
        Notice::Reminder {
            category_name,
            quote_token,
        } => {
            let mut m = text(&reminder_text(category_name));
            if let Some(q) = quote_token {
                m["quoteToken"] = json!(q);
            }
            vec![m]
        }
        Notice::Alert(a) => vec![alert_message(a, names)],
        Notice::Verdict(v) => vec![text(&verdict_text(v))],
        Notice::Introduction => vec![text(INTRODUCTION)],
        Notice::Greeting => vec![text(GREETING)],
        Notice::Summary(card) => vec![summary_message(card)],
        Notice::SummaryRequested => vec![text(SUMMARY_UNAVAILABLE)],
        Notice::SummaryRefused => vec![text(SUMMARY_REFUSED)],
        Notice::FeedbackThanks { false_positive } => vec![text(thanks_text(*false_positive))],
        Notice::Watch(reply) => vec![text(&reply.text())],
        Notice::Enrollment(reply) => vec![text(&reply.text())],
    }
}

fn warning_message(w: &Warning) -> Value {
    let greeting = if w.mention.is_some() {
        "{sender} 您好，"
    } else {
        GREETING_ALL
    };
    let text = format!("{greeting}{}", warning_body(w));
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

fn alert_message(a: &Alert, names: &Names) -> Value {
    let chat = alert_chat(a, names);
    let who = alert_sender(a, names);
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
    let mut rows = vec![
        row("群組", &chat),
        row("類別", &cats),
        row("風險", &a.severity),
    ];
    match &a.attachment {
        Some(kind) => rows.extend([row("附件", kind), row("位置", &a.evidence)]),
        None => rows.push(row("內容", &a.evidence)),
    }
    if let Some(chain) = &a.chain {
        rows.push(row("轉傳", &chain.text(names)));
    }
    rows.extend([
        row("時間", &a.at),
        row("傳送者", &who),
        row("案號", &a.incident_id.to_string()),
    ]);
    json!({
        "type": "flex",
        "altText": format!("{}：{chat}，{cats}，風險{}", alert_title(a), a.severity),
        "contents": {
            "type": "bubble",
            "header": {
                "type": "box", "layout": "vertical",
                "contents": [{"type": "text", "text": alert_title(a), "weight": "bold", "size": "lg"}]
            },
            "body": {
                "type": "box", "layout": "vertical", "spacing": "sm",
                "contents": rows

            }
        }
    })
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
    let title = summary_title(c);
    let headline = summary_total(c);
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
                {"type": "text", "text": summary_period(c), "size": "sm", "color": "#666666"}
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
        "altText": summary_headline(c),
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
            phishing: false,
            attachment: None,
        }
    }

    #[test]
    fn a_warning_mentions_the_sender_through_one_substitution() {
        let m = &render(&Notice::Warning(warning(Some("U1"))), &Names::default())[0];
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
        let m = &render(&Notice::Warning(warning(None)), &Names::default())[0];
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
        let m = &render(&Notice::Summary(card), &Names::default())[0];
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
            phishing: false,
            attachment: None,
            chain: None,
        };
        let names = Names {
            chat_name: Some("防疫小組".into()),
            display_name: Some("王小明".into()),
            chain_chat_name: None,
        };
        let m = &render(&Notice::Alert(a), &names)[0];
        let s = m.to_string();
        assert!(s.contains("防疫小組") && s.contains("王小明（U1）"), "{s}");
        assert_eq!(m["contents"]["type"], "bubble");
    }
}
