//! The report page end to end: an officer sends `/summary` in a 1:1 chat,
//! follows the signed link on the card, and headless Chromium draws the
//! charts; a tampered or expired link shows nothing. The page, CSV and
//! JSON never carry the messages' words (SPEC §9).
//!
//! Chromium is Debian's `chromium` (`.ci/run` installs it). Without it the
//! browser part says it was skipped, except under CI, where it fails.

use std::path::{Path, PathBuf};
use std::time::Duration;

use leakguard::notice::SUMMARY_REFUSED;
use serde_json::Value;

use crate::support::*;

/// Where Debian puts Chromium, or `None` with a note (a failure under CI).
fn chromium() -> Option<PathBuf> {
    for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(p).exists() {
            return Some(PathBuf::from(p));
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but Chromium is missing; .ci/run installs Debian's chromium"
    );
    eprintln!("skipped: the browser checks need Debian's chromium (apt-get install chromium)");
    None
}

/// Runs headless Chromium on `url` with `args`; its stdout.
async fn headless(chromium: &Path, profile: &Path, args: &[String], url: &str) -> String {
    let mut cmd = tokio::process::Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--window-size=412,2000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(args)
    .arg(url)
    .kill_on_drop(true)
    .stdin(std::process::Stdio::null())
    .stderr(std::process::Stdio::null());
    let out = tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .expect("chromium finished within a minute")
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed on {url}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The markup of one chart's `<svg id=…>…</svg>` in a DOM dump.
fn svg<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = dom
        .find(&format!("<svg id=\"{id}\""))
        .unwrap_or_else(|| panic!("{id} missing from the rendered page"));
    let end = start + dom[start..].find("</svg>").expect("svg closed");
    &dom[start..end]
}

/// The `href` of the link whose text is `label`.
fn href(page: &str, label: &str) -> String {
    let end = page
        .find(&format!(">{label}</a>"))
        .unwrap_or_else(|| panic!("no {label} link"));
    let start = page[..end].rfind("href=\"").unwrap() + 6;
    let value = &page[start..];
    value[..value.find('"').unwrap()]
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

/// Share of the pixels within a small distance of `rgb`.
fn pixels_near(png_path: &Path, rgb: [u8; 3]) -> usize {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    buf[..info.buffer_size()]
        .chunks(channels)
        .filter(|px| (0..3).all(|i| px[i].abs_diff(rgb[i]) <= 6))
        .count()
}

fn hex_rgb(hex: &str) -> [u8; 3] {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap();
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summary_card_link_opens_the_report_page_in_headless_chromium() {
    let app = App::start(Setup {
        env: vec![("LEAKGUARD_ADMIN_TOKEN".into(), ADMIN_TOKEN.into())],
        ..Setup::default()
    })
    .await;
    // Risky messages through the webhook, each with a word of its own that
    // must never reach a report.
    let secrets: Vec<String> = (0..3).map(|i| format!("Zq{i}{}", unique())).collect();
    let events = vec![
        app.text(GROUP, ALICE, &format!("{INSPECTION}，代號{}", secrets[0])),
        app.text(GROUP, BOB, &format!("{PATIENT}，備註{}", secrets[1])),
        app.text(
            INSPECTORS,
            BOB,
            &format!(
                "請聯絡陳先生，身分證 A123456789，電話 0912-345-678，{}",
                secrets[2]
            ),
        ),
        app.text(GROUP, ALICE, PROCUREMENT),
        app.text(GROUP, BOB, PHISHING),
        app.text(GROUP, ALICE, CHATTER),
    ];
    assert_eq!(app.events(events).await, 200);
    app.settle().await;
    let incidents = app.incidents().await;
    assert!(incidents.len() >= 5, "{incidents:?}");
    // One warning is reported as a false positive, so one rule has a rate.
    let tap = leakguard::line::fake::webhook::postback(
        &format!("01EV{}", unique()),
        leakguard::line::fake::webhook::group_source(GROUP, Some(BOB)),
        Some(&app.fake.reply_token(GROUP)),
        &format!("fp:{}", incidents[0].id),
    );
    assert_eq!(app.events(vec![tap]).await, 200);

    // A member who is not an officer is refused politely; the officer gets
    // the week so far.
    let before = app.delivered_to(ALICE).len();
    assert_eq!(
        app.events(vec![app.text(ALICE, ALICE, "/summary")]).await,
        200
    );
    assert_eq!(
        app.events(vec![app.text(OFFICER, OFFICER, "／Summary ")])
            .await,
        200
    );
    app.settle().await;
    let refusal = &app.delivered_to(ALICE)[before..];
    assert_eq!(refusal.len(), 1);
    assert_eq!(text_of(&refusal[0]), SUMMARY_REFUSED);
    let card = app
        .delivered_to(OFFICER)
        .into_iter()
        .map(|d| d.messages[0].clone())
        .find(|m| m["type"] == "flex" && m["altText"].as_str().unwrap().contains("本週"))
        .expect("the officer got the week so far as a Flex card");
    let link = card["contents"]["footer"]["contents"][0]["action"]["uri"]
        .as_str()
        .expect("a button to the report page")
        .replacen("http://127.0.0.1", &app.url, 1);
    assert!(
        link.contains("/reports/") && link.contains("sig="),
        "{link}"
    );

    // The page, its CSV and JSON through the signed link.
    let http = reqwest::Client::new();
    let r = http.get(&link).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let page = r.text().await.unwrap();
    let base = &link[..link.rfind('/').unwrap() + 1];
    let json_r = http
        .get(format!("{base}{}", href(&page, "JSON")))
        .send()
        .await
        .unwrap();
    assert_eq!(json_r.status(), 200);
    let json = json_r.text().await.unwrap();
    let f: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(f["total"], incidents.len() as u64);
    let csv_r = http
        .get(format!("{base}{}", href(&page, "CSV")))
        .send()
        .await
        .unwrap();
    assert_eq!(csv_r.status(), 200);
    assert!(csv_r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let csv = csv_r.text().await.unwrap();
    assert!(csv.starts_with("section,key,detail,value\n"));

    // The admin token opens it too; a wrong one does not.
    let week = f["week"].as_str().unwrap();
    let admin = |token: &str| {
        http.get(format!("{}/reports/{week}.json", app.url))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(admin(ADMIN_TOKEN).await.unwrap().status(), 200);
    for (path, status) in [
        ("/reports/2030-W01", 404), // has not begun
        ("/reports/2026-W60", 404), // no such week
        ("/reports/2026-W48.xml", 404),
        ("/reports/2020-W01.json", 200), // long ago: zeros, not an error
    ] {
        assert_eq!(app.admin_get(path).await.0, status, "{path}");
    }
    assert_eq!(
        admin("admin-token-for-tests-012345678X")
            .await
            .unwrap()
            .status(),
        403
    );

    // Refusals carry no figures.
    let tampered = format!(
        "{}{}",
        &link[..link.len() - 1],
        if link.ends_with('0') { '1' } else { '0' }
    );
    // Signed with the server's key, but a minute ago.
    let key = app.keys().links;
    let past = jiff::Timestamp::now().as_second() - 60;
    let expired = format!(
        "{}/reports/{week}?expires={past}&sig={}",
        app.url,
        key.sign(week, past)
    );
    let other_week = link.replacen(&format!("/reports/{week}"), "/reports/2020-W01", 1);
    let bare = format!("{}/reports/{week}?", app.url);
    for bad in [&tampered, &expired, &other_week, &bare] {
        for suffix in ["", ".csv", ".json"] {
            let url = bad
                .replacen(&format!("{week}?"), &format!("{week}{suffix}?"), 1)
                .replacen("2020-W01?", &format!("2020-W01{suffix}?"), 1);
            let r = http.get(&url).send().await.unwrap();
            assert_eq!(r.status(), 403, "{url}");
            let body = r.text().await.unwrap();
            assert!(
                !body.contains("chart-") && !body.contains("section,"),
                "{body}"
            );
        }
    }

    // No report form carries the messages' words.
    for out in [&page, &json, &csv] {
        for word in secrets.iter().map(String::as_str).chain([
            "老王牛肉麵",
            "王小明",
            "民生西路",
            "A123456789",
            "0912-345-678",
        ]) {
            assert!(!out.contains(word), "{word} leaked into a report:\n{out}");
        }
    }

    // Whatever reached the platform in this run is valid for LINE.
    if let Some(spec) = crate::message_schema::Spec::load() {
        for d in app.fake.deliveries() {
            for m in &d.messages {
                let errors = spec.check("Message", m);
                assert!(errors.is_empty(), "{errors:?}\n{m}");
            }
        }
    }

    // The browser: the charts are drawn with one bar per counted thing.
    let Some(chromium) = chromium() else { return };
    let profile = tempfile::tempdir().unwrap();
    let dom = headless(
        chromium.as_path(),
        profile.path(),
        &["--dump-dom".into()],
        &link,
    )
    .await;
    let daily_bars: usize = f["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["categories"]
                .as_object()
                .unwrap()
                .values()
                .filter(|n| n.as_u64() > Some(0))
                .count()
        })
        .sum();
    let severity_bars: usize = f["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            ["high", "medium", "low"]
                .iter()
                .filter(|s| c[**s].as_u64() > Some(0))
                .count()
        })
        .sum();
    assert!(daily_bars >= 3 && severity_bars >= 3, "{json}");
    for (id, bars) in [
        ("chart-daily", daily_bars),
        ("chart-severity", severity_bars),
        ("chart-groups", f["top_groups"].as_array().unwrap().len()),
        (
            "chart-rules",
            f["rules"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["false_positive"].as_u64() > Some(0))
                .count(),
        ),
    ] {
        let chart = svg(&dom, id);
        assert_eq!(
            chart.matches("<rect class=\"bar\"").count(),
            bars,
            "{id}: {chart}"
        );
        assert!(chart.contains("<text"), "{id} has labels");
    }
    assert!(dom.contains(&format!(
        "<span class=\"big\" id=\"total\">{}</span>",
        incidents.len()
    )));
    for word in &secrets {
        assert!(!dom.contains(word.as_str()));
    }
    // The new categories are named in the legend; the phishing link is not
    // on the page.
    assert!(dom.contains("採購機密外流") && dom.contains("疑似釣魚或社交工程"));
    assert!(
        !dom.contains("dgpa-gov-tw"),
        "the lure's link reached the page"
    );

    // And they are painted: the screenshot holds the bars' colours.
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-page.png");
    let _ = std::fs::remove_file(&shot);
    headless(
        chromium.as_path(),
        profile.path(),
        &[format!("--screenshot={}", shot.display())],
        &link,
    )
    .await;
    // Patient, procurement and phishing each in the colour of its place in
    // pack order, beside the severity colour.
    let palette = leakguard::summary::page::PALETTE;
    for (name, colour) in [
        ("patient", palette[0]),
        ("procurement", palette[4]),
        ("phishing", palette[9]),
        ("severity high", "#C0392B"),
    ] {
        let n = pixels_near(&shot, hex_rgb(colour));
        assert!(
            n > 200,
            "{name} ({colour}) painted on {n} pixels of {}",
            shot.display()
        );
    }
    eprintln!("report page screenshot: {}", shot.display());

    // A tampered link shows the refusal page in the browser, nothing else.
    let dom = headless(
        chromium.as_path(),
        profile.path(),
        &["--dump-dom".into()],
        &tampered,
    )
    .await;
    assert!(dom.contains("id=\"denied\""), "{dom}");
    assert!(
        !dom.contains("<svg") && !dom.contains("id=\"total\""),
        "{dom}"
    );
}
