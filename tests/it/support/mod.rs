//! Test harness for the webhook service: the real `leakguard serve` binary
//! on port 0 with a fresh database (a SQLite file, or a PostgreSQL database
//! of its own), pointed at the loopback fake LINE platform running in the
//! test. Bodies are signed as LINE signs them.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use leakguard::line::fake::{webhook, Delivery, FakeLine};
use leakguard::line::signature;
use leakguard::store::{Store, StoredIncident};
use serde_json::Value;
use sqlx::Connection;

/// The test channel secret.
pub const SECRET: &str = "test-channel-secret";
/// The test access token.
pub const TOKEN: &str = "test-access-token";
/// The admin token of every test server (the report pages, `/metrics`).
pub const ADMIN_TOKEN: &str = "admin-token-for-tests-0123456789";
/// The officer in every test config.
pub const OFFICER: &str = "U0fficer00000000000000000000000001";
/// A group with no allowances.
pub const GROUP: &str = "C1111111111111111111111111111aaaa";
/// A group allowed to discuss inspections.
pub const INSPECTORS: &str = "C2222222222222222222222222222bbbb";
/// A member.
pub const ALICE: &str = "U1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a";
/// Another member.
pub const BOB: &str = "U2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b";

/// A risky inspection schedule (high).
pub const INSPECTION: &str = "明天上午10點稽查大同區三家餐廳：老王牛肉麵、阿美小吃";
/// A patient footprint (high).
pub const PATIENT: &str = "確診個案王小明，45歲，住大同區民生西路100號5樓，昨晚去過圓環夜市";
/// A reserve price told to a bidder before the opening (procurement).
pub const PROCUREMENT: &str = "監視器汰換案底價核定380萬，你們報375上下應該穩，開標前先別外傳";
/// A lure in the name of the personnel administration (phishing).
pub const PHISHING: &str =
    "【人事行政總處】年終工作獎金線上確認，請於今日至 https://dgpa-gov-tw.com/bonus 以公務帳號密碼登入填寫";
/// Harmless chatter.
pub const CHATTER: &str = "大家午安，下午三點開會，請記得帶筆電";

mod cli;
mod local;
mod ocr;

/// Every row of every table of the PostgreSQL database at `url`, as text,
/// by table; asserts that the conversation left records.
pub async fn postgres_tables(url: &str) -> Vec<(String, String)> {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let tables = text_column(
        &mut conn,
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .await;
    assert!(tables.iter().any(|t| t == "incidents"), "{tables:?}");
    let mut out = Vec::new();
    let mut rows = 0;
    for t in tables {
        let dump = text_column(&mut conn, &format!("SELECT CAST(x AS TEXT) FROM \"{t}\" x")).await;
        rows += dump.len();
        out.push((t, dump.join("\n")));
    }
    assert!(rows > 5, "the tables hold the conversation's records");
    out
}

/// The first column of every row `sql` returns, as text.
async fn text_column(conn: &mut sqlx::PgConnection, sql: &str) -> Vec<String> {
    use sqlx::Row;
    sqlx::query(sql)
        .fetch_all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.get(0))
        .collect()
}

pub use cli::leakguard;
pub use local::Local;
pub use ocr::ocr_installed;

static NEXT: AtomicU32 = AtomicU32::new(1);

/// A unique suffix for ids and database names.
pub fn unique() -> String {
    format!(
        "{}x{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Which database a test runs on.
#[derive(Debug, Clone)]
pub enum Db {
    /// A SQLite file in the test's directory.
    Sqlite,
    /// A fresh PostgreSQL database at this URL.
    Postgres(String),
}

/// A fresh PostgreSQL database, or `None` (with a note) when no server is
/// configured outside CI. Under `CI=true` a missing server fails the test.
pub async fn postgres() -> Option<String> {
    let base = match std::env::var("LEAKGUARD_TEST_POSTGRES_URL") {
        Ok(u) => u,
        Err(_) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("LEAKGUARD_TEST_POSTGRES_URL must be set in CI")
        }
        Err(_) => {
            eprintln!("skipped: LEAKGUARD_TEST_POSTGRES_URL is not set");
            return None;
        }
    };
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {base} is not reachable: {e}"));
    drop_old_databases(&mut conn).await;
    let name = format!("leakguard_test_{}", unique());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let (prefix, _) = base.rsplit_once('/').expect("url has a database");
    Some(format!("{prefix}/{name}"))
}

/// Drops the databases earlier test runs left behind (once per process;
/// a database still in use cannot be dropped and is left alone).
async fn drop_old_databases(conn: &mut sqlx::PgConnection) {
    static ONCE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    ONCE.get_or_init(|| async {
        let mine = format!("leakguard_test_{}x", std::process::id());
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT datname::text FROM pg_database WHERE datname LIKE 'leakguard_test_%'",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap_or_default();
        for n in names.into_iter().filter(|n| !n.starts_with(&mine)) {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {n}"))
                .execute(&mut *conn)
                .await;
        }
    })
    .await;
}

/// Options of one server.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The database.
    pub db: Db,
    /// `[policy] cooldown_seconds`.
    pub cooldown: u64,
    /// Extra environment.
    pub env: Vec<(String, String)>,
    /// `[patterns] dir`.
    pub patterns: Option<PathBuf>,
    /// More of the config file (e.g. a `[content]` table).
    pub extra: String,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            db: Db::Sqlite,
            cooldown: 0,
            env: Vec::new(),
            patterns: None,
            extra: String::new(),
        }
    }
}

/// A running server and its fake platform.
pub struct App {
    /// The fake LINE platform.
    pub fake: FakeLine,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The test's directory (config, key file, SQLite file, log).
    pub dir: PathBuf,
    /// The database URL.
    pub db_url: String,
    child: Option<Child>,
    http: reqwest::Client,
    log: PathBuf,
    config: PathBuf,
    env: Vec<(String, String)>,
    extra: String,
    _tmp: Option<tempfile::TempDir>,
}

/// Writes the config of a test server.
fn write_config(
    dir: &Path,
    fake: &FakeLine,
    db_url: &str,
    cooldown: u64,
    patterns: Option<&Path>,
    extra: &str,
) -> PathBuf {
    let patterns = patterns
        .map(|p| format!("[patterns]\ndir = {:?}\n", p.display().to_string()))
        .unwrap_or_default();
    let text = format!(
        r#"[server]
listen = "127.0.0.1:0"
public_url = "http://127.0.0.1"

[line]
api_base = "{api}"
data_api_base = "{api}"

[store]
url = "{db_url}"

[policy]
warn_at = "medium"
alert_at = "high"
cooldown_seconds = {cooldown}

[report]
officers = ["{OFFICER}"]

[[groups]]
id = "{INSPECTORS}"
name = "稽查小組"
allow = ["inspection"]

{patterns}
{extra}"#,
        api = fake.base_url()
    );
    let path = dir.join("leakguard.toml");
    std::fs::write(&path, text).unwrap();
    path
}

impl App {
    /// Starts a fake platform and a server.
    pub async fn start(setup: Setup) -> App {
        let fake = FakeLine::start(TOKEN).await.unwrap();
        fake.set_group_name(GROUP, "業務聯繫群組");
        fake.set_display_name(ALICE, "王小姐");
        fake.set_display_name(BOB, "李先生");
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let db_url = match &setup.db {
            Db::Sqlite => format!("sqlite://{}", dir.join("data/leakguard.db").display()),
            Db::Postgres(u) => u.clone(),
        };
        let config = write_config(
            &dir,
            &fake,
            &db_url,
            setup.cooldown,
            setup.patterns.as_deref(),
            &setup.extra,
        );
        let mut app = App {
            fake,
            url: String::new(),
            dir: dir.clone(),
            db_url,
            child: None,
            http: reqwest::Client::new(),
            log: dir.join("server.log"),
            config,
            env: setup.env,
            extra: setup.extra,
            _tmp: Some(tmp),
        };
        app.spawn();
        app
    }

    /// A second server on the same database and fake platform.
    pub async fn replica(&self) -> App {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        let config = write_config(&dir, &self.fake, &self.db_url, 0, None, &self.extra);
        // Both replicas must share the hash key.
        std::fs::copy(self.dir.join("leakguard.key"), dir.join("leakguard.key")).unwrap();
        let mut app = App {
            fake: self.fake.clone(),
            url: String::new(),
            dir: dir.clone(),
            db_url: self.db_url.clone(),
            child: None,
            http: reqwest::Client::new(),
            log: dir.join("server.log"),
            config,
            env: self.env.clone(),
            extra: self.extra.clone(),
            _tmp: Some(tmp),
        };
        app.spawn();
        app
    }

    /// The command that starts the server, with a clean environment.
    pub fn command(config: &Path) -> Command {
        let mut cmd = leakguard(&["serve"], config);
        cmd.env("LINE_CHANNEL_SECRET", SECRET)
            .env("LINE_CHANNEL_ACCESS_TOKEN", TOKEN)
            .env("LEAKGUARD_ADMIN_TOKEN", ADMIN_TOKEN)
            .env(
                "LEAKGUARD_LOG",
                "debug,sqlx=warn,hyper=warn,reqwest=warn,h2=warn,hyper_util=warn",
            );
        cmd
    }

    /// (Re)starts the server process and waits for its address.
    pub fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let mut cmd = App::command(&self.config);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start leakguard serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = tx.send(line);
            }
            for _ in lines {}
        });
        let line = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(l) => l,
            Err(_) => {
                let _ = child.kill();
                panic!("server did not start; log:\n{}", self.logs());
            }
        };
        let addr = line
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        self.url = format!("http://{addr}");
        self.child = Some(child);
    }

    /// Sets an environment variable for the next [`App::spawn`].
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
    }

    /// Kills the server with SIGKILL.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Sends a signal (`HUP`, `TERM` …) to the server.
    pub fn signal(&self, name: &str) {
        let pid = self.child.as_ref().expect("running").id().to_string();
        Command::new("kill")
            .args([&format!("-{name}"), &pid])
            .status()
            .unwrap();
    }

    /// Waits until the log contains `needle`.
    pub async fn wait_for_log(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.logs().contains(needle) {
            assert!(
                Instant::now() < deadline,
                "no {needle:?} in the log:\n{}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let mut c = self.child.take().expect("running");
        let pid = c.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(s) = c.try_wait().unwrap() {
                return s;
            }
            assert!(Instant::now() < deadline, "server did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The server's log so far.
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Posts a signed body; returns the status.
    pub async fn post(&self, body: &str) -> u16 {
        let sig = signature::sign(SECRET.as_bytes(), body.as_bytes());
        self.post_with(body.as_bytes().to_vec(), Some(&sig)).await
    }

    /// Posts a body with the given signature header.
    pub async fn post_with(&self, body: Vec<u8>, sig: Option<&str>) -> u16 {
        let mut req = self
            .http
            .post(format!("{}/webhook/line", self.url))
            .header("content-type", "application/json")
            .body(body);
        if let Some(s) = sig {
            req = req.header("x-line-signature", s);
        }
        req.send().await.unwrap().status().as_u16()
    }

    /// Posts events in one signed body.
    pub async fn events(&self, events: Vec<Value>) -> u16 {
        self.post(&webhook::body(events)).await
    }

    /// A text event from `user` in `chat`, with a fresh reply token.
    pub fn text(&self, chat: &str, user: &str, text: &str) -> Value {
        let id = unique();
        let source = if chat.starts_with('U') {
            webhook::user_source(user)
        } else {
            webhook::group_source(chat, Some(user))
        };
        let rt = self.fake.reply_token(chat);
        webhook::text(
            &format!("01EV{id}"),
            source,
            Some(&rt),
            &format!("9{id}"),
            text,
        )
    }

    /// GET a path; status and body.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// GET a path with the admin token; status and body.
    pub async fn admin_get(&self, path: &str) -> (u16, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.url))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// GET a path with the admin token, which must answer 200; the body.
    pub async fn admin_ok(&self, path: &str) -> String {
        let (status, body) = self.admin_get(path).await;
        assert_eq!(status, 200, "{path} with the admin token: {body}");
        body
    }

    /// The server's config file.
    pub fn config_path(&self) -> &Path {
        &self.config
    }

    /// The keys of the server's key file (link epoch 1).
    pub fn keys(&self) -> leakguard::secret::Keys {
        let key = std::fs::read_to_string(self.dir.join("leakguard.key")).unwrap();
        leakguard::secret::MasterKey::new(key.trim().as_bytes().to_vec())
            .unwrap()
            .keys(1)
    }

    /// The store, opened from the test with the server's key.
    pub async fn store(&self) -> Store {
        Store::connect(&self.db_url, self.keys().records)
            .await
            .unwrap()
    }

    /// Waits until no content job is pending and the outbox is empty, and
    /// then a little longer, so a duplicate send would have happened.
    pub async fn settle(&self) {
        let store = self.store().await;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let jobs = store.content_pending().await.unwrap();
            if jobs == 0 && store.outbox_depth().await.unwrap() == 0 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "content jobs or the outbox did not drain; log:\n{}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
        store.close().await;
    }

    /// Runs one statement on the server's database, from the test.
    pub async fn sql(&self, statement: &str) {
        if self.db_url.starts_with("postgres") {
            let mut c = sqlx::PgConnection::connect(&self.db_url).await.unwrap();
            sqlx::query(statement).execute(&mut c).await.unwrap();
        } else {
            let mut c = sqlx::SqliteConnection::connect(&self.db_url).await.unwrap();
            sqlx::query(statement).execute(&mut c).await.unwrap();
        }
    }

    /// Every incident.
    pub async fn incidents(&self) -> Vec<StoredIncident> {
        let store = self.store().await;
        let v = store.incidents().await.unwrap();
        store.close().await;
        v
    }

    /// What was done about each recorded incident, oldest first.
    pub async fn actions(&self) -> Vec<String> {
        self.incidents()
            .await
            .into_iter()
            .map(|i| i.action)
            .collect()
    }

    /// Deliveries to one chat or user.
    pub fn delivered_to(&self, to: &str) -> Vec<Delivery> {
        self.fake
            .deliveries()
            .into_iter()
            .filter(|d| d.to.as_deref() == Some(to))
            .collect()
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The text of the first message of a delivery.
pub fn text_of(d: &Delivery) -> String {
    d.messages[0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The postback data of the warning button labelled `label`.
pub fn button_data(app: &App, label: &str) -> String {
    let w = &app.delivered_to(GROUP)[0];
    w.messages[0]["quickReply"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["action"]["label"] == label)
        .map(|i| i["action"]["data"].as_str().unwrap().to_string())
        .unwrap()
}
