//! The public port's bounds (issue 15), tried as an attacker would, on raw
//! connections to a server in this process: slow heads and idle
//! connections are closed by the header timeout, a stalled body by the
//! body timeout, a signature that cannot be LINE's is refused before the
//! body is read, bodies past the budget wait instead of piling up, the
//! connection cap holds, and shutdown closes a hung client's connection
//! after the grace period. Bounds on waiting only keep a broken build from
//! hanging the suite; what is asserted is what happens.

use std::time::Duration;

use leakguard::clock::Clock;
use leakguard::config::Config;
use leakguard::line::fake::webhook;
use leakguard::line::signature;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{unique, Local, ALICE, CHATTER, GROUP, SECRET};

/// Longer than any bound below: only keeps a broken build from hanging.
const BOUND: Duration = Duration::from_secs(30);

/// A signature of the right form (base64 of 32 bytes) that signs nothing.
const FORGED: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

async fn local(settings: impl FnOnce(&mut Config)) -> Local {
    Local::start_with(Clock::system(), Vec::new(), settings).await
}

async fn connect(local: &Local) -> TcpStream {
    TcpStream::connect(local.server.addr()).await.unwrap()
}

/// The head of a webhook POST declaring `length` bytes of body.
fn head(signature: &str, length: usize) -> String {
    format!(
        "POST /webhook/line HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         x-line-signature: {signature}\r\nContent-Length: {length}\r\n\r\n"
    )
}

/// Reads until the server has answered a status line or closed; the
/// status, `None` when it closed without one.
async fn status(stream: &mut TcpStream) -> Option<u16> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
            let text = String::from_utf8_lossy(&got);
            if let Some(line) = text.split("\r\n").next().filter(|_| text.contains("\r\n")) {
                return line.split(' ').nth(1).and_then(|s| s.parse().ok());
            }
        }
    };
    tokio::time::timeout(BOUND, read)
        .await
        .expect("neither an answer nor a close within the bound")
}

/// Asserts that the request sent on `stream` gets no answer for a second.
async fn held_back(stream: &mut TcpStream, what: &str) {
    let early = tokio::time::timeout(Duration::from_secs(1), status(stream)).await;
    assert!(early.is_err(), "answered {what}: {early:?}");
}

/// Reads and drops whatever comes until the server closes the connection.
async fn until_closed(stream: &mut TcpStream) {
    let mut buf = [0u8; 4096];
    let drain = async {
        while let Ok(n) = stream.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    };
    tokio::time::timeout(BOUND, drain)
        .await
        .expect("the server kept the connection open");
}

/// A signed webhook with one harmless text, as a full request.
fn real_webhook() -> Vec<u8> {
    let id = unique();
    let source = webhook::group_source(GROUP, Some(ALICE));
    let event = webhook::text(
        &format!("01EV{id}"),
        source,
        None,
        &format!("9{id}"),
        CHATTER,
    );
    let body = webhook::body(vec![event]);
    let sig = signature::sign(SECRET.as_bytes(), body.as_bytes());
    let mut req = head(&sig, body.len()).into_bytes();
    req.extend_from_slice(body.as_bytes());
    req
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_head_sent_a_byte_at_a_time_is_cut_off_by_the_header_timeout() {
    let local = local(|c| c.server.header_timeout_seconds = 1).await;
    let mut stream = connect(&local).await;
    let (mut rx, mut tx) = stream.split();
    let trickle = async {
        // Never finishes the head: one byte every 100 ms for up to 30 s.
        for byte in head(FORGED, 10).bytes().cycle().take(300) {
            if tx.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let closed = async {
        let mut buf = [0u8; 256];
        while let Ok(n) = rx.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    };
    tokio::select! {
        () = closed => {}
        () = trickle => panic!("the slow head was never cut off"),
    }
    local.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_new_or_kept_alive_are_closed_by_the_header_timeout() {
    let local = local(|c| c.server.header_timeout_seconds = 1).await;
    let mut fresh = connect(&local).await;
    let mut kept = connect(&local).await;
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(status(&mut kept).await, Some(200));
    until_closed(&mut kept).await;
    until_closed(&mut fresh).await;
    local.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_body_is_answered_408_by_the_body_timeout_and_closed() {
    let local = local(|c| c.server.body_timeout_seconds = 1).await;
    let mut stream = connect(&local).await;
    stream
        .write_all(head(FORGED, 1000).as_bytes())
        .await
        .unwrap();
    stream.write_all(b"{\"events\":[").await.unwrap();
    assert_eq!(status(&mut stream).await, Some(408));
    until_closed(&mut stream).await;
    local.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_that_cannot_be_lines_is_refused_before_the_body_is_sent() {
    // The body timeout is longer than the bound: an answer can only come
    // from the header check.
    let local = local(|c| c.server.body_timeout_seconds = 300).await;
    for junk in ["junk", "AAAA", &FORGED[..43]] {
        let mut stream = connect(&local).await;
        stream.write_all(head(junk, 1000).as_bytes()).await.unwrap();
        assert_eq!(status(&mut stream).await, Some(401), "{junk}");
    }
    local.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_past_the_budget_waits_until_room_is_made() {
    let local = local(|c| {
        c.server.body_buffer_mib = 1;
        c.server.body_timeout_seconds = 300;
    })
    .await;
    // One stalled body of 1 MiB holds the whole budget.
    let mut hog = connect(&local).await;
    hog.write_all(head(FORGED, 1 << 20).as_bytes())
        .await
        .unwrap();
    hog.write_all(&[b' '; 4096]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut real = connect(&local).await;
    real.write_all(&real_webhook()).await.unwrap();
    held_back(&mut real, "past the budget").await;
    drop(hog);
    assert_eq!(status(&mut real).await, Some(200));
    local.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_connection_cap_a_connection_waits_for_one_to_close() {
    let local = local(|c| {
        c.server.max_connections = 2;
        c.server.header_timeout_seconds = 300;
    })
    .await;
    let first = connect(&local).await;
    let _second = connect(&local).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut third = connect(&local).await;
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    held_back(&mut third, "past the cap").await;
    drop(first);
    assert_eq!(status(&mut third).await, Some(200));
    local.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_a_hung_clients_connection_after_the_grace_period() {
    let local = local(|c| {
        c.server.shutdown_grace_seconds = 1;
        c.server.body_timeout_seconds = 300;
        c.server.header_timeout_seconds = 300;
    })
    .await;
    let mut hung = connect(&local).await;
    hung.write_all(head(FORGED, 1000).as_bytes()).await.unwrap();
    hung.write_all(b"{").await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    tokio::time::timeout(BOUND, local.shutdown())
        .await
        .expect("shutdown waited on the hung client");
    until_closed(&mut hung).await;
}
