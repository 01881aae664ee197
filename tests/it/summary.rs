//! The weekly summary: figures from incidents made through the webhook,
//! and the exactly-once schedule with a fixed clock on SQLite and
//! PostgreSQL (restarts, replicas, `report --send`, `--force`).

use jiff::Timestamp;
use leakguard::calendar::IsoWeek;
use leakguard::config::Config;
use leakguard::line::fake::webhook;
use leakguard::store::Store;
use leakguard::summary::schedule::Summaries;
use leakguard::summary::Context;
use serde_json::Value;

use crate::support::*;

const SECOND_OFFICER: &str = "U0fficer00000000000000000000000002";

fn at(s: &str) -> Timestamp {
    s.parse::<jiff::Zoned>().unwrap().timestamp()
}

/// `leakguard report` against a test server's config (and its key file);
/// stdout.
fn report(app: &App, args: &[&str]) -> String {
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("leakguard"))
        .arg("report")
        .arg("--config")
        .arg(app.config_path())
        .args(args)
        .env_remove("LEAKGUARD_DATABASE_URL")
        .env_remove("LEAKGUARD_OFFICERS")
        .env_remove("LEAKGUARD_HASH_KEY")
        .env("LINE_CHANNEL_SECRET", SECRET)
        .env("LINE_CHANNEL_ACCESS_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "report {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

async fn figures_follow_the_webhook(app: App) {
    let inspection = app.text(GROUP, ALICE, INSPECTION);
    let patient = app.text(GROUP, BOB, PATIENT);
    let patient_id = patient["message"]["id"].as_str().unwrap().to_string();
    let chatter = app.text(GROUP, BOB, CHATTER);
    assert_eq!(app.events(vec![inspection, patient, chatter]).await, 200);
    app.settle().await;
    // 「這是誤判」 on the inspection warning, then the patient message is unsent.
    let inspection_incident = app
        .incidents()
        .await
        .into_iter()
        .find(|i| i.category == "inspection")
        .expect("an inspection incident");
    let tap = webhook::postback(
        &format!("01EV{}", unique()),
        webhook::group_source(GROUP, Some(BOB)),
        Some(&app.fake.reply_token(GROUP)),
        &format!("fp:{}", inspection_incident.id),
    );
    let unsend = webhook::unsend(
        &format!("01EV{}", unique()),
        webhook::group_source(GROUP, Some(BOB)),
        &patient_id,
    );
    assert_eq!(app.events(vec![tap, unsend]).await, 200);
    app.settle().await;

    let stored = app.incidents().await;
    let week = IsoWeek::containing(
        Timestamp::now(),
        &jiff::tz::TimeZone::get("Asia/Taipei").unwrap(),
    );
    let json = report(&app, &["--week", &week.to_string(), "--format", "json"]);
    let f: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(f["week"], week.to_string());
    assert_eq!(f["total"], stored.len() as u64);
    for cat in ["patient", "inspection", "informant", "personal_data"] {
        let row = f["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["category"] == cat)
            .unwrap_or_else(|| panic!("{cat} is listed even when zero: {json}"));
        let n = stored.iter().filter(|i| i.category == cat).count() as u64;
        assert_eq!(row["total"], n, "{cat}");
    }
    assert_eq!(
        f["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["category"] == "inspection")
            .unwrap()["high"],
        1
    );
    let retracted = stored
        .iter()
        .filter(|i| i.outcome.as_deref() == Some("retracted"))
        .count();
    assert!(retracted >= 1);
    assert_eq!(f["outcomes"]["false_positive"], 1);
    assert_eq!(f["outcomes"]["retracted"], retracted as u64);
    assert_eq!(f["outcomes"]["acknowledged"], 0);
    let rule = f["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "inspection.schedule")
        .unwrap();
    assert_eq!(
        (rule["incidents"].as_u64(), rule["false_positive"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        f["top_groups"][0]["name"], "業務聯繫群組",
        "the name from the group summary API"
    );
    assert_eq!(f["alerts_sent"], app.delivered_to(OFFICER).len() as u64);
    assert!(f["alerts_sent"].as_u64().unwrap() >= 2);

    let csv = report(&app, &["--week", &week.to_string(), "--format", "csv"]);
    assert!(csv.starts_with("section,key,detail,value\n"), "{csv}");
    assert!(
        csv.contains(&format!("outcome,retracted,,{retracted}\n")),
        "{csv}"
    );
    let text = report(&app, &["--week", &week.to_string()]);
    assert!(
        text.contains(&format!("事件 {} 件", stored.len())),
        "{text}"
    );
    // No report form carries the messages' words (SPEC §9).
    for out in [&json, &csv, &text] {
        for word in [
            "老王牛肉麵",
            "阿美小吃",
            "王小明",
            "民生西路",
            "圓環夜市",
            "筆電",
        ] {
            assert!(!out.contains(word), "{word} leaked into a report:\n{out}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_count_what_came_through_the_webhook_on_sqlite() {
    figures_follow_the_webhook(App::start(Setup::default()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn figures_count_what_came_through_the_webhook_on_postgres() {
    let Some(url) = postgres().await else { return };
    figures_follow_the_webhook(
        App::start(Setup {
            db: Db::Postgres(url),
            ..Setup::default()
        })
        .await,
    )
    .await;
}

fn keys() -> leakguard::secret::Keys {
    leakguard::secret::MasterKey::new(b"summary-test-key-0123456789".to_vec())
        .unwrap()
        .keys(1)
}

fn summaries(store: Store) -> Summaries {
    let mut config = Config::default();
    config.report.officers = vec![OFFICER.into(), SECOND_OFFICER.into()];
    Summaries {
        store,
        ctx: Context::new(&config, crate::scanner()),
        weekly_at: "Mon 09:00".parse().unwrap(),
        public_url: "https://guard.example.gov.tw".into(),
        links: keys().links,
        platform: "line",
    }
}

/// Summary pushes waiting in the outbox, by officer.
async fn queued_summaries(store: &Store) -> Vec<(String, Value)> {
    let rows = store
        .claim(
            "test",
            i64::MAX / 2,
            std::time::Duration::from_millis(1),
            1000,
        )
        .await
        .unwrap();
    rows.into_iter()
        .filter_map(|r| {
            let payload: Value = serde_json::from_str(&r.payload).ok()?;
            (payload["type"] == "summary").then(|| (r.target.unwrap(), payload))
        })
        .collect()
}

async fn exactly_once(url: String) {
    let store = Store::connect(&url, keys().records).await.unwrap();
    let s = summaries(store.clone());
    // Installed on Sunday: the week before is not owed.
    assert_eq!(
        s.send_due(at("2026-11-29T12:00[Asia/Taipei]"))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        s.send_due(at("2026-11-30T08:59:59[Asia/Taipei]"))
            .await
            .unwrap(),
        0,
        "not before 09:00"
    );
    assert_eq!(
        s.send_due(at("2026-11-30T09:00[Asia/Taipei]"))
            .await
            .unwrap(),
        2,
        "once per officer"
    );
    assert_eq!(
        s.send_due(at("2026-11-30T09:30[Asia/Taipei]"))
            .await
            .unwrap(),
        0
    );
    let queued = queued_summaries(&store).await;
    assert_eq!(queued.len(), 2);
    let card = &queued[0].1;
    assert_eq!(card["week"], "2026-W48");
    assert!(card["link"]
        .as_str()
        .unwrap()
        .starts_with("https://guard.example.gov.tw/reports/2026-W48?expires="));
    store.close().await;

    // A restart (a new connection, a new process's view) does not resend.
    let again = summaries(Store::connect(&url, keys().records).await.unwrap());
    assert_eq!(
        again
            .send_due(at("2026-11-30T10:00[Asia/Taipei]"))
            .await
            .unwrap(),
        0
    );
    // Down over the next Monday: sent on the first start after it.
    assert_eq!(
        again
            .send_due(at("2026-12-08T14:00[Asia/Taipei]"))
            .await
            .unwrap(),
        2
    );
    // `report --send` twice sends once; `--force` sends again.
    let w47: IsoWeek = "2026-W47".parse().unwrap();
    let now = at("2026-12-08T15:00[Asia/Taipei]");
    assert_eq!(again.send(w47, now, false).await.unwrap(), 2);
    assert_eq!(again.send(w47, now, false).await.unwrap(), 0);
    assert_eq!(again.send(w47, now, true).await.unwrap(), 2);
    again.store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_weekly_summary_goes_out_at_monday_nine_once_per_officer_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    exactly_once(format!("sqlite://{}", dir.path().join("s.db").display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_weekly_summary_goes_out_at_monday_nine_once_per_officer_on_postgres() {
    let Some(url) = postgres().await else { return };
    exactly_once(url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_postgres_database_send_the_summary_once() {
    let Some(url) = postgres().await else { return };
    let a = summaries(Store::connect(&url, keys().records).await.unwrap());
    let b = summaries(Store::connect(&url, keys().records).await.unwrap());
    assert_eq!(
        a.send_due(at("2026-11-29T12:00[Asia/Taipei]"))
            .await
            .unwrap(),
        0
    );
    let monday = at("2026-11-30T09:00[Asia/Taipei]");
    let (x, y) = tokio::join!(a.send_due(monday), b.send_due(monday));
    assert_eq!(
        x.unwrap() + y.unwrap(),
        2,
        "one summary per officer across both replicas"
    );
    assert_eq!(queued_summaries(&a.store).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_send_pushes_the_card_once_and_force_sends_it_again() {
    let app = App::start(Setup::default()).await;
    assert_eq!(
        app.events(vec![app.text(GROUP, ALICE, INSPECTION)]).await,
        200
    );
    app.settle().await;
    let week = IsoWeek::containing(
        Timestamp::now(),
        &jiff::tz::TimeZone::get("Asia/Taipei").unwrap(),
    )
    .to_string();
    let cards = || -> Vec<Value> {
        app.delivered_to(OFFICER)
            .into_iter()
            .map(|d| d.messages[0].clone())
            .filter(|m| {
                m["altText"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("每週資訊保護摘要"))
            })
            .collect()
    };
    let out = report(&app, &["--week", &week, "--send"]);
    assert!(out.contains("summary sent to 1 of 1 officers"), "{out}");
    let sent = cards();
    assert_eq!(
        sent.len(),
        1,
        "one card, delivered before the command returned"
    );
    assert!(
        sent[0]["altText"].as_str().unwrap().contains("事件 1 件"),
        "{}",
        sent[0]
    );
    let uri = sent[0]["contents"]["footer"]["contents"][0]["action"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        uri.starts_with(&format!("http://127.0.0.1/reports/{week}?expires=")),
        "{uri}"
    );
    let out = report(&app, &["--week", &week, "--send"]);
    assert!(out.contains("already had this summary"), "{out}");
    app.settle().await;
    assert_eq!(cards().len(), 1, "a second --send sends nothing");
    report(&app, &["--week", &week, "--send", "--force"]);
    assert_eq!(cards().len(), 2, "--force sends again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_name_a_spreadsheet_would_run_is_neutralized_in_the_csv() {
    let app = App::start(Setup::default()).await;
    // Any member can name the group.
    app.fake
        .set_group_name(GROUP, "=HYPERLINK(\"http://evil.example/\",\"點我\")");
    assert_eq!(app.events(vec![app.text(GROUP, ALICE, PATIENT)]).await, 200);
    app.settle().await;
    let week = IsoWeek::containing(
        Timestamp::now(),
        &jiff::tz::TimeZone::get("Asia/Taipei").unwrap(),
    );
    let csv = report(&app, &["--week", &week.to_string(), "--format", "csv"]);
    let row = csv
        .lines()
        .find(|l| l.starts_with("group,"))
        .unwrap_or_else(|| panic!("no group row:\n{csv}"));
    assert!(row.starts_with("group,\"'=HYPERLINK(\"\"http"), "{row}");
}

/// Retention at start: incidents past `retention_days` (with their finished
/// sends) and event ids past seven days are deleted and counted in the
/// metrics; recent ones stay, and a recent event is still deduplicated.
async fn retention_deletes_what_is_old(app: App) {
    let mut app = app;
    let old = app.text(GROUP, ALICE, INSPECTION);
    let recent = app.text(GROUP, BOB, PATIENT);
    assert_eq!(app.events(vec![old.clone(), recent.clone()]).await, 200);
    app.settle().await;
    let before = app.incidents().await;
    // The old message is Alice's, the recent one Bob's.
    let old_incidents = before
        .iter()
        .filter(|i| i.user_id.as_deref() == Some(ALICE))
        .count();
    assert!(old_incidents >= 1 && before.len() > old_incidents);
    const DAY: i64 = 86_400_000;
    app.sql(&format!(
        "UPDATE incidents SET created_at = created_at - {} WHERE user_id = '{ALICE}'",
        181 * DAY
    ))
    .await;
    app.sql(&format!(
        "UPDATE outbox SET created_at = created_at - {}",
        181 * DAY
    ))
    .await;
    app.sql(&format!(
        "UPDATE seen_events SET seen_at = seen_at - {} WHERE event_id = '{}'",
        8 * DAY,
        old["webhookEventId"].as_str().unwrap()
    ))
    .await;

    app.kill();
    app.spawn();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.logs().matches("retention applied").count() < 2 {
        assert!(std::time::Instant::now() < deadline, "{}", app.logs());
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let after = app.incidents().await;
    assert_eq!(after.len(), before.len() - old_incidents);
    assert!(after.iter().all(|i| i.user_id.as_deref() != Some(ALICE)));
    let metrics = app.admin_ok("/metrics").await;
    assert!(
        metrics.contains(&format!(
            "leakguard_retention_deleted_total{{table=\"incidents\"}} {old_incidents}"
        )),
        "{metrics}"
    );
    assert!(metrics.contains("leakguard_retention_deleted_total{table=\"seen_events\"} 1"));
    assert!(!metrics.contains("leakguard_retention_deleted_total{table=\"outbox\"} 0"));

    // The recent event is still known; the old one's id has been forgotten.
    assert_eq!(app.events(vec![recent]).await, 200);
    app.settle().await;
    assert_eq!(app.incidents().await.len(), after.len());
    assert_eq!(app.events(vec![old]).await, 200);
    app.settle().await;
    assert_eq!(app.incidents().await.len(), before.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_deletes_what_is_old_on_sqlite() {
    retention_deletes_what_is_old(App::start(Setup::default()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_deletes_what_is_old_on_postgres() {
    let Some(url) = postgres().await else { return };
    retention_deletes_what_is_old(
        App::start(Setup {
            db: Db::Postgres(url),
            ..Setup::default()
        })
        .await,
    )
    .await;
}
