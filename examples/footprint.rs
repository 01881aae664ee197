//! Start-up, pack reload and idle memory of the release binary, measured
//! from outside as an operator would see them:
//!
//! - start-up: from spawning `leakguard serve` to the first `GET /readyz`
//!   that answers 200 (a fresh SQLite database each time, so migrations
//!   are included), polled every millisecond;
//! - reload: SIGHUP, then the server's own `packs reloaded` log line,
//!   which carries the time to compile and swap in the packs;
//! - memory: the process's peak resident set (`VmHWM`) once ready.
//!
//! ```text
//! cargo build --release && cargo run --release --example footprint -- --runs 15
//! ```
//!
//! Loopback only; every server it starts is stopped before it exits.

#[path = "support/mod.rs"]
mod support;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{peak_rss_mib, start_serve, Channel};

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn ready(addr: &str) -> bool {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
    if s.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 16];
    matches!(s.read(&mut buf), Ok(n) if n >= 12 && &buf[9..12] == b"200")
}

struct Serve {
    child: Child,
    log: std::path::PathBuf,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a server on a fresh database; returns it, its address and the
/// milliseconds from spawn to ready.
fn start(dir: &std::path::Path, n: usize) -> (Serve, String, f64) {
    let config = dir.join(format!("leakguard-{n}.toml"));
    std::fs::write(
        &config,
        format!(
            "[server]\nlisten = \"127.0.0.1:0\"\n[line]\napi_base = \"http://127.0.0.1:9\"\n\
             data_api_base = \"http://127.0.0.1:9\"\n[store]\nurl = \"sqlite://{}\"\n",
            dir.join(format!("db-{n}/leakguard.db")).display()
        ),
    )
    .unwrap();
    let log = dir.join(format!("serve-{n}.log"));
    let t = Instant::now();
    let stderr = Stdio::from(std::fs::File::create(&log).unwrap());
    let (child, addr) = start_serve(
        &config,
        Channel {
            secret: "footprint-secret",
            token: "footprint-token",
        },
        "info",
        stderr,
    );
    while !ready(&addr) {
        assert!(t.elapsed() < Duration::from_secs(10), "not ready in 10 s");
        std::thread::sleep(Duration::from_millis(1));
    }
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    (Serve { child, log }, addr, ms)
}

/// The `elapsed_us` of the `nth` `packs reloaded` line, waiting for it.
fn reload_us(log: &std::path::Path, nth: usize) -> f64 {
    let t = Instant::now();
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("packs reloaded"))
            .collect();
        if let Some(l) = lines.get(nth) {
            let v = l
                .split("elapsed_us=")
                .nth(1)
                .expect("elapsed_us in the log line");
            return v.split_whitespace().next().unwrap().parse().unwrap();
        }
        assert!(t.elapsed() < Duration::from_secs(10), "no reload logged");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn main() {
    let mut runs = 15usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            other => panic!("unknown argument {other}"),
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let (mut startup, mut ready_rss) = (Vec::new(), Vec::new());
    for n in 0..runs {
        let (serve, _, ms) = start(dir.path(), n);
        startup.push(ms);
        ready_rss.push(peak_rss_mib(serve.child.id()));
    }
    let (serve, _, _) = start(dir.path(), runs);
    let mut reload = Vec::new();
    for i in 0..runs {
        Command::new("kill")
            .args(["-HUP", &serve.child.id().to_string()])
            .status()
            .unwrap();
        reload.push(reload_us(&serve.log, i) / 1000.0);
    }
    let rss_after_reloads = peak_rss_mib(serve.child.id());
    drop(serve);
    println!(
        "runs {runs}  ({} cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "start-up to /readyz 200: median {:.1} ms  (min {:.1}, max {:.1})",
        median(&mut startup.clone()),
        startup.iter().cloned().fold(f64::INFINITY, f64::min),
        startup.iter().cloned().fold(0.0, f64::max)
    );
    println!(
        "pack reload (compile + swap): median {:.1} ms  (min {:.1}, max {:.1})",
        median(&mut reload.clone()),
        reload.iter().cloned().fold(f64::INFINITY, f64::min),
        reload.iter().cloned().fold(0.0, f64::max)
    );
    println!(
        "peak RSS when ready: median {:.1} MiB;  after {runs} reloads: {:.1} MiB",
        median(&mut ready_rss),
        rss_after_reloads
    );
}
