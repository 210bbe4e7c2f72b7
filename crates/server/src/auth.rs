//! Who is calling: API keys (bearer tokens for machines), checked against the directory.
//!
//! A key is `idk_<id>_<secret>`. The store keeps the id and a BLAKE3 hash of the secret, never
//! the secret, which is shown once when the key is made. Keys carry 160 random bits, so a fast
//! hash is enough (password hashing is for low-entropy secrets).

use std::collections::{BTreeMap, BTreeSet};

use interdict_access::{Member, Role, Viewer};
use interdict_store::{Directory, KeyRow, OrgRow, StoreError, UserRow};
use rand::RngCore;
use rustc_hash::FxHashMap;

use crate::error::ApiError;

/// Kinds of organisation the platform knows.
pub const ORG_KINDS: [&str; 5] = ["marketplace", "carrier", "customs", "brand", "coordinator"];

pub type Groups = BTreeMap<String, BTreeSet<Member>>;

/// The directory as the server holds it in memory, reloaded when it changes.
#[derive(Default, PartialEq)]
pub struct DirectoryView {
    pub orgs: BTreeMap<String, OrgRow>,
    pub users: FxHashMap<String, UserRow>,
    pub keys: FxHashMap<String, KeyRow>,
    pub groups: Groups,
}

impl DirectoryView {
    pub fn load(dir: &dyn Directory) -> Result<DirectoryView, StoreError> {
        let mut groups = Groups::new();
        for (name, members) in dir.groups()? {
            groups.insert(name, members.iter().map(|m| Member::parse(m)).collect());
        }
        Ok(DirectoryView {
            orgs: dir
                .orgs()?
                .into_iter()
                .map(|o| (o.name.clone(), o))
                .collect(),
            users: dir
                .users()?
                .into_iter()
                .map(|u| (u.name.clone(), u))
                .collect(),
            keys: dir.keys()?.into_iter().map(|k| (k.id.clone(), k)).collect(),
            groups,
        })
    }

    /// The viewer behind an `Authorization` header, as of `now` (ISO 8601 UTC).
    pub fn authenticate(&self, header: Option<&str>, now: &str) -> Result<Viewer, ApiError> {
        let unauth = |m: &str| ApiError::Unauthenticated(m.to_string());
        let header = header.ok_or_else(|| {
            unauth("this request needs an API key: send `Authorization: Bearer idk_...`")
        })?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or_else(|| unauth("the Authorization header must be `Bearer <key>`"))?
            .trim();
        let (id, secret) = split_key(token).ok_or_else(|| unauth("not an interdict API key"))?;
        let bad = || unauth("unknown, expired or revoked API key");
        let key = self.keys.get(id).ok_or_else(bad)?;
        if blake3::hash(secret.as_bytes())
            != blake3::Hash::from_slice(&key.secret_hash).map_err(|_| bad())?
        {
            return Err(bad());
        }
        if key.revoked_at.is_some() || key.expires_at.as_str() <= now {
            return Err(bad());
        }
        self.viewer_of(&key.user).map_err(|_| bad())
    }

    /// The viewer a user is, when the user exists and is not disabled.
    pub fn viewer_of(&self, name: &str) -> Result<Viewer, ApiError> {
        let bad = || ApiError::Unauthenticated("unknown or disabled user".into());
        let user = self.users.get(name).ok_or_else(bad)?;
        if user.disabled {
            return Err(bad());
        }
        let role: Role = user
            .role
            .parse()
            .map_err(|_| ApiError::Internal(format!("user {} has an unknown role", user.name)))?;
        Ok(Viewer {
            org: user.org.clone(),
            user: user.name.clone(),
            role,
        })
    }
}

/// Hashes a password for storage (argon2id, a random salt, PHC string).
pub fn hash_password(password: &str) -> Result<String, String> {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

/// Whether `password` matches a stored PHC string. Unknown users are checked against a fixed
/// hash, so the answer takes as long whether or not the user exists.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("not a password").unwrap_or_default());
    let (phc, real) = match stored {
        Some(s) => (s, true),
        None => (dummy.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    argon2::Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
        && real
}

fn split_key(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix("idk_")?;
    let (id, secret) = rest.split_once('_')?;
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    (hex(id, 12) && hex(secret, 40)).then_some((id, secret))
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A new key for `user`: the row to store and the token to show once.
pub fn new_key(user: &str, created_at: &str, expires_at: &str) -> (KeyRow, String) {
    let id = random_hex(6);
    let secret = random_hex(20);
    let row = KeyRow {
        id: id.clone(),
        user: user.to_string(),
        secret_hash: blake3::hash(secret.as_bytes()).as_bytes().to_vec(),
        created_at: created_at.to_string(),
        expires_at: expires_at.to_string(),
        revoked_at: None,
    };
    (row, format!("idk_{id}_{secret}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory() -> (DirectoryView, String) {
        let mut d = DirectoryView::default();
        d.users.insert(
            "ann".into(),
            UserRow {
                name: "ann".into(),
                org: "customs".into(),
                role: "officer".into(),
                password_hash: None,
                created_at: "2026-01-01T00:00:00Z".into(),
                disabled: false,
            },
        );
        let (row, token) = new_key("ann", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
        d.keys.insert(row.id.clone(), row);
        (d, token)
    }

    #[test]
    fn a_live_key_names_its_user() {
        let (d, token) = directory();
        let v = d
            .authenticate(Some(&format!("Bearer {token}")), "2026-06-01T00:00:00Z")
            .unwrap();
        assert_eq!(
            (v.org.as_str(), v.user.as_str(), v.role),
            ("customs", "ann", Role::Officer)
        );
    }

    #[test]
    fn wrong_expired_revoked_and_disabled_keys_are_refused() {
        let (mut d, token) = directory();
        let now = "2026-06-01T00:00:00Z";
        let header = format!("Bearer {token}");
        assert!(d.authenticate(None, now).is_err());
        assert!(d.authenticate(Some(&token), now).is_err());
        let mut forged = token.clone();
        forged.pop();
        forged.push(if token.ends_with('0') { '1' } else { '0' });
        assert!(
            d.authenticate(Some(&format!("Bearer {forged}")), now)
                .is_err()
        );
        assert!(
            d.authenticate(Some(&header), "2027-01-01T00:00:00Z")
                .is_err()
        );
        d.users.get_mut("ann").unwrap().disabled = true;
        assert!(d.authenticate(Some(&header), now).is_err());
        d.users.get_mut("ann").unwrap().disabled = false;
        d.keys.values_mut().next().unwrap().revoked_at = Some(now.into());
        let e = d.authenticate(Some(&header), now).unwrap_err();
        assert_eq!(e.code(), "unauthenticated");
    }
}
