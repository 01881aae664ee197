//! The public port under attack, on loopback (issue 15, rows 1–4): what a
//! `leakguard serve` binary does with bodies that never finish, slow
//! heads and bodies, idle sockets, a crowd of held connections and a hung
//! client at shutdown. Each row starts the binary afresh (SQLite in a
//! temporary directory, the fake LINE platform) with the usual soft limit
//! of 1024 open files, and prints its figures:
//!
//! 1. memory: server RSS (`VmRSS`, peak `VmHWM`) while 300 connections
//!    each send 1 MiB − 2 of a 1 MiB − 1 body with a signature of the
//!    right form that signs nothing, and 3 s after they have closed;
//! 2. timeouts: how long a body at 1 byte/s, a head at 1 byte/s and an
//!    idle socket stay open, and how many of 200 slowloris heads (a byte
//!    every 2 s) the server has closed after 20 s;
//! 3. crowd: p50/p99/max and failures (no answer within 4 s) of real
//!    signed webhooks, each on a new connection, while 2,000 idle and 200
//!    slowloris connections are held (reopened when the server closes
//!    them), and the server's log lines about failing accepts;
//! 4. shutdown: seconds from SIGTERM to exit while a client hangs in the
//!    middle of a body (it hangs up after 30 s).
//!
//! ```text
//! cargo build --release && cargo run --release --example port_attack -- \
//!     [--binary PATH] [--rows 1234] [--window 30]
//! ```
//!
//! Every phase is bounded (`--window` seconds, at most 60; 2,200 attack
//! connections at most) and only talks to 127.0.0.1. The program raises
//! its own open-file limit to hold the crowd.

// Shared with the other load examples; this one starts the binary its own way.
#[allow(dead_code)]
#[path = "support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hdrhistogram::Histogram;
use leakguard::line::fake::{webhook, FakeLine};
use leakguard::line::signature;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{sleep, timeout, timeout_at, Instant};

const SECRET: &str = "attack-channel-secret";
const TOKEN: &str = "attack-access-token";

/// Largest body the server takes, minus one: the probe of row 1.
const BIG: usize = (1 << 20) - 1;

struct Args {
    binary: PathBuf,
    rows: String,
    window: u64,
}

fn args() -> Args {
    let mut a = Args {
        binary: support::release_binary(),
        rows: "1234".into(),
        window: 30,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--binary" => a.binary = v().into(),
            "--rows" => a.rows = v(),
            "--window" => a.window = v().parse().expect("--window SECONDS"),
            other => panic!("unknown argument {other}"),
        }
    }
    assert!((20..=60).contains(&a.window), "--window is 20 to 60 s");
    a
}

/// A started `leakguard serve`, its log and what it needs.
struct Target {
    child: Child,
    addr: String,
    log: PathBuf,
    _fake: FakeLine,
    _dir: tempfile::TempDir,
}

impl Target {
    async fn start(binary: &Path) -> Target {
        let fake = FakeLine::start(TOKEN).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("leakguard.toml");
        std::fs::write(
            &config,
            format!(
                "[server]\nlisten = \"127.0.0.1:0\"\n[line]\napi_base = \"{0}\"\ndata_api_base = \"{0}\"\n\
                 [store]\nurl = \"sqlite://{1}\"\n",
                fake.base_url(),
                dir.path().join("attack.db").display()
            ),
        )
        .unwrap();
        let log = dir.path().join("serve.log");
        // The usual soft limit of a login shell or a service, whatever
        // this program raised its own to.
        let mut program = Command::new("sh");
        program.args(["-c", "ulimit -Sn 1024 && exec \"$0\" \"$@\""]);
        program.arg(binary);
        let stderr = Stdio::from(std::fs::File::create(&log).unwrap());
        let channel = support::Channel {
            secret: SECRET,
            token: TOKEN,
        };
        let (child, addr) = support::start(program, &config, channel, "info", stderr);
        Target {
            child,
            addr,
            log,
            _fake: fake,
            _dir: dir,
        }
    }

    fn mib(&self, key: &str) -> f64 {
        support::status_mib(self.child.id(), key)
    }

    async fn connect(&self) -> Option<TcpStream> {
        timeout(Duration::from_secs(4), TcpStream::connect(&self.addr))
            .await
            .ok()?
            .ok()
    }

    /// Sends SIGTERM; the seconds until the process is gone (at most `bound`).
    async fn terminate(mut self, bound: Duration) -> Result<f64, f64> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let started = Instant::now();
        while started.elapsed() < bound {
            if let Ok(Some(_)) = self.child.try_wait() {
                return Ok(started.elapsed().as_secs_f64());
            }
            sleep(Duration::from_millis(20)).await;
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        Err(bound.as_secs_f64())
    }

    fn log_lines(&self, needle: &str) -> usize {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(needle))
            .count()
    }
}

/// A signature of the right form (base64 of 32 bytes) that signs nothing.
fn forged() -> String {
    signature::sign(b"not the channel secret", b"nothing")
}

fn head(signature: &str, length: usize) -> String {
    format!(
        "POST /webhook/line HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         x-line-signature: {signature}\r\nContent-Length: {length}\r\n\r\n"
    )
}

/// Reads until the server closes the connection; the first status line
/// it answered, if any.
async fn read_until_closed(rx: &mut (impl AsyncReadExt + Unpin)) -> Option<String> {
    let mut first = Vec::new();
    let mut buf = [0u8; 1024];
    while let Ok(n) = rx.read(&mut buf).await {
        if n == 0 {
            break;
        }
        if first.len() < 64 {
            first.extend_from_slice(&buf[..n]);
        }
    }
    let text = String::from_utf8_lossy(&first).to_string();
    text.lines()
        .next()
        .filter(|l| l.starts_with("HTTP/"))
        .map(|l| l.split(' ').skip(1).collect::<Vec<_>>().join(" "))
}

/// Writes `bytes` one at a time, `every` apart, until the server closes
/// the connection or `deadline`; seconds until closed, `None` if still open.
async fn trickle(
    stream: TcpStream,
    bytes: Vec<u8>,
    every: Duration,
    deadline: Instant,
) -> Option<f64> {
    let started = Instant::now();
    let (mut rx, mut tx) = stream.into_split();
    let writer = tokio::spawn(async move {
        for b in bytes.iter().cycle() {
            if tx.write_all(&[*b]).await.is_err() {
                break;
            }
            sleep(every).await;
        }
        // Keeps the connection open (an empty `bytes`: an idle socket).
        std::future::pending::<()>().await;
    });
    let closed = timeout_at(deadline, read_until_closed(&mut rx)).await;
    writer.abort();
    closed.ok().map(|_| started.elapsed().as_secs_f64())
}

fn seconds(closed: Option<f64>, window: u64) -> String {
    closed.map_or(format!("still open at {window} s"), |s| {
        format!("closed at {s:.1} s")
    })
}

/// Row 1: bodies that never finish.
async fn memory(t: &Target, window: u64) {
    let ready = t.mib("VmRSS:");
    let deadline = Instant::now() + Duration::from_secs(window.min(20));
    let answers = Arc::new(Mutex::new(BTreeMap::<String, u32>::new()));
    let sent = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..300 {
        let stream = t.connect().await.expect("connect");
        let (answers, sent) = (answers.clone(), sent.clone());
        tasks.push(tokio::spawn(async move {
            let (mut rx, mut tx) = stream.into_split();
            let writer = tokio::spawn(async move {
                tx.write_all(head(&forged(), BIG).as_bytes()).await?;
                let chunk = vec![b' '; 64 << 10];
                let mut left = BIG - 1;
                while left > 0 {
                    let n = left.min(chunk.len());
                    tx.write_all(&chunk[..n]).await?;
                    sent.fetch_add(n as u64, Ordering::Relaxed);
                    left -= n;
                }
                // Never the last byte; the connection stays open.
                std::future::pending::<std::io::Result<()>>().await
            });
            let answer = timeout_at(deadline, read_until_closed(&mut rx)).await;
            writer.abort();
            let key = match answer {
                Ok(Some(status)) => status,
                Ok(None) => "closed without answer".into(),
                Err(_) => "still open".into(),
            };
            *answers.lock().unwrap().entry(key).or_default() += 1;
        }));
    }
    let mut peak = 0f64;
    while Instant::now() < deadline {
        peak = peak.max(t.mib("VmRSS:"));
        sleep(Duration::from_millis(200)).await;
    }
    for task in tasks {
        let _ = task.await;
    }
    sleep(Duration::from_secs(3)).await;
    println!(
        "row 1  300 never-finishing 1 MiB bodies: RSS ready {ready:.0} MiB, peak {:.0} MiB (VmHWM {:.0}), \
         3 s after they close {:.0} MiB; {:.0} MiB sent; at {} s: {:?}",
        peak.max(t.mib("VmRSS:")),
        t.mib("VmHWM:"),
        t.mib("VmRSS:"),
        sent.load(Ordering::Relaxed) as f64 / f64::from(1 << 20),
        window.min(20),
        answers.lock().unwrap()
    );
}

/// Row 2: slow bodies, slow heads, idle sockets.
async fn timeouts(t: &Target, window: u64) {
    let deadline = Instant::now() + Duration::from_secs(window);
    let second = Duration::from_secs(1);
    let slow_body = {
        let mut s = t.connect().await.expect("connect");
        s.write_all(head(&forged(), 1000).as_bytes()).await.unwrap();
        tokio::spawn(trickle(s, b"{\"events\":[]}".to_vec(), second, deadline))
    };
    let slow_head = {
        let s = t.connect().await.expect("connect");
        tokio::spawn(trickle(
            s,
            head(&forged(), 10).into_bytes(),
            second,
            deadline,
        ))
    };
    let idle = {
        let s = t.connect().await.expect("connect");
        tokio::spawn(trickle(s, Vec::new(), second, deadline))
    };
    let twenty = Instant::now() + Duration::from_secs(20);
    let mut loris = Vec::new();
    for _ in 0..200 {
        let s = t.connect().await.expect("connect");
        let every = Duration::from_secs(2);
        loris.push(tokio::spawn(trickle(
            s,
            head(&forged(), 10).into_bytes(),
            every,
            twenty,
        )));
    }
    let mut closed = 0;
    for l in loris {
        closed += usize::from(l.await.unwrap().is_some());
    }
    println!(
        "row 2  body at 1 byte/s {}; head at 1 byte/s {}; idle socket {}; 200 slowloris heads: {closed} closed after 20 s",
        seconds(slow_body.await.unwrap(), window),
        seconds(slow_head.await.unwrap(), window),
        seconds(idle.await.unwrap(), window),
    );
}

/// Row 3: real webhooks while a crowd of connections is held.
async fn crowd(t: Arc<Target>, window: u64) {
    let deadline = Instant::now() + Duration::from_secs(window);
    let held = Arc::new(AtomicI64::new(0));
    let mut crowd = Vec::new();
    for i in 0..2200 {
        let (t, held) = (t.clone(), held.clone());
        crowd.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let Some(s) = t.connect().await else {
                    sleep(Duration::from_millis(100)).await;
                    continue;
                };
                held.fetch_add(1, Ordering::Relaxed);
                let bytes = if i < 2000 {
                    Vec::new()
                } else {
                    head(&forged(), 10).into_bytes()
                };
                trickle(s, bytes, Duration::from_secs(2), deadline).await;
                held.fetch_sub(1, Ordering::Relaxed);
            }
        }));
        if i % 100 == 99 {
            sleep(Duration::from_millis(20)).await;
        }
    }
    sleep(Duration::from_secs(3)).await;
    let at_start = held.load(Ordering::Relaxed);
    let hist = Arc::new(Mutex::new(
        Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap(),
    ));
    let failed = Arc::new(AtomicU64::new(0));
    let mut real = Vec::new();
    for w in 0..4u64 {
        let (t, hist, failed) = (t.clone(), hist.clone(), failed.clone());
        real.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() + Duration::from_secs(4) < deadline {
                n += 1;
                let started = Instant::now();
                let ok = timeout(Duration::from_secs(4), real_webhook(&t, w, n))
                    .await
                    .is_ok_and(|s| s == Some(200));
                if ok {
                    let us = started.elapsed().as_micros().max(1) as u64;
                    hist.lock().unwrap().record(us).unwrap();
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
                sleep(Duration::from_millis(20)).await;
            }
        }));
    }
    for r in real {
        r.await.unwrap();
    }
    let at_end = held.load(Ordering::Relaxed);
    for c in crowd {
        c.await.unwrap();
    }
    let h = hist.lock().unwrap();
    let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    println!(
        "row 3  held {at_start}/{at_end} of 2,200 (idle + slowloris, start/end): {} real webhooks answered, \
         {} failed; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} log lines about accepts",
        h.len(),
        failed.load(Ordering::Relaxed),
        ms(0.5),
        ms(0.99),
        h.max() as f64 / 1000.0,
        t.log_lines("accept")
    );
}

/// One signed webhook with a harmless text, on a new connection.
async fn real_webhook(t: &Target, worker: u64, n: u64) -> Option<u16> {
    let id = format!("01EV{worker:02}{n:020}");
    let source = webhook::group_source(
        "C000000000000000000000000000load",
        Some("U0000000000000000000000000000user"),
    );
    let event = webhook::text(
        &id,
        source,
        None,
        &format!("9{worker}{n:012}"),
        "收到，謝謝！",
    );
    let body = webhook::body(vec![event]);
    let sig = signature::sign(SECRET.as_bytes(), body.as_bytes());
    let mut s = t.connect().await?;
    s.write_all(format!("{}{body}", head(&sig, body.len())).as_bytes())
        .await
        .ok()?;
    let mut buf = [0u8; 256];
    let n = s.read(&mut buf).await.ok()?;
    String::from_utf8_lossy(&buf[..n])
        .split(' ')
        .nth(1)?
        .parse()
        .ok()
}

/// Row 4: SIGTERM with a client hung in the middle of a body.
async fn shutdown(t: Target) {
    let mut hung = t.connect().await.expect("connect");
    hung.write_all(head(&forged(), 1000).as_bytes())
        .await
        .unwrap();
    hung.write_all(b"{\"events\":[").await.unwrap();
    let hang_up = tokio::spawn(async move {
        sleep(Duration::from_secs(30)).await;
        drop(hung);
    });
    sleep(Duration::from_secs(1)).await;
    let took = t.terminate(Duration::from_secs(40)).await;
    hang_up.abort();
    match took {
        Ok(s) => {
            println!("row 4  SIGTERM with a hung client (hangs up at 29 s): exited after {s:.1} s")
        }
        Err(s) => {
            println!("row 4  SIGTERM with a hung client: still running after {s:.0} s (killed)")
        }
    }
}

fn main() {
    let a = args();
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) if n >= 4096 => {}
        other => panic!("need 4096 open files for the crowd, got {other:?}"),
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        println!("binary {}", a.binary.display());
        for row in a.rows.chars() {
            let t = Target::start(&a.binary).await;
            match row {
                '1' => memory(&t, a.window).await,
                '2' => timeouts(&t, a.window).await,
                '3' => {
                    let t = Arc::new(t);
                    crowd(t.clone(), a.window).await;
                    let t = Arc::into_inner(t).expect("the crowd is gone");
                    let _ = t.terminate(Duration::from_secs(40)).await;
                    continue;
                }
                '4' => {
                    shutdown(t).await;
                    continue;
                }
                other => panic!("no row {other}"),
            }
            let _ = t.terminate(Duration::from_secs(40)).await;
        }
    });
}
