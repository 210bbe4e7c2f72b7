//! Who is calling: API keys (bearer tokens for machines), checked against the directory held
//! in memory. What a key and a password are is `interdict_app::credentials`.

use std::collections::{BTreeMap, BTreeSet};

use interdict_access::{Member, Role, Viewer};
use interdict_app::credentials::{secret_matches, split_key};
use interdict_store::{Directory, KeyRow, OrgRow, StoreError, UserRow};
use rustc_hash::FxHashMap;

use crate::error::ApiError;

pub type Groups = BTreeMap<String, BTreeSet<Member>>;

/// The directory as the server holds it in memory, reloaded when it changes.
#[derive(Default, PartialEq)]
pub struct DirectoryView {
    pub orgs: BTreeMap<String, OrgRow>,
    pub users: FxHashMap<String, UserRow>,
    pub keys: FxHashMap<String, KeyRow>,
    pub groups: Groups,
    /// The brands (lowercase) each organisation is an approved owner of (set by the server
    /// from the store beside the directory).
    pub brand_owners: BTreeMap<String, BTreeSet<String>>,
    /// Every investigation case, and the cases on each actor (set by the server from the
    /// directory's cases).
    pub cases: BTreeMap<String, interdict_app::cases::Case>,
    pub cases_by_actor: interdict_app::cases::ByActor,
}

impl DirectoryView {
    /// Holds `cases`, indexed by the actors they are on.
    pub fn set_cases(&mut self, cases: BTreeMap<String, interdict_app::cases::Case>) {
        self.cases_by_actor = interdict_app::cases::ByActor::new(&cases);
        self.cases = cases;
    }

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
            brand_owners: BTreeMap::new(),
            cases: BTreeMap::new(),
            cases_by_actor: Default::default(),
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
        if !secret_matches(key, secret) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_app::credentials::new_key;

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
