//! Officer enrollment by one-time code (issue 20) through the real server,
//! the real binary's `officers` commands and the fake LINE platform: an
//! invited officer sends the code in a 1:1 chat and from then on receives
//! alerts and `/summary`; used, wrong and expired codes are refused,
//! repeated wrong codes rate-limited; a removed officer receives nothing
//! more; and neither the codes nor the officer's id reach the log.

use std::process::Output;
use std::time::{Duration, Instant};

use crate::support::*;

/// Users who exist only in this file's tests.
const CAROL: &str = "U3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c";
const DAVE: &str = "U4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d";
const ERIN: &str = "U5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";

/// `leakguard officers ARGS` on the server's config.
fn officers(app: &App, args: &[&str]) -> Output {
    leakguard(&[&["officers"], args].concat(), app.config_path())
        .output()
        .unwrap()
}

/// Invites `name`; the printed code.
fn invite(app: &App, name: &str, role: &str) -> String {
    let out = officers(app, &["invite", "--name", name, "--role", role]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&format!("「{name}」的登錄碼")), "{stdout}");
    let code = stdout
        .split_whitespace()
        .find(|w| w.len() == 9 && w.as_bytes()[4] == b'-')
        .unwrap_or_else(|| panic!("no code in {stdout}"))
        .to_string();
    code
}

/// `leakguard report --send [ARGS]` (the last complete week); stdout.
fn send_summary(app: &App, args: &[&str]) -> String {
    let out = leakguard(&[&["report", "--send"], args].concat(), app.config_path())
        .env("LINE_CHANNEL_SECRET", SECRET)
        .env("LINE_CHANNEL_ACCESS_TOKEN", TOKEN)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// `user` says `text` to the bot in a 1:1 chat; the answers' texts.
async fn tell(app: &App, user: &str, text: &str) -> Vec<String> {
    let before = app.delivered_to(user).len();
    assert_eq!(app.events(vec![app.text(user, user, text)]).await, 200);
    app.settle().await;
    app.delivered_to(user)[before..]
        .iter()
        .map(text_of)
        .collect()
}

/// Posts a risky group message until `officer` is alerted of one (the
/// replica read the roster), at most `limit`; whether they were.
async fn alerted(app: &App, officer: &str, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        let before = app.delivered_to(officer).len();
        assert_eq!(app.events(vec![app.text(GROUP, ALICE, PATIENT)]).await, 200);
        app.settle().await;
        if app.delivered_to(officer).len() > before {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_enrolled_by_code_is_alerted_and_summarized_until_removed() {
    let app = App::start(Setup {
        extra: "[watch]\nrefresh_seconds = 1\n".into(),
        ..Setup::default()
    })
    .await;
    // Before enrollment Carol is nobody: no alert, no summary.
    assert_eq!(app.events(vec![app.text(GROUP, ALICE, PATIENT)]).await, 200);
    app.settle().await;
    assert!(app.delivered_to(CAROL).is_empty());

    let code = invite(&app, "張督導", "officer");
    let welcome = tell(&app, CAROL, &code.to_lowercase()).await;
    assert_eq!(welcome.len(), 1, "{welcome:?}");
    assert!(
        welcome[0].starts_with("張督導您好，已完成政風人員登錄"),
        "{welcome:?}"
    );
    assert!(welcome[0].contains("即時通報") && welcome[0].contains("/summary"));

    assert!(
        alerted(&app, CAROL, Duration::from_secs(10)).await,
        "no alert reached the officer"
    );
    let alert = app.delivered_to(CAROL).last().unwrap().messages[0].to_string();
    assert!(
        alert.contains("資訊外流警示") && alert.contains("傳染病個案資料"),
        "{alert}"
    );
    let before = app.delivered_to(CAROL).len();
    assert_eq!(
        app.events(vec![app.text(CAROL, CAROL, "/summary")]).await,
        200
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.delivered_to(CAROL).len() == before && Instant::now() < deadline {
        app.settle().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let summary = &app.delivered_to(CAROL)[before..];
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0].messages[0]["type"], "flex", "{:?}", summary[0]);

    // The weekly card goes to her as to the configured officer.
    let sent = send_summary(&app, &[]);
    assert!(sent.contains("summary sent to 2 of 2 officers"), "{sent}");
    let card = app.delivered_to(CAROL).last().unwrap().messages[0].clone();
    assert!(
        card["altText"]
            .as_str()
            .unwrap()
            .starts_with("每週資訊保護摘要"),
        "{card}"
    );

    // The code is spent: someone else sending it is refused.
    let reused = tell(&app, DAVE, &code).await;
    assert!(
        reused[0].contains("此登錄碼無效、已使用或已逾期"),
        "{reused:?}"
    );
    // The list names Carol, never her id in full.
    let list = officers(&app, &["list"]);
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(listed.contains("張督導\t政風人員\t已登錄"), "{listed}");
    assert!(
        listed.contains(&format!("…{}", &CAROL[CAROL.len() - 4..])),
        "{listed}"
    );
    assert!(!listed.contains(CAROL), "{listed}");

    // Removed: no more alerts, and /summary is refused.
    let removed = officers(&app, &["remove", "張督導"]);
    assert!(removed.status.success());
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(
        !alerted(&app, CAROL, Duration::from_secs(2)).await,
        "a removed officer was alerted"
    );
    let refused = tell(&app, CAROL, "/summary").await;
    assert!(
        refused[0].starts_with("抱歉，每週摘要僅提供"),
        "{refused:?}"
    );
    let before = app.delivered_to(CAROL).len();
    let sent = send_summary(&app, &["--force"]);
    assert!(sent.contains("summary sent to 1 of 1 officers"), "{sent}");
    assert_eq!(
        app.delivered_to(CAROL).len(),
        before,
        "a removed officer got the summary"
    );

    let logs = app.logs();
    assert!(
        !logs.contains(&code) && !logs.contains(&code.replace('-', "")),
        "the code is in the log"
    );
    assert!(!logs.contains(CAROL), "the officer's id is in the log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_and_expired_codes_are_refused_and_repeated_wrong_codes_rate_limited() {
    // On PostgreSQL when there is one (the first test runs on SQLite).
    let db = match postgres().await {
        Some(url) => Db::Postgres(url),
        None => Db::Sqlite,
    };
    let app = App::start(Setup {
        db,
        ..Setup::default()
    })
    .await;
    // Expired: the invitation's end is moved into the past.
    let expired = invite(&app, "陳專員", "officer");
    app.sql("UPDATE officers SET expires_at = 0 WHERE name = '陳專員'")
        .await;
    let said = tell(&app, DAVE, &expired).await;
    assert!(said[0].contains("此登錄碼無效、已使用或已逾期"), "{said:?}");

    // A manager's valid code, but only after five wrong ones from Erin.
    let manager = invite(&app, "林科長", "manager");
    for wrong in [
        "ABCD-EF23",
        "/enroll ZZZZ9999",
        "登錄碼：2345-6789",
        "QQQQ-7777",
    ] {
        let said = tell(&app, ERIN, wrong).await;
        assert!(said[0].contains("此登錄碼無效"), "{wrong}: {said:?}");
    }
    // Dave's expired code above was his only failure; Erin has four.
    let said = tell(&app, ERIN, "HHHH-8888").await;
    assert!(said[0].contains("此登錄碼無效"), "{said:?}");
    let limited = tell(&app, ERIN, &manager).await;
    assert!(limited[0].contains("錯誤次數過多"), "{limited:?}");
    // The limit is Erin's: Dave still enrolls with it.
    let welcome = tell(&app, DAVE, &manager).await;
    assert!(
        welcome[0].starts_with("林科長您好，已完成業務主管登錄"),
        "{welcome:?}"
    );
    // A manager may use /watch now.
    let watch = tell(&app, DAVE, "/watch list").await;
    assert!(!watch[0].contains("僅限政風人員"), "{watch:?}");
    // A draft is still a draft, not a code.
    let verdict = tell(&app, ERIN, CHATTER).await;
    assert!(!verdict[0].contains("登錄碼"), "{verdict:?}");
    let list = String::from_utf8_lossy(&officers(&app, &["list"]).stdout).to_string();
    assert!(list.contains("陳專員\t政風人員\t登錄碼已逾期"), "{list}");
    assert!(list.contains("林科長\t業務主管\t已登錄"), "{list}");
    // Re-inviting an enrolled name is refused with what to do.
    let again = officers(&app, &["invite", "--name", "林科長"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("officers remove 林科長"));
}
