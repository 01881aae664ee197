//! The officers' watchlist (issue 19 A) through the real server and the
//! fake LINE platform: registered by chat command, by CSV import and by
//! the admin API; a mention elsewhere warned and alerted in its evasions;
//! its own group only reminded; an end that stops it and a purge that
//! removes it; a refusal for members; and the terms nowhere at rest, in
//! the logs or in the metrics.

use std::time::Duration;

use leakguard::store::Store;

use crate::support::*;

/// Terms that exist only in this file's tests.
const SHOP: &str = "翡翠鳳梨酥坊";
const SHOP_HINT: &str = "翡○鳳○酥○";
const LATIN: &str = "QXV企業社";
const IMPORTED: [&str; 3] = ["琥珀豆花舖", "青苔麵線攤", "霧峰燒肉飯"];
const BY_API: &str = "赤崁棺材板";
/// A business in `inspection-list.xlsx`.
const IN_SHEET: &str = "金華餐飲有限公司";

/// A day `days` from today in Taipei, as `2026-12-10`.
fn day(days: i64) -> String {
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Asia/Taipei").unwrap())
        .date();
    today
        .checked_add(jiff::Span::new().days(days))
        .unwrap()
        .to_string()
}

/// The texts delivered to `to` after the first `skip`.
fn texts_to(app: &App, to: &str, skip: usize) -> Vec<String> {
    app.delivered_to(to)
        .iter()
        .skip(skip)
        .map(text_of)
        .collect()
}

/// `user` says `text` in `chat`; what `chat` (or, in a 1:1, the user) got.
async fn say(app: &App, chat: &str, user: &str, text: &str) -> Vec<String> {
    let before = app.delivered_to(chat).len();
    assert_eq!(app.events(vec![app.text(chat, user, text)]).await, 200);
    app.settle().await;
    texts_to(app, chat, before)
}

/// Waits until a group message mentioning `term` is warned (the replica
/// read the list), at most `limit`.
async fn until_warned(app: &App, term: &str, limit: Duration) -> Vec<String> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        let got = say(app, GROUP, BOB, &format!("午安，{term} 那邊最近還好嗎")).await;
        if !got.is_empty() || std::time::Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

fn assert_terms_absent(what: &str, haystack: &[u8]) {
    let text = String::from_utf8_lossy(haystack);
    for t in [SHOP, LATIN, BY_API, IN_SHEET].iter().chain(&IMPORTED) {
        assert!(!text.contains(t), "{t} found in {what}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_term_registered_in_chat_is_warned_in_its_evasions_reminded_at_home_and_kept_only_as_a_hash(
) {
    let mut app = App::start(Setup::default()).await;
    // A member may not register anything.
    let refused = say(&app, BOB, BOB, &format!("/watch {SHOP}")).await;
    assert!(refused[0].contains("僅限政風人員"), "{refused:?}");
    // The officer registers the shop, at home in the inspectors' group.
    let until = day(3);
    let added = say(
        &app,
        OFFICER,
        OFFICER,
        &format!("/watch {SHOP} 至 {until} 群組 稽查小組"),
    )
    .await;
    assert!(
        added[0].starts_with(&format!("已登錄保密事項「{SHOP_HINT}」（稽查對象）")),
        "{added:?}"
    );
    assert!(
        added[0].contains("於「稽查小組」提及時僅作提醒"),
        "{added:?}"
    );
    let added = say(
        &app,
        OFFICER,
        OFFICER,
        &format!("／watch {LATIN} 類別 採購"),
    )
    .await;
    assert!(added[0].contains("（採購保密資訊）"), "{added:?}");

    // Plain, spaced, Simplified and full-width mentions are warned, with
    // the hint and never the term; the officer is alerted each time.
    let alerts_before = app.delivered_to(OFFICER).len();
    for mention in [
        format!("下午順路去{SHOP}看一下"),
        "聽說 翡 翠 鳳 梨 酥 坊 明天有人要去".to_string(),
        "翡翠凤梨酥坊那边要注意".to_string(),
        "ＱＸＶ企業社的案子先別講".to_string(),
    ] {
        let warned = say(&app, GROUP, ALICE, &mention).await;
        assert_eq!(warned.len(), 1, "{mention}: {warned:?}");
        assert!(
            warned[0].contains("符合政風人員登錄之"),
            "{mention}: {warned:?}"
        );
        assert_terms_absent("a warning", warned[0].as_bytes());
    }
    let alerts: Vec<String> = texts_to(&app, OFFICER, alerts_before);
    assert_eq!(alerts.len(), 4, "{alerts:?}");
    let rules: Vec<String> = app.incidents().await.into_iter().map(|i| i.rules).collect();
    assert!(rules.iter().all(|r| r.contains("watchlist")), "{rules:?}");

    // In its own group the shop is only a reminder.
    let home = say(&app, INSPECTORS, ALICE, &format!("明天{SHOP}由我帶隊")).await;
    assert_eq!(home.len(), 1);
    assert!(home[0].starts_with("提醒您"), "{home:?}");

    // A registered name inside a forwarded spreadsheet is found there too,
    // at its place.
    say(&app, OFFICER, OFFICER, &format!("/watch {IN_SHEET}")).await;
    let id = format!("9{}", unique());
    let sheet = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/attachments/inspection-list.xlsx");
    app.fake.set_content(&id, std::fs::read(sheet).unwrap());
    let before = app.delivered_to(GROUP).len();
    let file = leakguard::line::fake::webhook::file(
        &format!("01EV{}", unique()),
        leakguard::line::fake::webhook::group_source(GROUP, Some(ALICE)),
        None,
        &id,
        "下週.xlsx",
    );
    assert_eq!(app.events(vec![file]).await, 200);
    app.settle().await;
    let warned = texts_to(&app, GROUP, before);
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].contains("符合政風人員登錄之稽查對象（金○餐○有○公○）"),
        "{warned:?}"
    );
    assert!(warned[0].contains("工作表"), "{warned:?}");
    say(&app, OFFICER, OFFICER, &format!("/unwatch {IN_SHEET}")).await;

    // The list shows hints; removing by name stops the matching.
    let list = say(&app, OFFICER, OFFICER, "/watch list").await;
    assert!(
        list[0].contains(SHOP_HINT) && list[0].contains("共 2 項"),
        "{list:?}"
    );
    let removed = say(&app, OFFICER, OFFICER, &format!("/unwatch {SHOP}")).await;
    assert_eq!(removed[0], format!("已取消登錄：{SHOP_HINT}。"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(say(&app, GROUP, ALICE, &format!("下午去{SHOP}"))
        .await
        .is_empty());

    // Nothing of the terms at rest, in the log or in the metrics.
    assert_terms_absent("the metrics", app.admin_ok("/metrics").await.as_bytes());
    assert!(app.terminate().success());
    for entry in std::fs::read_dir(app.dir.join("data")).unwrap() {
        let path = entry.unwrap().path();
        assert_terms_absent(&path.display().to_string(), &std::fs::read(&path).unwrap());
    }
    assert_terms_absent("the server log", app.logs().as_bytes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_stops_matching_after_its_end_and_is_purged_on_start() {
    let mut app = App::start(Setup {
        extra: "[watch]\nrefresh_seconds = 1\n".into(),
        ..Setup::default()
    })
    .await;
    say(
        &app,
        OFFICER,
        OFFICER,
        &format!("/watch {SHOP} 至 {}", day(0)),
    )
    .await;
    assert_eq!(
        until_warned(&app, SHOP, Duration::from_secs(5)).await.len(),
        1
    );
    // The end is moved to the past, as time would: within a refresh the
    // shop is no longer matched, and the next start's retention deletes it.
    app.sql("UPDATE watch_entries SET until_at = 1000").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(say(&app, GROUP, BOB, &format!("{SHOP} 那邊最近還好嗎"))
        .await
        .is_empty());
    assert!(app.terminate().success());
    app.spawn();
    let store = app.store().await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !store.watch_entries().await.unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline, "not purged");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    store.close().await;
    // A day already past cannot be registered.
    let past = say(
        &app,
        OFFICER,
        OFFICER,
        &format!("/watch {SHOP} 至 {}", day(-1)),
    )
    .await;
    assert!(past[0].contains("已經過了"), "{past:?}");
}

/// `leakguard watch import` on the server's config; its output.
fn import(app: &App, csv: &str, args: &[&str]) -> std::process::Output {
    let file = app.dir.join(format!("list-{}.csv", unique()));
    std::fs::write(&file, csv).unwrap();
    leakguard(&[&["watch", "import"], args].concat(), app.config_path())
        .arg(&file)
        .output()
        .unwrap()
}

async fn imported_and_registered_by_api_on(app: &App, other: &App) {
    let csv = format!(
        "事業名稱,地址\n{},台中市\n{},台南市\n{},台中市\n",
        IMPORTED[0], IMPORTED[1], IMPORTED[2]
    );
    let out = import(
        app,
        &csv,
        &[
            "--category",
            "inspection",
            "--until",
            &day(5),
            "--column",
            "事業名稱",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("已登錄 3 筆（新增 3、更新 0）"), "{stdout}");
    // A row that cannot be a term stops the import, naming its line.
    let out = import(
        app,
        "名稱\n王\n",
        &["--category", "稽查", "--until", &day(5), "--header"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(":2: 名稱至少需要 2 個字"));
    // Both replicas read the imported list within their refresh.
    for (a, term) in [(app, IMPORTED[1]), (other, IMPORTED[2])] {
        let warned = until_warned(a, term, Duration::from_secs(8)).await;
        assert_eq!(warned.len(), 1, "{term}");
    }
    // The admin API registers on one replica; the other matches it too.
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/admin/watch", app.url))
        .bearer_auth(ADMIN_TOKEN)
        .json(&serde_json::json!({"category": "procurement", "terms": [BY_API], "until": day(2)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["added"], 1);
    assert_eq!(body["hints"][0], "赤○棺○板");
    let unauthorized = http
        .get(format!("{}/admin/watch", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status(), 401);
    assert_eq!(
        until_warned(other, BY_API, Duration::from_secs(8))
            .await
            .len(),
        1
    );
    let listed =
        serde_json::from_str::<serde_json::Value>(&other.admin_ok("/admin/watch").await).unwrap();
    assert_eq!(listed["entries"].as_array().unwrap().len(), 4);
    assert_terms_absent("the admin list", listed.to_string().as_bytes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_and_api_terms_are_matched_by_both_replicas_on_postgres() {
    let Some(url) = postgres().await else { return };
    let extra = "[watch]\nrefresh_seconds = 1\n".to_string();
    let app = App::start(Setup {
        db: Db::Postgres(url.clone()),
        extra,
        ..Setup::default()
    })
    .await;
    let other = app.replica().await;
    imported_and_registered_by_api_on(&app, &other).await;
    for (table, dump) in postgres_tables(&url).await {
        assert_terms_absent(&format!("table {table}"), dump.as_bytes());
    }
    assert_terms_absent("the server log", app.logs().as_bytes());
    assert_terms_absent("the replica's log", other.logs().as_bytes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_and_api_terms_are_matched_on_sqlite() {
    let app = App::start(Setup {
        extra: "[watch]\nrefresh_seconds = 1\n".into(),
        ..Setup::default()
    })
    .await;
    imported_and_registered_by_api_on(&app, &app).await;
    let store: Store = app.store().await;
    assert_eq!(store.watch_entries().await.unwrap().len(), 4);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inspection_whose_dates_are_all_past_is_lowered_one_severity() {
    let app = App::start(Setup::default()).await;
    let past = jiff::civil::Date::strptime("%Y-%m-%d", day(-3)).unwrap();
    let ahead = jiff::civil::Date::strptime("%Y-%m-%d", day(3)).unwrap();
    let text = |d: jiff::civil::Date| {
        format!(
            "{}/{} 上午10點稽查大同區三家餐廳：老王牛肉麵、阿美小吃",
            d.month(),
            d.day()
        )
    };
    let warned = say(&app, GROUP, ALICE, &text(past)).await;
    assert!(
        warned[0].contains("訊息中的日期均已過，風險降一級"),
        "{warned:?}"
    );
    assert!(
        app.delivered_to(OFFICER).is_empty(),
        "medium: no officer alert"
    );
    let warned = say(&app, GROUP, ALICE, &text(ahead)).await;
    assert!(!warned[0].contains("風險降一級"), "{warned:?}");
    assert_eq!(app.delivered_to(OFFICER).len(), 1, "high again: alerted");
    let severities: Vec<String> = app
        .incidents()
        .await
        .into_iter()
        .map(|i| i.severity)
        .collect();
    assert_eq!(severities, ["medium", "high"]);
}
