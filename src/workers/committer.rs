//! Group commit of accepted events. A webhook request hands its plans to
//! the committer, which writes the plans of every request waiting at that
//! moment in one transaction; the request answers 200 only once its plans
//! are on disk, and 503 (so the platform redelivers) if they cannot be.
//!
//! The committer runs on a thread of its own, with a single-threaded
//! runtime: on the shared runtime, the wake-up that follows each store
//! round trip waited in a queue behind the request handlers, and under
//! load that added about a third of a millisecond to every commit.

use tokio::sync::{mpsc, oneshot};

use super::Wakers;
use crate::clock::Clock;
use crate::pipeline::plan::Plan;
use crate::store::{Held, Store};

/// Most plans written in one transaction.
const COMMIT_BATCH: usize = 256;

/// Yields without a new job before a transaction starts anyway.
const COMMIT_YIELDS: u32 = 4;

/// The plans of one request, and where to say how they fared: the number
/// applied, or why nothing was.
#[derive(Debug)]
pub struct Job {
    /// The plans, in event order.
    pub plans: Vec<Plan>,
    /// Answered once the transaction holding them has committed or failed.
    pub done: oneshot::Sender<Result<usize, String>>,
}

/// Starts `commit_loop` on the thread `leakguard-commit`, with a
/// single-threaded runtime of its own.
pub fn start(
    store: Store,
    jobs: mpsc::Receiver<Job>,
    wakers: Wakers,
    clock: Clock,
) -> std::io::Result<oneshot::Receiver<()>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (finished, committer) = oneshot::channel();
    std::thread::Builder::new()
        .name("leakguard-commit".into())
        .spawn(move || {
            // The loop ends when the last sender (the router) is gone. The
            // connection it held may still be on its way back to the pool
            // (a task of this runtime); if so, it is closed with the
            // runtime, and the pool opens a new one when next asked.
            runtime.block_on(commit_loop(store, jobs, wakers, clock));
            let _ = finished.send(());
        })?;
    Ok(committer)
}

/// Consecutive batches the committer writes on one held connection before
/// it gives the connection back to the pool (on SQLite the pool's only
/// one), so that the outbox and the report pages get their turn.
const HOLD_BATCHES: u32 = 8;

/// Group commit: every job waiting when a transaction starts goes into it.
/// If a combined transaction fails, each job is retried alone so one bad
/// plan cannot fail its neighbours.
///
/// While batches follow one another the committer keeps its connection:
/// sqlx pings a connection on its way back to the pool, which on SQLite is
/// one more round trip to the connection's thread per commit. It gives the
/// connection back when no job is waiting, and after [`HOLD_BATCHES`].
async fn commit_loop(store: Store, mut jobs: mpsc::Receiver<Job>, wakers: Wakers, clock: Clock) {
    let mut pending: Vec<Job> = Vec::new();
    let mut last_batch = 0;
    let mut held: Option<Held> = None;
    let mut held_batches = 0;
    loop {
        let first = match jobs.try_recv() {
            Ok(j) => j,
            Err(mpsc::error::TryRecvError::Disconnected) => break,
            Err(mpsc::error::TryRecvError::Empty) => {
                held = None;
                match jobs.recv().await {
                    Some(j) => j,
                    None => break,
                }
            }
        };
        pending.push(first);
        let mut plans = pending[0].plans.len();
        // Under load, requests parsed while the last commit was syncing
        // are still on their way: yielding a few times lets them join
        // this transaction instead of waiting for the next fsync.
        let mut idle_yields = 0;
        while plans < COMMIT_BATCH && idle_yields < COMMIT_YIELDS {
            match jobs.try_recv() {
                Ok(j) => {
                    plans += j.plans.len();
                    pending.push(j);
                    idle_yields = 0;
                }
                Err(_) if last_batch > 1 => {
                    idle_yields += 1;
                    tokio::task::yield_now().await;
                }
                Err(_) => break,
            }
        }
        last_batch = pending.len();
        let all: Vec<Plan> = pending
            .iter()
            .flat_map(|j| j.plans.iter().cloned())
            .collect();
        let started = std::time::Instant::now();
        if held_batches >= HOLD_BATCHES {
            held = None;
        }
        let conn = match &mut held {
            Some(conn) => conn,
            None => match store.hold().await {
                Ok(conn) => {
                    held_batches = 0;
                    held.insert(conn)
                }
                Err(e) => {
                    for j in pending.drain(..) {
                        let _ = j.done.send(Err(e.to_string()));
                    }
                    continue;
                }
            },
        };
        held_batches += 1;
        let result = store.accept_on(conn, &all, clock.now_ms()).await;
        crate::metrics::commit(started.elapsed().as_secs_f64(), all.len());
        match result {
            Ok(acc) => {
                wakers.after(&acc);
                for j in pending.drain(..) {
                    let _ = j.done.send(Ok(j.plans.len()));
                }
            }
            // A connection a statement just failed on goes back to the
            // pool, whose ping on return tells whether it still works.
            Err(e) if pending.len() == 1 => {
                held = None;
                let j = pending.pop().expect("one job");
                let _ = j.done.send(Err(e.to_string()));
            }
            Err(_) => {
                // The retries take connections of their own: on SQLite the
                // held one must be back in the pool first.
                held = None;
                for j in pending.drain(..) {
                    let r = store.accept(&j.plans, clock.now_ms()).await;
                    if let Ok(acc) = &r {
                        wakers.after(acc);
                    }
                    let _ = j
                        .done
                        .send(r.map(|_| j.plans.len()).map_err(|e| e.to_string()));
                }
            }
        }
    }
}
