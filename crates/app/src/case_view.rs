//! A case as one reader sees it, and its referral package.
//!
//! A case is read through the same policy as records: its actors and evidence records are
//! shown only when the reader sees them in full; what it may not see is named as held by the
//! organisation to ask, never shown; the timeline loses the names of what the reader may not
//! see. The referral package is built from that same reading, so an export never carries more
//! than its exporter may see.

use std::collections::{BTreeMap, BTreeSet};

use interdict_access::{Existence, Groups, Sight, Viewer, partition};
use interdict_report as report;
use interdict_store::Directory;
use sha2::{Digest as _, Sha256};

use crate::audit_trail::row_to_entry;
use crate::cases::{Case, CaseActor, CaseRecord, Entry};
use crate::error::{Error, Result};
use crate::read_model::View;

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The SHA-256 of a record's canonical JSON, as evidence lists cite it.
pub fn record_hash(view: &View, record: u32) -> String {
    sha256_hex(view.record_json(record).to_string().as_bytes())
}

/// An actor of the case the reader sees.
pub struct SeenActor<'c> {
    pub entry: &'c CaseActor,
    pub actor: u32,
    pub name: String,
    pub hub: bool,
}

/// An evidence record the reader sees.
pub struct SeenRecord<'c> {
    pub entry: &'c CaseRecord,
    pub record: u32,
}

/// What one reader sees of a case.
pub struct Seen<'c> {
    pub actors: Vec<SeenActor<'c>>,
    pub records: Vec<SeenRecord<'c>>,
    /// The timeline, without the names of records and actors the reader may not see.
    pub timeline: Vec<Entry>,
    /// Whom to ask about actors and records of the case the reader may not see.
    pub held_elsewhere: Vec<Existence>,
}

/// Whether the reader sees anything of an actor in full (one of its party or history records).
pub fn sees_actor(view: &View, viewer: &Viewer, actor: u32, groups: &dyn Groups) -> bool {
    let a = &view.actors[actor as usize];
    a.parties
        .iter()
        .map(|&p| view.parties[p as usize].record)
        .chain(a.history.iter().copied())
        .any(|r| view.sight(viewer, r, groups) == Sight::Full)
}

/// The case as `viewer` sees it.
pub fn seen<'c>(case: &'c Case, view: &View, viewer: &Viewer, groups: &dyn Groups) -> Seen<'c> {
    let mut hidden: BTreeSet<Existence> = BTreeSet::new();
    let mut actors = Vec::new();
    let mut shown_actors = BTreeSet::new();
    for entry in &case.actors {
        let Some(a) = view.actor(&entry.actor) else {
            continue;
        };
        if sees_actor(view, viewer, a, groups) {
            shown_actors.insert(entry.actor.as_str());
            actors.push(SeenActor {
                entry,
                actor: a,
                name: view.visible_name(viewer, a, groups).unwrap_or_default(),
                hub: view.actors[a as usize].hub,
            });
        } else {
            let av = &view.actors[a as usize];
            let labels = av
                .parties
                .iter()
                .map(|&p| view.parties[p as usize].record)
                .chain(av.history.iter().copied())
                .map(|r| (view.label_of(r), ()));
            hidden.extend(partition(viewer, labels, groups, "is about an actor of this case").1);
        }
    }
    let mut records = Vec::new();
    let mut shown_records = BTreeSet::new();
    for entry in &case.records {
        let Some(r) = view.record_named(&entry.key) else {
            continue;
        };
        match view.sight(viewer, r, groups) {
            Sight::Full => {
                shown_records.insert(entry.key.as_str());
                records.push(SeenRecord { entry, record: r });
            }
            Sight::ExistenceOnly => {
                hidden.insert(Existence::of(
                    view.label_of(r).owner,
                    "is evidence in this case",
                ));
            }
            Sight::Nothing => {}
        }
    }
    let timeline = case
        .timeline
        .iter()
        .map(|e| Entry {
            record: e
                .record
                .clone()
                .filter(|k| shown_records.contains(k.as_str())),
            actor: e
                .actor
                .clone()
                .filter(|a| shown_actors.contains(a.as_str())),
            ..e.clone()
        })
        .collect();
    Seen {
        actors,
        records,
        timeline,
        held_elsewhere: hidden.into_iter().collect(),
    }
}

/// What kind of evidence a record is, in words.
pub fn evidence_kind(view: &View, record: u32) -> String {
    let key = &view.records[record as usize].key;
    match view.outcome_result(record) {
        Some((result, _)) if result.starts_with("test_buy") => format!(
            "test buy: {}",
            result.trim_start_matches("test_buy").trim_matches('_')
        ),
        Some((result, _)) => format!("outcome: {}", result.replace('_', " ")),
        None => key.feed.as_str().trim_end_matches('s').replace('_', " "),
    }
}

/// A line that says what a record is: its day and the names of its parties.
pub fn evidence_description(view: &View, record: u32) -> String {
    let names: Vec<String> = view
        .parties_of(record)
        .map(|p| {
            let pv = &view.parties[p as usize];
            format!("{} {}", view.role(p), pv.name)
        })
        .take(6)
        .collect();
    let day = view.record_date(record).unwrap_or("undated");
    if names.is_empty() {
        day.to_string()
    } else {
        format!("{day}; {}", names.join(", "))
    }
}

/// The chain of custody of a case: every audit entry about it, oldest first, with its hash in
/// the chain.
pub fn custody(dir: &dyn Directory, case_id: &str) -> Result<Vec<report::CustodyEntry>> {
    let target = format!("case {case_id}");
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let rows = dir.audit(after, 5_000)?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for row in &rows {
            let e = row_to_entry(row).map_err(Error::Corrupt)?;
            if e.event.target == target {
                out.push(report::CustodyEntry {
                    at: e.event.at,
                    org: e.event.org,
                    user: e.event.user,
                    action: e.event.action,
                    detail: e.event.detail,
                    hash: e.hash.to_hex(),
                });
            }
        }
    }
    Ok(out)
}

/// A file kept with a case, as the package carries it.
pub struct PackedFile {
    pub name: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

/// The most actors a referral's network picture draws.
const PICTURE_NODES: usize = 40;

/// The referral report of a case as `viewer` sees it.
pub fn referral(
    case: &Case,
    view: &View,
    viewer: &Viewer,
    groups: &dyn Groups,
    custody: Vec<report::CustodyEntry>,
    at: &str,
) -> report::Referral {
    let s = seen(case, view, viewer, groups);
    // The network: the case's actors, and the actors they share visible records with.
    let mut nodes: Vec<report::Node> = Vec::new();
    let mut index: BTreeMap<u32, usize> = BTreeMap::new();
    for a in &s.actors {
        index.insert(a.actor, nodes.len());
        nodes.push(report::Node {
            id: a.entry.actor.clone(),
            label: a.name.clone(),
            subject: true,
            hub: a.hub,
        });
    }
    let mut edges: BTreeMap<(usize, usize), String> = BTreeMap::new();
    for a in &s.actors {
        if a.hub {
            continue;
        }
        for l in view.links(a.actor) {
            if view.sight(viewer, l.via, groups) != Sight::Full {
                continue;
            }
            let j = match index.get(&l.other) {
                Some(&j) => j,
                None if nodes.len() < PICTURE_NODES => {
                    index.insert(l.other, nodes.len());
                    nodes.push(report::Node {
                        id: view.actors[l.other as usize].id.clone(),
                        label: view
                            .visible_name(viewer, l.other, groups)
                            .unwrap_or_default(),
                        subject: false,
                        hub: view.actors[l.other as usize].hub,
                    });
                    nodes.len() - 1
                }
                None => continue,
            };
            let i = index[&a.actor];
            let pair = (i.min(j), i.max(j));
            if i != j {
                edges
                    .entry(pair)
                    .or_insert_with(|| view.records[l.via as usize].key.to_string());
            }
        }
    }
    let subjects = s
        .actors
        .iter()
        .map(|a| subject(view, viewer, groups, a))
        .collect();
    let mut evidence: Vec<report::Evidence> = s
        .records
        .iter()
        .map(|r| report::Evidence {
            kind: evidence_kind(view, r.record),
            reference: r.entry.key.clone(),
            description: match &r.entry.note {
                Some(n) => format!("{}; {n}", evidence_description(view, r.record)),
                None => evidence_description(view, r.record),
            },
            added_by: r.entry.added_by.clone(),
            added_at: r.entry.added_at.clone(),
            sha256: record_hash(view, r.record),
        })
        .collect();
    evidence.extend(case.files.iter().map(|f| report::Evidence {
        kind: "file".into(),
        reference: f.name.clone(),
        description: format!("{}, {} bytes", f.content_type, f.bytes),
        added_by: f.added_by.clone(),
        added_at: f.added_at.clone(),
        sha256: f.sha256.clone(),
    }));
    let open_tasks = case.tasks.iter().filter(|t| !t.done).count();
    report::Referral {
        case_id: case.id.clone(),
        title: case.title.clone(),
        status: case.status.as_str().into(),
        owner_org: case.org.clone(),
        marking: format!("TLP:{}", case.marking),
        sharing_group: case.sharing_group.clone(),
        prepared_by: format!("{} ({})", viewer.user, viewer.org),
        prepared_at: at.to_string(),
        summary: vec![
            format!(
                "Case {} of organisation {}, opened {} by {}, is {}.",
                case.id,
                case.org,
                case.created_at,
                case.created_by,
                case.status.as_str()
            ),
            format!(
                "It names {} actor(s) and holds {} evidence item(s); {} task(s) remain open.",
                s.actors.len(),
                evidence.len(),
                open_tasks
            ),
            "Each evidence item is cited with the SHA-256 of its content: of a record, its \
             canonical JSON as the platform stores it; of a file, its bytes."
                .into(),
        ],
        subjects,
        network: report::Network {
            nodes,
            edges: edges
                .into_iter()
                .map(|((a, b), via)| report::Edge { a, b, via })
                .collect(),
        },
        evidence,
        tasks: case
            .tasks
            .iter()
            .map(|t| report::TaskLine {
                text: t.text.clone(),
                assignee: t.assignee.clone(),
                done: t.done,
            })
            .collect(),
        notes: case
            .notes
            .iter()
            .map(|n| report::NoteLine {
                at: n.at.clone(),
                author: n.author.clone(),
                text: n.text.clone(),
            })
            .collect(),
        custody,
        held_elsewhere: s.held_elsewhere.iter().map(|e| e.note.clone()).collect(),
    }
}

fn subject(view: &View, viewer: &Viewer, groups: &dyn Groups, a: &SeenActor) -> report::Subject {
    let mut names = BTreeSet::new();
    let mut details = BTreeSet::new();
    for &p in &view.actors[a.actor as usize].parties {
        let pv = &view.parties[p as usize];
        if view.sight(viewer, pv.record, groups) != Sight::Full {
            continue;
        }
        names.insert(pv.name.clone());
        if details.len() >= 12 {
            continue;
        }
        let party = view.party_json(p);
        for field in ["email", "phone", "account_id", "date_of_birth"] {
            if let Some(v) = party.get(field).and_then(|v| v.as_str()) {
                details.insert(format!("{}: {v}", field.replace('_', " ")));
            }
        }
        if let Some(addr) = party.get("address") {
            let line: Vec<&str> = ["line1", "city", "postcode", "country"]
                .iter()
                .filter_map(|f| addr.get(*f).and_then(|v| v.as_str()))
                .collect();
            if !line.is_empty() {
                details.insert(format!("address: {}", line.join(", ")));
            }
        }
    }
    report::Subject {
        actor: a.entry.actor.clone(),
        names: names.into_iter().take(10).collect(),
        details: details.into_iter().take(12).collect(),
    }
}

/// A referral package: the ZIP and its SHA-256.
pub struct Package {
    pub zip: Vec<u8>,
    pub sha256: String,
}

/// Packs a referral: the report as HTML and PDF, the referral as JSON, the case's files, and a
/// manifest of every file's SHA-256 (as `sha256sum` writes it).
pub fn package(r: &report::Referral, files: Vec<PackedFile>) -> Result<Package> {
    let mut entries: Vec<(String, Vec<u8>)> = vec![
        ("report.html".into(), report::html(r).into_bytes()),
        ("report.pdf".into(), report::pdf(r)),
        ("referral.json".into(), serde_json::to_vec_pretty(r)?),
    ];
    for f in files {
        let safe: String = f
            .name
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || ".-_".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        entries.push((format!("evidence/{}-{safe}", &f.sha256[..12]), f.bytes));
    }
    let manifest: String = entries
        .iter()
        .map(|(name, bytes)| format!("{}  {name}\n", sha256_hex(bytes)))
        .collect();
    entries.push(("MANIFEST.sha256".into(), manifest.into_bytes()));
    let zip = report::zip(&entries);
    let sha256 = sha256_hex(&zip);
    Ok(Package { zip, sha256 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_the_standard_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_package_lists_every_file_with_its_hash() {
        let r = report::Referral {
            case_id: "CASE-1".into(),
            title: "Ring".into(),
            ..Default::default()
        };
        let p = package(
            &r,
            vec![PackedFile {
                name: "photo 1.jpg".into(),
                sha256: sha256_hex(b"jpeg"),
                bytes: b"jpeg".to_vec(),
            }],
        )
        .unwrap();
        assert_eq!(p.sha256, sha256_hex(&p.zip));
        let text = String::from_utf8_lossy(&p.zip);
        let manifest_line = format!(
            "{}  evidence/{}-photo_1.jpg",
            sha256_hex(b"jpeg"),
            &sha256_hex(b"jpeg")[..12]
        );
        assert!(
            text.contains(&manifest_line),
            "the stored manifest names the file"
        );
        for name in [
            "report.html",
            "report.pdf",
            "referral.json",
            "MANIFEST.sha256",
        ] {
            assert!(text.contains(name));
        }
    }
}
