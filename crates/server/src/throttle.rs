//! Sign-in throttling. Every refused sign-in makes the next attempt for the same user, and
//! from the same address, wait longer: nothing for the first few, then a second, doubling up
//! to a minute. There is no lockout: once the wait is over the right password works, so
//! nobody can keep an officer out by guessing at their name; a guesser only slows down.
//! Failures are forgotten after a quiet quarter of an hour, or for the user on success.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;

/// Refused attempts allowed before any wait.
const FREE: u32 = 3;
/// The wait after the first refusal beyond the free ones; it doubles with each further one.
const FIRST_WAIT: Duration = Duration::from_secs(1);
const LONGEST_WAIT: Duration = Duration::from_secs(60);
/// Failures with no further attempt for this long are forgotten.
const FORGET: Duration = Duration::from_secs(15 * 60);
/// Past this many tracked names and addresses, forgotten ones are cleared out.
const PRUNE_AT: usize = 100_000;

struct Strikes {
    failures: u32,
    last: Instant,
}

#[derive(Default)]
pub(crate) struct SignInThrottle {
    strikes: Mutex<FxHashMap<String, Strikes>>,
}

/// How long an attempt must wait after `failures` refusals.
fn wait_after(failures: u32) -> Duration {
    if failures < FREE {
        return Duration::ZERO;
    }
    let doublings = (failures - FREE).min(16);
    (FIRST_WAIT * 2u32.pow(doublings)).min(LONGEST_WAIT)
}

/// The keys an attempt is counted under: its user and its address.
pub(crate) fn keys(user: &str, address: &str) -> [String; 2] {
    [format!("user:{user}"), format!("address:{address}")]
}

impl SignInThrottle {
    fn strikes(&self) -> std::sync::MutexGuard<'_, FxHashMap<String, Strikes>> {
        self.strikes.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How much longer an attempt under `keys` must wait; zero when it may go ahead.
    pub fn wait(&self, keys: &[String]) -> Duration {
        self.wait_at(keys, Instant::now())
    }

    fn wait_at(&self, keys: &[String], now: Instant) -> Duration {
        let strikes = self.strikes();
        keys.iter()
            .filter_map(|k| strikes.get(k))
            .filter(|s| now.duration_since(s.last) < FORGET)
            .map(|s| wait_after(s.failures).saturating_sub(now.duration_since(s.last)))
            .max()
            .unwrap_or(Duration::ZERO)
    }

    /// Counts a refused attempt under every key.
    pub fn refused(&self, keys: &[String]) {
        self.refused_at(keys, Instant::now());
    }

    fn refused_at(&self, keys: &[String], now: Instant) {
        let mut strikes = self.strikes();
        if strikes.len() > PRUNE_AT {
            strikes.retain(|_, s| now.duration_since(s.last) < FORGET);
        }
        for k in keys {
            let s = strikes.entry(k.clone()).or_insert(Strikes {
                failures: 0,
                last: now,
            });
            if now.duration_since(s.last) >= FORGET {
                s.failures = 0;
            }
            s.failures += 1;
            s.last = now;
        }
    }

    /// A user signed in: their own failures are forgotten (the address's are not).
    pub fn signed_in(&self, user_key: &str) {
        self.strikes().remove(user_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_with_refusals_and_never_become_a_lockout() {
        assert_eq!(wait_after(0), Duration::ZERO);
        assert_eq!(wait_after(FREE - 1), Duration::ZERO);
        assert_eq!(wait_after(FREE), FIRST_WAIT);
        assert_eq!(wait_after(FREE + 1), FIRST_WAIT * 2);
        assert_eq!(wait_after(FREE + 3), FIRST_WAIT * 8);
        assert_eq!(wait_after(10_000), LONGEST_WAIT);
    }

    #[test]
    fn a_user_and_an_address_are_held_back_apart_and_forgotten() {
        let t = SignInThrottle::default();
        let start = Instant::now();
        let ann = keys("ann", "10.0.0.1");
        for _ in 0..FREE {
            assert_eq!(t.wait_at(&ann, start), Duration::ZERO);
            t.refused_at(&ann, start);
        }
        assert_eq!(t.wait_at(&ann, start), FIRST_WAIT);
        // The same user from elsewhere waits; another user from the same address waits too.
        assert_eq!(t.wait_at(&keys("ann", "10.9.9.9"), start), FIRST_WAIT);
        assert_eq!(t.wait_at(&keys("bob", "10.0.0.1"), start), FIRST_WAIT);
        assert_eq!(t.wait_at(&keys("bob", "10.9.9.9"), start), Duration::ZERO);
        // The wait runs out.
        assert_eq!(t.wait_at(&ann, start + FIRST_WAIT), Duration::ZERO);
        t.refused_at(&ann, start + FIRST_WAIT);
        assert_eq!(t.wait_at(&ann, start + FIRST_WAIT), FIRST_WAIT * 2);
        // Signing in forgets the user's failures but not the address's.
        t.signed_in(&ann[0]);
        assert_eq!(
            t.wait_at(&keys("ann", "10.9.9.9"), start + FIRST_WAIT),
            Duration::ZERO
        );
        assert_eq!(
            t.wait_at(&keys("bob", "10.0.0.1"), start + FIRST_WAIT),
            FIRST_WAIT * 2
        );
        // A quiet quarter of an hour forgets everything.
        assert_eq!(t.wait_at(&ann, start + FORGET * 2), Duration::ZERO);
    }
}
