//! `leakguard doctor` (issue 20) as an administrator runs it: the real
//! binary against a running server and the fake LINE platform, whose
//! channel endpoints answer as LINE's do and whose test call sends a
//! signed webhook to the URL. Ready on a channel set up right; each fault
//! named with its zh-TW hint and a failing exit code; `--fix` sets the
//! webhook URL.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::*;

/// A copy of the server's config whose public URL is the server's own
/// address (as a reverse proxy would make it), beside the same key file;
/// `store` replaces the store URL.
fn doctor_config(app: &App, store: Option<&str>) -> PathBuf {
    let text = std::fs::read_to_string(app.config_path()).unwrap();
    let mut text = text.replace(
        "public_url = \"http://127.0.0.1\"",
        &format!("public_url = \"{}\"", app.url),
    );
    if let Some(url) = store {
        text = text.replace(
            &format!("url = \"{}\"", app.db_url),
            &format!("url = \"{url}\""),
        );
    }
    let path = app.dir.join(format!("doctor-{}.toml", unique()));
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `leakguard doctor` with the given config, secrets and flags.
fn doctor(config: &Path, secret: &str, token: &str, flags: &[&str]) -> (i32, String) {
    let mut cmd = leakguard(&["doctor"], config);
    cmd.args(flags)
        .env("LINE_CHANNEL_SECRET", secret)
        .env("LINE_CHANNEL_ACCESS_TOKEN", token)
        .env("LEAKGUARD_ADMIN_TOKEN", ADMIN_TOKEN);
    let out: Output = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

/// `doctor` while `file` has `mode`; `restore` is set again after it.
fn doctor_with_mode(config: &Path, file: &Path, mode: u32, restore: u32) -> (i32, String) {
    let set = |m| std::fs::set_permissions(file, std::fs::Permissions::from_mode(m)).unwrap();
    set(mode);
    let result = doctor(config, SECRET, TOKEN, &[]);
    set(restore);
    result
}

/// The line of the report about `what`, with its hints.
fn line_of<'a>(report: &'a str, what: &str) -> &'a str {
    let start = report
        .find(what)
        .unwrap_or_else(|| panic!("{what} is not in the report:\n{report}"));
    let line_start = report[..start].rfind('[').unwrap_or(0);
    let end = report[start..]
        .find("\n[")
        .map_or(report.len(), |e| start + e);
    &report[line_start..end]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_is_ready_on_a_channel_set_up_right_and_names_each_fault() {
    let mut app = App::start(Setup::default()).await;
    let config = doctor_config(&app, None);
    let want = format!("{}/webhook/line", app.url);
    app.fake.set_channel_secret(SECRET);

    // Unset webhook URL: named, with the console path; --fix sets it.
    app.fake.set_webhook("", true);
    let (code, report) = doctor(&config, SECRET, TOKEN, &[]);
    assert_eq!(code, 1, "{report}");
    let line = line_of(&report, "Webhook 網址：尚未設定");
    assert!(
        line.starts_with("[FAIL]") && line.contains("leakguard doctor --fix"),
        "{line}"
    );
    assert!(line.contains(&want), "{line}");
    let (code, report) = doctor(&config, SECRET, TOKEN, &["--fix"]);
    assert!(
        report.contains(&format!("Webhook 網址：已設定為 {want}（--fix）")),
        "{report}"
    );
    assert_eq!(app.fake.webhook_endpoint(), want);
    assert_eq!(code, 0, "{report}");

    // Set up right: ready, and LINE's signed test call reached the server.
    let (code, report) = doctor(&config, SECRET, TOKEN, &[]);
    assert_eq!(code, 0, "{report}");
    for ok in [
        "[ OK ] 存取權杖：有效（官方帳號「資訊保護小幫手」@000fake）",
        "[ OK ] 金鑰檔：",
        "[ OK ] 資料庫：可連線，結構為最新版",
        "[ OK ] LINE 測試呼叫：成功",
        "[ OK ] 政風人員：1 位",
        "準備就緒",
    ] {
        assert!(report.contains(ok), "{ok} missing:\n{report}");
    }
    assert!(report.contains("Allow bot to join group chats"), "{report}");

    // Pointing elsewhere.
    app.fake
        .set_webhook("https://old.example.gov.tw/callback", true);
    let (code, report) = doctor(&config, SECRET, TOKEN, &[]);
    assert_eq!(code, 1);
    let line = line_of(
        &report,
        "Webhook 網址：指向其他位址 https://old.example.gov.tw/callback",
    );
    assert!(line.contains(&format!("應為 {want}")), "{line}");
    app.fake.set_webhook(&want, true);

    // The channel's secret is not the one the server holds: the test
    // call's signature is refused.
    app.fake
        .set_channel_secret("the-channel-secret-in-the-console");
    let (code, report) = doctor(&config, SECRET, TOKEN, &[]);
    assert_eq!(code, 1);
    let line = line_of(&report, "LINE 測試呼叫：簽章不符，頻道密鑰不正確");
    assert!(
        line.contains("Basic settings 分頁複製 Channel secret"),
        "{line}"
    );
    app.fake.set_channel_secret(SECRET);

    // A revoked token: named, and the channel checks after it skipped.
    let (code, report) = doctor(&config, SECRET, "revoked-token", &[]);
    assert_eq!(code, 1);
    let line = line_of(&report, "存取權杖：無效或已撤銷");
    assert!(line.contains("Channel access token (long-lived)"), "{line}");
    assert!(!report.contains("LINE 測試呼叫"), "{report}");

    // The key file open to others.
    let key = app.dir.join("leakguard.key");
    let (code, report) = doctor_with_mode(&config, &key, 0o644, 0o600);
    assert_eq!(code, 1);
    let line = line_of(&report, "其他使用者可讀寫（權限 0644）");
    assert!(line.contains("chmod 600"), "{line}");

    // The config writable by others.
    let (code, report) = doctor_with_mode(&config, &config, 0o666, 0o644);
    assert_eq!(code, 1);
    let line = line_of(&report, "其他使用者可修改（權限 0666）");
    assert!(line.contains("chmod 644"), "{line}");

    // The store unreachable.
    let gone = doctor_config(&app, Some("sqlite:///nonexistent/leakguard/data.db"));
    let (code, report) = doctor(&gone, SECRET, TOKEN, &[]);
    assert_eq!(code, 1);
    let line = line_of(&report, "資料庫：無法連線");
    assert!(line.contains("[store] url"), "{line}");

    // The server down: LINE's test call cannot connect.
    app.kill();
    let (code, report) = doctor(&config, SECRET, TOKEN, &[]);
    assert_eq!(code, 1);
    let line = line_of(&report, &format!("LINE 測試呼叫：LINE 連不到 {want}"));
    assert!(line.contains("反向代理與防火牆"), "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_reads_the_secrets_from_an_environment_file() {
    let app = App::start(Setup::default()).await;
    let config = doctor_config(&app, None);
    app.fake.set_channel_secret(SECRET);
    app.fake
        .set_webhook(&format!("{}/webhook/line", app.url), true);
    let env = app.dir.join("leakguard.env");
    std::fs::write(
        &env,
        format!("# secrets\nLINE_CHANNEL_SECRET={SECRET}\nLINE_CHANNEL_ACCESS_TOKEN=\"{TOKEN}\"\n"),
    )
    .unwrap();
    let env = env.display().to_string();
    let (code, report) = doctor(&config, "", "", &["--env-file", &env]);
    assert_eq!(code, 0, "{report}");
    let bad = app.dir.join("bad.env");
    std::fs::write(&bad, "LINE_CHANNEL_SECRET\n").unwrap();
    let (code, report) = doctor(&config, "", "", &["--env-file", &bad.display().to_string()]);
    assert_eq!(code, 2);
    assert!(report.contains("bad.env:1: not KEY=value"), "{report}");
}
