//! The clock (时钟): every use case reads the time through the [`App`]'s
//! clock, so tests can move time on (a deadline passes, an appointment is
//! missed) without sleeping. `govhall serve` uses the system clock.
//!
//! [`App`]: crate::App

use jiff::{SignedDuration, Timestamp};
use std::sync::{Arc, Mutex, PoisonError};

/// Where the time comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The instant now (UTC); business dates derive from it in the hall's time zone.
    fn now(&self) -> Timestamp;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that stands still until a test sets it or moves it on. Clones
/// share the same time, so the test keeps one and gives the other to the app.
#[derive(Debug, Clone)]
pub struct TestClock {
    at: Arc<Mutex<Timestamp>>,
}

impl TestClock {
    pub fn new(at: Timestamp) -> TestClock {
        TestClock {
            at: Arc::new(Mutex::new(at)),
        }
    }

    /// Sets the time.
    pub fn set(&self, at: Timestamp) {
        *self.at.lock().unwrap_or_else(PoisonError::into_inner) = at;
    }

    /// Moves the time on (or back, with a negative duration).
    pub fn advance(&self, by: SignedDuration) {
        let mut at = self.at.lock().unwrap_or_else(PoisonError::into_inner);
        *at = at.saturating_add(by).unwrap_or(*at);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        *self.at.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_clock_stands_still_until_moved_and_clones_share_it() {
        let start: Timestamp = "2026-03-02T01:00:00Z".parse().unwrap();
        let clock = TestClock::new(start);
        let shared: Arc<dyn Clock> = Arc::new(clock.clone());
        assert_eq!(shared.now(), start);
        clock.advance(SignedDuration::from_hours(25));
        assert_eq!(shared.now(), "2026-03-03T02:00:00Z".parse().unwrap());
        clock.set(start);
        assert_eq!(shared.now(), start);
        assert!(SystemClock.now() > start);
    }
}
