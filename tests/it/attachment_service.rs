//! Attachments through the real server (issue 18): image and file
//! messages become content jobs with the 200, the content worker fetches
//! each from the fake LINE's data host, reads it in the sandboxed child,
//! and warns the group by where in the attachment the finding is, never
//! by its words; hostile content is "not scanned" with its reason while
//! the server keeps answering webhooks.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use leakguard::line::fake::webhook;
use serde_json::Value;

use crate::support::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/attachments")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A file message in the group whose content the fake serves; its name
/// says nothing, so what is found is found inside.
fn file_message(app: &App, fixture_name: &str) -> Value {
    let id = format!("9{}", unique());
    app.fake.set_content(&id, fixture(fixture_name));
    let ext = fixture_name.rsplit('.').next().unwrap_or("bin");
    webhook::file(
        &format!("01EV{}", unique()),
        webhook::group_source(GROUP, Some(ALICE)),
        Some(&app.fake.reply_token(GROUP)),
        &id,
        &format!("附件.{ext}"),
    )
}

/// An image message in the group whose content the fake serves.
fn image_message(app: &App, fixture_name: &str) -> (Value, String) {
    let id = format!("9{}", unique());
    app.fake.set_content(&id, fixture(fixture_name));
    let event = webhook::image(
        &format!("01EV{}", unique()),
        webhook::group_source(GROUP, Some(ALICE)),
        Some(&app.fake.reply_token(GROUP)),
        &id,
        None,
    );
    (event, id)
}

/// Sends `event`, waits for the content stage, and returns the warnings
/// and incidents it added.
async fn send(app: &App, event: Value) -> (Vec<String>, Vec<(String, String)>) {
    let warned = app.delivered_to(GROUP).len();
    let recorded = app.incidents().await.len();
    assert_eq!(app.events(vec![event]).await, 200);
    app.settle().await;
    let warnings = app.delivered_to(GROUP)[warned..]
        .iter()
        .map(text_of)
        .collect();
    let incidents = app.incidents().await[recorded..]
        .iter()
        .map(|i| (i.category.clone(), i.excerpt.clone().unwrap_or_default()))
        .collect();
    (warnings, incidents)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_in_a_group_are_read_and_warned_about_by_their_place() {
    let app = App::start(Setup::default()).await;
    let cases = [
        ("inspection-list.xlsx", "inspection", "試算表", "工作表「"),
        ("inspection-list.xls", "inspection", "試算表", "工作表「"),
        ("inspection-list.ods", "inspection", "試算表", "工作表「"),
        ("inspection-list-big5.csv", "inspection", "文字檔", "內文第"),
        ("patient-list.docx", "patient", "文書檔", "本文第"),
        ("patient-list.odt", "patient", "文書檔", "本文第"),
        (
            "patient-list.zip",
            "patient",
            "壓縮檔",
            "壓縮檔內「patient-list.docx」本文第",
        ),
        ("secret-memo.docx", "classified", "文書檔", "本文第"),
        ("patient-list.pdf", "patient", "PDF 檔", "第 1 頁第"),
    ];
    for (name, category, kind, place) in cases {
        let (warnings, incidents) = send(&app, file_message(&app, name)).await;
        assert_eq!(warnings.len(), 1, "{name}: one warning: {warnings:?}");
        let w = &warnings[0];
        assert!(
            w.contains(&format!("這則訊息所附的{kind}可能含有")),
            "{name}: {w}"
        );
        let places = w.lines().find_map(|l| l.strip_prefix("位置："));
        assert!(places.is_some_and(|p| p.contains(place)), "{name}: {w}");
        let (_, excerpt) = incidents
            .iter()
            .find(|(c, _)| c == category)
            .unwrap_or_else(|| panic!("{name}: no {category} incident in {incidents:?}"));
        assert!(excerpt.contains(place), "{name}: {excerpt}");
    }
    // The file's words never reach the group, the officer or the store:
    // an inspected shop, a patient's name, a phone number.
    let said: String = app
        .fake
        .deliveries()
        .iter()
        .map(|d| serde_json::to_string(&d.messages).unwrap())
        .collect();
    let kept: String = app
        .incidents()
        .await
        .iter()
        .map(|i| i.excerpt.clone().unwrap_or_default())
        .collect();
    for word in ["永豐小吃店", "陳怡君", "0912-604-358", "0912604358"] {
        assert!(!said.contains(word), "{word} was sent");
        assert!(!kept.contains(word), "{word} was stored");
    }
    for name in [
        "harmless-roster.xlsx",
        "harmless-minutes.docx",
        "harmless-notes.pdf",
    ] {
        let (warnings, incidents) = send(&app, file_message(&app, name)).await;
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
        assert!(incidents.is_empty(), "{name}: {incidents:?}");
    }
    let metrics = app.admin_ok("/metrics").await;
    assert!(
        metrics.contains(r#"leakguard_attachments_total{kind="file",outcome="scanned"} 12"#),
        "{metrics}"
    );
    assert!(metrics.contains(r#"leakguard_extract_seconds_count{result="xlsx"} 2"#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_of_a_list_and_a_chat_screenshot_are_read_by_ocr_and_quoted() {
    if !ocr_installed() {
        return;
    }
    let app = App::start(Setup::default()).await;
    for (name, category) in [
        ("images/inspection-notice-photo.jpg", "inspection"),
        ("images/chat-footprint.png", "patient"),
    ] {
        let (event, id) = image_message(&app, name);
        let (warnings, incidents) = send(&app, event).await;
        assert!(
            incidents
                .iter()
                .any(|(c, e)| c == category && e.starts_with("圖片文字第")),
            "{name}: {incidents:?}"
        );
        let w = app.delivered_to(GROUP).pop().unwrap();
        assert_eq!(
            w.messages[0]["quoteToken"],
            format!("q-{id}"),
            "{name}: the warning quotes the image"
        );
        assert!(
            warnings[0].contains("這則訊息所附的圖片可能含有"),
            "{name}: {warnings:?}"
        );
    }
    let officer = app.delivered_to(OFFICER);
    assert!(!officer.is_empty(), "the patient list alerted the officer");
    let alert = serde_json::to_string(&officer[0].messages).unwrap();
    assert!(
        alert.contains("附件") && alert.contains("圖片文字第"),
        "{alert}"
    );
    // A scanned PDF: its page is read by OCR and named as a scan.
    let (_, incidents) = send(&app, file_message(&app, "patient-list-scanned.pdf")).await;
    assert!(
        incidents
            .iter()
            .any(|(c, e)| c == "patient" && e.starts_with("第 1 頁（掃描影像）第")),
        "{incidents:?}"
    );
    let (event, _) = image_message(&app, "images/harmless-menu.png");
    let (warnings, _) = send(&app, event).await;
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_content_is_not_scanned_with_its_reason_and_leaves_nothing_behind() {
    let scratch = tempfile::tempdir().unwrap();
    let app = App::start(Setup {
        env: vec![
            ("TMPDIR".into(), scratch.path().display().to_string()),
            ("LEAKGUARD_EXTRACTIONS".into(), "1".into()),
        ],
        ..Setup::default()
    })
    .await;
    let group = |id: &str| {
        webhook::file(
            &format!("01EV{}", unique()),
            webhook::group_source(GROUP, Some(ALICE)),
            None,
            id,
            "附件.bin",
        )
    };
    // A file that never ends, deflate bombs, a PDF that overflows its
    // reader's stack, random bytes, a truncated workbook, a
    // password-protected zip; and an image at a URL of the
    // sender's own, on no allow-list.
    let endless = format!("9{}", unique());
    app.fake.set_endless_content(&endless);
    let mut events = vec![group(&endless)];
    for name in [
        "bomb.docx",
        "bomb.pdf",
        "nested.pdf",
        "random.bin",
        "truncated.xlsx",
        "encrypted.zip",
    ] {
        events.push(file_message(&app, name));
    }
    events.push(webhook::external_image(
        &format!("01EV{}", unique()),
        webhook::group_source(GROUP, Some(ALICE)),
        &format!("9{}", unique()),
        "https://images.example.com/list.png",
    ));
    assert_eq!(app.events(events).await, 200);
    // While those are being read, text messages are answered and warned
    // about as usual.
    let started = Instant::now();
    for _ in 0..5 {
        let status = app.events(vec![app.text(GROUP, BOB, INSPECTION)]).await;
        assert_eq!(status, 200);
    }
    assert!(
        app.fake
            .wait_for_deliveries(5, Duration::from_secs(20))
            .await,
        "the text warnings went out"
    );
    eprintln!("five text warnings in {:?}", started.elapsed());
    app.settle().await;
    let metrics = app.admin_ok("/metrics").await;
    for outcome in [
        "too_large",
        "unsupported",
        "malformed",
        "encrypted",
        "crashed",
        "host_not_allowed",
    ] {
        assert!(
            metrics.contains(&format!("outcome=\"{outcome}\"")),
            "{outcome}: {metrics}"
        );
    }
    assert_eq!(app.delivered_to(GROUP).len(), 5, "only the texts warned");
    let left: Vec<_> = std::fs::read_dir(scratch.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "left in the temporary directory: {left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_is_fetched_once_line_has_prepared_it() {
    let app = App::start(Setup::default()).await;
    let id = format!("9{}", unique());
    // An MP4 header: a video, which is not read.
    let mut mp4 = vec![0, 0, 0, 0x18];
    mp4.extend_from_slice(b"ftypmp42\0\0\0\0mp42isom");
    app.fake.set_video(&id, mp4, 2);
    let event = webhook::video(
        &format!("01EV{}", unique()),
        webhook::group_source(GROUP, Some(ALICE)),
        &id,
    );
    assert_eq!(app.events(vec![event]).await, 200);
    app.settle().await;
    let calls: Vec<_> = app
        .fake
        .calls()
        .into_iter()
        .map(|c| c.endpoint)
        .filter(|e| e.starts_with("content"))
        .collect();
    assert_eq!(
        calls,
        [
            "content_transcoding",
            "content_transcoding",
            "content_transcoding",
            "content"
        ],
        "polled until ready, then fetched"
    );
    let metrics = app.admin_ok("/metrics").await;
    assert!(
        metrics.contains(r#"leakguard_attachments_total{kind="video",outcome="unsupported"} 1"#),
        "{metrics}"
    );
}

/// Waits until the fake has served `n` contents in all.
async fn wait_for_downloads(app: &App, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while downloads(app) < n {
        assert!(Instant::now() < deadline, "{n} downloads expected");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn downloads(app: &App) -> usize {
    app.fake
        .calls()
        .iter()
        .filter(|c| c.endpoint == "content")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_on_postgres_read_each_attachment_once_and_take_over_a_dead_ones() {
    let Some(url) = postgres().await else { return };
    if !ocr_installed() {
        return;
    }
    let mut a = App::start(Setup {
        db: Db::Postgres(url),
        // A replica that dies hands its job over after 11 s; the OCR gets
        // 9 s, three times what the screenshot takes on an idle machine.
        extra: "[content]\nextract_timeout_seconds = 10\nocr_seconds = 9\nclaim_seconds = 11\n"
            .into(),
        ..Setup::default()
    })
    .await;
    let mut b = a.replica().await;
    // Six spreadsheets, posted to either replica: each is read once.
    for i in 0..6 {
        let to = if i % 2 == 0 { &a } else { &b };
        assert_eq!(
            to.events(vec![file_message(&a, "inspection-list.xlsx")])
                .await,
            200
        );
    }
    a.settle().await;
    assert_eq!(downloads(&a), 6, "each attachment fetched once");
    assert_eq!(a.delivered_to(GROUP).len(), 6, "each warned about once");

    // Only A works now; it dies while reading a screenshot.
    b.kill();
    let (event, _) = image_message(&a, "images/chat-footprint.png");
    assert_eq!(a.events(vec![event]).await, 200);
    wait_for_downloads(&a, 7).await;
    a.kill();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(a.delivered_to(GROUP).len(), 6, "A died before warning");
    b.spawn();
    b.settle().await;
    assert_eq!(downloads(&b), 8, "B fetched it again");
    let warnings = b.delivered_to(GROUP);
    assert_eq!(warnings.len(), 7, "the screenshot warned once");
    assert!(text_of(&warnings[6]).contains("所附的圖片"));
}
