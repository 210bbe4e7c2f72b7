//! The sharing groups as access rules read them, and the scope of what a derived computation
//! may read: everything (for the platform's own runs) or what one caller sees in full.

use std::collections::{BTreeMap, BTreeSet};

use interdict_access::{Label, Member, Sight, Viewer, org_sight, sight};
use interdict_store::Directory;

use crate::error::Result;

/// Sharing groups by name, with their members.
pub type Sharing = BTreeMap<String, BTreeSet<Member>>;

/// The sharing groups of the directory.
pub fn sharing(dir: &dyn Directory) -> Result<Sharing> {
    let mut groups = Sharing::new();
    for (name, members) in dir.groups()? {
        groups.insert(name, members.iter().map(|m| Member::parse(m)).collect());
    }
    Ok(groups)
}

/// What a computation over records may read, and the groups that decide how records attach
/// to one another.
pub struct Scope {
    pub groups: Sharing,
    /// Whose computation it is: only the records this viewer sees in full are read. `None`
    /// reads every record (the platform's own runs: resolution, scoring, training).
    pub seen_by: Option<Viewer>,
}

impl Scope {
    /// Every record, with the store's sharing groups.
    pub fn everything(dir: &dyn Directory) -> Result<Scope> {
        Ok(Scope {
            groups: sharing(dir)?,
            seen_by: None,
        })
    }

    /// What `viewer` sees in full, with the store's sharing groups.
    pub fn seen_by(dir: &dyn Directory, viewer: &Viewer) -> Result<Scope> {
        Ok(Scope {
            groups: sharing(dir)?,
            seen_by: Some(viewer.clone()),
        })
    }

    /// Whether the computation reads a record labelled `label`.
    pub fn reads(&self, label: Label<'_>) -> bool {
        self.seen_by
            .as_ref()
            .is_none_or(|v| sight(v, label, &self.groups) == Sight::Full)
    }

    /// Whether something organisation `org` gave (an outcome) attaches to a record labelled
    /// `target`: only when the organisation sees that record in full.
    pub fn attaches(&self, org: &str, target: Label<'_>) -> bool {
        org_sight(org, target, &self.groups) == Sight::Full
    }
}
