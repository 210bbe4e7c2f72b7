//! What the demonstration needs beyond the ordinary use-cases: the simulated partners'
//! organisations and users, the check of the quarantine against the rows the simulator
//! corrupted on purpose, and the day whose queue to show.

use std::collections::BTreeSet;
use std::path::Path;

use interdict_model::{Feed, QuarantinedRow};
use interdict_store::{Directory, OrgRow, Store, UserRow};

use crate::error::{Error, Result};
use crate::{now, saved};

/// A demo user of the simulated operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser {
    pub name: String,
    pub org: String,
    pub kind: &'static str,
    pub role: &'static str,
}

/// The kind of a simulated partner, from its name.
pub fn org_kind(org: &str) -> &'static str {
    match org.split('-').next().unwrap_or("") {
        "customs" => "customs",
        "carrier" => "carrier",
        "mkt" => "marketplace",
        "brand" => "brand",
        _ => "coordinator",
    }
}

/// The users of an organisation of a kind: who would use the platform there.
fn roles_of(kind: &str) -> &'static [(&'static str, &'static str)] {
    match kind {
        "customs" => &[("officer", "officer"), ("analyst", "analyst")],
        "brand" => &[("rep", "brand_rep")],
        "coordinator" => &[
            ("analyst", "analyst"),
            ("auditor", "auditor"),
            ("admin", "admin"),
        ],
        _ => &[("analyst", "analyst")],
    }
}

/// Registers every organisation of the simulated operation and its users (without passwords),
/// so the API and the web application can be tried on it.
pub fn register_directory<'a>(
    dir: &mut dyn Directory,
    orgs: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<DemoUser>> {
    let orgs: BTreeSet<&str> = orgs.into_iter().collect();
    let at = now();
    let mut users = Vec::new();
    for org in orgs {
        let kind = org_kind(org);
        dir.add_org(&OrgRow {
            name: org.to_string(),
            kind: kind.to_string(),
            created_at: at.clone(),
        })?;
        let short = org.split_once('-').map_or(org, |x| x.1);
        for (prefix, role) in roles_of(kind) {
            let name = format!("{prefix}.{short}");
            dir.add_user(&UserRow {
                name: name.clone(),
                org: org.to_string(),
                role: role.to_string(),
                password_hash: None,
                created_at: at.clone(),
                disabled: false,
            })?;
            users.push(DemoUser {
                name,
                org: org.to_string(),
                kind,
                role,
            });
        }
    }
    Ok(users)
}

/// Sets the sharing groups a simulated world's exports name (organisations by name), as the
/// platform's operator would before the first ingest; gives how many were set.
pub fn register_groups(dir: &mut dyn Directory, groups: &[(&str, &[&str])]) -> Result<usize> {
    for (name, orgs) in groups {
        let members: Vec<String> = orgs.iter().map(|o| format!("org:{o}")).collect();
        crate::admin::set_group(dir, "demo", name, &members)?;
    }
    Ok(groups.len())
}

/// Approves every brand organisation of the simulated operation as the owner of the brands its
/// own brand records name, as a coordinator would after checking; gives (brand, org) pairs.
pub fn approve_brand_owners(
    store: &mut dyn crate::PlatformStore,
    by: &str,
) -> Result<Vec<(String, String)>> {
    let brand_orgs: BTreeSet<String> = store
        .orgs()?
        .into_iter()
        .filter(|o| o.kind == "brand")
        .map(|o| o.name)
        .collect();
    let mut pairs = BTreeSet::new();
    store.scan(Some(interdict_model::Feed::Brands), &mut |r| {
        if let interdict_model::Record::Brands(b) = &r.record
            && brand_orgs.contains(&r.key.org)
        {
            pairs.insert((b.name.clone(), r.key.org.clone()));
        }
        Ok(())
    })?;
    for (brand, org) in &pairs {
        crate::admin::approve_brand(store, by, brand, org, true)?;
    }
    Ok(pairs.into_iter().collect())
}

/// Sets one password for every demo user.
pub fn set_passwords(dir: &mut dyn Directory, users: &[DemoUser], password: &str) -> Result<()> {
    for u in users {
        crate::credentials::check_password(&u.name, &u.org, password)
            .map_err(|e| Error::Invalid(format!("the demo password: {e}")))?;
    }
    let hash = crate::credentials::hash_password(password).map_err(Error::Invalid)?;
    for u in users {
        dir.set_password(&u.name, &hash)?;
    }
    Ok(())
}

/// The quarantine held against the rows the simulator corrupted on purpose.
#[derive(Debug, PartialEq, Eq)]
pub struct QuarantineCheck {
    /// Rows corrupted on purpose.
    pub expected: usize,
    /// Rows quarantined.
    pub quarantined: usize,
    /// Quarantined rows that were not corrupted on purpose, and corrupted rows that landed.
    pub unexpected: usize,
    pub missed: usize,
}

/// Compares the quarantine with the world's `truth/corrupted.csv` (path relative to the world,
/// line); a world without that file corrupted nothing.
pub fn check_quarantine(world: &Path, quarantined: &[QuarantinedRow]) -> Result<QuarantineCheck> {
    let path = world.join("truth").join("corrupted.csv");
    let mut expected: Vec<(String, u64)> = Vec::new();
    if path.exists() {
        let mut r = csv::Reader::from_path(&path).map_err(|e| Error::csv(&path, e))?;
        for (n, rec) in r.records().enumerate() {
            let rec = rec.map_err(|e| Error::csv(&path, e))?;
            let line = rec.get(1).and_then(|l| l.parse().ok()).ok_or_else(|| {
                Error::Invalid(format!(
                    "{}: row {}: field line: not a number",
                    path.display(),
                    n + 2
                ))
            })?;
            expected.push((rec.get(0).unwrap_or("").to_string(), line));
        }
    }
    let prefix = world.display().to_string();
    let got: Vec<(String, u64)> = quarantined
        .iter()
        .map(|q| {
            let rel = Path::new(&q.file)
                .strip_prefix(&prefix)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| q.file.clone());
            (rel, q.line)
        })
        .collect();
    Ok(QuarantineCheck {
        expected: expected.len(),
        quarantined: got.len(),
        unexpected: got.iter().filter(|g| !expected.contains(g)).count(),
        missed: expected.iter().filter(|e| !got.contains(e)).count(),
    })
}

/// Of the last week of an organisation's scored arrivals, the day with the most.
pub fn busiest_recent_day(store: &dyn Store, org: &str) -> Result<Option<String>> {
    let mut per_day = std::collections::BTreeMap::<String, usize>::new();
    for s in saved::scores(store)? {
        if s.org == org
            && s.feed == Feed::Shipments
            && let Some(d) = s.day
        {
            *per_day.entry(d).or_default() += 1;
        }
    }
    Ok(per_day
        .iter()
        .rev()
        .take(7)
        .max_by_key(|(d, n)| (**n, (*d).clone()))
        .map(|(d, _)| d.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_store::SqliteStore;

    #[test]
    fn every_partner_gets_the_users_its_kind_has() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let users = register_directory(&mut s, ["customs-uk", "brand-altus", "ipcc", "customs-uk"])
            .unwrap();
        let names: Vec<&str> = users.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "rep.altus",
                "officer.uk",
                "analyst.uk",
                "analyst.ipcc",
                "auditor.ipcc",
                "admin.ipcc"
            ]
        );
        assert_eq!(s.orgs().unwrap().len(), 3);
        assert!(
            set_passwords(&mut s, &users, "short")
                .unwrap_err()
                .is_invalid()
        );
        set_passwords(&mut s, &users, "twelve chars!").unwrap();
        assert!(s.users().unwrap().iter().all(|u| u.password_hash.is_some()));
    }

    #[test]
    fn the_quarantine_is_held_against_the_corrupted_rows() {
        let dir = tempfile::tempdir().unwrap();
        let world = dir.path();
        std::fs::create_dir_all(world.join("truth")).unwrap();
        std::fs::write(
            world.join("truth/corrupted.csv"),
            "file,line\nmkt/sellers.csv,4\nmkt/sellers.csv,9\n",
        )
        .unwrap();
        let q = |file: String, line| QuarantinedRow {
            org: "mkt".into(),
            feed: Feed::Sellers,
            file,
            line,
            field: None,
            reason: "r".into(),
            raw: None,
        };
        let file = world.join("mkt/sellers.csv").display().to_string();
        let c = check_quarantine(world, &[q(file.clone(), 4), q(file, 5)]).unwrap();
        assert_eq!(
            c,
            QuarantineCheck {
                expected: 2,
                quarantined: 2,
                unexpected: 1,
                missed: 1
            }
        );
    }
}
