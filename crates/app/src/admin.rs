//! Administration of the platform's directory: organisations, users, passwords, API keys and
//! sharing groups. Every change is a write like any other and goes into the audit chain, under
//! the name of whoever made it (`cli:<login>` from the command line).

use std::collections::BTreeSet;

use interdict_access::{Member, Role};
use interdict_audit::Event;
use interdict_store::{Directory, KeyRow, OrgRow, UserRow};
use serde::Serialize;

use crate::credentials::{self, ORG_KINDS};
use crate::error::{Error, Result, invalid, missing};
use crate::{PlatformStore, audit_trail, now, saved};

/// Names of organisations, users and groups: 1 to 64 letters, digits, '-', '_' or '.'.
fn valid_name(what: &str, name: &str) -> Result<()> {
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        invalid!("{what} name {name:?}: use 1 to 64 letters, digits, '-', '_' or '.'");
    }
    Ok(())
}

/// Who runs a command, as the audit chain names them: `cli:<login>`.
pub fn command_user() -> String {
    match std::env::var("USER") {
        Ok(u) if !u.is_empty() => format!("cli:{u}"),
        _ => "cli".into(),
    }
}

/// Appends one administrative action to the audit chain.
pub fn audit(
    dir: &mut dyn Directory,
    by: &str,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<()> {
    audit_trail::append(
        dir,
        Event {
            at: now(),
            org: "-".into(),
            user: by.into(),
            action: action.into(),
            target: target.into(),
            disclosed: Vec::new(),
            detail: detail.into(),
        },
    )?;
    Ok(())
}

pub fn add_org(dir: &mut dyn Directory, by: &str, name: &str, kind: &str) -> Result<()> {
    if !ORG_KINDS.contains(&kind) {
        invalid!(
            "unknown organisation kind {kind:?}: expected one of {}",
            ORG_KINDS.join(", ")
        );
    }
    valid_name("organisation", name)?;
    if !dir.add_org(&OrgRow {
        name: name.into(),
        kind: kind.into(),
        created_at: now(),
    })? {
        invalid!("an organisation named {name:?} already exists");
    }
    audit(dir, by, "admin.add_org", name, kind)
}

pub fn add_user(
    dir: &mut dyn Directory,
    by: &str,
    name: &str,
    org: &str,
    role: &str,
) -> Result<()> {
    let role: Role = role.parse().map_err(|e| Error::Invalid(format!("{e}")))?;
    valid_name("user", name)?;
    if !dir.orgs()?.iter().any(|o| o.name == org) {
        missing!("no organisation is named {org:?}; add it first with `interdict admin org add`");
    }
    if !dir.add_user(&UserRow {
        name: name.into(),
        org: org.into(),
        role: role.as_str().into(),
        password_hash: None,
        created_at: now(),
        disabled: false,
    })? {
        invalid!("a user named {name:?} already exists");
    }
    audit(dir, by, "admin.add_user", name, &format!("{org} {role}"))
}

/// Makes a key valid for `days` and returns its id and token; the token is shown once and
/// never stored.
pub fn create_key(
    dir: &mut dyn Directory,
    by: &str,
    user: &str,
    days: u32,
) -> Result<(String, String)> {
    if !dir.users()?.iter().any(|u| u.name == user) {
        missing!("no user is named {user:?}; add it first with `interdict admin user add`");
    }
    let created = chrono::Utc::now();
    let expires = created + chrono::Duration::days(i64::from(days));
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let (row, token) = credentials::new_key(user, &fmt(created), &fmt(expires));
    dir.add_key(&row)?;
    audit(dir, by, "admin.create_key", user, &row.id)?;
    Ok((row.id, token))
}

/// Sets a user's password, under the password policy ([`credentials::check_password`]). Every
/// session of the user ends: whoever signed in with the old password signs in again.
pub fn set_password(dir: &mut dyn Directory, by: &str, user: &str, password: &str) -> Result<()> {
    let Some(row) = dir.users()?.into_iter().find(|u| u.name == user) else {
        missing!("no user is named {user:?}");
    };
    credentials::check_password(&row.name, &row.org, password).map_err(Error::Invalid)?;
    let hash = credentials::hash_password(password).map_err(Error::Invalid)?;
    if !dir.set_password(user, &hash)? {
        missing!("no user is named {user:?}");
    }
    let ended = end_sessions_of(dir, user)?;
    audit(
        dir,
        by,
        "admin.set_password",
        user,
        &format!("{ended} sessions ended"),
    )
}

/// Revokes a key. The sessions of its user end with it: a key is revoked when its holder
/// should no longer get in, and a browser session must not outlive that.
pub fn revoke_key(dir: &mut dyn Directory, by: &str, id: &str) -> Result<()> {
    let user = dir
        .keys()?
        .into_iter()
        .find(|k| k.id == id && k.revoked_at.is_none())
        .map(|k| k.user);
    if !dir.revoke_key(id, &now())? {
        missing!("no live key has the id {id:?}");
    }
    let ended = match &user {
        Some(u) => end_sessions_of(dir, u)?,
        None => 0,
    };
    audit(
        dir,
        by,
        "admin.revoke_key",
        id,
        &format!(
            "key of {}; {ended} sessions ended",
            user.as_deref().unwrap_or("-")
        ),
    )
}

/// Disables a user (every key and session stops working at once, and signing in is refused)
/// or enables one again (keys that have not expired or been revoked work again; sessions do
/// not come back).
pub fn set_disabled(dir: &mut dyn Directory, by: &str, user: &str, disabled: bool) -> Result<()> {
    if !dir.set_disabled(user, disabled)? {
        missing!("no user is named {user:?}");
    }
    let (action, detail) = if disabled {
        let ended = end_sessions_of(dir, user)?;
        ("admin.disable_user", format!("{ended} sessions ended"))
    } else {
        ("admin.enable_user", String::new())
    };
    audit(dir, by, action, user, &detail)
}

/// Ends every session of `user`; gives how many ended.
fn end_sessions_of(dir: &mut dyn Directory, user: &str) -> Result<u64> {
    Ok(dir.end_sessions(Some(user), i64::MIN)?)
}

/// Approves `org` as an owner of `brand` (or withdraws the approval): its brand representatives
/// may then confirm or deny fakes of that brand. Uploading a brand record does not make an
/// organisation its owner; this does. `org` must be a brand organisation.
pub fn approve_brand(
    store: &mut dyn PlatformStore,
    by: &str,
    brand: &str,
    org: &str,
    approve: bool,
) -> Result<()> {
    let name = set_brand_owner(store, by, brand, org, approve)?;
    let action = if approve {
        "admin.approve_brand_owner"
    } else {
        "admin.remove_brand_owner"
    };
    audit(store, by, action, &name, org)
}

/// [`approve_brand`] without its audit entry, for a caller that audits the change itself (the
/// server, under the name of who asked); gives the brand's name as kept.
pub fn set_brand_owner(
    store: &mut dyn PlatformStore,
    by: &str,
    brand: &str,
    org: &str,
    approve: bool,
) -> Result<String> {
    let name = brand.trim().to_lowercase();
    if name.is_empty() || name.chars().count() > 200 {
        invalid!("brand name {brand:?}: 1 to 200 characters");
    }
    let Some(row) = store.orgs()?.into_iter().find(|o| o.name == org) else {
        missing!("no organisation is named {org:?}");
    };
    if row.kind != "brand" {
        invalid!(
            "{org} is a {} organisation: only a brand organisation owns brands",
            row.kind
        );
    }
    let mut owners = saved::brand_owners(store)?;
    let at = now();
    if approve {
        owners.brands.entry(name.clone()).or_default().insert(
            org.to_string(),
            saved::Approval {
                by: by.to_string(),
                at: at.clone(),
            },
        );
    } else {
        let removed = owners
            .brands
            .get_mut(&name)
            .is_some_and(|o| o.remove(org).is_some());
        if !removed {
            missing!("{org} is not an approved owner of {brand:?}");
        }
        owners.brands.retain(|_, o| !o.is_empty());
    }
    saved::save_brand_owners(store, &owners, &at)?;
    Ok(name)
}

/// `admin shared-risk`: sets whether records of `org`'s `feed` inform other organisations'
/// scores (`default`, `all` or `none`), audited, and makes again the scores it changes.
pub fn shared_risk_setting(
    store: &mut dyn PlatformStore,
    by: &str,
    org: &str,
    feed: interdict_model::Feed,
    setting: &str,
) -> Result<()> {
    let to = saved::Contributes::parse_setting(setting).map_err(crate::Error::Invalid)?;
    set_shared_risk(store, org, feed, to)?;
    audit(
        store,
        by,
        "admin.shared_risk",
        &format!("{org}/{}", feed.as_str()),
        setting,
    )?;
    crate::arrival::rescore(store)
}

/// Sets whether records of `org`'s `feed` inform other organisations' scores without
/// disclosure: `All` (RED ones too), `None`, or `None` as `to` for the default (every record but
/// RED ones). The organisation must exist (in the directory or as a record owner).
pub fn set_shared_risk(
    store: &mut dyn crate::PlatformStore,
    org: &str,
    feed: interdict_model::Feed,
    to: Option<saved::Contributes>,
) -> Result<()> {
    if !crate::scorers::organisations(store)?.contains(org) {
        missing!("no organisation is named {org:?}");
    }
    let mut s = saved::shared_risk(store)?;
    s.set(org, feed, to);
    saved::save_shared_risk(store, &s, &now())
}

/// Sets a sharing group's members (`org:NAME` or `user:NAME`; a bare name is an organisation);
/// every member must exist.
pub fn set_group(
    dir: &mut dyn Directory,
    by: &str,
    name: &str,
    members: &[String],
) -> Result<Vec<String>> {
    valid_name("sharing group", name)?;
    let orgs: BTreeSet<String> = dir.orgs()?.into_iter().map(|o| o.name).collect();
    let users: BTreeSet<String> = dir.users()?.into_iter().map(|u| u.name).collect();
    let mut canon = Vec::new();
    for m in members {
        let member = Member::parse(m);
        match &member {
            Member::Org(o) if !orgs.contains(o) => {
                missing!("sharing group {name}: no organisation is named {o:?}")
            }
            Member::User(u) if !users.contains(u) => {
                missing!("sharing group {name}: no user is named {u:?}")
            }
            _ => canon.push(member.to_string()),
        }
    }
    dir.set_group(name, &canon)?;
    audit(dir, by, "admin.set_group", name, &canon.join(","))?;
    Ok(canon)
}

/// Everything in the directory.
#[derive(Debug, Serialize)]
pub struct Listing {
    pub orgs: Vec<OrgRow>,
    pub users: Vec<UserRow>,
    pub keys: Vec<KeyRow>,
    pub groups: Vec<GroupListing>,
}

#[derive(Debug, Serialize)]
pub struct GroupListing {
    pub name: String,
    pub members: Vec<String>,
}

pub fn list(dir: &dyn Directory) -> Result<Listing> {
    Ok(Listing {
        orgs: dir.orgs()?,
        users: dir.users()?,
        keys: dir.keys()?,
        groups: dir
            .groups()?
            .into_iter()
            .map(|(name, members)| GroupListing { name, members })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_store::SqliteStore;

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        (dir, s)
    }

    #[test]
    fn each_change_is_checked_and_audited_under_its_maker() {
        let (_d, mut s) = store();
        add_org(&mut s, "cli:root", "customs-uk", "customs").unwrap();
        let e = add_org(&mut s, "cli:root", "customs-uk", "customs").unwrap_err();
        assert!(
            e.is_invalid() && e.to_string().contains("already exists"),
            "{e}"
        );
        assert!(
            add_org(&mut s, "cli:root", "x", "bank")
                .unwrap_err()
                .is_invalid()
        );
        assert!(
            add_org(&mut s, "cli:root", "bad name", "customs")
                .unwrap_err()
                .is_invalid()
        );
        add_user(&mut s, "cli:root", "ann", "customs-uk", "officer").unwrap();
        let e = add_user(&mut s, "cli:root", "bob", "nowhere", "officer").unwrap_err();
        assert!(matches!(e, Error::Missing(_)), "{e}");
        assert!(
            add_user(&mut s, "cli:root", "cat", "customs-uk", "king")
                .unwrap_err()
                .is_invalid()
        );
        assert!(
            set_password(&mut s, "cli:root", "ann", "short")
                .unwrap_err()
                .is_invalid()
        );
        set_password(&mut s, "cli:root", "ann", "a long enough secret").unwrap();
        let (id, token) = create_key(&mut s, "cli:root", "ann", 30).unwrap();
        assert!(token.starts_with(&format!("idk_{id}_")));
        revoke_key(&mut s, "cli:root", &id).unwrap();
        assert!(matches!(
            revoke_key(&mut s, "cli:root", &id).unwrap_err(),
            Error::Missing(_)
        ));
        let g = set_group(
            &mut s,
            "cli:root",
            "ops",
            &["customs-uk".into(), "user:ann".into()],
        )
        .unwrap();
        assert_eq!(g, vec!["org:customs-uk", "user:ann"]);
        assert!(set_group(&mut s, "cli:root", "ops", &["user:zed".into()]).is_err());

        let l = list(&s).unwrap();
        assert_eq!(
            (l.orgs.len(), l.users.len(), l.keys.len(), l.groups.len()),
            (1, 1, 1, 1)
        );
        assert!(
            l.users[0]
                .password_hash
                .as_deref()
                .is_some_and(|h| credentials::verify_password("a long enough secret", Some(h)))
        );
        let actions: Vec<String> = s
            .audit(0, 100)
            .unwrap()
            .iter()
            .map(|r| audit_trail::row_to_entry(r).unwrap())
            .map(|e| format!("{} {} {}", e.event.user, e.event.action, e.event.target))
            .collect();
        assert_eq!(
            actions,
            [
                "cli:root admin.add_org customs-uk",
                "cli:root admin.add_user ann",
                "cli:root admin.set_password ann",
                "cli:root admin.create_key ann",
                &format!("cli:root admin.revoke_key {id}"),
                "cli:root admin.set_group ops",
            ]
        );
        assert_eq!(audit_trail::verify_log(&s, None).unwrap().entries, 6);
    }
}
