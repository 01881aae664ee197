//! Delivery through the outbox against the fake LINE platform: retries
//! with one retry key, `Retry-After`, a dead reply token turned into a
//! push, and a refusal that is final.

use std::time::Duration;

use leakguard::line::fake::Via;

use crate::support::*;

async fn sqlite() -> App {
    App::start(Setup::default()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_that_fails_twice_with_500_is_delivered_once_with_one_retry_key() {
    let app = sqlite().await;
    app.fake.fail_next_pushes(&[500, 500]);
    assert_eq!(app.events(vec![app.text(GROUP, ALICE, PATIENT)]).await, 200);
    assert!(
        app.fake
            .wait_for_deliveries(2, Duration::from_secs(15))
            .await
    );
    app.settle().await;
    assert_eq!(app.delivered_to(OFFICER).len(), 1);
    let pushes: Vec<_> = app
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.endpoint == "push")
        .collect();
    assert_eq!(
        pushes.iter().map(|c| c.status).collect::<Vec<_>>(),
        [500, 500, 200]
    );
    let keys: std::collections::HashSet<_> = pushes
        .iter()
        .map(|c| c.retry_key.clone().unwrap())
        .collect();
    assert_eq!(keys.len(), 1, "the same retry key on every attempt");
    let replies: Vec<_> = app
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.endpoint == "reply")
        .collect();
    assert!(
        replies.iter().all(|c| c.retry_key.is_none()),
        "never a retry key on a reply"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_retried_after_the_retry_after_delay() {
    let app = sqlite().await;
    app.fake.fail_next_pushes(&[429]);
    let started = std::time::Instant::now();
    assert_eq!(app.events(vec![app.text(GROUP, ALICE, PATIENT)]).await, 200);
    app.settle().await;
    assert_eq!(app.delivered_to(OFFICER).len(), 1);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    let statuses: Vec<u16> = app
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.endpoint == "push")
        .map(|c| c.status)
        .collect();
    assert_eq!(statuses, [429, 200]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_reply_token_turns_the_warning_into_a_push_to_the_group() {
    let app = sqlite().await;
    app.fake.expire_reply_tokens(true);
    assert_eq!(
        app.events(vec![app.text(GROUP, ALICE, INSPECTION)]).await,
        200
    );
    app.settle().await;
    let sent = app.delivered_to(GROUP);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].via, Via::Push);
    assert!(text_of(&sent[0]).contains("稽查"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_from_line_is_not_retried_and_is_logged_with_the_request_id() {
    let app = sqlite().await;
    app.fake.fail_next_replies(&[401]);
    app.fake.fail_next_pushes(&[401]);
    assert_eq!(app.events(vec![app.text(GROUP, ALICE, PATIENT)]).await, 200);
    app.settle().await;
    assert!(app.fake.deliveries().is_empty());
    let calls = app.fake.calls();
    assert_eq!(calls.iter().filter(|c| c.endpoint == "reply").count(), 1);
    assert_eq!(calls.iter().filter(|c| c.endpoint == "push").count(), 1);
    let logs = app.logs();
    let line = logs
        .lines()
        .find(|l| l.contains("giving up") && l.contains("status=401"))
        .unwrap_or_else(|| panic!("no give-up line in:\n{logs}"));
    assert!(!line.contains("request_id=-"), "{line}");
}
