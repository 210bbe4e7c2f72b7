//! Browser sessions: a password signs a user in, and a random token in a cookie
//! (`HttpOnly; Secure; SameSite=Strict`) carries the session. The store keeps only the token's
//! hash, so every server process of the store knows every session and a restart signs nobody
//! out. Each process remembers what it read for a couple of seconds, so a request reads the
//! store only when a session was not checked lately, and marks a session used in the store at
//! most once a minute.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use interdict_store::{Directory, SessionRow};
use rand::RngCore;
use rustc_hash::FxHashMap;

pub const COOKIE: &str = "interdict_session";

/// How long a session lasts without being used.
const IDLE: Duration = Duration::from_secs(8 * 3600);
/// How long a process trusts what it read of a session: a sign-out in another process takes
/// effect here within this time.
const RECHECK: Duration = Duration::from_secs(2);
/// How stale the stored last use may grow before it is written again.
const TOUCH_EVERY: i64 = 60;

/// What this process last read of a session.
struct Known {
    user: String,
    checked: Instant,
    /// The last use as stored, in Unix seconds.
    stored_seen: i64,
}

pub(crate) struct Sessions {
    store: Mutex<Box<dyn Directory + Send>>,
    known: Mutex<FxHashMap<[u8; 32], Known>>,
    idle: Duration,
    recheck: Duration,
}

fn digest(token: &str) -> [u8; 32] {
    *blake3::hash(token.as_bytes()).as_bytes()
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl Sessions {
    /// Sessions kept in the store behind `store`, a connection of their own.
    pub fn new(store: Box<dyn Directory + Send>) -> Sessions {
        Sessions::with_times(store, IDLE, RECHECK)
    }

    fn with_times(store: Box<dyn Directory + Send>, idle: Duration, recheck: Duration) -> Sessions {
        Sessions {
            store: Mutex::new(store),
            known: Mutex::default(),
            idle,
            recheck,
        }
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Box<dyn Directory + Send>> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn known(&self) -> std::sync::MutexGuard<'_, FxHashMap<[u8; 32], Known>> {
        self.known.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts a session for `user`; gives the token for the cookie. Sessions idle for longer
    /// than a session lasts are cleared out on the way.
    pub fn start(&self, user: &str) -> Result<String, String> {
        let mut b = [0u8; 32];
        rand::rng().fill_bytes(&mut b);
        let token: String = b.iter().map(|x| format!("{x:02x}")).collect();
        let now = unix_now();
        let hash = digest(&token);
        {
            let mut store = self.store();
            // Expired exactly when `user` would refuse it: idle for the whole period or more.
            store
                .end_sessions(None, now - self.idle.as_secs() as i64 + 1)
                .map_err(|e| e.to_string())?;
            store
                .add_session(&SessionRow {
                    token_hash: hash,
                    user: user.to_string(),
                    started: now,
                    last_seen: now,
                })
                .map_err(|e| e.to_string())?;
        }
        self.known().insert(
            hash,
            Known {
                user: user.to_string(),
                checked: Instant::now(),
                stored_seen: now,
            },
        );
        Ok(token)
    }

    /// The user of a live session, which stays alive for another idle period.
    pub fn user(&self, token: &str) -> Result<Option<String>, String> {
        let hash = digest(token);
        let now = unix_now();
        let recent = {
            let known = self.known();
            known
                .get(&hash)
                .filter(|k| k.checked.elapsed() < self.recheck)
                .map(|k| (k.user.clone(), k.stored_seen))
        };
        let (user, stored_seen) = match recent {
            Some(r) => r,
            None => {
                let row = self.store().session(&hash).map_err(|e| e.to_string())?;
                let Some(row) = row.filter(|r| now - r.last_seen < self.idle.as_secs() as i64)
                else {
                    self.known().remove(&hash);
                    return Ok(None);
                };
                self.known().insert(
                    hash,
                    Known {
                        user: row.user.clone(),
                        checked: Instant::now(),
                        stored_seen: row.last_seen,
                    },
                );
                (row.user, row.last_seen)
            }
        };
        if now - stored_seen >= TOUCH_EVERY {
            self.store()
                .touch_session(&hash, now)
                .map_err(|e| e.to_string())?;
            if let Some(k) = self.known().get_mut(&hash) {
                k.stored_seen = now;
            }
        }
        Ok(Some(user))
    }

    /// Ends a session in every process: this one at once, the others within seconds.
    pub fn end(&self, token: &str) -> Result<(), String> {
        let hash = digest(token);
        self.known().remove(&hash);
        self.store()
            .end_session(&hash)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// The session token in a `Cookie` header, if any.
pub fn token_in(cookie_header: &str) -> Option<&str> {
    cookie_header
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, v)| v.trim())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn set_cookie(token: &str) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={}",
        IDLE.as_secs()
    )
}

pub fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_store::{OrgRow, SqliteStore, UserRow};

    fn store(path: &std::path::Path) -> Box<dyn Directory + Send> {
        Box::new(SqliteStore::open(path).unwrap())
    }

    fn with_user(path: &std::path::Path) {
        let mut s = store(path);
        s.add_org(&OrgRow {
            name: "uk".into(),
            kind: "customs".into(),
            created_at: "t".into(),
        })
        .unwrap();
        s.add_user(&UserRow {
            name: "ann".into(),
            org: "uk".into(),
            role: "officer".into(),
            password_hash: None,
            created_at: "t".into(),
            disabled: false,
        })
        .unwrap();
    }

    #[test]
    fn a_session_names_its_user_until_it_ends() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        with_user(&db);
        let s = Sessions::new(store(&db));
        let t = s.start("ann").unwrap();
        assert_eq!(s.user(&t).unwrap().as_deref(), Some("ann"));
        let header = format!("theme=dark; {COOKIE}={t}; other=1");
        assert_eq!(token_in(&header), Some(t.as_str()));
        assert_eq!(token_in("interdict_session=short"), None);
        assert_eq!(s.user(&"0".repeat(64)).unwrap(), None);
        s.end(&t).unwrap();
        assert_eq!(s.user(&t).unwrap(), None);
        assert!(set_cookie(&t).contains("HttpOnly; Secure; SameSite=Strict"));
        assert!(s.start("nobody").is_err(), "a session needs a user");
    }

    #[test]
    fn sessions_outlive_a_restart_and_are_shared_between_processes() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        with_user(&db);
        let first = Sessions::with_times(store(&db), IDLE, Duration::ZERO);
        let t = first.start("ann").unwrap();
        drop(first);
        // A restarted server, and a second one, each with a connection of its own.
        let restarted = Sessions::with_times(store(&db), IDLE, Duration::ZERO);
        let other = Sessions::with_times(store(&db), IDLE, Duration::ZERO);
        assert_eq!(restarted.user(&t).unwrap().as_deref(), Some("ann"));
        assert_eq!(other.user(&t).unwrap().as_deref(), Some("ann"));
        other.end(&t).unwrap();
        assert_eq!(restarted.user(&t).unwrap(), None, "signed out everywhere");
    }

    #[test]
    fn an_idle_session_ends() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        with_user(&db);
        let s = Sessions::with_times(store(&db), Duration::ZERO, Duration::ZERO);
        let t = s.start("ann").unwrap();
        assert_eq!(s.user(&t).unwrap(), None);
        // Starting another session clears the idle one out of the store.
        let _ = s.start("ann").unwrap();
        assert_eq!(
            store(&db).session(&digest(&t)).unwrap(),
            None,
            "cleared on the next sign-in"
        );
    }
}
