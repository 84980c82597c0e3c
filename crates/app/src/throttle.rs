//! Security throttles (安全限流): wrong passwords, pairing codes and public
//! lookups are counted per address and per target (an account at an address,
//! a case number), so guessing slows down without ever locking an account for
//! everyone. They are security controls: `rate_limit = false` (load tests)
//! does not turn them off.

use crate::{AppError, AppResult};
use jiff::SignedDuration;

/// One counter: what is guessed at, by whom, and how many wrong guesses the
/// window allows.
#[derive(Debug, Clone)]
pub struct Guard {
    pub scope: &'static str,
    pub key: String,
    pub max: i64,
    pub window_minutes: i64,
}

impl Guard {
    pub fn new(scope: &'static str, key: impl Into<String>, max: i64, window_minutes: i64) -> Guard {
        Guard {
            scope,
            key: key.into(),
            max,
            window_minutes,
        }
    }
}

/// Failure rows kept at most; older ones are pruned by the job runner.
pub const KEEP_FAILURES: i64 = 200_000;

impl crate::Hall {
    /// Refuses (429) when any guard has reached its limit.
    pub async fn check_guards(&self, guards: &[Guard]) -> AppResult<()> {
        let now = self.now();
        for g in guards {
            let since = now - SignedDuration::from_mins(g.window_minutes);
            if self
                .throttle_store
                .failures_since(g.scope, &g.key, since, g.max)
                .await?
                >= g.max
            {
                return Err(AppError::TooManyAttempts {
                    retry_after_minutes: g.window_minutes,
                });
            }
        }
        Ok(())
    }

    /// Counts a wrong guess against every guard.
    pub async fn record_guards(&self, guards: &[Guard]) -> AppResult<()> {
        let now = self.now();
        for g in guards {
            self.throttle_store.record_failure(g.scope, &g.key, now).await?;
        }
        Ok(())
    }

    /// Forgets old failures (the job runner, hourly).
    pub async fn prune_security_failures(&self) -> AppResult<u64> {
        Ok(self.throttle_store.prune_failures(KEEP_FAILURES).await?)
    }

    /// The guards of a public lookup by case number or appointment code.
    pub fn lookup_guards(&self, kind: &'static str, target: Option<&str>, client: &str) -> Vec<Guard> {
        let s = &self.settings.security;
        let mut guards = vec![Guard::new(
            "lookup.address",
            client,
            s.lookup_max_failures_per_address,
            s.lookup_window_minutes,
        )];
        if let Some(t) = target.map(str::trim).filter(|t| !t.is_empty()) {
            guards.push(Guard::new(
                kind,
                t,
                s.lookup_max_failures,
                s.lookup_window_minutes,
            ));
        }
        guards
    }
}
