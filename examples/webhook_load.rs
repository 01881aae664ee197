//! Webhook load on loopback: signed one-text-event webhooks, each with a
//! new `webhookEventId`, so every request is a durable write.
//!
//! By default it starts the fake LINE platform and the release binary
//! (`leakguard serve`, SQLite in a temporary directory, or `--db URL`),
//! runs the load, prints req/s, p50/p90/p99 and errors, and stops the
//! server. With `--target URL --secret S` it loads a server that is
//! already running (for comparisons with another bot); `--pid N` then
//! names its process, so its CPU time per request is reported too.
//!
//! ```text
//! cargo build --release && cargo run --release --example webhook_load -- \
//!     --connections 32 --seconds 10 --max-requests 200000
//! ```
//!
//! With `--attachments P`, P in a hundred messages are a file (the
//! inspection list as `.xlsx`) or a photo (an inspection notice, JPEG)
//! instead of a text, alternately, whose content the fake serves; the
//! server then reads them in its content stage while the load goes on.
//!
//! The run is bounded by `--seconds` and `--max-requests`; it only ever
//! talks to 127.0.0.1.

#[path = "support/mod.rs"]
mod support;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{peak_rss_mib, start_serve, Channel};

use hdrhistogram::Histogram;
use leakguard::line::fake::{webhook, FakeLine};
use leakguard::line::signature;

const TOKEN: &str = "load-access-token";

/// Everyday lines, and now and then a risky one (about 3 %).
const HARMLESS: [&str; 8] = [
    "大家早安，今天下午三點開會，請準時出席",
    "收到，謝謝！",
    "明天的教育訓練改在二樓大禮堂",
    "請記得在週五前繳交出差報告 🙏",
    "午餐訂便當的請在11點前登記",
    "OK 我等一下處理",
    "會議記錄已經上傳到共用資料夾了",
    "颱風天請注意安全，各單位依人事行政總處公告辦理",
];
const RISKY: [&str; 2] = [
    "明天上午10點稽查大同區三家餐廳：老王牛肉麵、阿美小吃",
    "確診個案王小明，45歲，住大同區民生西路100號5樓，昨晚去過圓環夜市",
];

struct Args {
    connections: usize,
    seconds: u64,
    max_requests: u64,
    target: Option<String>,
    secret: String,
    db: Option<String>,
    pid: Option<u32>,
    attachments: u64,
}

fn args() -> Args {
    let mut a = Args {
        connections: 32,
        seconds: 10,
        max_requests: 500_000,
        target: None,
        secret: "load-channel-secret".into(),
        db: None,
        pid: None,
        attachments: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--connections" => a.connections = v().parse().expect("--connections N"),
            "--seconds" => a.seconds = v().parse().expect("--seconds N"),
            "--max-requests" => a.max_requests = v().parse().expect("--max-requests N"),
            "--target" => a.target = Some(v()),
            "--secret" => a.secret = v(),
            "--db" => a.db = Some(v()),
            "--pid" => a.pid = Some(v().parse().expect("--pid N")),
            "--attachments" => a.attachments = v().parse().expect("--attachments PERCENT"),
            other => panic!("unknown argument {other}"),
        }
    }
    assert!(a.seconds <= 120, "--seconds is capped at 120");
    assert!(a.attachments <= 100, "--attachments is a percentage");
    if let Some(t) = &a.target {
        assert!(
            t.starts_with("http://127.0.0.1") || t.starts_with("http://localhost"),
            "loopback only"
        );
    }
    a
}

/// Attachment messages in the load: which of them, and the files the
/// fake serves for them.
#[derive(Clone)]
struct Attachments {
    percent: u64,
    fake: FakeLine,
    xlsx: Arc<Vec<u8>>,
    photo: Arc<Vec<u8>>,
}

impl Attachments {
    fn load(percent: u64, fake: Option<FakeLine>) -> Option<Attachments> {
        if percent == 0 {
            return None;
        }
        let fake = fake.expect("--attachments needs the fake LINE (no --target)");
        let fixture = |name: &str| {
            let path = format!(
                "{}/tests/fixtures/attachments/{name}",
                env!("CARGO_MANIFEST_DIR")
            );
            Arc::new(std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
        };
        Some(Attachments {
            percent,
            fake,
            xlsx: fixture("inspection-list.xlsx"),
            photo: fixture("images/inspection-notice-small.jpg"),
        })
    }

    /// Whether message `n` is an attachment: `percent` in every hundred,
    /// spread out.
    fn due(&self, n: u64) -> bool {
        (n * self.percent) % 100 < self.percent
    }

    /// The attachment message `n`, its content served by the fake.
    fn event(
        &self,
        n: u64,
        id: &str,
        source: serde_json::Value,
        reply: &str,
        message_id: &str,
    ) -> serde_json::Value {
        if (n * self.percent / 100).is_multiple_of(2) {
            self.fake.set_content(message_id, self.xlsx.to_vec());
            webhook::file(id, source, Some(reply), message_id, "下週行程.xlsx")
        } else {
            self.fake.set_content(message_id, self.photo.to_vec());
            webhook::image(id, source, Some(reply), message_id, None)
        }
    }
}

/// One keep-alive HTTP/1.1 connection, as lean as wrk's, so the load
/// generator takes little of the machine's two cores.
struct Conn {
    stream: tokio::io::BufStream<tokio::net::TcpStream>,
    host: String,
    path: String,
}

impl Conn {
    async fn open(url: &str) -> Conn {
        let rest = url.strip_prefix("http://").expect("http:// url");
        let (host, path) = rest.split_once('/').map_or((rest, "/"), |(h, p)| (h, p));
        let stream = tokio::net::TcpStream::connect(host).await.expect("connect");
        stream.set_nodelay(true).unwrap();
        Conn {
            stream: tokio::io::BufStream::new(stream),
            host: host.to_string(),
            path: format!("/{}", path.trim_start_matches('/')),
        }
    }

    /// Posts one body; the status, or `None` when the connection broke.
    async fn post(&mut self, sig: &str, body: &str) -> Option<u16> {
        let head = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             X-Line-Signature: {sig}\r\nContent-Length: {}\r\n\r\n",
            self.path,
            self.host,
            body.len()
        );
        self.exchange(&head, body.as_bytes())
            .await
            .map(|(status, _)| status)
    }

    /// GETs `path` on the same host, as the admin (`/metrics` asks for
    /// it); the body when the status is 200.
    async fn get(&mut self, path: &str) -> Option<String> {
        let head = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\r\n",
            self.host,
            support::ADMIN_TOKEN
        );
        match self.exchange(&head, b"").await? {
            (200, body) => String::from_utf8(body).ok(),
            _ => None,
        }
    }

    /// Sends one request and reads the status and body of the answer.
    async fn exchange(&mut self, head: &str, body: &[u8]) -> Option<(u16, Vec<u8>)> {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
        self.stream.write_all(head.as_bytes()).await.ok()?;
        self.stream.write_all(body).await.ok()?;
        self.stream.flush().await.ok()?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await.ok()?;
        let status: u16 = line.split(' ').nth(1)?.parse().ok()?;
        let mut length = 0usize;
        loop {
            line.clear();
            if self.stream.read_line(&mut line).await.ok()? == 0 {
                return None;
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().ok()?;
                }
            }
        }
        let mut rest = vec![0u8; length];
        self.stream.read_exact(&mut rest).await.ok()?;
        Some((status, rest))
    }
}

/// A ULID (26 Crockford base-32 characters: 48 bits of Unix milliseconds,
/// then 80 bits of entropy), the form of LINE's `webhookEventId`.
fn ulid(state: &mut u64) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let mut next = || {
        // xorshift64*: enough entropy for unique ids in a load run.
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d) as u128
    };
    let entropy = (next() << 16 ^ next()) & ((1 << 80) - 1);
    let value = (ms & ((1 << 48) - 1)) << 80 | entropy;
    (0..26)
        .rev()
        .map(|i| ALPHABET[(value >> (i * 5)) as usize & 31] as char)
        .collect()
}

/// The sum and count of a Prometheus histogram in `text`.
fn histogram(text: &str, name: &str) -> Option<(f64, f64)> {
    let value = |suffix: &str| {
        let key = format!("{name}_{suffix} ");
        text.lines()
            .find_map(|l| l.strip_prefix(&key))
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    Some((value("sum")?, value("count")?))
}

fn main() {
    let a = args();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run(a));
}

async fn run(a: Args) {
    let mut server = None;
    let mut fake_line = None;
    let tmp = tempfile::tempdir().unwrap();
    let url = match &a.target {
        Some(t) => t.trim_end_matches('/').to_string(),
        None => {
            let fake = FakeLine::start(TOKEN).await.unwrap();
            let db = a
                .db
                .clone()
                .unwrap_or_else(|| format!("sqlite://{}", tmp.path().join("load.db").display()));
            let config = tmp.path().join("leakguard.toml");
            std::fs::write(
                &config,
                format!(
                    "[server]\nlisten = \"127.0.0.1:0\"\n[line]\napi_base = \"{0}\"\ndata_api_base = \"{0}\"\n\
                     [store]\nurl = \"{db}\"\n[report]\nofficers = [\"U0000000000000000000000000000load\"]\n",
                    fake.base_url()
                ),
            )
            .unwrap();
            let (child, addr) = start_serve(
                &config,
                Channel {
                    secret: &a.secret,
                    token: TOKEN,
                },
                "warn",
                Stdio::inherit(),
            );
            server = Some(child);
            fake_line = Some(fake);
            format!("http://{addr}")
        }
    };
    let idle_rss = server.as_ref().map_or(f64::NAN, |c| peak_rss_mib(c.id()));
    // The server's CPU time over the run (ours, or --pid for another bot).
    let server_pid = server.as_ref().map(|c| c.id()).or(a.pid);
    let cpu_before = server_pid.map_or(f64::NAN, cpu_seconds);
    let webhook_url = format!("{url}/webhook/line");
    let sent = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let hist = Arc::new(Mutex::new(
        Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap(),
    ));
    let attachments = Attachments::load(a.attachments, fake_line.clone());
    let deadline = Instant::now() + Duration::from_secs(a.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for conn_index in 0..a.connections {
        let (url, secret) = (webhook_url.clone(), a.secret.clone());
        let (sent, errors, hist) = (sent.clone(), errors.clone(), hist.clone());
        let attachments = attachments.clone();
        let max = a.max_requests;
        tasks.push(tokio::spawn(async move {
            let mut local = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
            let mut conn = Conn::open(&url).await;
            let mut i = 0u64;
            let mut entropy = 0x9e37_79b9_7f4a_7c15_u64 ^ (conn_index as u64 + 1);
            while Instant::now() < deadline {
                let n = sent.fetch_add(1, Ordering::Relaxed);
                if n >= max {
                    break;
                }
                i += 1;
                // LINE's webhookEventId is a ULID: time first, then entropy.
                let id = ulid(&mut entropy);
                let source = webhook::group_source(
                    "C000000000000000000000000000load",
                    Some("U0000000000000000000000000000user"),
                );
                let (reply, message_id) = (format!("rt{id}"), format!("9{conn_index:04}{i:012}"));
                let event = match attachments.as_ref().filter(|at| at.due(n)) {
                    Some(at) => at.event(n, &id, source, &reply, &message_id),
                    None => {
                        let text = if n % 33 == 0 {
                            RISKY[(n / 33) as usize % RISKY.len()]
                        } else {
                            HARMLESS[(n % HARMLESS.len() as u64) as usize]
                        };
                        webhook::text(&id, source, Some(&reply), &message_id, text)
                    }
                };
                let body = webhook::body(vec![event]);
                let sig = signature::sign(secret.as_bytes(), body.as_bytes());
                let t = Instant::now();
                let status = conn.post(&sig, &body).await;
                local.record(t.elapsed().as_micros().max(1) as u64).unwrap();
                if status != Some(200) {
                    errors.fetch_add(1, Ordering::Relaxed);
                    conn = Conn::open(&url).await;
                }
            }
            hist.lock().unwrap().add(&local).unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = server_pid.map_or(f64::NAN, cpu_seconds) - cpu_before;
    let h = hist.lock().unwrap().clone();
    let done = h.len();
    println!(
        "connections {}  requests {}  errors {}  seconds {:.1}",
        a.connections,
        done,
        errors.load(Ordering::Relaxed),
        elapsed
    );
    println!(
        "req/s {:.0}  p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        done as f64 / elapsed,
        h.value_at_quantile(0.50) as f64 / 1000.0,
        h.value_at_quantile(0.90) as f64 / 1000.0,
        h.value_at_quantile(0.99) as f64 / 1000.0,
        h.max() as f64 / 1000.0
    );
    if cpu.is_finite() && done > 0 {
        println!(
            "server CPU {:.2} cores  {:.0} us per request",
            cpu / elapsed,
            cpu / done as f64 * 1e6
        );
    }
    // leakguard's own view of its group commits (absent on other servers).
    let mut conn = Conn::open(&url).await;
    if let Some(text) = conn.get("/metrics").await {
        let commits = histogram(&text, "leakguard_store_commit_seconds");
        let events = histogram(&text, "leakguard_store_commit_events");
        if attachments.is_some() {
            let read: f64 = text
                .lines()
                .filter(|l| l.starts_with("leakguard_attachments_total{"))
                .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
                .sum();
            println!("attachments read by the end of the run {read:.0}");
        }
        if let (Some((secs, n)), Some((evs, _))) = (commits, events) {
            if n > 0.0 {
                println!(
                    "group commits {n:.0}  events per commit {:.1}  mean commit {:.2} ms",
                    evs / n,
                    secs / n * 1000.0
                );
            }
        }
    }
    if let Some(c) = &server {
        println!(
            "server peak RSS {:.1} MiB (ready, before load: {:.1} MiB)",
            peak_rss_mib(c.id()),
            idle_rss
        );
    }
    if let Some(mut c) = server {
        let _ = Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status();
        let _ = c.wait();
    }
}

/// CPU time (user + system) `pid` has used so far, in seconds, or NaN when
/// unreadable.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold blanks.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    // utime and stime are fields 14 and 15 of proc(5), so 11 and 12 here.
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
    match (ticks(11), ticks(12)) {
        (Some(u), Some(s)) => (u + s) / clock_ticks(),
        _ => f64::NAN,
    }
}

/// Clock ticks per second (`getconf CLK_TCK`; 100 on Linux when unknown).
fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(100.0)
}
