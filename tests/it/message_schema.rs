//! Every message the bot can send, checked against LINE's own OpenAPI
//! description of the Messaging API (`line-openapi/messaging-api.yml` in
//! the fixtures directory): the `Message` schema is followed through
//! `$ref`, `allOf` and the `type` discriminators down to bubbles, boxes,
//! texts, buttons, actions, mentions and quick replies, checking required
//! fields, types, enum values, lengths — and that no key is one the schema
//! does not know, which LINE answers with 400.

use std::collections::BTreeSet;

use leakguard::line::render::render;
use leakguard::notice::{Alert, Names, Notice, SummaryCard, Verdict, Warning};
use serde_json::Value;

use crate::line::fixtures as line_fixtures;

/// The parsed `messaging-api.yml`.
pub struct Spec(Value);

impl Spec {
    /// Reads the spec from the fixtures, or `None` (skipped) without them.
    pub fn load() -> Option<Spec> {
        let dir = line_fixtures()?;
        let path = dir.join("line-openapi/messaging-api.yml");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let value: Value =
            serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Some(Spec(value))
    }

    fn schema(&self, name: &str) -> &Value {
        let v = &self.0["components"]["schemas"][name];
        assert!(!v.is_null(), "the spec has no schema {name}");
        v
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => self.resolve(self.schema(r.rsplit('/').next().unwrap())),
            None => schema,
        }
    }

    /// Every property name `schema` allows, through its `allOf` parts.
    fn properties(&self, schema: &Value, out: &mut BTreeSet<String>) -> bool {
        let schema = self.resolve(schema);
        let mut open = schema.get("additionalProperties").is_some();
        if let Some(p) = schema.get("properties").and_then(Value::as_object) {
            out.extend(p.keys().cloned());
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            open |= self.properties(part, out);
        }
        open
    }

    /// The problems of `value` against the schema named `name`.
    pub fn check(&self, name: &str, value: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.walk(
            self.schema(name),
            value,
            name.to_string(),
            true,
            &mut errors,
        );
        errors
    }

    fn walk(
        &self,
        schema: &Value,
        v: &Value,
        at: String,
        dispatch: bool,
        errors: &mut Vec<String>,
    ) {
        let schema = self.resolve(schema);
        // A discriminated base schema hands over to the concrete one, which
        // names the base again in its allOf (without dispatching twice).
        if dispatch {
            if let Some(d) = schema.get("discriminator") {
                let prop = d["propertyName"].as_str().unwrap();
                let Some(kind) = v.get(prop).and_then(Value::as_str) else {
                    errors.push(format!("{at}: no {prop}"));
                    return;
                };
                let Some(target) = d["mapping"].get(kind).and_then(Value::as_str) else {
                    errors.push(format!("{at}: {prop} {kind:?} is not one of LINE's"));
                    return;
                };
                let concrete = self.schema(target.rsplit('/').next().unwrap());
                return self.walk(concrete, v, format!("{at}<{kind}>"), false, errors);
            }
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.walk(part, v, at.clone(), false, errors);
        }
        if let Some(ty) = schema.get("type").and_then(Value::as_str) {
            let ok = match ty {
                "object" => v.is_object(),
                "array" => v.is_array(),
                "string" => v.is_string(),
                "integer" => v.is_i64() || v.is_u64(),
                "number" => v.is_number(),
                "boolean" => v.is_boolean(),
                _ => true,
            };
            if !ok {
                errors.push(format!("{at}: expected {ty}, got {v}"));
                return;
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.contains(v) {
                errors.push(format!("{at}: {v} is not one of {allowed:?}"));
            }
        }
        if let Some(s) = v.as_str() {
            let n = s.chars().count() as u64;
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
                if n > max {
                    errors.push(format!("{at}: {n} characters, at most {max}"));
                }
            }
            if schema.get("format").and_then(Value::as_str) == Some("uri")
                && !(s.starts_with("https://")
                    || s.starts_with("http://")
                    || s.starts_with("line://"))
            {
                errors.push(format!("{at}: {s:?} is not a URI"));
            }
        }
        if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
                if arr.len() as u64 > max {
                    errors.push(format!("{at}: {} items, at most {max}", arr.len()));
                }
            }
            for (i, item) in arr.iter().enumerate() {
                self.walk(items, item, format!("{at}[{i}]"), true, errors);
            }
        }
        if let Some(obj) = v.as_object() {
            for key in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let key = key.as_str().unwrap();
                if !obj.contains_key(key) {
                    errors.push(format!("{at}: required {key} is missing"));
                }
            }
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (key, sub) in props {
                    if let Some(child) = obj.get(key) {
                        self.walk(sub, child, format!("{at}.{key}"), true, errors);
                    }
                }
            }
            if let Some(extra) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                for (key, child) in obj {
                    self.walk(extra, child, format!("{at}.{key}"), true, errors);
                }
            }
            if dispatch || schema.get("allOf").is_some() {
                let mut known = BTreeSet::new();
                if !self.properties(schema, &mut known) && !known.is_empty() {
                    for key in obj.keys().filter(|k| !known.contains(*k)) {
                        errors.push(format!("{at}: {key} is not a property LINE knows"));
                    }
                }
            }
        }
    }
}

/// One of each message the bot sends, with long and empty contents.
fn every_message() -> Vec<(String, Value)> {
    let long = "很長的內容".repeat(30);
    let attached =
        |mention: Option<&str>, quote: Option<&str>, phishing: bool, kind: Option<&str>| {
            Notice::Warning(Warning {
                incident_id: 42,
                categories: vec!["病患資訊".into(), "個人資料".into()],
                titles: vec!["確診者足跡".into(), "身分證字號".into()],
                evidence: "確診…王○明…A12*****89".into(),
                laws: vec!["刑法第132條".into(), "個人資料保護法第27條".into()],
                advice: vec!["請勿轉傳".into()],
                mention: mention.map(String::from),
                quote_token: quote.map(String::from),
                phishing,
                attachment: kind.map(String::from),
            })
        };
    let warning = |mention: Option<&str>, quote: Option<&str>, phishing: bool| {
        attached(mention, quote, phishing, None)
    };
    let alert = |phishing: bool, kind: Option<&str>| {
        Notice::Alert(Alert {
            incident_id: 7,
            chat_id: "C1111111111111111111111111111aaaa".into(),
            chat_name: Some("業務聯繫群組".into()),
            user_id: Some("U2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b".into()),
            categories: vec!["稽查資訊".into()],
            severity: "高".into(),
            evidence: "明天…稽查…老王○○".into(),
            at: "2026-11-24 10:03".into(),
            phishing,
            attachment: kind.map(String::from),
            chain: Some(leakguard::notice::ChainNote {
                first_chat_id: "C2222222222222222222222222222bbbb".into(),
                first_chat_name: Some("防疫工作群組".into()),
                first_at: "2026-11-24 09:15".into(),
                count: 2,
                groups: 2,
            }),
        })
    };
    let card = |link: Option<&str>, full: bool| SummaryCard {
        week: "2026-W48".into(),
        first_day: "2026-11-23".into(),
        last_day: "2026-11-29".into(),
        so_far: !full,
        total: if full { 120 } else { 0 },
        change: "+3".into(),
        categories: if full {
            vec![
                ("病患資訊".into(), 50, 20),
                ("稽查資訊".into(), 40, 40),
                ("檢舉人身分".into(), 0, 0),
                ("個人資料".into(), 30, 1),
            ]
        } else {
            vec![("病患資訊".into(), 0, 0)]
        },
        top_groups: if full {
            vec![(long.clone(), 70), ("稽查小組".into(), 20)]
        } else {
            Vec::new()
        },
        top_rules: if full {
            vec![("inspection.schedule".into(), 40, 3)]
        } else {
            Vec::new()
        },
        outcomes: [1, 2, 3, 4],
        alerts_sent: 7,
        link: link.map(String::from),
    };
    let outgoing = vec![
        (
            "warning",
            warning(
                Some("U1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a"),
                Some("q-token"),
                false,
            ),
        ),
        ("warning, no mention", warning(None, None, false)),
        ("phishing warning", warning(None, Some("q-token"), true)),
        (
            "reminder",
            Notice::Reminder {
                category_name: "稽查資訊".into(),
                quote_token: Some("q".into()),
            },
        ),
        (
            "warning about an image",
            attached(None, Some("q-token"), false, Some("圖片")),
        ),
        ("alert", alert(false, None)),
        ("phishing alert", alert(true, None)),
        ("alert about a spreadsheet", alert(false, Some("試算表"))),
        (
            "verdict",
            Notice::Verdict(Verdict {
                severity: Some("高".into()),
                categories: vec!["個人資料".into()],
                titles: vec!["身分證字號".into()],
                evidence: "A12*****89".into(),
                laws: vec!["個人資料保護法第27條".into()],
                advice: vec!["請刪除後再轉傳".into()],
                phishing: false,
                attachment: None,
                unread: None,
            }),
        ),
        (
            "verdict, nothing found",
            Notice::Verdict(Verdict {
                severity: None,
                categories: Vec::new(),
                titles: Vec::new(),
                evidence: String::new(),
                laws: Vec::new(),
                advice: Vec::new(),
                phishing: false,
                attachment: None,
                unread: None,
            }),
        ),
        (
            "verdict, attachment not read",
            Notice::Verdict(Verdict {
                severity: None,
                categories: Vec::new(),
                titles: Vec::new(),
                evidence: String::new(),
                laws: Vec::new(),
                advice: Vec::new(),
                phishing: false,
                attachment: Some("文書檔".into()),
                unread: Some("檔案設有密碼".into()),
            }),
        ),
        ("introduction", Notice::Introduction),
        ("greeting", Notice::Greeting),
        (
            "summary",
            Notice::Summary(card(
                Some("https://guard.example.gov.tw/reports/2026-W48?expires=1&sig=ab"),
                true,
            )),
        ),
        (
            "summary, empty week, no link",
            Notice::Summary(card(None, false)),
        ),
        ("summary unavailable", Notice::SummaryRequested),
        ("summary refused", Notice::SummaryRefused),
        (
            "thanks",
            Notice::FeedbackThanks {
                false_positive: true,
            },
        ),
    ];
    let names = Names {
        chat_name: Some("業務聯繫群組".into()),
        display_name: Some("李先生".into()),
        chain_chat_name: None,
    };
    let mut out = Vec::new();
    for (what, o) in outgoing {
        let messages = render(&o, &names);
        assert!((1..=5).contains(&messages.len()), "{what}");
        for (i, m) in messages.into_iter().enumerate() {
            out.push((format!("{what} #{i}"), m));
        }
    }
    out
}

#[test]
fn every_message_the_bot_sends_matches_lines_message_schema() {
    let Some(spec) = Spec::load() else { return };
    let mut problems = Vec::new();
    for (what, m) in every_message() {
        for e in spec.check("Message", &m) {
            problems.push(format!("{what}: {e}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_schema_check_catches_what_line_would_refuse() {
    let Some(spec) = Spec::load() else { return };
    let (_, card) = every_message()
        .into_iter()
        .find(|(w, _)| w.starts_with("summary #"))
        .unwrap();
    assert!(card["contents"]["body"]["contents"].is_array());
    let mut broken = card.clone();
    broken["contents"]["body"]["layout"] = "grid".into();
    broken["contents"]["footer"]["contents"][0]["action"]
        .as_object_mut()
        .unwrap()
        .remove("type");
    broken["contents"]["body"]["paddingall"] = "10px".into();
    broken.as_object_mut().unwrap().remove("altText");
    let errors = spec.check("Message", &broken).join("\n");
    for expected in [
        "\"grid\" is not one of",
        "action: no type",
        "paddingall is not a property",
        "required altText is missing",
    ] {
        assert!(
            errors.contains(expected),
            "{expected} not reported:\n{errors}"
        );
    }
}
