//! Each LINE event type the guard acts on, end to end through the real
//! binary: standby, files, edits, unsend, postbacks, join and leave,
//! follow and the 1:1 verdict.

use leakguard::line::fake::webhook;
use serde_json::json;

use crate::support::*;

async fn sqlite() -> App {
    App::start(Setup::default()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standby_mode_records_the_incident_and_sends_nothing() {
    let app = sqlite().await;
    let mut event = app.text(GROUP, ALICE, INSPECTION);
    event["mode"] = json!("standby");
    assert_eq!(app.events(vec![event]).await, 200);
    app.settle().await;
    assert!(app.fake.deliveries().is_empty());
    let incidents = app.incidents().await;
    assert_eq!(incidents.len(), 1);
    assert_eq!(incidents[0].action, "standby");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_name_is_scanned() {
    let app = sqlite().await;
    let rt = app.fake.reply_token(GROUP);
    let event = webhook::file(
        &format!("01EV{}", unique()),
        webhook::group_source(GROUP, Some(ALICE)),
        Some(&rt),
        &format!("9{}", unique()),
        "下週二突擊檢查名單_中山區KTV.xlsx",
    );
    assert_eq!(app.events(vec![event]).await, 200);
    app.settle().await;
    assert_eq!(app.delivered_to(GROUP).len(), 1);
    assert_eq!(app.incidents().await[0].category, "inspection");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_message_is_rescanned() {
    let app = sqlite().await;
    let first = app.text(GROUP, ALICE, CHATTER);
    let message_id = first["message"]["id"].clone();
    assert_eq!(app.events(vec![first]).await, 200);
    let mut edited = app.text(GROUP, ALICE, INSPECTION);
    edited["type"] = json!("messageEdited");
    edited["message"]["id"] = message_id;
    assert_eq!(app.events(vec![edited]).await, 200);
    app.settle().await;
    assert_eq!(app.delivered_to(GROUP).len(), 1);
    assert_eq!(app.incidents().await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsend_retracts_the_incident_and_erases_its_excerpt() {
    let app = sqlite().await;
    let event = app.text(GROUP, ALICE, PATIENT);
    let mid = event["message"]["id"].as_str().unwrap().to_string();
    assert_eq!(app.events(vec![event]).await, 200);
    app.settle().await;
    assert!(app.incidents().await.iter().all(|i| i.excerpt.is_some()));
    let unsend = webhook::unsend(
        &format!("01EV{}", unique()),
        webhook::group_source(GROUP, Some(ALICE)),
        &mid,
    );
    assert_eq!(app.events(vec![unsend]).await, 200);
    let incidents = app.incidents().await;
    assert!(!incidents.is_empty());
    for i in incidents {
        assert_eq!(i.outcome.as_deref(), Some("retracted"));
        assert_eq!(i.excerpt, None);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postbacks_record_acknowledged_and_false_positive_by_whom() {
    let app = sqlite().await;
    assert_eq!(
        app.events(vec![app.text(GROUP, ALICE, INSPECTION)]).await,
        200
    );
    app.settle().await;
    let tap = |user: &str, data: &str| {
        let rt = app.fake.reply_token(GROUP);
        webhook::postback(
            &format!("01EV{}", unique()),
            webhook::group_source(GROUP, Some(user)),
            Some(&rt),
            data,
        )
    };
    assert_eq!(
        app.events(vec![tap(BOB, &button_data(&app, "這是誤判"))])
            .await,
        200
    );
    app.settle().await;
    let i = &app.incidents().await[0];
    assert_eq!(i.outcome.as_deref(), Some("false_positive"));
    assert_eq!(i.outcome_by.as_deref(), Some(BOB));
    assert!(text_of(app.delivered_to(GROUP).last().unwrap()).contains("誤判"));
    assert_eq!(
        app.events(vec![tap(ALICE, &button_data(&app, "我知道了"))])
            .await,
        200
    );
    app.settle().await;
    let i = &app.incidents().await[0];
    assert_eq!(i.outcome.as_deref(), Some("acknowledged"));
    assert_eq!(i.outcome_by.as_deref(), Some(ALICE));
    // A tap on an incident that does not exist changes nothing and says nothing.
    let before = app.fake.deliveries().len();
    assert_eq!(app.events(vec![tap(ALICE, "ack:999999")]).await, 200);
    app.settle().await;
    assert_eq!(app.fake.deliveries().len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_introduces_the_bot_and_leave_marks_the_group_inactive() {
    let app = sqlite().await;
    let rt = app.fake.reply_token(GROUP);
    let join = webhook::base(
        "join",
        &format!("01EV{}", unique()),
        webhook::group_source(GROUP, None),
        Some(&rt),
    );
    assert_eq!(app.events(vec![join]).await, 200);
    app.settle().await;
    let intro = text_of(&app.delivered_to(GROUP)[0]);
    assert!(
        intro.contains("隱私") && intro.contains("不保存訊息原文"),
        "{intro}"
    );
    let store = app.store().await;
    assert_eq!(store.chat_active(GROUP).await.unwrap(), Some(true));
    let leave = webhook::base(
        "leave",
        &format!("01EV{}", unique()),
        webhook::group_source(GROUP, None),
        None,
    );
    assert_eq!(app.events(vec![leave]).await, 200);
    assert_eq!(store.chat_active(GROUP).await.unwrap(), Some(false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_is_greeted_and_a_pasted_text_in_a_one_to_one_chat_gets_a_verdict() {
    let app = sqlite().await;
    let rt = app.fake.reply_token(ALICE);
    let follow = webhook::base(
        "follow",
        &format!("01EV{}", unique()),
        webhook::user_source(ALICE),
        Some(&rt),
    );
    assert_eq!(app.events(vec![follow]).await, 200);
    app.settle().await;
    assert!(text_of(&app.delivered_to(ALICE)[0]).contains("貼到這裡"));
    assert_eq!(
        app.events(vec![app.text(ALICE, ALICE, INSPECTION)]).await,
        200
    );
    assert_eq!(app.events(vec![app.text(ALICE, ALICE, CHATTER)]).await, 200);
    app.settle().await;
    let sent = app.delivered_to(ALICE);
    assert_eq!(sent.len(), 3);
    assert!(
        text_of(&sent[1]).contains("請勿轉傳"),
        "{}",
        text_of(&sent[1])
    );
    assert!(
        text_of(&sent[2]).contains("未發現"),
        "{}",
        text_of(&sent[2])
    );
    assert!(
        app.incidents().await.is_empty(),
        "a pre-forward check is not an incident"
    );
    assert!(app.delivered_to(OFFICER).is_empty());
}
