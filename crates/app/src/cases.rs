//! Investigation cases: what an organisation works a target with. A case has a title, a status
//! that moves along a workflow (open, active, referred, closed), an owner organisation, a TLP
//! marking and sharing group of its own, assignees, the actors and records it is about (records
//! are its evidence, outcomes and test buys among them), files with their SHA-256, tasks, notes
//! with mentions, and a timeline of every change.
//!
//! A case changes only through [`Change`]s applied at the version the writer read, so two
//! writers never overwrite each other: the second is told the case moved on. Which records and
//! actors a writer may add, and who may write at all, is the edge's to check against the read
//! model; this module keeps a case consistent and says what changed.
//!
//! Deconfliction ([`notices_on`]): when a case of another organisation touches an actor, the
//! caller is told as much as the other case's marking allows: the case itself when it may read
//! it, that the organisation has an open case when only existence may be known, nothing under
//! RED.

use std::collections::{BTreeMap, BTreeSet};

use interdict_access::{Groups, Label, Sight, Viewer, sight};
use interdict_model::Marking;
use interdict_store::{CaseRow, Directory};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The longest title, note, task or file name, in characters.
pub const TEXT_CHARS: usize = 4_000;
/// The most actors, records, files, tasks or notes one case holds.
pub const MAX_ITEMS: usize = 5_000;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Active,
    Referred,
    Closed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::Active,
        Status::Referred,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Active => "active",
            Status::Referred => "referred",
            Status::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The statuses a case may move to from this one: work starts, a worked case is referred
    /// or closed, a referral comes back for more work, a closed case may be reopened.
    pub fn next(self) -> &'static [Status] {
        match self {
            Status::Open => &[Status::Active, Status::Closed],
            Status::Active => &[Status::Referred, Status::Closed],
            Status::Referred => &[Status::Active, Status::Closed],
            Status::Closed => &[Status::Active],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseActor {
    pub actor: String,
    pub added_by: String,
    pub added_at: String,
}

/// A record kept as evidence: a shipment, a listing, an outcome, a test buy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRecord {
    /// `org/feed/source id`.
    pub key: String,
    pub added_by: String,
    pub added_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A file kept as evidence; its bytes are stored by their SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFile {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
    pub content_type: String,
    pub added_by: String,
    pub added_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: u32,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    pub done: bool,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: u32,
    pub at: String,
    pub author: String,
    pub text: String,
    /// The users the note names as `@name`.
    pub mentions: Vec<String>,
}

/// One change as the timeline keeps it. `record` and `actor` name what it was about, so a
/// reader who may not see that record is shown the entry without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub at: String,
    pub user: String,
    pub org: String,
    pub what: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
}

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: String,
    pub org: String,
    pub title: String,
    pub status: Status,
    pub marking: Marking,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharing_group: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub version: u64,
    pub assignees: BTreeSet<String>,
    pub actors: Vec<CaseActor>,
    pub records: Vec<CaseRecord>,
    pub files: Vec<CaseFile>,
    pub tasks: Vec<Task>,
    pub notes: Vec<Note>,
    pub timeline: Vec<Entry>,
}

/// One change to a case, as a client sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    Title {
        title: String,
    },
    Status {
        status: String,
    },
    /// Owner organisation only.
    Marking {
        marking: String,
        #[serde(default)]
        sharing_group: Option<String>,
    },
    Assign {
        user: String,
    },
    Unassign {
        user: String,
    },
    AddActor {
        actor: String,
    },
    RemoveActor {
        actor: String,
    },
    AddRecord {
        record: String,
        #[serde(default)]
        note: Option<String>,
    },
    RemoveRecord {
        record: String,
    },
    AddTask {
        text: String,
        #[serde(default)]
        assignee: Option<String>,
        #[serde(default)]
        due: Option<String>,
    },
    /// Marks a task done or not done.
    Task {
        task: u32,
        done: bool,
    },
    Note {
        text: String,
    },
    /// Made by an upload of the file's bytes, never sent as such.
    #[serde(skip)]
    AddFile(CaseFile),
}

impl Case {
    /// A new case at version 1.
    pub fn open(id: String, by: &Viewer, title: &str, marking: Marking, at: &str) -> Result<Case> {
        let title = text("title", title)?;
        Ok(Case {
            id,
            org: by.org.clone(),
            title: title.clone(),
            status: Status::Open,
            marking,
            sharing_group: None,
            created_at: at.to_string(),
            created_by: by.user.clone(),
            updated_at: at.to_string(),
            version: 1,
            assignees: BTreeSet::from([by.user.clone()]),
            actors: Vec::new(),
            records: Vec::new(),
            files: Vec::new(),
            tasks: Vec::new(),
            notes: Vec::new(),
            timeline: vec![Entry {
                at: at.to_string(),
                user: by.user.clone(),
                org: by.org.clone(),
                what: format!("opened the case \u{201c}{title}\u{201d}"),
                record: None,
                actor: None,
            }],
        })
    }

    /// The label reads of the case are judged by.
    pub fn label(&self) -> Label<'_> {
        Label {
            owner: &self.org,
            marking: self.marking,
            group: self.sharing_group.as_deref(),
        }
    }

    pub fn has_actor(&self, actor: &str) -> bool {
        self.actors.iter().any(|a| a.actor == actor)
    }

    pub fn has_record(&self, key: &str) -> bool {
        self.records.iter().any(|r| r.key == key)
    }

    /// Applies `change` made by `by` at `at`, or says which field is wrong. Whether the writer
    /// may see the records and actors it adds is checked before.
    pub fn apply(&mut self, change: &Change, by: &Viewer, at: &str) -> Result<()> {
        let entry = |what: String, record: Option<&str>, actor: Option<&str>| Entry {
            at: at.to_string(),
            user: by.user.clone(),
            org: by.org.clone(),
            what,
            record: record.map(str::to_string),
            actor: actor.map(str::to_string),
        };
        let e = match change {
            Change::Title { title } => {
                let title = text("title", title)?;
                self.title = title.clone();
                entry(
                    format!("renamed the case \u{201c}{title}\u{201d}"),
                    None,
                    None,
                )
            }
            Change::Status { status } => {
                let to = Status::parse(status)
                    .ok_or_else(|| invalid("status", "must be open, active, referred or closed"))?;
                if !self.status.next().contains(&to) {
                    let allowed: Vec<&str> =
                        self.status.next().iter().map(|s| s.as_str()).collect();
                    return Err(invalid(
                        "status",
                        &format!(
                            "a case that is {} may become {}, not {}",
                            self.status.as_str(),
                            allowed.join(" or "),
                            to.as_str()
                        ),
                    ));
                }
                self.status = to;
                entry(format!("set the status to {}", to.as_str()), None, None)
            }
            Change::Marking {
                marking,
                sharing_group,
            } => {
                if by.org != self.org {
                    return Err(invalid(
                        "marking",
                        "only the organisation that owns the case sets its marking",
                    ));
                }
                let m: Marking = marking.trim().trim_start_matches("TLP:").parse().map_err(
                    |e: interdict_model::ParseMarkingError| invalid("marking", &e.to_string()),
                )?;
                self.marking = m;
                self.sharing_group = sharing_group
                    .as_deref()
                    .map(str::trim)
                    .filter(|g| !g.is_empty())
                    .map(str::to_string);
                let group = self
                    .sharing_group
                    .as_deref()
                    .map(|g| format!(" shared with group {g}"))
                    .unwrap_or_default();
                entry(format!("marked the case TLP:{m}{group}"), None, None)
            }
            Change::Assign { user } => {
                let user = name("user", user)?;
                if !self.assignees.insert(user.clone()) {
                    return Err(invalid("user", &format!("{user} is already assigned")));
                }
                entry(format!("assigned {user}"), None, None)
            }
            Change::Unassign { user } => {
                if !self.assignees.remove(user.trim()) {
                    return Err(invalid("user", &format!("{} is not assigned", user.trim())));
                }
                entry(format!("unassigned {}", user.trim()), None, None)
            }
            Change::AddActor { actor } => {
                let actor = name("actor", actor)?;
                if self.has_actor(&actor) {
                    return Err(invalid("actor", &format!("{actor} is already in the case")));
                }
                full(self.actors.len(), "actors")?;
                self.actors.push(CaseActor {
                    actor: actor.clone(),
                    added_by: by.user.clone(),
                    added_at: at.to_string(),
                });
                entry("added an actor".into(), None, Some(&actor))
            }
            Change::RemoveActor { actor } => {
                let n = self.actors.len();
                self.actors.retain(|a| a.actor != actor.trim());
                if n == self.actors.len() {
                    return Err(invalid("actor", "that actor is not in the case"));
                }
                entry("removed an actor".into(), None, Some(actor.trim()))
            }
            Change::AddRecord { record, note } => {
                let key = name("record", record)?;
                if self.has_record(&key) {
                    return Err(invalid("record", &format!("{key} is already evidence")));
                }
                full(self.records.len(), "records")?;
                let note = note.as_deref().map(|n| text("note", n)).transpose()?;
                self.records.push(CaseRecord {
                    key: key.clone(),
                    added_by: by.user.clone(),
                    added_at: at.to_string(),
                    note,
                });
                entry("added a record as evidence".into(), Some(&key), None)
            }
            Change::RemoveRecord { record } => {
                let n = self.records.len();
                self.records.retain(|r| r.key != record.trim());
                if n == self.records.len() {
                    return Err(invalid("record", "that record is not evidence of the case"));
                }
                entry(
                    "removed a record from the evidence".into(),
                    Some(record.trim()),
                    None,
                )
            }
            Change::AddTask {
                text: t,
                assignee,
                due,
            } => {
                let t = text("text", t)?;
                full(self.tasks.len(), "tasks")?;
                if let Some(d) = due
                    && !is_day(d)
                {
                    return Err(invalid("due", "a day is written YYYY-MM-DD"));
                }
                let assignee = assignee
                    .as_deref()
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_string);
                let id = self.tasks.iter().map(|t| t.id).max().unwrap_or(0) + 1;
                self.tasks.push(Task {
                    id,
                    text: t.clone(),
                    assignee,
                    due: due.clone(),
                    done: false,
                    created_by: by.user.clone(),
                    created_at: at.to_string(),
                });
                entry(format!("added task {id}: {t}"), None, None)
            }
            Change::Task { task, done } => {
                let t = self
                    .tasks
                    .iter_mut()
                    .find(|t| t.id == *task)
                    .ok_or_else(|| invalid("task", &format!("the case has no task {task}")))?;
                t.done = *done;
                let what = if *done { "completed" } else { "reopened" };
                entry(format!("{what} task {task}"), None, None)
            }
            Change::Note { text: t } => {
                let t = text("text", t)?;
                full(self.notes.len(), "notes")?;
                let id = self.notes.iter().map(|n| n.id).max().unwrap_or(0) + 1;
                let mentions = mentions(&t);
                self.notes.push(Note {
                    id,
                    at: at.to_string(),
                    author: by.user.clone(),
                    text: t,
                    mentions: mentions.clone(),
                });
                let to = if mentions.is_empty() {
                    String::new()
                } else {
                    format!(" mentioning {}", mentions.join(", "))
                };
                entry(format!("added note {id}{to}"), None, None)
            }
            Change::AddFile(f) => {
                if self.files.iter().any(|x| x.sha256 == f.sha256) {
                    return Err(invalid("file", &format!("{} is already evidence", f.name)));
                }
                full(self.files.len(), "files")?;
                let name = text("name", &f.name)?;
                self.files.push(CaseFile {
                    name: name.clone(),
                    ..f.clone()
                });
                entry(
                    format!("added file {name} (SHA-256 {})", f.sha256),
                    None,
                    None,
                )
            }
        };
        self.timeline.push(e);
        self.updated_at = at.to_string();
        Ok(())
    }
}

fn invalid(field: &str, why: &str) -> Error {
    Error::Invalid(format!("{field}: {why}"))
}

fn text(field: &str, s: &str) -> Result<String> {
    let s = s.trim();
    if s.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if s.chars().count() > TEXT_CHARS {
        return Err(invalid(field, &format!("at most {TEXT_CHARS} characters")));
    }
    Ok(s.to_string())
}

fn name(field: &str, s: &str) -> Result<String> {
    let s = text(field, s)?;
    if s.len() > 300 {
        return Err(invalid(field, "at most 300 characters"));
    }
    Ok(s)
}

fn full(n: usize, what: &str) -> Result<()> {
    if n >= MAX_ITEMS {
        return Err(invalid(
            what,
            &format!("a case holds at most {MAX_ITEMS} {what}"),
        ));
    }
    Ok(())
}

fn is_day(d: &str) -> bool {
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()
}

/// The users a note names as `@name` (letters, digits, `.`, `_`, `-`), in order, once each.
pub fn mentions(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        if c == '@' && !prev.is_some_and(|p| p.is_alphanumeric()) {
            let rest = &text[i + 1..];
            let end = rest
                .find(|ch: char| !(ch.is_alphanumeric() || "._-".contains(ch)))
                .unwrap_or(rest.len());
            let n = rest[..end].trim_end_matches(['.', '-', '_']);
            if !n.is_empty() && !out.iter().any(|o| o == n) {
                out.push(n.to_string());
            }
        }
        prev = Some(c);
    }
    out
}

/// A new case id: `CASE-` and 10 random hex digits.
pub fn new_id() -> String {
    let n: u64 = rand::random();
    format!("CASE-{:010X}", n & 0xFF_FFFF_FFFF)
}

/// Every case, by id.
pub fn load(dir: &dyn Directory) -> Result<BTreeMap<String, Case>> {
    let mut out = BTreeMap::new();
    for row in dir.cases()? {
        let case: Case = serde_json::from_str(&row.body)
            .map_err(|e| Error::Corrupt(format!("case {}: {e}", row.id)))?;
        out.insert(row.id, case);
    }
    Ok(out)
}

/// Writes `case` at its version; false when another writer changed it first (or, at version 1,
/// took its id).
pub fn save(dir: &mut dyn Directory, case: &Case) -> Result<bool> {
    Ok(dir.put_case(&CaseRow {
        id: case.id.clone(),
        org: case.org.clone(),
        version: case.version,
        body: serde_json::to_string(case)?,
        updated_at: case.updated_at.clone(),
    })?)
}

/// What a caller is told of another organisation's case on an actor it looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// `deconfliction`.
    pub kind: &'static str,
    /// The organisation to contact.
    pub org: String,
    /// The case, when the caller may read it; absent when only its existence may be known.
    pub case: Option<String>,
    pub title: Option<String>,
    pub status: Status,
    pub actor: String,
    pub note: String,
}

/// The cases on each actor, for deconfliction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ByActor(BTreeMap<String, Vec<String>>);

impl ByActor {
    pub fn new(cases: &BTreeMap<String, Case>) -> ByActor {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for c in cases.values() {
            for a in &c.actors {
                m.entry(a.actor.clone()).or_default().push(c.id.clone());
            }
        }
        ByActor(m)
    }

    pub fn cases_on(&self, actor: &str) -> &[String] {
        self.0.get(actor).map(Vec::as_slice).unwrap_or_default()
    }
}

/// The cases on `actor` the caller reads in full (its own organisation's among them), and a
/// notice for each other organisation's case that is not closed, as much as its marking
/// allows: the case when the caller may read it, its existence under AMBER and AMBER+STRICT,
/// nothing under RED.
pub fn notices_on<'c>(
    cases: &'c BTreeMap<String, Case>,
    by_actor: &ByActor,
    actor: &str,
    viewer: &Viewer,
    groups: &dyn Groups,
) -> (Vec<&'c Case>, Vec<Notice>) {
    let mut readable = Vec::new();
    let mut notices = Vec::new();
    let mut told = BTreeSet::new();
    for id in by_actor.cases_on(actor) {
        let Some(c) = cases.get(id) else { continue };
        let s = sight(viewer, c.label(), groups);
        if s == Sight::Full {
            readable.push(c);
        }
        if c.org == viewer.org || c.status == Status::Closed {
            continue;
        }
        match s {
            Sight::Full => notices.push(Notice {
                kind: "deconfliction",
                org: c.org.clone(),
                case: Some(c.id.clone()),
                title: Some(c.title.clone()),
                status: c.status,
                actor: actor.to_string(),
                note: format!(
                    "organisation {} has a case on this actor ({}, {}): contact {} before acting",
                    c.org,
                    c.id,
                    c.status.as_str(),
                    c.org
                ),
            }),
            // One notice per organisation: how many cases it has is not told.
            Sight::ExistenceOnly if told.insert(c.org.clone()) => notices.push(Notice {
                kind: "deconfliction",
                org: c.org.clone(),
                case: None,
                title: None,
                status: Status::Open,
                actor: actor.to_string(),
                note: format!(
                    "organisation {} has an open case on this actor: contact {} before acting",
                    c.org, c.org
                ),
            }),
            _ => {}
        }
    }
    (readable, notices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_access::{Member, Role};

    fn who(org: &str, user: &str) -> Viewer {
        Viewer {
            org: org.into(),
            user: user.into(),
            role: Role::Analyst,
        }
    }

    const AT: &str = "2026-03-01T10:00:00Z";

    #[test]
    fn the_workflow_refuses_a_jump_and_names_the_way() {
        let ana = who("coord", "ana");
        let mut c = Case::open("CASE-1".into(), &ana, "Ring", Marking::Amber, AT).unwrap();
        let jump = Change::Status {
            status: "referred".into(),
        };
        let e = c.apply(&jump, &ana, AT).unwrap_err().to_string();
        assert!(e.contains("may become active or closed"), "{e}");
        for s in ["active", "referred", "active", "closed", "active"] {
            c.apply(&Change::Status { status: s.into() }, &ana, AT)
                .unwrap();
        }
        assert_eq!(c.status, Status::Active);
        assert_eq!(c.timeline.len(), 6);
    }

    #[test]
    fn notes_name_their_mentions_and_the_timeline_keeps_what_changed() {
        let ana = who("coord", "ana");
        let mut c = Case::open("CASE-1".into(), &ana, "Ring", Marking::Amber, AT).unwrap();
        let note = Change::Note {
            text: "ask @cora.customs and @bo_m about it, mail x@y.z; @cora.customs again.".into(),
        };
        c.apply(&note, &ana, AT).unwrap();
        assert_eq!(c.notes[0].mentions, ["cora.customs", "bo_m"]);
        c.apply(
            &Change::AddRecord {
                record: "m/sellers/S1".into(),
                note: None,
            },
            &ana,
            AT,
        )
        .unwrap();
        let again = c.apply(
            &Change::AddRecord {
                record: "m/sellers/S1".into(),
                note: None,
            },
            &ana,
            AT,
        );
        assert!(again.unwrap_err().to_string().starts_with("record:"));
        c.apply(
            &Change::AddTask {
                text: "test buy".into(),
                assignee: None,
                due: Some("2026-03-09".into()),
            },
            &ana,
            AT,
        )
        .unwrap();
        c.apply(
            &Change::Task {
                task: 1,
                done: true,
            },
            &ana,
            AT,
        )
        .unwrap();
        assert!(c.tasks[0].done);
        assert!(
            c.apply(
                &Change::Task {
                    task: 2,
                    done: true
                },
                &ana,
                AT
            )
            .is_err()
        );
        let bad_due = Change::AddTask {
            text: "x".into(),
            assignee: None,
            due: Some("9 March".into()),
        };
        assert!(
            c.apply(&bad_due, &ana, AT)
                .unwrap_err()
                .to_string()
                .starts_with("due:")
        );
        let entry = c.timeline.iter().find(|e| e.record.is_some()).unwrap();
        assert_eq!(entry.record.as_deref(), Some("m/sellers/S1"));
        let other = who("customs", "cora");
        let relabel = Change::Marking {
            marking: "RED".into(),
            sharing_group: None,
        };
        assert!(c.apply(&relabel, &other, AT).is_err());
        c.apply(&relabel, &ana, AT).unwrap();
        assert_eq!(c.marking, Marking::Red);
    }

    #[test]
    fn a_case_round_trips_through_its_stored_form() {
        let ana = who("coord", "ana");
        let mut c = Case::open(new_id(), &ana, "Ring", Marking::Amber, AT).unwrap();
        c.apply(
            &Change::AddActor {
                actor: "A-1".into(),
            },
            &ana,
            AT,
        )
        .unwrap();
        let back: Case = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
        assert!(c.id.starts_with("CASE-") && c.id.len() == 15);
        let change: Change = serde_json::from_str(r#"{"op":"add_actor","actor":"A-2"}"#).unwrap();
        assert_eq!(
            change,
            Change::AddActor {
                actor: "A-2".into()
            }
        );
        assert!(serde_json::from_str::<Change>(r#"{"op":"add_file","name":"x"}"#).is_err());
    }

    #[test]
    fn deconfliction_tells_as_much_as_the_other_case_marking_allows() {
        let mut cases = BTreeMap::new();
        let mk = |id: &str, org: &str, m: Marking, group: Option<&str>| {
            let mut c = Case::open(id.into(), &who(org, "u"), id, m, AT).unwrap();
            c.sharing_group = group.map(str::to_string);
            c.apply(
                &Change::AddActor {
                    actor: "A-9".into(),
                },
                &who(org, "u"),
                AT,
            )
            .unwrap();
            c
        };
        for c in [
            mk("C-AMBER", "customs", Marking::Amber, None),
            mk("C-AMBER2", "customs", Marking::Amber, None),
            mk("C-GREEN", "carrier", Marking::Green, None),
            mk("C-RED", "brand", Marking::Red, None),
            mk("C-SHARED", "market", Marking::Amber, Some("ops")),
            mk("C-OWN", "coord", Marking::Red, None),
        ] {
            cases.insert(c.id.clone(), c);
        }
        let mut closed = mk("C-CLOSED", "police", Marking::Green, None);
        closed.status = Status::Closed;
        cases.insert(closed.id.clone(), closed);
        let mut groups: BTreeMap<String, BTreeSet<Member>> = BTreeMap::new();
        groups.insert("ops".into(), [Member::Org("coord".into())].into());
        let by = ByActor::new(&cases);
        let (readable, notices) = notices_on(&cases, &by, "A-9", &who("coord", "ana"), &groups);
        let ids: Vec<&str> = readable.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["C-CLOSED", "C-GREEN", "C-OWN", "C-SHARED"]);
        let told: Vec<(&str, Option<&str>)> = notices
            .iter()
            .map(|n| (n.org.as_str(), n.case.as_deref()))
            .collect();
        // customs once, by existence only; brand's RED case not at all; closed ones not.
        assert_eq!(
            told,
            [
                ("customs", None),
                ("carrier", Some("C-GREEN")),
                ("market", Some("C-SHARED"))
            ]
        );
        assert!(
            notices[0]
                .note
                .contains("has an open case on this actor: contact customs")
        );
        let (_, none) = notices_on(&cases, &by, "A-1", &who("coord", "ana"), &groups);
        assert!(none.is_empty());
    }
}
