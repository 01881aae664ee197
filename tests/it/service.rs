//! The webhook service end to end: the real binary on port 0, a fresh
//! database, the loopback fake LINE platform. One test per behaviour.

use std::time::Duration;

use leakguard::line::fake::{webhook, Via};
use serde_json::{json, Value};

use crate::support::*;

async fn sqlite() -> App {
    App::start(Setup::default()).await
}

/// Runs `body` on SQLite and, when a server is configured, on PostgreSQL.
/// With `setup = …`, both servers start from that setup.
macro_rules! on_both {
    ($name:ident, |$app:ident| $body:block) => {
        on_both!($name, setup = Setup::default(), |$app| $body);
    };
    ($name:ident, setup = $setup:expr, |$app:ident| $body:block) => {
        mod $name {
            use super::*;
            async fn run($app: App) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                run(App::start($setup).await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                let Some(url) = postgres().await else { return };
                run(App::start(Setup { db: Db::Postgres(url), ..$setup }).await).await;
            }
        }
    };
}

on_both!(
    a_risky_group_message_is_warned_with_quote_mention_law_and_buttons,
    |app| {
        let event = app.text(GROUP, ALICE, INSPECTION);
        assert_eq!(app.events(vec![event]).await, 200);
        assert!(
            app.fake
                .wait_for_deliveries(2, Duration::from_secs(10))
                .await
        );
        app.settle().await;
        let warnings = app.delivered_to(GROUP);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let w = &warnings[0];
        assert_eq!(w.via, Via::Reply);
        let m = &w.messages[0];
        assert_eq!(m["type"], "textV2");
        assert!(m["quoteToken"].as_str().unwrap().starts_with("q-9"));
        assert_eq!(m["substitution"]["sender"]["mentionee"]["userId"], ALICE);
        let text = text_of(w);
        assert!(text.starts_with("{sender} 您好"), "{text}");
        assert!(
            text.contains("稽查") && text.contains("刑法第132條"),
            "{text}"
        );
        assert!(text.contains("收回"), "{text}");
        let labels: Vec<&str> = m["quickReply"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["action"]["label"].as_str().unwrap())
            .collect();
        assert_eq!(labels, ["我知道了", "這是誤判"]);
        let incidents = app.incidents().await;
        assert_eq!(incidents.len(), 1);
        assert_eq!(incidents[0].category, "inspection");
        assert_eq!(incidents[0].action, "alerted");
    }
);

on_both!(
    an_event_the_store_cannot_commit_is_answered_503_and_accepted_when_redelivered,
    |app| {
        let event = app.text(GROUP, ALICE, INSPECTION);
        // Break the store under the running server.
        app.sql("ALTER TABLE seen_events RENAME TO seen_events_away")
            .await;
        assert_eq!(app.events(vec![event.clone()]).await, 503);
        app.sql("ALTER TABLE seen_events_away RENAME TO seen_events")
            .await;
        assert_eq!(app.events(vec![webhook::redelivered(event)]).await, 200);
        app.settle().await;
        assert_eq!(app.delivered_to(GROUP).len(), 1);
        assert_eq!(app.incidents().await.len(), 1);
    }
);

on_both!(
    an_event_whose_incident_cannot_be_written_leaves_nothing_behind_and_counts_when_redelivered,
    |app| {
        // A harmless line first, so the chat is known and the next harmless
        // line takes the one-statement path.
        assert_eq!(
            app.events(vec![app.text(GROUP, ALICE, "收到，謝謝")]).await,
            200
        );
        let event = app.text(GROUP, ALICE, INSPECTION);
        // The event id is written, then the incident insert fails: the
        // whole transaction, event id included, must be undone.
        app.sql("ALTER TABLE incidents RENAME TO incidents_away")
            .await;
        assert_eq!(app.events(vec![event.clone()]).await, 503);
        // The connection is not left inside the failed transaction.
        assert_eq!(
            app.events(vec![app.text(GROUP, BOB, "好的，我下午處理")])
                .await,
            200
        );
        app.sql("ALTER TABLE incidents_away RENAME TO incidents")
            .await;
        assert_eq!(app.events(vec![webhook::redelivered(event)]).await, 200);
        app.settle().await;
        assert_eq!(app.delivered_to(GROUP).len(), 1);
        assert_eq!(app.incidents().await.len(), 1);
    }
);

on_both!(
    harmless_lines_arriving_with_events_that_cannot_be_written_are_still_accepted,
    |app| {
        assert_eq!(
            app.events(vec![app.text(GROUP, ALICE, "收到，謝謝")]).await,
            200
        );
        app.sql("ALTER TABLE incidents RENAME TO incidents_away")
            .await;
        // Sent together, they share group commits: a batch that fails is
        // retried event by event, so only the risky ones are refused.
        let first = app.text(GROUP, ALICE, INSPECTION);
        let second = app.text(GROUP, BOB, PATIENT);
        let answers = tokio::join!(
            app.events(vec![first.clone()]),
            app.events(vec![app.text(GROUP, BOB, "好的，我下午處理")]),
            app.events(vec![app.text(GROUP, ALICE, "明天的會議改到三點")]),
            app.events(vec![app.text(GROUP, BOB, "了解，謝謝")]),
            app.events(vec![second.clone()]),
            app.events(vec![app.text(GROUP, ALICE, "大家辛苦了")]),
        );
        assert_eq!(answers, (503, 200, 200, 200, 503, 200));
        app.sql("ALTER TABLE incidents_away RENAME TO incidents")
            .await;
        assert_eq!(
            app.events(vec![
                webhook::redelivered(first),
                webhook::redelivered(second)
            ])
            .await,
            200
        );
        app.settle().await;
        let incidents = app.incidents().await;
        let by = |user: &str| {
            incidents
                .iter()
                .filter(|i| i.user_id.as_deref() == Some(user))
                .map(|i| i.category.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(by(ALICE), ["inspection"]);
        assert!(by(BOB).contains(&"patient"), "{:?}", by(BOB));
    }
);

on_both!(a_redelivered_event_is_processed_once, |app| {
    let event = app.text(GROUP, ALICE, PATIENT);
    assert_eq!(app.events(vec![event.clone()]).await, 200);
    assert_eq!(
        app.events(vec![webhook::redelivered(event.clone())]).await,
        200
    );
    assert_eq!(app.events(vec![event]).await, 200);
    app.settle().await;
    assert_eq!(app.delivered_to(GROUP).len(), 1);
    assert_eq!(app.delivered_to(OFFICER).len(), 1);
    let cats: Vec<String> = app
        .incidents()
        .await
        .into_iter()
        .map(|i| i.category)
        .collect();
    assert!(cats.contains(&"patient".to_string()), "{cats:?}");
    assert_eq!(cats.iter().filter(|c| *c == "patient").count(), 1);
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_high_finding_alerts_the_officer_with_group_and_display_names() {
    let app = sqlite().await;
    assert_eq!(app.events(vec![app.text(GROUP, BOB, PATIENT)]).await, 200);
    app.settle().await;
    let alerts = app.delivered_to(OFFICER);
    assert_eq!(alerts.len(), 1);
    let a = &alerts[0];
    assert_eq!(a.via, Via::Push);
    assert!(a.retry_key.is_some());
    let flex = &a.messages[0];
    assert_eq!(flex["type"], "flex");
    assert_eq!(flex["contents"]["type"], "bubble");
    let s = flex.to_string();
    assert!(
        s.contains("業務聯繫群組"),
        "group name from the summary API: {s}"
    );
    assert!(
        s.contains("李先生"),
        "display name from the profile API: {s}"
    );
    assert!(s.contains("高"), "{s}");
    assert!(!s.contains("王小明"), "names are masked: {s}");
}

/// A phishing message is answered the phishing way: nobody is named, the
/// group is told not to click or fill anything and to call the IT unit,
/// the lure's link is not re-posted clickable, and the officer's alert
/// says what it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phishing_message_warns_everyone_not_to_click_and_names_nobody() {
    let app = sqlite().await;
    assert_eq!(app.events(vec![app.text(GROUP, BOB, PHISHING)]).await, 200);
    app.settle().await;
    let warnings = app.delivered_to(GROUP);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let m = &warnings[0].messages[0];
    assert!(
        m.get("substitution").is_none(),
        "the sender is not mentioned: {m}"
    );
    assert!(m["quoteToken"].is_string(), "the lure is quoted: {m}");
    let text = text_of(&warnings[0]);
    assert!(text.starts_with("各位好，這則訊息疑似釣魚"), "{text}");
    assert!(
        text.contains("請勿點選") && text.contains("資訊單位"),
        "{text}"
    );
    assert!(
        !text.contains("收回"),
        "nobody is asked to take it back: {text}"
    );
    assert!(
        !text.contains("dgpa-gov-tw.com") && text.contains("dgpa-gov-tw\u{2024}com"),
        "the link is shown unclickable: {text}"
    );
    let alert = app.delivered_to(OFFICER);
    assert_eq!(alert.len(), 1, "{alert:?}");
    let s = alert[0].messages[0].to_string();
    assert!(s.contains("疑似釣魚訊息警示"), "{s}");
    let incidents = app.incidents().await;
    assert_eq!(incidents[0].category, "phishing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn harmless_chatter_is_answered_200_and_gets_no_message() {
    let app = sqlite().await;
    assert_eq!(app.events(vec![app.text(GROUP, ALICE, CHATTER)]).await, 200);
    assert_eq!(
        app.events(vec![]).await,
        200,
        "an empty events array is accepted"
    );
    app.settle().await;
    assert!(app.fake.deliveries().is_empty());
    assert!(app.incidents().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_wrong_signature_is_refused_with_401_and_nothing_is_recorded() {
    let app = sqlite().await;
    let body = webhook::body(vec![app.text(GROUP, ALICE, INSPECTION)]);
    assert_eq!(app.post_with(body.clone().into_bytes(), None).await, 401);
    let wrong = leakguard::line::signature::sign(b"another secret", body.as_bytes());
    assert_eq!(
        app.post_with(body.clone().into_bytes(), Some(&wrong)).await,
        401
    );
    assert_eq!(
        app.post_with(body.into_bytes(), Some("not base64!")).await,
        401
    );
    app.settle().await;
    assert!(app.incidents().await.is_empty());
    assert!(app.fake.deliveries().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_400_and_a_body_over_one_mebibyte_is_413() {
    let app = sqlite().await;
    assert_eq!(app.post("{\"events\": [").await, 400);
    assert_eq!(app.post("[]").await, 400);
    let mut big = String::from("{\"events\":[],\"pad\":\"");
    big.push_str(&"x".repeat(1 << 20));
    big.push_str("\"}");
    assert_eq!(app.post(&big).await, 413);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_bad_event_does_not_fail_the_batch() {
    let app = sqlite().await;
    let bad = json!({"type": "message", "message": {"type": "text", "text": "no id"}});
    let unknown = json!({"type": "somethingNew", "webhookEventId": "01UNKNOWN"});
    let good = app.text(GROUP, ALICE, INSPECTION);
    assert_eq!(app.events(vec![bad, unknown, good]).await, 200);
    app.settle().await;
    assert_eq!(app.delivered_to(GROUP).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_webhook_body_from_the_sdks_is_answered_200() {
    let Some(dir) = crate::line::fixtures() else {
        return;
    };
    let app = sqlite().await;
    let mut files = Vec::new();
    crate::line::json_files(&dir, &mut files);
    assert!(files.len() >= 30);
    for f in &files {
        let body = std::fs::read(f).unwrap();
        let sig = leakguard::line::signature::sign(SECRET.as_bytes(), &body);
        let status = app.post_with(body, Some(&sig)).await;
        assert_eq!(status, 200, "{}", f.display());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_signature_vector_is_judged_as_recorded_by_the_server() {
    use base64::Engine;
    let Some(dir) = crate::line::fixtures() else {
        return;
    };
    let vectors: Value =
        serde_json::from_slice(&std::fs::read(dir.join("signature-vectors.json")).unwrap())
            .unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    let mut secrets: Vec<&str> = cases
        .iter()
        .map(|c| c["channel_secret"].as_str().unwrap())
        .collect();
    secrets.sort_unstable();
    secrets.dedup();
    let mut judged = 0;
    for secret in secrets {
        let app = App::start(Setup {
            env: vec![("LINE_CHANNEL_SECRET".into(), secret.into())],
            ..Setup::default()
        })
        .await;
        for c in cases.iter().filter(|c| c["channel_secret"] == secret) {
            let body = match c["body_file"].as_str() {
                Some(f) => std::fs::read(dir.join(f)).unwrap(),
                None => base64::engine::general_purpose::STANDARD
                    .decode(c["body_base64"].as_str().unwrap())
                    .unwrap(),
            };
            let status = app
                .post_with(body, Some(c["x_line_signature"].as_str().unwrap()))
                .await;
            let valid = c["signature_valid"].as_bool().unwrap();
            let id = c["id"].as_str().unwrap();
            if valid {
                let json = c["body_is_json"].as_bool().unwrap();
                assert_eq!(status, if json { 200 } else { 400 }, "{id}");
            } else {
                assert_eq!(status, 401, "{id}");
            }
            judged += 1;
        }
    }
    assert_eq!(judged, cases.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spring_boot_files_are_accepted_with_their_recorded_signatures() {
    let Some(dir) = crate::line::fixtures() else {
        return;
    };
    let app = App::start(Setup {
        env: vec![("LINE_CHANNEL_SECRET".into(), "SECRET".into())],
        ..Setup::default()
    })
    .await;
    let base = dir.join(crate::line::SPRING_BOOT_DIR);
    for (file, sig) in crate::line::SPRING_BOOT_FILES {
        let body = std::fs::read(base.join(file)).unwrap();
        assert_eq!(app.post_with(body, Some(sig)).await, 200, "{file}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allowed_category_gets_a_reminder_and_no_alert() {
    let app = sqlite().await;
    assert_eq!(
        app.events(vec![app.text(INSPECTORS, ALICE, INSPECTION)])
            .await,
        200
    );
    app.settle().await;
    let sent = app.delivered_to(INSPECTORS);
    assert_eq!(sent.len(), 1);
    let text = text_of(&sent[0]);
    assert!(text.contains("請勿將內容轉傳至群組以外"), "{text}");
    assert!(
        sent[0].messages[0].get("quickReply").is_none(),
        "a reminder, not an alarm"
    );
    assert!(app.delivered_to(OFFICER).is_empty());
    assert_eq!(app.incidents().await[0].action, "reminded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cooldown_holds_back_a_second_warning_but_records_the_incident() {
    let app = App::start(Setup {
        cooldown: 600,
        ..Setup::default()
    })
    .await;
    assert_eq!(
        app.events(vec![app.text(GROUP, ALICE, INSPECTION)]).await,
        200
    );
    app.settle().await;
    assert_eq!(
        app.events(vec![app.text(GROUP, BOB, INSPECTION)]).await,
        200
    );
    app.settle().await;
    assert_eq!(app.delivered_to(GROUP).len(), 1);
    assert_eq!(app.delivered_to(OFFICER).len(), 1);
    assert_eq!(app.actions().await, ["alerted", "cooldown"]);
}

on_both!(
    one_tap_on_a_two_category_warning_marks_both_and_a_new_rule_opens_the_cooldown,
    setup = Setup {
        cooldown: 600,
        ..Setup::default()
    },
    |app| {
        // Patient details and a home address: two incidents, one warning.
        assert_eq!(app.events(vec![app.text(GROUP, ALICE, PATIENT)]).await, 200);
        app.settle().await;
        assert_eq!(app.delivered_to(GROUP).len(), 1);
        let tap = webhook::postback(
            &format!("01EV{}", unique()),
            webhook::group_source(GROUP, Some(BOB)),
            Some(&app.fake.reply_token(GROUP)),
            &button_data(&app, "這是誤判"),
        );
        assert_eq!(app.events(vec![tap]).await, 200);
        app.settle().await;
        let incidents = app.incidents().await;
        assert_eq!(incidents.len(), 2, "{incidents:?}");
        for i in &incidents {
            assert_eq!(i.outcome.as_deref(), Some("false_positive"), "{i:?}");
        }
        // The same two rules again: held back, but recorded.
        assert_eq!(app.events(vec![app.text(GROUP, BOB, PATIENT)]).await, 200);
        app.settle().await;
        let warnings = |app: &App| {
            app.delivered_to(GROUP)
                .iter()
                .filter(|d| text_of(d).starts_with("{sender} 您好"))
                .count()
        };
        assert_eq!(warnings(&app), 1);
        // Those two rules and one not yet warned about: the gate opens.
        let both = format!("{PATIENT}。{INSPECTION}");
        assert_eq!(app.events(vec![app.text(GROUP, ALICE, &both)]).await, 200);
        app.settle().await;
        assert_eq!(warnings(&app), 2);
        let actions = app.actions().await;
        assert_eq!(actions[2..4], ["cooldown", "cooldown"], "{actions:?}");
        assert!(actions[4..].iter().all(|a| a != "cooldown"), "{actions:?}");
        assert_eq!(actions.len(), 7, "{actions:?}");
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics_answer_and_metrics_need_the_admin_token() {
    let app = sqlite().await;
    assert_eq!(app.get("/healthz").await.0, 200);
    assert_eq!(app.get("/readyz").await.0, 200);
    assert_eq!(
        app.events(vec![app.text(GROUP, ALICE, INSPECTION)]).await,
        200
    );
    app.settle().await;
    let (status, refused) = app.get("/metrics").await;
    assert_eq!(status, 401, "no token: {refused}");
    assert!(!refused.contains("leakguard_"), "{refused}");
    let wrong = reqwest::Client::new()
        .get(format!("{}/metrics", app.url))
        .bearer_auth("not-the-admin-token")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let body = app.admin_ok("/metrics").await;
    for needle in [
        "leakguard_webhook_requests_total{status=\"200\"}",
        "leakguard_events_total{type=\"message\"}",
        "leakguard_findings_total{category=\"inspection\",severity=\"high\"}",
        "leakguard_line_api_calls_total{endpoint=\"reply\",status=\"200\"}",
        "leakguard_outbox_depth",
        "leakguard_scan_seconds_bucket",
    ] {
        assert!(body.contains(needle), "{needle} missing from:\n{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_and_drains_the_outbox_before_exiting() {
    let mut app = sqlite().await;
    app.fake.set_delay(Duration::from_millis(300));
    assert_eq!(app.events(vec![app.text(GROUP, ALICE, PATIENT)]).await, 200);
    let status = app.terminate();
    assert!(status.success(), "{status:?}");
    assert_eq!(app.delivered_to(GROUP).len(), 1);
    assert_eq!(app.delivered_to(OFFICER).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_packs_and_a_broken_pack_keeps_the_old_ones() {
    let packs = tempfile::tempdir().unwrap();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("patterns");
    for entry in std::fs::read_dir(repo).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, packs.path().join(path.file_name().unwrap())).unwrap();
    }
    let app = App::start(Setup {
        patterns: Some(packs.path().to_path_buf()),
        ..Setup::default()
    })
    .await;
    let leak = "這次考題是第三章的申論，先別說";
    assert_eq!(app.events(vec![app.text(GROUP, ALICE, leak)]).await, 200);
    app.settle().await;
    assert!(app.fake.deliveries().is_empty(), "no exam pack yet");

    std::fs::write(packs.path().join("exam_paper.toml"), crate::cli::EXAM).unwrap();
    app.signal("HUP");
    app.wait_for_log("packs reloaded").await;
    assert_eq!(app.events(vec![app.text(GROUP, ALICE, leak)]).await, 200);
    app.settle().await;
    assert_eq!(app.delivered_to(GROUP).len(), 1, "the new pack is in force");

    std::fs::write(
        packs.path().join("broken.toml"),
        "category = \"x\"\n[[rules]]\nid = 3\n",
    )
    .unwrap();
    app.signal("HUP");
    app.wait_for_log("packs not reloaded").await;
    assert!(app.logs().contains("broken.toml"), "the log names the file");
    assert_eq!(app.events(vec![app.text(GROUP, ALICE, leak)]).await, 200);
    app.settle().await;
    assert_eq!(
        app.delivered_to(GROUP).len(),
        2,
        "the previous packs stay in force"
    );

    // No signal needed: removing the broken file is noticed and the packs
    // are reloaded on their own, still with the procurement pack.
    let reloads = |logs: String| logs.matches("packs reloaded").count();
    let before = reloads(app.logs());
    std::fs::remove_file(packs.path().join("broken.toml")).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while reloads(app.logs()) == before {
        assert!(std::time::Instant::now() < deadline, "{}", app.logs());
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(app.logs().contains("pack directory changed"));
    assert_eq!(app.events(vec![app.text(GROUP, ALICE, leak)]).await, 200);
    app.settle().await;
    assert_eq!(app.delivered_to(GROUP).len(), 3);
}
