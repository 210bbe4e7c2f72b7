//! The access policy: what one viewer may see of one record, and of anything derived from
//! records.
//!
//! Every read path of the platform (records, actor profiles, networks, queues, score reasons,
//! search results, exports) asks [`sight`] about each record it would show, and builds its
//! answer only from what the answer allows. There is no second policy.
//!
//! TLP 2.0 as the platform applies it:
//! - CLEAR: every authenticated viewer;
//! - GREEN: every organisation of the platform;
//! - AMBER: the owner and the organisations of the record's sharing group;
//! - AMBER+STRICT: the owner only;
//! - RED: the owner and the recipients the record names (organisations or single users, given
//!   as the members of its sharing group), nobody else.
//!
//! A viewer who may not see an AMBER or AMBER+STRICT record in full still learns that the owner
//! holds a matching record (an existence-only hit, so partners can deconflict); a RED record is
//! invisible, not even its existence. Auditors read the audit log, never record contents.
//!
//! Architecture invariant: pure; no I/O, no HTTP, no SQL.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use interdict_model::Marking;
use serde::{Deserialize, Serialize};

/// What a member of an organisation may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages the users and keys of its organisation.
    Admin,
    /// Reads what markings allow; writes rules and notes for its organisation.
    Analyst,
    /// Works the inspection queue and records outcomes.
    Officer,
    /// Manages its brands; confirms or denies suspected fakes of its own brands only.
    BrandRep,
    /// Reads the audit log; never record contents.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Analyst,
        Role::Officer,
        Role::BrandRep,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::Officer => "officer",
            Role::BrandRep => "brand_rep",
            Role::Auditor => "auditor",
        }
    }

    /// Whether the role may read records and what is derived from them.
    pub fn reads_records(self) -> bool {
        !matches!(self, Role::Auditor)
    }

    /// Whether the role may add records (uploads, posted records).
    pub fn writes_records(self) -> bool {
        matches!(self, Role::Admin | Role::Analyst)
    }

    /// Whether the role may record inspection outcomes and marketplace actions.
    pub fn records_outcomes(self) -> bool {
        matches!(self, Role::Officer | Role::Analyst | Role::BrandRep)
    }

    /// Whether the role may read the audit log.
    pub fn reads_audit(self) -> bool {
        matches!(self, Role::Auditor | Role::Admin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: expected admin, analyst, officer, brand_rep or auditor")]
pub struct ParseRoleError(pub String);

impl FromStr for Role {
    type Err = ParseRoleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "admin" => Ok(Role::Admin),
            "analyst" => Ok(Role::Analyst),
            "officer" => Ok(Role::Officer),
            "brand_rep" | "brand" | "brand_representative" => Ok(Role::BrandRep),
            "auditor" => Ok(Role::Auditor),
            _ => Err(ParseRoleError(s.to_string())),
        }
    }
}

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub org: String,
    pub user: String,
    pub role: Role,
}

/// A recipient named by a sharing group: a whole organisation or one user.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Member {
    Org(String),
    User(String),
}

impl Member {
    /// `user:NAME` names one user; anything else an organisation (`org:` is optional).
    pub fn parse(s: &str) -> Member {
        let s = s.trim();
        if let Some(u) = s.strip_prefix("user:") {
            Member::User(u.trim().to_string())
        } else {
            Member::Org(s.strip_prefix("org:").unwrap_or(s).trim().to_string())
        }
    }
}

impl fmt::Display for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Member::Org(o) => write!(f, "org:{o}"),
            Member::User(u) => write!(f, "user:{u}"),
        }
    }
}

/// The sharing groups of the platform, by name.
pub trait Groups {
    /// The members of a group; `None` when no group has that name (which shares with nobody).
    fn members(&self, group: &str) -> Option<&BTreeSet<Member>>;
}

impl Groups for std::collections::BTreeMap<String, BTreeSet<Member>> {
    fn members(&self, group: &str) -> Option<&BTreeSet<Member>> {
        self.get(group)
    }
}

impl Groups for std::collections::HashMap<String, BTreeSet<Member>> {
    fn members(&self, group: &str) -> Option<&BTreeSet<Member>> {
        self.get(group)
    }
}

/// What the policy needs to know of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label<'a> {
    pub owner: &'a str,
    pub marking: Marking,
    pub group: Option<&'a str>,
}

/// How much of a record a viewer may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sight {
    /// Not even that it exists.
    Nothing,
    /// That the owner holds such a record, and nothing of its fields.
    ExistenceOnly,
    /// The whole record.
    Full,
}

/// What `viewer` may see of a record labelled `label`.
pub fn sight(viewer: &Viewer, label: Label<'_>, groups: &dyn Groups) -> Sight {
    if !viewer.role.reads_records() {
        return Sight::Nothing;
    }
    sight_of(&viewer.org, Some(&viewer.user), label, groups)
}

/// What organisation `org` as a whole sees of a record labelled `label`: a group that names
/// one of its users, not the organisation, does not count. Records an organisation gives
/// about other records (an outcome naming a shipment) attach only to what it sees in full
/// this way, so nobody writes onto records hidden from it.
pub fn org_sight(org: &str, label: Label<'_>, groups: &dyn Groups) -> Sight {
    sight_of(org, None, label, groups)
}

fn sight_of(org: &str, user: Option<&str>, label: Label<'_>, groups: &dyn Groups) -> Sight {
    if org == label.owner {
        return Sight::Full;
    }
    let in_group = |users_count: bool| {
        label
            .group
            .and_then(|g| groups.members(g))
            .is_some_and(|m| {
                m.contains(&Member::Org(org.to_string()))
                    || (users_count
                        && user.is_some_and(|u| m.contains(&Member::User(u.to_string()))))
            })
    };
    match label.marking {
        Marking::Clear | Marking::Green => Sight::Full,
        Marking::Amber if in_group(false) => Sight::Full,
        Marking::Amber | Marking::AmberStrict => Sight::ExistenceOnly,
        Marking::Red if in_group(true) => Sight::Full,
        Marking::Red => Sight::Nothing,
    }
}

/// The sight of something derived from several records: as open as the most restricted of
/// them, since showing it shows a little of each.
pub fn sight_of_all<'a>(
    viewer: &Viewer,
    labels: impl IntoIterator<Item = Label<'a>>,
    groups: &dyn Groups,
) -> Sight {
    labels
        .into_iter()
        .map(|l| sight(viewer, l, groups))
        .min()
        .unwrap_or(Sight::Full)
}

/// An existence-only hit: the organisation to ask, never the record.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Existence {
    pub org: String,
    pub note: String,
}

impl Existence {
    pub fn of(org: &str, what: &str) -> Existence {
        Existence {
            org: org.to_string(),
            note: format!("a record of organisation {org} {what}; ask {org}"),
        }
    }
}

/// Splits what a viewer may see from a list of labelled items: the items seen in full, and one
/// existence-only hit per organisation whose hidden records count; RED records vanish. The hits
/// carry no count, so how many records an organisation holds does not leak.
pub fn partition<'a, T>(
    viewer: &Viewer,
    items: impl IntoIterator<Item = (Label<'a>, T)>,
    groups: &dyn Groups,
    what: &str,
) -> (Vec<T>, Vec<Existence>) {
    let mut full = Vec::new();
    let mut orgs = BTreeSet::new();
    for (label, item) in items {
        match sight(viewer, label, groups) {
            Sight::Full => full.push(item),
            Sight::ExistenceOnly => {
                orgs.insert(label.owner.to_string());
            }
            Sight::Nothing => {}
        }
    }
    let hits = orgs.iter().map(|o| Existence::of(o, what)).collect();
    (full, hits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn viewer(org: &str, user: &str, role: Role) -> Viewer {
        Viewer {
            org: org.into(),
            user: user.into(),
            role,
        }
    }

    fn groups() -> BTreeMap<String, BTreeSet<Member>> {
        let mut g = BTreeMap::new();
        g.insert(
            "ops".to_string(),
            ["org:customs", "org:carrier"]
                .iter()
                .map(|s| Member::parse(s))
                .collect(),
        );
        g.insert(
            "red-list".to_string(),
            ["org:coordinator", "user:alice"]
                .iter()
                .map(|s| Member::parse(s))
                .collect(),
        );
        g
    }

    fn label(marking: Marking, group: Option<&str>) -> Label<'_> {
        Label {
            owner: "market",
            marking,
            group,
        }
    }

    #[test]
    fn every_marking_against_every_kind_of_viewer() {
        let g = groups();
        let owner = viewer("market", "m1", Role::Analyst);
        let member = viewer("customs", "c1", Role::Officer);
        let outsider = viewer("brand", "b1", Role::BrandRep);
        let red_org = viewer("coordinator", "k1", Role::Analyst);
        let red_user = viewer("brand", "alice", Role::Analyst);
        let auditor = viewer("market", "audit", Role::Auditor);
        use Sight::*;
        let cases: &[(Marking, Option<&str>, [Sight; 6])] = &[
            (
                Marking::Clear,
                None,
                [Full, Full, Full, Full, Full, Nothing],
            ),
            (
                Marking::Green,
                None,
                [Full, Full, Full, Full, Full, Nothing],
            ),
            (
                Marking::Amber,
                Some("ops"),
                [
                    Full,
                    Full,
                    ExistenceOnly,
                    ExistenceOnly,
                    ExistenceOnly,
                    Nothing,
                ],
            ),
            (
                Marking::Amber,
                None,
                [
                    Full,
                    ExistenceOnly,
                    ExistenceOnly,
                    ExistenceOnly,
                    ExistenceOnly,
                    Nothing,
                ],
            ),
            (
                Marking::AmberStrict,
                Some("ops"),
                [
                    Full,
                    ExistenceOnly,
                    ExistenceOnly,
                    ExistenceOnly,
                    ExistenceOnly,
                    Nothing,
                ],
            ),
            (
                Marking::Red,
                Some("red-list"),
                [Full, Nothing, Nothing, Full, Full, Nothing],
            ),
            (
                Marking::Red,
                None,
                [Full, Nothing, Nothing, Nothing, Nothing, Nothing],
            ),
            // A user named in an AMBER group does not open it: AMBER shares with organisations.
            (
                Marking::Amber,
                Some("red-list"),
                [
                    Full,
                    ExistenceOnly,
                    ExistenceOnly,
                    Full,
                    ExistenceOnly,
                    Nothing,
                ],
            ),
            // A group nobody defined shares with nobody.
            (
                Marking::Amber,
                Some("nope"),
                [
                    Full,
                    ExistenceOnly,
                    ExistenceOnly,
                    ExistenceOnly,
                    ExistenceOnly,
                    Nothing,
                ],
            ),
        ];
        let viewers = [&owner, &member, &outsider, &red_org, &red_user, &auditor];
        for (marking, group, want) in cases {
            for (v, w) in viewers.iter().zip(want) {
                assert_eq!(
                    sight(v, label(*marking, *group), &g),
                    *w,
                    "{marking} group {group:?} seen by {}:{} ({})",
                    v.org,
                    v.user,
                    v.role
                );
            }
        }
    }

    #[test]
    fn an_organisation_as_a_whole_sees_what_its_groups_share_with_it() {
        let g = groups();
        use Sight::*;
        let cases: &[(Marking, Option<&str>, &str, Sight)] = &[
            (Marking::Green, None, "brand", Full),
            (Marking::Amber, Some("ops"), "customs", Full),
            (Marking::Amber, Some("ops"), "brand", ExistenceOnly),
            (Marking::AmberStrict, Some("ops"), "customs", ExistenceOnly),
            (Marking::Red, Some("red-list"), "coordinator", Full),
            // alice of brand is named in the group; brand as a whole is not.
            (Marking::Red, Some("red-list"), "brand", Nothing),
            (Marking::Red, None, "market", Full),
        ];
        for (marking, group, org, want) in cases {
            assert_eq!(
                org_sight(org, label(*marking, *group), &g),
                *want,
                "{marking} group {group:?} seen by {org}"
            );
        }
    }

    #[test]
    fn derived_views_are_as_closed_as_their_most_closed_source() {
        let g = groups();
        let member = viewer("customs", "c1", Role::Analyst);
        let both = [
            label(Marking::Green, None),
            label(Marking::Amber, Some("ops")),
        ];
        assert_eq!(sight_of_all(&member, both, &g), Sight::Full);
        let with_strict = [
            label(Marking::Green, None),
            label(Marking::AmberStrict, None),
        ];
        assert_eq!(sight_of_all(&member, with_strict, &g), Sight::ExistenceOnly);
        let with_red = [label(Marking::AmberStrict, None), label(Marking::Red, None)];
        assert_eq!(sight_of_all(&member, with_red, &g), Sight::Nothing);
        assert_eq!(sight_of_all(&member, [], &g), Sight::Full);
    }

    #[test]
    fn partition_gives_one_countless_hit_per_hiding_organisation() {
        let g = groups();
        let outsider = viewer("brand", "b1", Role::Analyst);
        let items = [
            (label(Marking::Green, None), 1),
            (label(Marking::Amber, Some("ops")), 2),
            (label(Marking::AmberStrict, None), 3),
            (label(Marking::Red, None), 4),
            (
                Label {
                    owner: "carrier",
                    marking: Marking::Amber,
                    group: None,
                },
                5,
            ),
        ];
        let (full, hits) = partition(&outsider, items, &g, "links to this actor");
        assert_eq!(full, vec![1]);
        assert_eq!(
            hits,
            vec![
                Existence::of("carrier", "links to this actor"),
                Existence::of("market", "links to this actor"),
            ]
        );
        assert_eq!(
            hits[1].note,
            "a record of organisation market links to this actor; ask market"
        );
    }

    #[test]
    fn roles_and_members_parse() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse(), Ok(r));
        }
        assert_eq!("Brand-Rep".parse(), Ok(Role::BrandRep));
        assert!("root".parse::<Role>().is_err());
        assert_eq!(Member::parse("user:alice"), Member::User("alice".into()));
        assert_eq!(Member::parse("org:x"), Member::Org("x".into()));
        assert_eq!(Member::parse("x"), Member::Org("x".into()));
        assert_eq!(Member::parse("user:alice").to_string(), "user:alice");
    }
}
