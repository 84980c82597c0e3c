//! Request rate limits per client address (防黄牛刷号): a token bucket per
//! address, refilled continuously. In memory: each instance limits what it
//! serves, which is what a kiosk flood looks like.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

pub struct RateLimiter {
    per_minute: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> RateLimiter {
        let per_minute = f64::from(per_minute.max(1));
        RateLimiter {
            per_minute,
            burst: (per_minute / 3.0).max(5.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `client`; `false` when the client is over its rate.
    pub fn allow(&self, client: &str) -> bool {
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return true;
        };
        if buckets.len() > 100_000 {
            // Forget idle clients rather than grow without bound.
            buckets.retain(|_, (_, at)| now.duration_since(*at).as_secs() < 120);
        }
        let (tokens, at) = buckets.entry(client.to_owned()).or_insert((self.burst, now));
        let refill = now.duration_since(*at).as_secs_f64() * self.per_minute / 60.0;
        *tokens = (*tokens + refill).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

impl crate::AppState {
    /// Takes one public form submission (booking page, home-visit request)
    /// from `client`; over the rate it is recorded for supervision and refused.
    pub async fn check_public_rate(&self, client: &str) -> Result<(), crate::ApiError> {
        if !self.app.settings.security.rate_limit || self.public_limiter.allow(client) {
            return Ok(());
        }
        let actor = app::Actor {
            username: "网上申请".into(),
            role: None,
        };
        self.app
            .audit(&actor, "public.rate_limited", client, "提交过于频繁被拒绝")
            .await?;
        Err(crate::ApiError::new(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "提交过于频繁，请稍后再试或到咨询台",
        ))
    }
}

/// The keyboard's lookups per minute per address, as a multiple of the
/// tickets' (60 a minute: 240 lookups, a burst of 80 taps).
pub const KEYBOARD_RATE_FACTOR: u32 = 4;

impl crate::AppState {
    /// Takes one lookup of the kiosk's on-screen keyboard (issue 17 part 1)
    /// from `client`; over the rate it is refused (429), not audited: the
    /// candidates are the hall's public words, nothing to guess.
    pub fn check_keyboard_rate(&self, client: &str) -> Result<(), crate::ApiError> {
        if !self.app.settings.security.rate_limit || self.keyboard_limiter.allow(client) {
            return Ok(());
        }
        tracing::warn!("keyboard lookups over the rate");
        Err(crate::ApiError::new(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "输入过快，请稍后再试",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_refusal_per_client() {
        let limiter = RateLimiter::new(60);
        let allowed = (0..50).filter(|_| limiter.allow("10.0.0.1")).count();
        assert_eq!(allowed, 20);
        assert!(limiter.allow("10.0.0.2"), "other clients are not affected");
    }
}
