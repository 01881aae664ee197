//! Time, injected: every rule that depends on the time (cooldowns, the
//! weekly schedule, retention, report links, outbox backoff) reads a
//! [`Clock`], so tests and `simulate` can run it on a fixed or moved time
//! instead of waiting. Production uses [`Clock::system`].

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Where the time comes from; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock(None)
    }

    /// A clock that stands at `ms` (Unix milliseconds) until moved.
    pub fn fixed(ms: i64) -> Clock {
        Clock(Some(Arc::new(AtomicI64::new(ms))))
    }

    /// Moves a fixed clock to `ms`; the system clock cannot be moved.
    pub fn set(&self, ms: i64) {
        if let Some(t) = &self.0 {
            t.store(ms, Ordering::Relaxed);
        }
    }

    /// Milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        match &self.0 {
            Some(t) => t.load(Ordering::Relaxed),
            None => now_ms(),
        }
    }

    /// Now, as a timestamp.
    pub fn now(&self) -> jiff::Timestamp {
        jiff::Timestamp::from_millisecond(self.now_ms()).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }
}

/// Milliseconds since the Unix epoch, from the system clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_stands_still_until_moved_and_clones_share_it() {
        let c = Clock::fixed(1_000);
        let d = c.clone();
        assert_eq!(c.now_ms(), 1_000);
        d.set(5_000);
        assert_eq!(c.now_ms(), 5_000);
        assert_eq!(c.now().as_millisecond(), 5_000);
        let before = now_ms();
        assert!(Clock::system().now_ms() >= before);
    }
}
