//! Time is injected: a server on a fixed clock applies its time rules to
//! that clock, so a test moves the clock instead of waiting.

use leakguard::clock::Clock;
use leakguard::line::fake::webhook;

use crate::support::*;

fn risky(local: &Local) -> serde_json::Value {
    webhook::text(
        &format!("01EV{}", unique()),
        webhook::group_source(GROUP, Some(ALICE)),
        Some(&local.fake.reply_token(GROUP)),
        &format!("9{}", unique()),
        INSPECTION,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cooldown_runs_on_the_injected_clock() {
    // 2026-12-01 10:00 in Taipei, standing still.
    let start = 1_764_554_400_000;
    let clock = Clock::fixed(start);
    let local = Local::start(clock.clone(), 60, Vec::new()).await;
    let warnings = |local: &Local| {
        local
            .fake
            .deliveries()
            .iter()
            .filter(|d| d.to.as_deref() == Some(GROUP))
            .count()
    };

    assert_eq!(local.events(vec![risky(&local)]).await, 200);
    local.settle().await;
    assert_eq!(warnings(&local), 1);
    // Real time passes, the clock does not: still within the cooldown.
    assert_eq!(local.events(vec![risky(&local)]).await, 200);
    local.settle().await;
    assert_eq!(warnings(&local), 1, "held back by the cooldown");
    // 59 s later on the clock: still held back.
    clock.set(start + 59_000);
    assert_eq!(local.events(vec![risky(&local)]).await, 200);
    local.settle().await;
    assert_eq!(warnings(&local), 1);
    // 61 s after the first warning: warned again, at once.
    clock.set(start + 61_000);
    assert_eq!(local.events(vec![risky(&local)]).await, 200);
    local.settle().await;
    assert_eq!(warnings(&local), 2);
    let actions: Vec<String> = local
        .server
        .store()
        .incidents()
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.action)
        .collect();
    assert_eq!(actions, ["alerted", "cooldown", "cooldown", "alerted"]);
    local.server.shutdown().await;
}
