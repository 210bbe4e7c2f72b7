//! Browser sessions: a password signs a user in, and a random token in a cookie
//! (`HttpOnly; Secure; SameSite=Strict`) carries the session. The server keeps only the
//! token's hash; a restart signs everyone out.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::RngCore;
use rustc_hash::FxHashMap;

pub const COOKIE: &str = "interdict_session";

/// How long a session lasts without being used.
const IDLE: Duration = Duration::from_secs(8 * 3600);

#[derive(Default)]
pub(crate) struct Sessions {
    live: Mutex<FxHashMap<[u8; 32], (String, Instant)>>,
}

fn digest(token: &str) -> [u8; 32] {
    *blake3::hash(token.as_bytes()).as_bytes()
}

impl Sessions {
    /// Starts a session for `user`; gives the token for the cookie.
    pub fn start(&self, user: &str) -> String {
        let mut b = [0u8; 32];
        rand::rng().fill_bytes(&mut b);
        let token: String = b.iter().map(|x| format!("{x:02x}")).collect();
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        live.retain(|_, (_, at)| now.duration_since(*at) < IDLE);
        live.insert(digest(&token), (user.to_string(), now));
        token
    }

    /// The user of a live session, which stays alive for another idle period.
    pub fn user(&self, token: &str) -> Option<String> {
        let mut live = self.live.lock().unwrap_or_else(|p| p.into_inner());
        let key = digest(token);
        let now = Instant::now();
        match live.get_mut(&key) {
            Some((user, at)) if now.duration_since(*at) < IDLE => {
                *at = now;
                Some(user.clone())
            }
            Some(_) => {
                live.remove(&key);
                None
            }
            None => None,
        }
    }

    pub fn end(&self, token: &str) {
        self.live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&digest(token));
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

    #[test]
    fn a_session_names_its_user_until_it_ends() {
        let s = Sessions::default();
        let t = s.start("ann");
        assert_eq!(s.user(&t).as_deref(), Some("ann"));
        let header = format!("theme=dark; {COOKIE}={t}; other=1");
        assert_eq!(token_in(&header), Some(t.as_str()));
        assert_eq!(token_in("interdict_session=short"), None);
        s.end(&t);
        assert_eq!(s.user(&t), None);
        assert!(set_cookie(&t).contains("HttpOnly; Secure; SameSite=Strict"));
    }
}
