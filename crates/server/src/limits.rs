//! Per-key rate limits: a token bucket per API key.

use std::sync::Mutex;
use std::time::Instant;

use rustc_hash::FxHashMap;

pub(crate) struct RateLimits {
    rate: f64,
    burst: f64,
    buckets: Mutex<FxHashMap<String, (f64, Instant)>>,
}

impl RateLimits {
    pub fn new(rate: f64, burst: f64) -> RateLimits {
        RateLimits {
            rate,
            burst: burst.max(1.0),
            buckets: Mutex::new(FxHashMap::default()),
        }
    }

    /// Takes one token from `who`'s bucket; false when it is empty.
    pub fn allow(&self, who: &str) -> bool {
        let now = Instant::now();
        let mut b = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let (tokens, at) = b.entry(who.to_string()).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_and_keys_are_separate() {
        let l = RateLimits::new(0.0, 3.0);
        assert!(l.allow("a") && l.allow("a") && l.allow("a"));
        assert!(!l.allow("a"));
        assert!(l.allow("b"));
    }
}
