//! What must survive: privacy of the text at rest and in the logs, a
//! SIGKILL right after the 200, two replicas on one PostgreSQL database,
//! and start-up that refuses a bad configuration with one clear line.

use std::time::Duration;

use leakguard::line::fake::webhook;

use crate::support::*;

/// Markers that appear only in the messages of the privacy conversation:
/// in its texts, then inside its spreadsheet (an inspected shop, its
/// owner's phone) and its chat screenshot (a patient, a meeting).
const TOKENS: [&str; 9] = [
    "qzvTokenAlpha",
    "Wyrmfeather",
    "紫丁香蝸牛",
    "藍鵲水塔",
    "永豐小吃店",
    "0912-483-276",
    "0912483276",
    "陳美玲",
    "防疫會議",
];

async fn privacy_conversation(app: &App) {
    let texts = [
        format!(
            "明天上午10點稽查大同區三家餐廳：老王牛肉麵 {} 阿美小吃",
            TOKENS[0]
        ),
        format!(
            "確診個案王小明，45歲，住大同區民生西路100號5樓，{}昨晚去過圓環夜市",
            TOKENS[2]
        ),
        format!("{} 大家午安，下午三點開會", TOKENS[1]),
        format!(
            "檢舉人是隔壁的李大華，電話0912345678，{}別說是我講的",
            TOKENS[3]
        ),
    ];
    for t in &texts {
        assert_eq!(app.events(vec![app.text(GROUP, ALICE, t)]).await, 200);
    }
    assert_eq!(
        app.events(vec![app.text(ALICE, ALICE, &texts[0])]).await,
        200
    );
    // A file's name waits for the content stage sealed, then is erased.
    let file = webhook::file(
        &format!("01EV{}", unique()),
        webhook::group_source(GROUP, Some(ALICE)),
        None,
        &format!("9{}", unique()),
        &format!("{}_突擊檢查名單.xlsx", TOKENS[1]),
    );
    assert_eq!(app.events(vec![file]).await, 200);
    // A spreadsheet and a screenshot, read in the sandbox: their words
    // are in memory and the child's scratch directory only.
    let attachments = [
        ("inspection-list.xlsx", "file"),
        ("images/chat-footprint.png", "image"),
    ];
    for (name, kind) in attachments {
        let id = format!("9{}", unique());
        let bytes = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/attachments")
                .join(name),
        )
        .unwrap();
        app.fake.set_content(&id, bytes);
        let source = webhook::group_source(GROUP, Some(ALICE));
        let event_id = format!("01EV{}", unique());
        let event = match kind {
            "file" => webhook::file(&event_id, source, None, &id, "附件.xlsx"),
            _ => webhook::image(&event_id, source, None, &id, None),
        };
        assert_eq!(app.events(vec![event]).await, 200);
    }
    app.settle().await;
    assert!(
        app.delivered_to(GROUP).len() >= 4,
        "the conversation was warned about"
    );
}

fn assert_no_tokens(what: &str, haystack: &[u8]) {
    let text = String::from_utf8_lossy(haystack);
    for t in TOKENS {
        assert!(!text.contains(t), "{t} found in {what}");
        assert!(
            !text.contains(&t.to_uppercase()),
            "{t} (normalized) found in {what}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_text_appears_nowhere_in_the_sqlite_files_or_the_logs() {
    let mut app = App::start(Setup::default()).await;
    privacy_conversation(&app).await;
    // Read the files while the server still holds them (WAL not yet
    // checkpointed), then again after a clean stop.
    let data = app.dir.join("data");
    let mut checked = 0;
    for round in 0..2 {
        for entry in std::fs::read_dir(&data).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            assert_no_tokens(&path.display().to_string(), &bytes);
            checked += 1;
        }
        if round == 0 {
            assert!(checked >= 2, "main file and WAL expected");
            assert!(app.terminate().success());
        }
    }
    assert_no_tokens("the server log", app.logs().as_bytes());
    assert!(
        app.logs().contains("message delivered"),
        "the log is not empty"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_text_appears_nowhere_in_the_postgres_tables_or_the_logs() {
    let Some(url) = postgres().await else { return };
    let app = App::start(Setup {
        db: Db::Postgres(url.clone()),
        ..Setup::default()
    })
    .await;
    privacy_conversation(&app).await;
    for (table, dump) in postgres_tables(&url).await {
        assert_no_tokens(&format!("table {table}"), dump.as_bytes());
    }
    assert_no_tokens("the server log", app.logs().as_bytes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_right_after_the_200_still_delivers_warning_and_alert_once() {
    let mut app = App::start(Setup::default()).await;
    // LINE answers slowly, so the sends are in flight when the server dies.
    app.fake.set_delay(Duration::from_millis(800));
    assert_eq!(app.events(vec![app.text(GROUP, ALICE, PATIENT)]).await, 200);
    app.kill();
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert!(
        app.fake.deliveries().is_empty(),
        "nothing got through before the kill"
    );
    app.fake.set_delay(Duration::ZERO);
    app.spawn();
    assert!(
        app.fake
            .wait_for_deliveries(2, Duration::from_secs(15))
            .await
    );
    app.settle().await;
    assert_eq!(app.delivered_to(GROUP).len(), 1);
    assert_eq!(app.delivered_to(OFFICER).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_postgres_database_send_one_warning_and_one_alert() {
    let Some(url) = postgres().await else { return };
    let a = App::start(Setup {
        db: Db::Postgres(url),
        ..Setup::default()
    })
    .await;
    let b = a.replica().await;
    for text in [PATIENT, INSPECTION] {
        let event = a.text(GROUP, ALICE, text);
        let again = webhook::redelivered(event.clone());
        let (sa, sb) = tokio::join!(a.events(vec![event]), b.events(vec![again]));
        assert_eq!((sa, sb), (200, 200));
    }
    a.settle().await;
    b.settle().await;
    assert_eq!(a.delivered_to(GROUP).len(), 2, "one warning per message");
    assert_eq!(a.delivered_to(OFFICER).len(), 2, "one alert per message");
    let incidents = a.incidents().await;
    assert_eq!(
        incidents.iter().filter(|i| i.category == "patient").count(),
        1
    );
    assert_eq!(
        incidents
            .iter()
            .filter(|i| i.category == "inspection")
            .count(),
        1
    );
}

/// Runs `serve` expecting it to refuse; returns its stderr.
fn refused(config_text: &str, env: &[(&str, &str)], remove: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("leakguard.toml");
    std::fs::write(&config, config_text).unwrap();
    let mut cmd = App::command(&config);
    cmd.env("LEAKGUARD_HASH_KEY", "0123456789abcdef0123456789abcdef");
    cmd.env("LEAKGUARD_LISTEN", "127.0.0.1:0");
    for (k, v) in env {
        cmd.env(k, v);
    }
    for k in remove {
        cmd.env_remove(k);
    }
    let out = cmd
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run serve");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "serve started: {stderr}");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("listening"),
        "serve listened before refusing"
    );
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line expected:\n{stderr}");
    lines[0].to_string()
}

const SQLITE_CONFIG: &str = "[store]\nurl = \"sqlite::memory:\"\n";

#[test]
fn start_up_refuses_without_the_channel_secret() {
    let line = refused(SQLITE_CONFIG, &[], &["LINE_CHANNEL_SECRET"]);
    assert!(line.contains("LINE_CHANNEL_SECRET is not set"), "{line}");
}

#[test]
fn start_up_refuses_without_the_access_token() {
    let line = refused(SQLITE_CONFIG, &[], &["LINE_CHANNEL_ACCESS_TOKEN"]);
    assert!(
        line.contains("LINE_CHANNEL_ACCESS_TOKEN is not set"),
        "{line}"
    );
}

#[test]
fn start_up_refuses_an_unknown_config_key() {
    let line = refused("[policy]\nwarn_level = \"high\"\n", &[], &[]);
    assert!(
        line.contains("leakguard.toml") && line.contains("warn_level"),
        "{line}"
    );
}

#[test]
fn start_up_refuses_a_bad_value() {
    let line = refused("[policy]\nwarn_at = \"loud\"\n", &[], &[]);
    assert!(
        line.contains("policy.warn_at") && line.contains("loud"),
        "{line}"
    );
}

#[test]
fn start_up_refuses_an_unreachable_database() {
    let line = refused(
        "[store]\nurl = \"postgres://postgres@127.0.0.1:9/none\"\n",
        &[],
        &[],
    );
    assert!(
        line.contains("cannot open the database postgres://postgres@127.0.0.1:9/none"),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_start_creates_the_hash_key_file_beside_the_config() {
    let app = App::start(Setup::default()).await;
    let key = app.dir.join("leakguard.key");
    assert!(key.is_file());
    assert!(
        !app.dir.join("data/leakguard.key").exists(),
        "never in the data directory"
    );
    assert!(app.logs().contains("created a new hash key"));
}
