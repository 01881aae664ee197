//! The content stage end to end: a file message becomes a job in the
//! webhook's transaction, is planned by a content worker after the 200,
//! survives a SIGKILL before it runs, and takes effect exactly once.

use std::time::Duration;

use leakguard::line::fake::webhook;
use sqlx::Connection;

use crate::support::*;

/// A file whose name alone is an inspection leak.
const FILE_NAME: &str = "下週二突擊檢查名單_中山區KTV.xlsx";

fn file_event(app: &App) -> serde_json::Value {
    webhook::file(
        &format!("01EV{}", unique()),
        webhook::group_source(GROUP, Some(ALICE)),
        Some(&app.fake.reply_token(GROUP)),
        &format!("9{}", unique()),
        FILE_NAME,
    )
}

async fn job_states(app: &App) -> Vec<String> {
    let store = app.store().await;
    let jobs = store.content_jobs().await.unwrap();
    store.close().await;
    jobs.into_iter().map(|(_, state)| state).collect()
}

async fn a_file_job_survives_a_sigkill_before_it_runs_and_takes_effect_once(db: Db) {
    // An ingest-only replica: it records content jobs and runs none.
    let mut app = App::start(Setup {
        db,
        env: vec![("LEAKGUARD_CONTENT_WORKERS".into(), "0".into())],
        ..Setup::default()
    })
    .await;
    let event = file_event(&app);
    assert_eq!(app.events(vec![event.clone()]).await, 200);
    assert_eq!(job_states(&app).await, ["pending"], "recorded with the 200");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(app.delivered_to(GROUP).is_empty(), "nothing ran yet");
    assert!(app.incidents().await.is_empty());

    app.kill();
    app.set_env("LEAKGUARD_CONTENT_WORKERS", "2");
    app.spawn();
    // LINE redelivers the same event: it is not a second job.
    assert_eq!(app.events(vec![webhook::redelivered(event)]).await, 200);
    app.settle().await;
    assert_eq!(job_states(&app).await, ["done"]);
    let warnings = app.delivered_to(GROUP);
    assert_eq!(warnings.len(), 1, "warned once: {warnings:?}");
    assert!(text_of(&warnings[0]).contains("請勿轉傳"));
    let incidents = app.incidents().await;
    assert_eq!(incidents.len(), 1);
    assert_eq!(incidents[0].category, "inspection");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_job_survives_a_sigkill_before_it_runs_and_takes_effect_once_on_sqlite() {
    a_file_job_survives_a_sigkill_before_it_runs_and_takes_effect_once(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_job_survives_a_sigkill_before_it_runs_and_takes_effect_once_on_postgres() {
    let Some(url) = postgres().await else { return };
    a_file_job_survives_a_sigkill_before_it_runs_and_takes_effect_once(Db::Postgres(url)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_in_a_one_to_one_chat_gets_a_verdict_from_the_content_stage() {
    let app = App::start(Setup::default()).await;
    let rt = app.fake.reply_token(ALICE);
    let event = webhook::file(
        &format!("01EV{}", unique()),
        webhook::user_source(ALICE),
        Some(&rt),
        &format!("9{}", unique()),
        FILE_NAME,
    );
    assert_eq!(app.events(vec![event]).await, 200);
    app.settle().await;
    let verdicts = app.delivered_to(ALICE);
    assert_eq!(verdicts.len(), 1);
    assert!(
        text_of(&verdicts[0]).starts_with("檢查結果：風險"),
        "{}",
        text_of(&verdicts[0])
    );
    assert_eq!(job_states(&app).await, ["done"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_sealed_under_another_hash_key_is_given_up_and_erased() {
    let mut app = App::start(Setup {
        env: vec![("LEAKGUARD_CONTENT_WORKERS".into(), "0".into())],
        ..Setup::default()
    })
    .await;
    assert_eq!(app.events(vec![file_event(&app)]).await, 200);
    app.kill();
    // The operator lost the key file: a new key is made, and the job
    // sealed under the old one cannot be opened.
    std::fs::remove_file(app.dir.join("leakguard.key")).unwrap();
    app.set_env("LEAKGUARD_CONTENT_WORKERS", "1");
    app.spawn();
    app.settle().await;
    assert_eq!(job_states(&app).await, ["failed"]);
    assert!(app.delivered_to(GROUP).is_empty());
    assert!(app.logs().contains("cannot be opened with this hash key"));
    let mut db = sqlx::SqliteConnection::connect(&app.db_url).await.unwrap();
    let sealed: String = sqlx::query_scalar("SELECT event FROM content_jobs")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(sealed, "", "the sealed event is erased when given up");
}
