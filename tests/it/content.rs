//! The content stage end to end: a file message becomes a job in the
//! webhook's transaction, is planned by a content worker after the 200,
//! survives a SIGKILL before it runs, and takes effect exactly once.

use std::sync::Arc;
use std::time::Duration;

use leakguard::config::Config;
use leakguard::extract::NotScanned;
use leakguard::line::fake::webhook;
use leakguard::pipeline::AttachmentRead;
use leakguard::platform::{Body, Chat, ChatEvent, Content, EventKind};
use leakguard::scan::{builtin_packs, Scanner};
use leakguard::secret::MasterKey;
use leakguard::store::Store;
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
        text_of(&verdicts[0]).starts_with("檢查結果（檔案）：風險"),
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

/// A pipeline and a fresh SQLite store, for the content stage's rules at
/// the store's level.
async fn stage() -> (leakguard::pipeline::Pipeline, Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("s.db").display());
    let keys = MasterKey::new(b"content-stage-test-key-01".to_vec())
        .unwrap()
        .keys(1);
    let store = Store::connect(&url, keys.records.clone()).await.unwrap();
    let pipeline = leakguard::pipeline::Pipeline::new(
        Arc::new(Scanner::new(&builtin_packs().unwrap()).unwrap()),
        Arc::new(Config::default()),
        &keys,
        "line",
    );
    (pipeline, store, dir)
}

fn file_message(message_id: &str) -> ChatEvent {
    ChatEvent {
        platform: "line",
        id: Some(format!("01EV{}", unique())),
        at: Some(NOW),
        standby: false,
        chat: Chat::Group(GROUP.into()),
        sender: Some(ALICE.into()),
        reply: None,
        kind: EventKind::Message(Content {
            message_id: message_id.into(),
            body: Body::File {
                name: FILE_NAME.into(),
                size: None,
            },
            quote: None,
        }),
    }
}

const NOW: i64 = 1_764_554_400_000;

/// What the content stage reads of a file LINE no longer has: nothing
/// but its name is checked.
fn unavailable() -> AttachmentRead {
    AttachmentRead {
        outcome: Err(NotScanned::Unavailable),
        hash: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_whose_claim_lapsed_cannot_finish_the_job_and_nothing_of_its_plan_stays() {
    let (pipeline, store, _dir) = stage().await;
    let plan = pipeline.plan(&file_message("m1"), NOW);
    assert_eq!(store.accept(&[plan], NOW).await.unwrap().jobs, 1);
    let lease = Duration::from_millis(10);
    let a = store.claim_content("A", NOW, lease, 10).await.unwrap();
    assert_eq!(a.len(), 1);
    assert!(
        store
            .claim_content("B", NOW + 5, lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "A holds it"
    );
    // A's claim lapses; B takes the job over.
    let b = store
        .claim_content("B", NOW + 20, Duration::from_secs(60), 10)
        .await
        .unwrap();
    assert_eq!((b.len(), b[0].attempts), (1, 2), "the second attempt");
    let job = pipeline.open_content(a[0].id, &a[0].sealed).unwrap();
    let late = pipeline.plan_content("line", a[0].id, "A", &job, &unavailable(), NOW + 30);
    match store.accept(&[late], NOW + 30).await {
        Err(leakguard::store::StoreError::JobLost { job }) => assert_eq!(job, a[0].id),
        other => panic!("A finished a job it no longer held: {other:?}"),
    }
    assert!(store.incidents().await.unwrap().is_empty());
    assert_eq!(store.outbox_depth().await.unwrap(), 0);
    let on_time = pipeline.plan_content("line", b[0].id, "B", &job, &unavailable(), NOW + 40);
    store.accept(&[on_time], NOW + 40).await.unwrap();
    assert_eq!(store.incidents().await.unwrap().len(), 1);
    assert_eq!(
        store.content_jobs().await.unwrap(),
        [(b[0].id, "done".to_string())]
    );
    // A's retry or give-up after that changes nothing.
    store.retry_content(a[0].id, "A", NOW + 50).await.unwrap();
    store.fail_content(a[0].id, "A", NOW + 50).await.unwrap();
    assert_eq!(
        store.content_jobs().await.unwrap(),
        [(b[0].id, "done".to_string())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_unsent_before_its_job_ran_is_never_warned_about() {
    let (pipeline, store, _dir) = stage().await;
    let queued = pipeline.plan(&file_message("m2"), NOW);
    store.accept(&[queued], NOW).await.unwrap();
    let claimed = store
        .claim_content("A", NOW, Duration::from_secs(60), 10)
        .await
        .unwrap();
    let mut unsend = file_message("m2");
    unsend.kind = EventKind::Unsent {
        message_id: "m2".into(),
    };
    store
        .accept(&[pipeline.plan(&unsend, NOW + 1)], NOW + 1)
        .await
        .unwrap();
    assert_eq!(store.content_jobs().await.unwrap()[0].1, "retracted");
    // The worker that had claimed it loses it; nothing is recorded or sent.
    let job = pipeline
        .open_content(claimed[0].id, &claimed[0].sealed)
        .unwrap();
    let plan = pipeline.plan_content("line", claimed[0].id, "A", &job, &unavailable(), NOW + 2);
    assert!(store.accept(&[plan], NOW + 2).await.is_err());
    assert!(store.incidents().await.unwrap().is_empty());
    assert_eq!(store.outbox_depth().await.unwrap(), 0);
    assert!(store
        .claim_content("B", NOW + 3, Duration::from_secs(60), 10)
        .await
        .unwrap()
        .is_empty());
}
