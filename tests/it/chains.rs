//! Forward chains (issue 19 B) through the real server: a warned footprint
//! forwarded to three more groups — with a 轉傳： prefix and emoji, cut to
//! its second half, and with one time changed — is linked to the first
//! warning each time, and the officer's alert shows where and when it was
//! first warned and how far it has gone; everyday chat links to nothing;
//! a chain started on one replica is continued on the other.

use std::time::Duration;

use crate::support::*;

const FOOTPRINT: &str =
    "確診個案王小明足跡：12/3 18:00-19:30 圓環夜市；12/4 09:00 大同區戶政事務所；\
                         12/4 12:10-13:00 民生西路老王牛肉麵；12/4 晚上到民權西路的健身中心運動。";
const FAMILY: &str = "C3333333333333333333333333333cccc";
const NEIGHBOURS: &str = "C4444444444444444444444444444dddd";
const CLUB: &str = "C5555555555555555555555555555eeee";

/// `text` sent to `chat`; the officer's new alerts, as text.
async fn forward(app: &App, chat: &str, text: &str) -> Vec<String> {
    let before = app.delivered_to(OFFICER).len();
    assert_eq!(app.events(vec![app.text(chat, ALICE, text)]).await, 200);
    app.settle().await;
    app.delivered_to(OFFICER)
        .iter()
        .skip(before)
        .map(|d| d.messages[0].to_string())
        .collect()
}

async fn the_footprint_is_followed(first: &App, then: &App) {
    let alerts = forward(first, GROUP, FOOTPRINT).await;
    assert_eq!(alerts.len(), 1);
    assert!(!alerts[0].contains("轉傳"), "{}", alerts[0]);
    let second_half: String = FOOTPRINT
        .chars()
        .skip(FOOTPRINT.chars().count() / 2)
        .collect();
    let copies = [
        (FAMILY, format!("轉傳：{FOOTPRINT}😱😱 大家小心")),
        (NEIGHBOURS, second_half),
        (CLUB, FOOTPRINT.replace("09:00", "09:30")),
    ];
    for (k, (chat, copy)) in copies.iter().enumerate() {
        // The other replica reads the chain within its refresh.
        let deadline = std::time::Instant::now() + Duration::from_secs(8);
        let alerts = loop {
            let a = forward(then, chat, copy).await;
            let linked = a.iter().any(|t| t.contains("此訊息與"));
            if linked || std::time::Instant::now() > deadline {
                break a;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        };
        let alert = alerts
            .iter()
            .find(|t| t.contains("此訊息與"))
            .unwrap_or_else(|| panic!("copy {k} in {chat} was not linked: {alerts:?}"));
        assert!(alert.contains("業務聯繫群組"), "{alert}");
        assert!(alert.contains(&format!("第 {} 次出現", k + 2)), "{alert}");
        assert!(
            alert.contains(&format!("已出現於 {} 個群組", k + 2)),
            "{alert}"
        );
        assert!(
            !alert.contains("老王牛肉麵"),
            "no text in the chain line: {alert}"
        );
    }
    let chains: Vec<String> = then
        .incidents()
        .await
        .into_iter()
        .map(|i| i.rules)
        .filter(|r| r.contains("chain"))
        .collect();
    assert!(chains.len() >= 3, "{chains:?}");
    // The weekly figures list the chain: four groups in order, no text.
    let week = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Asia/Taipei").unwrap())
        .date()
        .iso_week_date();
    let path = format!("/reports/{:04}-W{:02}.json", week.year(), week.week());
    let figures = serde_json::from_str::<serde_json::Value>(&then.admin_ok(&path).await).unwrap();
    let chain = &figures["chains"][0];
    assert_eq!(
        (chain["messages"].as_u64(), chain["groups"].as_u64()),
        (Some(4), Some(4)),
        "{figures}"
    );
    assert_eq!(chain["path"][0]["group"], "業務聯繫群組", "{chain}");
    assert!(!figures.to_string().contains("圓環夜市"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_warned_footprint_forwarded_to_three_groups_is_linked_each_time_and_chat_is_not() {
    let app = App::start(Setup::default()).await;
    the_footprint_is_followed(&app, &app).await;
    // A member who pastes a re-typed part of it in a 1:1 check is told it
    // repeats a warned message, without where it was.
    let part: String = FOOTPRINT.chars().take(60).collect();
    assert_eq!(app.events(vec![app.text(BOB, BOB, &part)]).await, 200);
    app.settle().await;
    let verdict = text_of(app.delivered_to(BOB).last().unwrap());
    assert!(
        verdict.contains("與先前已警示之訊息內容相同（已出現 4 次，於 4 個群組）"),
        "{verdict}"
    );
    assert!(!verdict.contains("業務聯繫群組"), "{verdict}");
    // 2,000 real everyday lines afterwards link to nothing.
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/real-chat-dev.jsonl");
    let Ok(body) = std::fs::read_to_string(&corpus) else {
        assert!(
            std::env::var("CI").is_err(),
            "{} is missing",
            corpus.display()
        );
        return;
    };
    let lines: Vec<String> = body
        .lines()
        .take(2_000)
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let before = app.incidents().await.len();
    for batch in lines.chunks(100) {
        let events = batch.iter().map(|t| app.text(FAMILY, BOB, t)).collect();
        assert_eq!(app.events(events).await, 200);
    }
    app.settle().await;
    let after: Vec<String> = app
        .incidents()
        .await
        .into_iter()
        .skip(before)
        .map(|i| i.rules)
        .collect();
    assert!(after.iter().all(|r| !r.contains("chain")), "{after:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chain_started_on_one_replica_is_continued_on_the_other() {
    let Some(url) = postgres().await else { return };
    let app = App::start(Setup {
        db: Db::Postgres(url),
        extra: "[watch]\nrefresh_seconds = 1\n".into(),
        ..Setup::default()
    })
    .await;
    let other = app.replica().await;
    the_footprint_is_followed(&app, &other).await;
}
