//! The sharing groups as access rules read them, and the scope of what a derived computation
//! may read: everything (for the platform's own runs), what one caller sees in full, what
//! informs every organisation's scores, or what informs one organisation's own.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use interdict_access::{Label, Member, Sight, Viewer, org_sight, sight};
use interdict_model::{Feed, Marking};
use interdict_store::Directory;
use rustc_hash::FxHashSet;

use crate::PlatformStore;
use crate::error::Result;
use crate::saved::{self, SharedRisk};

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

/// A user as scoring sees them: what they read, whatever their role.
fn user_viewer(org: &str, user: &str) -> Viewer {
    Viewer {
        org: org.to_owned(),
        user: user.to_owned(),
        role: interdict_access::Role::Analyst,
    }
}

/// Whose computation it is, and so which records it reads.
#[derive(Clone)]
pub enum Reader {
    /// Every record: the platform's own runs that show nothing to anyone (resolution).
    Platform,
    /// What one caller sees in full (back-tests, counts).
    Viewer(Viewer),
    /// The shared scores: only records whose owner lets them inform every organisation's
    /// scores (`directory/shared-risk`; by default every record but RED ones).
    Shared,
    /// One organisation's own scores: the shared records and every record it sees in full.
    Org(String),
    /// One user's own scores: the shared records and every record they see in full (their
    /// organisation's and those of groups that name them).
    User(Viewer),
}

/// The access label of a record, with its feed, as a scope notes the ones it passes over.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Passed {
    pub owner: String,
    pub feed: Feed,
    pub marking: Marking,
    pub group: Option<String>,
}

/// What a computation over records may read, and the groups that decide how records attach
/// to one another.
pub struct Scope {
    pub groups: Sharing,
    pub reader: Reader,
    pub shared_risk: SharedRisk,
    /// The labels of the records it did not read, each once.
    passed: Mutex<FxHashSet<Passed>>,
}

impl Scope {
    fn new(dir: &dyn PlatformStore, reader: Reader) -> Result<Scope> {
        Ok(Scope {
            groups: sharing(dir)?,
            reader,
            shared_risk: saved::shared_risk(dir)?,
            passed: Mutex::default(),
        })
    }

    /// Every record, with the store's sharing groups.
    pub fn everything(dir: &dyn PlatformStore) -> Result<Scope> {
        Scope::new(dir, Reader::Platform)
    }

    /// What `viewer` sees in full, with the store's sharing groups.
    pub fn seen_by(dir: &dyn PlatformStore, viewer: &Viewer) -> Result<Scope> {
        Scope::new(dir, Reader::Viewer(viewer.clone()))
    }

    /// What the shared scores rest on.
    pub fn shared(dir: &dyn PlatformStore) -> Result<Scope> {
        Scope::new(dir, Reader::Shared)
    }

    /// What `org`'s own scores rest on.
    pub fn informing(dir: &dyn PlatformStore, org: &str) -> Result<Scope> {
        Scope::new(dir, Reader::Org(org.to_owned()))
    }

    /// What the user `user` of `org`'s own scores rest on.
    pub fn informing_user(dir: &dyn PlatformStore, org: &str, user: &str) -> Result<Scope> {
        Scope::new(dir, Reader::User(user_viewer(org, user)))
    }

    /// Whether the organisation or user whose own scores these are sees a record labelled
    /// `label` in full: only those records get its own scores. Everyone else's scopes: all.
    pub fn scores(&self, label: Label<'_>) -> bool {
        match &self.reader {
            Reader::Org(o) => org_sight(o, label, &self.groups) == Sight::Full,
            Reader::User(v) => sight(v, label, &self.groups) == Sight::Full,
            _ => true,
        }
    }

    /// Whether the computation reads a record of `feed` labelled `label`.
    pub fn reads(&self, feed: Feed, label: Label<'_>) -> bool {
        let read = match &self.reader {
            Reader::Platform => true,
            Reader::Viewer(v) => sight(v, label, &self.groups) == Sight::Full,
            Reader::Shared => self
                .shared_risk
                .contributes(label.owner, feed, label.marking),
            Reader::Org(_) | Reader::User(_) => {
                self.shared_risk
                    .contributes(label.owner, feed, label.marking)
                    || self.scores(label)
            }
        };
        if !read {
            let passed = Passed {
                owner: label.owner.to_owned(),
                feed,
                marking: label.marking,
                group: label.group.map(str::to_owned),
            };
            let mut set = self.passed.lock().unwrap_or_else(|p| p.into_inner());
            if !set.contains(&passed) {
                set.insert(passed);
            }
        }
        read
    }

    /// The labels of the records it did not read.
    pub fn passed_over(&self) -> Vec<Passed> {
        self.passed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// Whether organisation `org` (with `user`: that user, beyond what the organisation sees)
    /// sees in full a record this scope did not read: its own scores then differ from the
    /// ones made over this scope.
    pub fn hides_from_scores_of(&self, org: &str, user: Option<&str>) -> bool {
        self.passed_over().iter().any(|p| {
            let label = Label {
                owner: &p.owner,
                marking: p.marking,
                group: p.group.as_deref(),
            };
            let org_sees = org_sight(org, label, &self.groups) == Sight::Full;
            match user {
                None => org_sees,
                Some(u) => {
                    !org_sees && sight(&user_viewer(org, u), label, &self.groups) == Sight::Full
                }
            }
        })
    }

    /// Whether something organisation `org` gave (an outcome) attaches to a record labelled
    /// `target`: only when the organisation sees that record in full.
    pub fn attaches(&self, org: &str, target: Label<'_>) -> bool {
        org_sight(org, target, &self.groups) == Sight::Full
    }
}
