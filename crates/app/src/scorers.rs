//! Who scores with what. A score shown to an organisation rests only on records it may see in
//! full, plus the records their owners let inform every organisation's scores without
//! disclosure (`directory/shared-risk`: by default every record but RED ones). So there is one
//! shared scoring, over the records that inform everyone, with the platform's default pack;
//! and an organisation scores on its own where that would not be true of it: when it sees in
//! full a record that informs nobody else, or when it switched a rule pack of its own on. Its
//! own scores are kept only where they differ from the shared ones. A user named in a RED
//! record's sharing group (not their whole organisation) scores on their own the same way,
//! with their organisation's pack, kept where they differ from their organisation's.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use interdict_score::rules::RulePack;

use crate::PlatformStore;
use crate::error::Result;
use crate::saved::{self, SavedScore};
use crate::sharing::Scope;

/// An organisation (or one user) that scores on its own, and the pack it scores with.
pub struct OwnScoring {
    /// What its scores are kept under: the organisation's name, or `user:NAME`.
    pub key: String,
    pub org: String,
    /// The user, for a user named in a sharing group.
    pub user: Option<String>,
    pub pack: RulePack,
    /// Whether the pack is its organisation's own (else the platform's default).
    pub own_pack: bool,
}

impl OwnScoring {
    /// What its scores rest on.
    pub fn scope(&self, store: &dyn PlatformStore) -> Result<Scope> {
        match &self.user {
            Some(u) => Scope::informing_user(store, &self.org, u),
            None => Scope::informing(store, &self.org),
        }
    }
}

/// The key a user's own scores are kept under.
pub fn user_key(user: &str) -> String {
    format!("user:{user}")
}

/// Every organisation that holds records or is in the directory.
pub fn organisations(store: &dyn PlatformStore) -> Result<BTreeSet<String>> {
    let mut orgs: BTreeSet<String> = store.orgs()?.into_iter().map(|o| o.name).collect();
    orgs.extend(store.stats()?.into_iter().map(|s| s.org));
    Ok(orgs)
}

/// The organisations that score on their own, given the scope the shared scores were made
/// over (after it was read: it knows what it passed over) and the platform's default pack.
pub fn own_scorings(
    store: &dyn PlatformStore,
    shared: &Scope,
    default_pack: &RulePack,
) -> Result<Vec<OwnScoring>> {
    let packs = saved::own_packs(store)?;
    let passed = !shared.passed_over().is_empty();
    let pack_of = |org: &str| {
        let own = packs.get(org);
        (
            own.cloned().unwrap_or_else(|| default_pack.clone()),
            own.is_some(),
        )
    };
    let mut out = Vec::new();
    for org in organisations(store)? {
        let (pack, own_pack) = pack_of(&org);
        if own_pack || (passed && shared.hides_from_scores_of(&org, None)) {
            out.push(OwnScoring {
                key: org.clone(),
                org,
                user: None,
                pack,
                own_pack,
            });
        }
    }
    // Users come after organisations: theirs are kept where they differ from their
    // organisation's.
    if passed {
        for u in store.users()? {
            if shared.hides_from_scores_of(&u.org, Some(&u.name)) {
                let (pack, own_pack) = pack_of(&u.org);
                out.push(OwnScoring {
                    key: user_key(&u.name),
                    org: u.org,
                    user: Some(u.name),
                    pack,
                    own_pack,
                });
            }
        }
    }
    Ok(out)
}

/// What scores are made with, as one string: the pack's exact tag and what decides which
/// records they rest on (the shared-risk settings and the sharing groups). When it changes,
/// the scores it made are made again whole.
pub fn making(pack: &RulePack, scope: &Scope) -> String {
    let mut h = DefaultHasher::new();
    for (org, feeds) in &scope.shared_risk.orgs {
        org.hash(&mut h);
        for (feed, c) in feeds {
            feed.as_str().hash(&mut h);
            format!("{c:?}").hash(&mut h);
        }
    }
    let groups: BTreeMap<&String, Vec<String>> = scope
        .groups
        .iter()
        .map(|(g, m)| (g, m.iter().map(|x| format!("{x:?}")).collect()))
        .collect();
    for (g, m) in groups {
        g.hash(&mut h);
        m.hash(&mut h);
    }
    format!("{}|{:016x}", pack.version_tag(), h.finish())
}

/// Whether an organisation's own score says something the shared one does not.
pub fn differs(own: &SavedScore, shared: Option<&SavedScore>) -> bool {
    shared.is_none_or(|s| {
        (own.score - s.score).abs() > 1e-9
            || own.reasons != s.reasons
            || own.rules != s.rules
            || own.fired != s.fired
    })
}
