//! The loopback fake of the LINE platform as a process of its own, for
//! checking an installed package from outside (`.ci/run` runs the
//! installed `leakguard serve` and `leakguard doctor --fix` against it).
//! It prints its base URL (for `[line] api_base`) on the first line of
//! standard output and serves until killed. The channel has the given
//! secret and access token, and no webhook URL set yet.
//!
//! ```text
//! cargo run --release --example fake_line -- SECRET TOKEN
//! ```

use std::io::Write;

use leakguard::line::fake::FakeLine;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(secret), Some(token)) = (args.next(), args.next()) else {
        eprintln!("usage: fake_line CHANNEL_SECRET ACCESS_TOKEN");
        std::process::exit(2);
    };
    let fake = FakeLine::start(&token)
        .await
        .unwrap_or_else(|e| panic!("cannot listen on 127.0.0.1: {e}"));
    fake.set_channel_secret(&secret);
    fake.set_webhook("", true);
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", fake.base_url()).expect("stdout");
    out.flush().expect("stdout");
    drop(out);
    std::future::pending::<()>().await;
}
