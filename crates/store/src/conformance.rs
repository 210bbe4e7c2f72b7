//! The behaviour every [`Store`] backend must show. Each backend instantiates the suite with
//! [`store_conformance_suite!`](crate::store_conformance_suite), giving an expression that makes
//! a fresh, empty store, and the [`Directory`] suite with
//! [`directory_conformance_suite!`](crate::directory_conformance_suite) the same way. Tests
//! that need two connections to one store (two writers at once) are called by each backend's
//! tests with a pair it opens.

use interdict_model::{
    Feed, Item, Marking, Party, QuarantinedRow, Record, RecordKey, Seller, Shipment,
};

use crate::directory::{AuditRow, Directory, KeyRow, OrgRow, SessionRow, UserRow};
use crate::{NewRecord, RowCounts, RunCounts, RunInfo, Store, StoreError};

fn shipment(id: &str, descs: &[&str]) -> Record {
    Record::Shipments(Shipment {
        shipment_id: id.into(),
        carrier: Some("swift".into()),
        items: descs
            .iter()
            .map(|d| Item {
                description: d.to_string(),
                ..Item::default()
            })
            .collect(),
        ..Shipment::default()
    })
}

fn new(record: Record, line: u64) -> NewRecord {
    let json = record.canonical_json();
    NewRecord {
        source_id: record.source_id().to_string(),
        hash: Record::content_hash(&json),
        payload: Record::encode_payload(&json),
        rows: 1,
        line,
        continuation: false,
    }
}

fn info(marking: Marking) -> RunInfo {
    RunInfo {
        org: "carrier-x".into(),
        feed: Feed::Shipments,
        file: "ship.csv".into(),
        marking,
        sharing_group: None,
        started_at: "2026-12-01T10:00:00Z".into(),
    }
}

fn bad_row(line: u64) -> QuarantinedRow {
    QuarantinedRow {
        org: "carrier-x".into(),
        feed: Feed::Shipments,
        file: "ship.csv".into(),
        line,
        field: Some("shipped".into()),
        reason: "not a date: \"31/02\"".into(),
        raw: Some("A;31/02".into()),
    }
}

fn key(id: &str) -> RecordKey {
    RecordKey::new("carrier-x", Feed::Shipments, id)
}

pub fn rewriting_the_same_records_changes_nothing(store: &mut dyn Store) {
    let run = store.begin_run(info(Marking::Amber)).unwrap();
    let c = store
        .write_batch(
            &run,
            vec![
                new(shipment("A", &["shoes"]), 2),
                new(shipment("B", &["bags"]), 3),
            ],
            vec![],
        )
        .unwrap();
    assert_eq!(
        c,
        RowCounts {
            landed: 2,
            updated: 0,
            unchanged: 0
        }
    );
    let digest = store.digest().unwrap();
    let run2 = store.begin_run(info(Marking::Amber)).unwrap();
    let c = store
        .write_batch(
            &run2,
            vec![
                new(shipment("A", &["shoes"]), 2),
                new(shipment("B", &["bags"]), 3),
            ],
            vec![],
        )
        .unwrap();
    assert_eq!(
        c,
        RowCounts {
            landed: 0,
            updated: 0,
            unchanged: 2
        }
    );
    assert_eq!(store.digest().unwrap(), digest);
    let got = store.get(&key("A")).unwrap().unwrap();
    assert_eq!(got.version, 1);
    assert_eq!(got.run_id, run.id);
    assert_eq!(got.record, shipment("A", &["shoes"]));
    assert_eq!(got.marking, Marking::Amber);
    assert_eq!(got.source_file, "ship.csv");
    assert_eq!(got.source_line, 2);
    assert!(store.get(&key("C")).unwrap().is_none());
}

pub fn a_changed_record_keeps_its_earlier_version(store: &mut dyn Store) {
    let run = store.begin_run(info(Marking::Amber)).unwrap();
    store
        .write_batch(&run, vec![new(shipment("A", &["shoes"]), 2)], vec![])
        .unwrap();
    let run2 = store.begin_run(info(Marking::Amber)).unwrap();
    let c = store
        .write_batch(&run2, vec![new(shipment("A", &["boots"]), 2)], vec![])
        .unwrap();
    assert_eq!(
        c,
        RowCounts {
            landed: 0,
            updated: 1,
            unchanged: 0
        }
    );
    let versions = store.versions(&key("A")).unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].version, 1);
    assert_eq!(versions[0].record, shipment("A", &["shoes"]));
    assert_eq!(versions[1].version, 2);
    assert_eq!(versions[1].record, shipment("A", &["boots"]));
    assert_eq!(store.get(&key("A")).unwrap().unwrap().version, 2);
    let stats = store.stats().unwrap();
    assert_eq!(stats.len(), 1);
    assert_eq!((stats[0].records, stats[0].versioned), (1, 1));
}

pub fn a_new_marking_is_a_new_version(store: &mut dyn Store) {
    let run = store.begin_run(info(Marking::Amber)).unwrap();
    store
        .write_batch(&run, vec![new(shipment("A", &["shoes"]), 2)], vec![])
        .unwrap();
    let run2 = store.begin_run(info(Marking::Red)).unwrap();
    let c = store
        .write_batch(&run2, vec![new(shipment("A", &["shoes"]), 2)], vec![])
        .unwrap();
    assert_eq!(c.updated, 1);
    assert_eq!(store.get(&key("A")).unwrap().unwrap().marking, Marking::Red);
}

pub fn continuation_rows_fold_into_this_runs_record(store: &mut dyn Store) {
    let run = store.begin_run(info(Marking::Amber)).unwrap();
    store
        .write_batch(&run, vec![new(shipment("A", &["shoes"]), 2)], vec![])
        .unwrap();
    let mut later = new(shipment("A", &["bags"]), 9);
    later.continuation = true;
    let c = store.write_batch(&run, vec![later], vec![]).unwrap();
    assert_eq!(
        c,
        RowCounts {
            landed: 1,
            updated: 0,
            unchanged: 0
        }
    );
    let got = store.get(&key("A")).unwrap().unwrap();
    assert_eq!(got.version, 1);
    assert_eq!(got.record, shipment("A", &["shoes", "bags"]));
    assert_eq!(store.versions(&key("A")).unwrap().len(), 1);
}

pub fn quarantine_keeps_one_entry_per_row(store: &mut dyn Store) {
    let run = store.begin_run(info(Marking::Amber)).unwrap();
    store
        .write_batch(
            &run,
            vec![new(shipment("A", &["x"]), 2)],
            vec![bad_row(3), bad_row(7)],
        )
        .unwrap();
    let run2 = store.begin_run(info(Marking::Amber)).unwrap();
    store.write_batch(&run2, vec![], vec![bad_row(3)]).unwrap();
    let q = store.quarantined().unwrap();
    assert_eq!(q.iter().map(|r| r.line).collect::<Vec<_>>(), vec![3, 7]);
    assert_eq!(q[0], bad_row(3));
    let stats = store.stats().unwrap();
    assert_eq!((stats[0].records, stats[0].quarantined), (1, 2));
}

pub fn runs_are_remembered_with_their_counts(store: &mut dyn Store) {
    let run = store.begin_run(info(Marking::Green)).unwrap();
    let counts = RunCounts {
        read: 5,
        landed: 3,
        updated: 1,
        unchanged: 0,
        quarantined: 1,
    };
    store.finish_run(&run, counts).unwrap();
    let unfinished = store.begin_run(info(Marking::Green)).unwrap();
    let runs = store.runs().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].id, run.id);
    assert!(runs[0].finished);
    assert_eq!(runs[0].counts, counts);
    assert_eq!(runs[0].marking, Marking::Green);
    assert_eq!(runs[1].id, unfinished.id);
    assert!(!runs[1].finished);
}

pub fn scan_walks_current_versions_in_key_order(store: &mut dyn Store) {
    let run = store.begin_run(info(Marking::Amber)).unwrap();
    store
        .write_batch(
            &run,
            vec![new(shipment("B", &["b"]), 2), new(shipment("A", &["a"]), 3)],
            vec![],
        )
        .unwrap();
    let run2 = store.begin_run(info(Marking::Amber)).unwrap();
    store
        .write_batch(&run2, vec![new(shipment("B", &["b2"]), 2)], vec![])
        .unwrap();
    let mut seen = Vec::new();
    store
        .scan(Some(Feed::Shipments), &mut |r| {
            seen.push((r.key.source_id.clone(), r.version));
            Ok(())
        })
        .unwrap();
    assert_eq!(seen, vec![("A".to_string(), 1), ("B".to_string(), 2)]);
    let mut sellers = 0;
    store
        .scan(Some(Feed::Sellers), &mut |_| {
            sellers += 1;
            Ok(())
        })
        .unwrap();
    assert_eq!(sellers, 0);
}

pub fn default_markings_are_per_org_and_feed(store: &mut dyn Store) {
    assert_eq!(
        store.default_marking("carrier-x", Feed::Shipments).unwrap(),
        None
    );
    store
        .set_default_marking("carrier-x", Feed::Shipments, Marking::AmberStrict)
        .unwrap();
    store
        .set_default_marking("carrier-x", Feed::Shipments, Marking::Red)
        .unwrap();
    assert_eq!(
        store.default_marking("carrier-x", Feed::Shipments).unwrap(),
        Some(Marking::Red)
    );
    assert_eq!(
        store.default_marking("carrier-x", Feed::Outcomes).unwrap(),
        None
    );
    assert_eq!(
        store.default_marking("mkt-a", Feed::Shipments).unwrap(),
        None
    );
}

pub fn digest_ignores_times_and_run_ids(a: &mut dyn Store, b: &mut dyn Store) {
    let mut later = info(Marking::Amber);
    later.started_at = "2027-01-01T00:00:00Z".into();
    let _ = b.begin_run(later.clone()).unwrap();
    let ra = a.begin_run(info(Marking::Amber)).unwrap();
    let rb = b.begin_run(later).unwrap();
    assert_ne!(ra.id, rb.id);
    a.write_batch(&ra, vec![new(shipment("A", &["a"]), 2)], vec![bad_row(4)])
        .unwrap();
    b.write_batch(&rb, vec![new(shipment("A", &["a"]), 2)], vec![bad_row(4)])
        .unwrap();
    assert_eq!(a.digest().unwrap(), b.digest().unwrap());
    let r2 = b.begin_run(info(Marking::Amber)).unwrap();
    b.write_batch(&r2, vec![new(shipment("Z", &["z"]), 2)], vec![])
        .unwrap();
    assert_ne!(a.digest().unwrap(), b.digest().unwrap());
}

pub fn payload_scan_gives_what_scan_decodes(s: &mut dyn Store) {
    let run = s
        .begin_run(RunInfo {
            sharing_group: Some("ops".into()),
            ..info(Marking::Amber)
        })
        .unwrap();
    s.write_batch(
        &run,
        vec![new(shipment("B", &["b"]), 2), new(shipment("A", &["a"]), 3)],
        vec![],
    )
    .unwrap();
    let mut decoded = Vec::new();
    s.scan(Some(Feed::Shipments), &mut |r| {
        decoded.push((r.key, r.marking, r.sharing_group, r.record));
        Ok(())
    })
    .unwrap();
    assert_eq!(decoded[0].1, Marking::Amber);
    assert_eq!(decoded[0].2.as_deref(), Some("ops"));
    let mut raw = Vec::new();
    s.scan_payloads(Feed::Shipments, &mut |p| {
        raw.push((
            p.key,
            p.marking,
            p.sharing_group,
            Record::decode_payload(&p.data).unwrap(),
        ));
        Ok(())
    })
    .unwrap();
    assert_eq!(raw.len(), 2);
    raw.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(raw, decoded);
    let mut none = 0;
    s.scan_payloads(Feed::Sellers, &mut |_| {
        none += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(none, 0);
}

pub fn derived_outputs_are_replaced_and_kept_out_of_the_digest(s: &mut dyn Store) {
    assert_eq!(s.get_derived("resolution").unwrap(), None);
    let before = s.digest().unwrap();
    s.put_derived("resolution", b"first", "2026-12-01T00:00:00Z")
        .unwrap();
    s.put_derived("model", &[0, 1, 2, 255], "2026-12-01T00:00:00Z")
        .unwrap();
    s.put_derived("resolution", b"second", "2026-12-01T00:01:00Z")
        .unwrap();
    assert_eq!(
        s.get_derived("resolution").unwrap().as_deref(),
        Some(&b"second"[..])
    );
    assert_eq!(
        s.get_derived("model").unwrap().as_deref(),
        Some(&[0u8, 1, 2, 255][..])
    );
    assert_eq!(s.digest().unwrap(), before);
}

fn seller(id: &str) -> Record {
    Record::Sellers(Seller {
        marketplace: "mkt-a".into(),
        account_id: id.into(),
        party: Party::default(),
        created: None,
        status: None,
    })
}

fn run_of(org: &str, feed: Feed, marking: Marking, group: Option<&str>) -> RunInfo {
    RunInfo {
        org: org.into(),
        feed,
        file: format!("{feed}.csv"),
        marking,
        sharing_group: group.map(str::to_string),
        started_at: "2026-12-01T10:00:00Z".into(),
    }
}

/// Source ids whose order differs between byte order and a language's collation: case, accents,
/// punctuation, digits, scripts.
const AWKWARD_IDS: [&str; 17] = [
    "b", "B", "a", "é", "e", "Z", "a b", "ab", "a-b", "a_b", "10", "9", "ä", "aa", "ß", "ǅ", "日本",
];
const AWKWARD_ORGS: [&str; 4] = ["mkt-b", "Mkt-a", "carrier-x", "émile"];

/// Writes some of everything the digest covers: several organisations and feeds, keys that
/// sort differently by bytes and by language, versions, markings, sharing groups (none, empty,
/// named), continuation rows and quarantined rows.
pub fn write_a_bit_of_everything(store: &mut dyn Store) {
    for (i, org) in AWKWARD_ORGS.iter().enumerate() {
        let group = [None, Some(""), Some("ring-1"), Some("Ring-2")][i];
        let run = store
            .begin_run(run_of(org, Feed::Shipments, Marking::Amber, group))
            .unwrap();
        let mut recs: Vec<NewRecord> = AWKWARD_IDS
            .iter()
            .enumerate()
            .map(|(line, id)| new(shipment(id, &[id, org]), line as u64 + 2))
            .collect();
        let mut more = new(shipment("a", &["second line"]), 40);
        more.continuation = true;
        recs.push(more);
        let bad = QuarantinedRow {
            org: org.to_string(),
            feed: Feed::Shipments,
            file: "Shipments.csv".into(),
            line: 41 + i as u64,
            field: (i % 2 == 0).then(|| "shipped".to_string()),
            reason: format!("not a date: \"{org}\""),
            raw: Some(format!("{org};x")),
        };
        store.write_batch(&run, recs, vec![bad]).unwrap();
        let sellers = store
            .begin_run(run_of(org, Feed::Sellers, Marking::Green, group))
            .unwrap();
        store
            .write_batch(
                &sellers,
                AWKWARD_IDS[..5]
                    .iter()
                    .map(|id| new(seller(id), 3))
                    .collect(),
                vec![],
            )
            .unwrap();
    }
    // A later run: changed content, a new marking, the same content again.
    let run = store
        .begin_run(run_of("carrier-x", Feed::Shipments, Marking::Red, None))
        .unwrap();
    store
        .write_batch(
            &run,
            vec![
                new(shipment("B", &["changed"]), 5),
                new(shipment("é", &["é", "carrier-x"]), 6),
            ],
            vec![],
        )
        .unwrap();
    let run = store
        .begin_run(run_of("mkt-b", Feed::Shipments, Marking::Amber, None))
        .unwrap();
    store
        .write_batch(&run, vec![new(shipment("Z", &["Z", "mkt-b"]), 9)], vec![])
        .unwrap();
    // No sharing group is the same as an empty one.
    let run = store
        .begin_run(run_of("Mkt-a", Feed::Shipments, Marking::Amber, None))
        .unwrap();
    let c = store
        .write_batch(&run, vec![new(shipment("b", &["b", "Mkt-a"]), 2)], vec![])
        .unwrap();
    assert_eq!(c.unchanged, 1);
}

pub fn keys_are_ordered_by_their_bytes(store: &mut dyn Store) {
    write_a_bit_of_everything(store);
    let mut keys = Vec::new();
    store
        .scan(None, &mut |r| {
            keys.push((r.key.org, r.key.feed.as_str(), r.key.source_id));
            Ok(())
        })
        .unwrap();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys.len(), AWKWARD_ORGS.len() * (AWKWARD_IDS.len() + 5));
    assert_eq!(keys, sorted);
    let mut shipments = Vec::new();
    store
        .scan(Some(Feed::Shipments), &mut |r| {
            shipments.push((r.key.org, r.key.feed.as_str(), r.key.source_id));
            Ok(())
        })
        .unwrap();
    sorted.retain(|k| k.1 == "shipments");
    assert_eq!(shipments, sorted);
    let stats: Vec<(String, &str)> = store
        .stats()
        .unwrap()
        .into_iter()
        .map(|s| (s.org, s.feed.as_str()))
        .collect();
    let mut by_bytes = stats.clone();
    by_bytes.sort();
    assert_eq!(stats, by_bytes);
    let orgs: Vec<String> = store
        .quarantined()
        .unwrap()
        .into_iter()
        .map(|q| q.org)
        .collect();
    let mut by_bytes = orgs.clone();
    by_bytes.sort();
    assert_eq!(orgs, by_bytes);
}

/// What `write_a_bit_of_everything` leaves is the same, digest included, in any two stores.
pub fn the_same_writes_give_the_same_data(a: &mut dyn Store, b: &mut dyn Store) {
    write_a_bit_of_everything(a);
    write_a_bit_of_everything(b);
    assert_eq!(a.digest().unwrap(), b.digest().unwrap());
    let all = |s: &dyn Store| {
        let mut out = Vec::new();
        s.scan(None, &mut |r| {
            out.push((
                r.version,
                r.marking,
                r.sharing_group,
                r.source_line,
                r.record,
            ));
            Ok(())
        })
        .unwrap();
        out
    };
    assert_eq!(all(a), all(b));
    assert_eq!(a.stats().unwrap(), b.stats().unwrap());
    assert_eq!(a.quarantined().unwrap(), b.quarantined().unwrap());
    let payloads = |s: &dyn Store| {
        let mut out = Vec::new();
        for feed in Feed::ALL {
            s.scan_payloads(feed, &mut |p| {
                out.push(p);
                Ok(())
            })
            .unwrap();
        }
        out
    };
    assert_eq!(payloads(a), payloads(b));
    let k = RecordKey::new("carrier-x", Feed::Shipments, "B");
    let versions = |s: &dyn Store| {
        s.versions(&k)
            .unwrap()
            .into_iter()
            .map(|v| (v.version, v.marking, v.record))
            .collect::<Vec<_>>()
    };
    assert_eq!(versions(a).len(), 2);
    assert_eq!(versions(a), versions(b));
}

/// A batch that gives a key more than once writes it as if row by row: a later row of the same
/// run replaces the first in place, a continuation folds into what is there by then, and a
/// quarantined row given twice keeps the last.
pub fn a_batch_writes_repeated_keys_row_by_row(store: &mut dyn Store) {
    let cont = |mut r: NewRecord| {
        r.continuation = true;
        r
    };
    let run = store.begin_run(info(Marking::Amber)).unwrap();
    let mut first = bad_row(3);
    first.reason = "first".into();
    let c = store
        .write_batch(
            &run,
            vec![
                new(shipment("A", &["x"]), 2),
                new(shipment("A", &["y"]), 3),
                new(shipment("B", &["b"]), 4),
                cont(new(shipment("B", &["c"]), 5)),
                new(shipment("C", &["c"]), 6),
                new(shipment("C", &["c"]), 7),
            ],
            vec![first, bad_row(3)],
        )
        .unwrap();
    assert_eq!(
        c,
        RowCounts {
            landed: 5,
            updated: 0,
            unchanged: 1
        }
    );
    let a = store.get(&key("A")).unwrap().unwrap();
    assert_eq!((a.version, a.source_line), (1, 3));
    assert_eq!(a.record, shipment("A", &["y"]));
    assert_eq!(store.versions(&key("A")).unwrap().len(), 1);
    let b = store.get(&key("B")).unwrap().unwrap();
    assert_eq!((b.version, b.source_line), (1, 5));
    assert_eq!(b.record, shipment("B", &["b", "c"]));
    assert_eq!(store.get(&key("C")).unwrap().unwrap().source_line, 6);
    assert_eq!(store.quarantined().unwrap(), vec![bad_row(3)]);

    let run2 = store.begin_run(info(Marking::Amber)).unwrap();
    let c = store
        .write_batch(
            &run2,
            vec![
                new(shipment("A", &["z"]), 2),
                cont(new(shipment("A", &["w"]), 3)),
                new(shipment("B", &["b", "c"]), 4),
                cont(new(shipment("D", &["d"]), 8)),
                cont(new(shipment("B", &["e"]), 9)),
            ],
            vec![],
        )
        .unwrap();
    assert_eq!(
        c,
        RowCounts {
            landed: 1,
            updated: 3,
            unchanged: 1
        }
    );
    let versions = |id: &str| {
        store
            .versions(&key(id))
            .unwrap()
            .into_iter()
            .map(|v| (v.version, v.run_id, v.source_line, v.record))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        versions("A"),
        vec![
            (1, run.id, 3, shipment("A", &["y"])),
            (2, run2.id, 3, shipment("A", &["z", "w"]))
        ]
    );
    assert_eq!(
        versions("B"),
        vec![
            (1, run.id, 5, shipment("B", &["b", "c"])),
            (2, run2.id, 9, shipment("B", &["b", "c", "e"]))
        ]
    );
    assert_eq!(versions("D"), vec![(1, run2.id, 8, shipment("D", &["d"]))]);
    let mut stored = Vec::new();
    store
        .scan_payloads(Feed::Shipments, &mut |p| {
            stored.push(p.key.source_id);
            Ok(())
        })
        .unwrap();
    assert_eq!(stored, ["A", "B", "C", "D"]);
    let stats = store.stats().unwrap();
    assert_eq!((stats[0].records, stats[0].versioned), (4, 2));
}

/// A batch that fails part way leaves nothing of itself, and the error names the record.
pub fn a_failed_batch_leaves_nothing(store: &mut dyn Store) {
    let run = store.begin_run(info(Marking::Amber)).unwrap();
    store
        .write_batch(&run, vec![new(shipment("A", &["a"]), 2)], vec![])
        .unwrap();
    let digest = store.digest().unwrap();
    let run2 = store.begin_run(info(Marking::Amber)).unwrap();
    let mut broken = new(shipment("A", &["b"]), 3);
    broken.continuation = true;
    broken.payload = b"not a payload".to_vec();
    let err = store
        .write_batch(
            &run2,
            vec![new(shipment("X", &["x"]), 2), broken],
            vec![bad_row(5)],
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("carrier-x/shipments/A"), "{err}");
    assert!(store.get(&key("X")).unwrap().is_none());
    assert!(store.quarantined().unwrap().is_empty());
    assert_eq!(store.digest().unwrap(), digest);
}

/// Two writers at once, each with its own connection to one store, writing own keys, keys both
/// give with the same content and keys both give with different content, in batches that
/// overlap in time. Nothing is lost or doubled: each shared key lands once, and the other
/// writer finds it unchanged or makes it a second version.
pub fn two_writers_lose_and_duplicate_nothing(
    a: &mut (dyn Store + Send),
    b: &mut (dyn Store + Send),
) {
    const BATCHES: usize = 6;
    const PER_BATCH: usize = 200;
    const N: u64 = (BATCHES * PER_BATCH) as u64;
    fn write(store: &mut (dyn Store + Send), who: &str) -> RowCounts {
        let run = store.begin_run(info(Marking::Amber)).unwrap();
        let mut total = RowCounts::default();
        for batch in 0..BATCHES {
            let mut records = Vec::new();
            let mut quarantined = Vec::new();
            for i in 0..PER_BATCH {
                let n = batch * PER_BATCH + i;
                let line = n as u64 + 2;
                records.push(new(shipment(&format!("{who}-{n:05}"), &[who]), line));
                records.push(new(shipment(&format!("same-{n:05}"), &["same"]), line));
                records.push(new(shipment(&format!("both-{n:05}"), &[who]), line));
                if i % 10 == 0 {
                    quarantined.push(bad_row(line));
                }
            }
            let c = store.write_batch(&run, records, quarantined).unwrap();
            total.landed += c.landed;
            total.updated += c.updated;
            total.unchanged += c.unchanged;
        }
        total
    }
    let (ca, cb) = std::thread::scope(|s| {
        let wa = s.spawn(|| write(a, "a"));
        let wb = s.spawn(|| write(b, "b"));
        (wa.join().unwrap(), wb.join().unwrap())
    });
    assert_eq!(ca.landed + cb.landed, 4 * N, "{ca:?} {cb:?}");
    assert_eq!(ca.updated + cb.updated, N, "{ca:?} {cb:?}");
    assert_eq!(ca.unchanged + cb.unchanged, N, "{ca:?} {cb:?}");
    let stats = a.stats().unwrap();
    assert_eq!(stats.len(), 1);
    assert_eq!(
        (stats[0].records, stats[0].versioned, stats[0].quarantined),
        (4 * N, N, N / 10)
    );
    let mut keys = Vec::new();
    a.scan_payloads(Feed::Shipments, &mut |p| {
        keys.push(p.key.source_id);
        Ok(())
    })
    .unwrap();
    let count = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!((count, keys.len()), (4 * N as usize, 4 * N as usize));
    for n in [0, N / 2, N - 1] {
        let v = b.versions(&key(&format!("both-{n:05}"))).unwrap();
        assert_eq!(v.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2]);
        assert_ne!(v[0].record, v[1].record);
        assert_ne!(v[0].run_id, v[1].run_id);
    }
    assert_eq!(a.digest().unwrap(), b.digest().unwrap());
}

/// The keys and stamps of the records changed after `after`.
fn changes(store: &dyn Store, after: i64) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    store
        .changes_since(after, &mut |seq, r| {
            out.push((seq, r.key.source_id));
            Ok(())
        })
        .unwrap();
    out
}

pub fn the_change_sequence_names_what_each_batch_changed(store: &mut dyn Store) {
    assert_eq!(store.last_change().unwrap(), 0);
    assert!(changes(store, 0).is_empty());
    let run = store.begin_run(info(Marking::Amber)).unwrap();
    store
        .write_batch(
            &run,
            vec![
                new(shipment("A", &["shoes"]), 2),
                new(shipment("B", &["bags"]), 3),
            ],
            vec![],
        )
        .unwrap();
    let first = store.last_change().unwrap();
    assert!(first > 0);
    assert_eq!(
        changes(store, 0),
        [(first, "A".to_string()), (first, "B".to_string())]
    );
    // A batch that changes nothing stamps nothing.
    let run = store.begin_run(info(Marking::Amber)).unwrap();
    store
        .write_batch(
            &run,
            vec![new(shipment("A", &["shoes"]), 2)],
            vec![bad_row(9)],
        )
        .unwrap();
    assert_eq!(store.last_change().unwrap(), first);
    // An unchanged record keeps its stamp; a changed one and a new one take the next.
    store
        .write_batch(
            &run,
            vec![
                new(shipment("A", &["shoes"]), 2),
                new(shipment("B", &["belts"]), 3),
                new(shipment("C", &["caps"]), 4),
            ],
            vec![],
        )
        .unwrap();
    let second = store.last_change().unwrap();
    assert!(second > first);
    let got = changes(store, first);
    assert_eq!(got, [(second, "B".to_string()), (second, "C".to_string())]);
    let b = store.get(&key("B")).unwrap().unwrap();
    let mut seen = None;
    store
        .changes_since(first, &mut |_, r| {
            if r.key == key("B") {
                seen = Some(r);
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(seen, Some(b), "a change gives the record as it now stands");
    assert!(changes(store, second).is_empty());

    // Derived outputs: each replacement gives the output a new stamp; the others keep theirs.
    assert!(store.derived_stamps().unwrap().is_empty());
    store.put_derived("scores", b"1", "t").unwrap();
    store.put_derived("actors", b"1", "t").unwrap();
    let before = store.derived_stamps().unwrap();
    assert_eq!(
        before.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(),
        ["actors", "scores"]
    );
    assert_ne!(before[0].1, before[1].1);
    store.put_derived("scores", b"2", "t").unwrap();
    let after = store.derived_stamps().unwrap();
    assert_eq!(after[0], before[0]);
    assert_ne!(after[1].1, before[1].1);
}

/// Parts appended to a derived output come after it, in order; a reader holding some asks
/// for just the new ones; replacing the output drops its parts, and a reader learns it.
pub fn derived_parts_follow_their_output(store: &mut dyn Store) {
    assert!(matches!(
        store.append_derived("scores", b"x", "t"),
        Err(StoreError::NoDerived { .. })
    ));
    store.put_derived("scores", b"base", "t").unwrap();
    store.put_derived("actors", b"other", "t").unwrap();
    let stamps = store.derived_stamps().unwrap();
    let p1 = store.append_derived("scores", b"one", "t").unwrap();
    let p2 = store.append_derived("scores", b"two", "t").unwrap();
    assert!(p2 > p1);
    assert_eq!(
        store.derived_stamps().unwrap(),
        stamps,
        "an appended part replaces nothing"
    );
    assert_eq!(
        store.get_derived("scores").unwrap().as_deref(),
        Some(&b"base"[..])
    );
    let whole = store.derived_pieces("scores", 0).unwrap();
    let shape: Vec<(bool, &[u8])> = whole.iter().map(|p| (p.base, &p.data[..])).collect();
    assert_eq!(
        shape,
        [
            (true, &b"base"[..]),
            (false, &b"one"[..]),
            (false, &b"two"[..])
        ]
    );
    assert!(whole.windows(2).all(|w| w[0].stamp < w[1].stamp));
    assert_eq!(whole[1].stamp, p1);
    let new = store.derived_pieces("scores", p1).unwrap();
    assert_eq!(new.len(), 1);
    assert_eq!((new[0].stamp, &new[0].data[..]), (p2, &b"two"[..]));
    assert!(store.derived_pieces("scores", p2).unwrap().is_empty());
    assert_eq!(store.derived_pieces("actors", 0).unwrap().len(), 1);
    assert!(store.derived_pieces("nothing", 0).unwrap().is_empty());

    store.put_derived("scores", b"again", "t").unwrap();
    let after = store.derived_pieces("scores", p2).unwrap();
    assert_eq!(
        after.len(),
        1,
        "the parts went with the output they were appended to"
    );
    assert!(after[0].base);
    assert_eq!(&after[0].data[..], b"again");
    let p3 = store.append_derived("scores", b"three", "t").unwrap();
    assert!(p3 > after[0].stamp);
    assert_eq!(store.derived_pieces("scores", 0).unwrap().len(), 2);
}

/// Two writers write batches at once while a third connection follows the change sequence:
/// the follower, asking only for what came after the last stamp it saw, ends with every
/// record, each at the version the store holds.
pub fn a_follower_misses_no_batch_of_two_writers(
    a: &mut (dyn Store + Send),
    b: &mut (dyn Store + Send),
    follower: &mut (dyn Store + Send),
) {
    const BATCHES: usize = 40;
    fn write(store: &mut (dyn Store + Send), who: &str) {
        let run = store.begin_run(info(Marking::Amber)).unwrap();
        for batch in 0..BATCHES {
            let records = (0..5)
                .map(|i| new(shipment(&format!("{who}-{batch:03}-{i}"), &[who]), i + 2))
                .chain(std::iter::once(new(
                    shipment(&format!("shared-{}", batch % 7), &[who, &batch.to_string()]),
                    9,
                )))
                .collect();
            store.write_batch(&run, records, vec![]).unwrap();
        }
    }
    let done = std::sync::atomic::AtomicBool::new(false);
    let seen = std::thread::scope(|s| {
        let done = &done;
        let wa = s.spawn(|| write(a, "a"));
        let wb = s.spawn(|| write(b, "b"));
        let f = s.spawn(move || {
            let mut seen = std::collections::BTreeMap::new();
            let mut cursor = 0;
            loop {
                // Whether the writers were done before this pass began: then it is the last.
                let last = done.load(std::sync::atomic::Ordering::SeqCst);
                let from = cursor;
                follower
                    .changes_since(from, &mut |seq, r| {
                        assert!(seq > from && seq >= cursor, "stamps come in order");
                        seen.insert(r.key.source_id, r.version);
                        cursor = cursor.max(seq);
                        Ok(())
                    })
                    .unwrap();
                if last {
                    return seen;
                }
            }
        });
        wa.join().unwrap();
        wb.join().unwrap();
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        f.join().unwrap()
    });
    let mut stored = std::collections::BTreeMap::new();
    a.scan(Some(Feed::Shipments), &mut |r| {
        stored.insert(r.key.source_id, r.version);
        Ok(())
    })
    .unwrap();
    assert_eq!(stored.len(), 2 * BATCHES * 5 + 7);
    assert_eq!(seen, stored);
}

fn org_row(name: &str) -> OrgRow {
    OrgRow {
        name: name.into(),
        kind: "customs".into(),
        created_at: "2026-01-01T00:00:00Z".into(),
    }
}

fn user_row(name: &str, org: &str) -> UserRow {
    UserRow {
        name: name.into(),
        org: org.into(),
        role: "officer".into(),
        password_hash: None,
        created_at: "2026-01-01T00:00:00Z".into(),
        disabled: false,
    }
}

/// An audit entry as `who` would write it: entries of different writers differ.
fn audit_row(seq: u64, who: &str) -> AuditRow {
    AuditRow {
        seq,
        event: format!("{{\"by\":\"{who}\",\"n\":{seq}}}"),
        prev: [seq as u8; 32],
        hash: [who.as_bytes()[0]; 32],
    }
}

fn audit_rows(seqs: std::ops::Range<u64>, who: &str) -> Vec<AuditRow> {
    seqs.map(|seq| audit_row(seq, who)).collect()
}

pub fn the_directory_keeps_orgs_users_keys_groups_and_an_append_only_audit_log(
    s: &mut dyn Directory,
) {
    let org = org_row;
    assert!(s.add_org(&org("uk")).unwrap());
    assert!(!s.add_org(&org("uk")).unwrap(), "a taken name is refused");
    assert_eq!(s.orgs().unwrap(), vec![org("uk")]);
    let user = user_row("ann", "uk");
    assert!(s.add_user(&user).unwrap());
    assert!(!s.add_user(&user).unwrap());
    let stranger = UserRow {
        name: "bo".into(),
        org: "nowhere".into(),
        ..user.clone()
    };
    assert!(
        s.add_user(&stranger).is_err(),
        "a user needs an organisation"
    );
    assert_eq!(s.users().unwrap(), vec![user.clone()]);
    assert!(s.set_disabled("ann", true).unwrap());
    assert!(s.users().unwrap()[0].disabled);
    assert!(!s.set_disabled("bo", true).unwrap(), "no such user");
    assert!(s.set_password("ann", "$argon2id$v=19$x").unwrap());
    assert!(!s.set_password("bo", "$argon2id$v=19$x").unwrap());
    assert_eq!(
        s.users().unwrap()[0].password_hash.as_deref(),
        Some("$argon2id$v=19$x")
    );
    let key = KeyRow {
        id: "abc".into(),
        user: "ann".into(),
        secret_hash: vec![1; 32],
        created_at: "2026-01-01T00:00:00Z".into(),
        expires_at: "2026-04-01T00:00:00Z".into(),
        revoked_at: None,
    };
    s.add_key(&key).unwrap();
    assert_eq!(s.keys().unwrap(), vec![key.clone()]);
    assert!(s.add_key(&key).is_err(), "a key id is taken once");
    let orphan = KeyRow {
        id: "def".into(),
        user: "bo".into(),
        ..key.clone()
    };
    assert!(s.add_key(&orphan).is_err(), "a key needs a user");
    assert!(s.revoke_key("abc", "2026-02-01T00:00:00Z").unwrap());
    assert!(
        !s.revoke_key("abc", "2026-02-02T00:00:00Z").unwrap(),
        "revoked once"
    );
    assert!(!s.revoke_key("def", "2026-02-02T00:00:00Z").unwrap());
    assert_eq!(
        s.keys().unwrap()[0].revoked_at.as_deref(),
        Some("2026-02-01T00:00:00Z")
    );
    assert_eq!(s.keys().unwrap().len(), 1);
    s.set_group("ops", &["org:uk".into(), "user:ann".into()])
        .unwrap();
    s.set_group("ops", &["org:uk".into()]).unwrap();
    s.set_group("all", &["org:uk".into(), "org:fr".into()])
        .unwrap();
    assert_eq!(
        s.groups().unwrap(),
        vec![
            (
                "all".to_string(),
                vec!["org:fr".to_string(), "org:uk".to_string()]
            ),
            ("ops".to_string(), vec!["org:uk".to_string()]),
        ]
    );
    s.set_group("gone", &["org:uk".into()]).unwrap();
    s.set_group("gone", &[]).unwrap();
    assert_eq!(
        s.groups().unwrap().len(),
        2,
        "a group without members is gone"
    );
    let row = |seq: u64| AuditRow {
        seq,
        event: format!("{{\"n\":{seq}}}"),
        prev: [seq as u8; 32],
        hash: [seq as u8 + 1; 32],
    };
    assert_eq!(s.last_audit().unwrap(), None);
    assert_eq!(s.audit(0, 10).unwrap(), vec![]);
    s.append_audit(&[]).unwrap();
    s.append_audit(&[row(1), row(2), row(3)]).unwrap();
    assert!(
        s.append_audit(&[row(4), row(3)]).is_err(),
        "a taken sequence number is refused"
    );
    assert_eq!(
        s.last_audit().unwrap(),
        Some(row(3)),
        "the refused batch left nothing"
    );
    assert!(
        s.append_audit(&[row(4), row(4)]).is_err(),
        "a batch cannot take a number twice"
    );
    assert_eq!(s.last_audit().unwrap(), Some(row(3)));
    assert_eq!(s.audit(1, 10).unwrap(), vec![row(2), row(3)]);
    assert_eq!(s.audit(0, 1).unwrap(), vec![row(1)]);
    assert_eq!(s.audit(3, 10).unwrap(), vec![]);
    s.append_audit(&[row(4)]).unwrap();
    assert_eq!(s.last_audit().unwrap(), Some(row(4)));
    assert_eq!(s.audit(0, 10).unwrap().len(), 4);
}

/// Names of the directory sort by their bytes, as record keys do.
pub fn directory_names_are_ordered_by_their_bytes(s: &mut dyn Directory) {
    let names = ["uk", "Uk", "émile", "fr", "Zed", "a b", "ab", "10", "9"];
    for n in names {
        assert!(s.add_org(&org_row(n)).unwrap());
        assert!(s.add_user(&user_row(&format!("{n}-user"), n)).unwrap());
    }
    let mut sorted: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    sorted.sort();
    let orgs: Vec<String> = s.orgs().unwrap().into_iter().map(|o| o.name).collect();
    assert_eq!(orgs, sorted);
    let users: Vec<String> = s.users().unwrap().into_iter().map(|u| u.name).collect();
    let mut by_name = names.map(|n| format!("{n}-user"));
    by_name.sort();
    assert_eq!(users, by_name);
    let members: Vec<String> = names.iter().map(|n| format!("org:{n}")).collect();
    s.set_group("Ring", &members).unwrap();
    s.set_group("ring", &members[..1]).unwrap();
    let groups = s.groups().unwrap();
    assert_eq!(
        groups.iter().map(|g| g.0.as_str()).collect::<Vec<_>>(),
        ["Ring", "ring"]
    );
    let mut members = members;
    members.sort();
    assert_eq!(groups[0].1, members);
}

/// Two writers, each with its own connection to one store, appending audit entries with the
/// same sequence numbers: each number is taken once, by one writer's whole batch, and the other
/// writer's batch is refused and leaves nothing, whether it comes after or at the same moment.
pub fn two_writers_cannot_take_the_same_audit_sequence_number(
    a: &mut (dyn Directory + Send),
    b: &mut (dyn Directory + Send),
) {
    a.append_audit(&audit_rows(1..4, "a")).unwrap();
    assert!(
        b.append_audit(&audit_rows(3..6, "b")).is_err(),
        "the second writer of entry 3 is refused"
    );
    assert_eq!(b.audit(0, 100).unwrap(), audit_rows(1..4, "a"));
    assert_eq!(b.last_audit().unwrap(), Some(audit_row(3, "a")));
    // A writer that follows what the other appended goes on.
    b.append_audit(&audit_rows(4..6, "b")).unwrap();
    assert!(a.append_audit(&audit_rows(5..7, "a")).is_err());
    assert_eq!(a.last_audit().unwrap(), Some(audit_row(5, "b")));

    // At once: in each round both append the same numbers, released together.
    const ROUNDS: u64 = 20;
    const PER_ROUND: u64 = 5;
    const FIRST: u64 = 6;
    let round = |r: u64| FIRST + r * PER_ROUND..FIRST + (r + 1) * PER_ROUND;
    let barrier = std::sync::Barrier::new(2);
    let race = |d: &mut (dyn Directory + Send), who: &str| -> Vec<bool> {
        (0..ROUNDS)
            .map(|r| {
                let rows = audit_rows(round(r), who);
                barrier.wait();
                d.append_audit(&rows).is_ok()
            })
            .collect()
    };
    let (won_a, won_b) = std::thread::scope(|s| {
        let ta = s.spawn(|| race(a, "a"));
        let tb = s.spawn(|| race(b, "b"));
        (ta.join().unwrap(), tb.join().unwrap())
    });
    let log = a.audit(0, usize::MAX).unwrap();
    assert_eq!(b.audit(0, usize::MAX).unwrap(), log);
    assert_eq!(
        log.iter().map(|r| r.seq).collect::<Vec<_>>(),
        (1..FIRST + ROUNDS * PER_ROUND).collect::<Vec<_>>(),
        "one entry per sequence number"
    );
    for r in 0..ROUNDS {
        let (wa, wb) = (won_a[r as usize], won_b[r as usize]);
        assert!(wa != wb, "round {r}: a stored {wa}, b stored {wb}");
        let winner = if wa { "a" } else { "b" };
        let range = round(r);
        let stored = &log[(range.start - 1) as usize..(range.end - 1) as usize];
        assert_eq!(stored, &audit_rows(range, winner)[..], "round {r}");
    }
}

/// Sessions are kept by the hash of their token, used, ended one by one, and ended together
/// for a user or when idle.
pub fn a_case_moves_one_version_at_a_time<D: crate::Directory>(d: &mut D) {
    use crate::CaseRow;
    let row = |id: &str, version: u64, body: &str| CaseRow {
        id: id.into(),
        org: "customs".into(),
        version,
        body: body.into(),
        updated_at: format!("2026-03-0{version}T00:00:00Z"),
    };
    assert!(d.cases().unwrap().is_empty());
    assert!(d.put_case(&row("CASE-B", 1, "{\"title\":\"b\"}")).unwrap());
    assert!(d.put_case(&row("CASE-A", 1, "{}")).unwrap());
    // The same id opened twice: the second is refused and changes nothing.
    assert!(!d.put_case(&row("CASE-A", 1, "{\"x\":1}")).unwrap());
    assert!(d.put_case(&row("CASE-A", 2, "{\"v\":2}")).unwrap());
    // A writer who read version 1 after another wrote version 2 is refused.
    assert!(!d.put_case(&row("CASE-A", 2, "{\"v\":\"late\"}")).unwrap());
    // Skipping a version is refused too.
    assert!(!d.put_case(&row("CASE-A", 4, "{}")).unwrap());
    assert!(d.put_case(&row("CASE-A", 3, "{\"v\":3}")).unwrap());
    let all = d.cases().unwrap();
    assert_eq!(
        all.iter()
            .map(|c| (c.id.as_str(), c.version, c.body.as_str()))
            .collect::<Vec<_>>(),
        [
            ("CASE-A", 3, "{\"v\":3}"),
            ("CASE-B", 1, "{\"title\":\"b\"}")
        ]
    );
    assert_eq!(all[0].updated_at, "2026-03-03T00:00:00Z");
    assert!(!d.put_case(&row("CASE-NONE", 2, "{}")).unwrap());
}

pub fn sessions_are_kept_touched_and_ended(s: &mut dyn Directory) {
    s.add_org(&org_row("uk")).unwrap();
    s.add_user(&user_row("ann", "uk")).unwrap();
    s.add_user(&user_row("bob", "uk")).unwrap();
    let row = |n: u8, user: &str, seen: i64| SessionRow {
        token_hash: [n; 32],
        user: user.into(),
        started: 1_000,
        last_seen: seen,
    };
    s.add_session(&row(1, "ann", 1_000)).unwrap();
    s.add_session(&row(2, "ann", 1_500)).unwrap();
    s.add_session(&row(3, "bob", 1_000)).unwrap();
    assert!(
        s.add_session(&row(1, "bob", 9)).is_err(),
        "a token is one session"
    );
    assert!(
        s.add_session(&row(4, "nobody", 9)).is_err(),
        "a session needs a user"
    );
    assert_eq!(s.session(&[1; 32]).unwrap(), Some(row(1, "ann", 1_000)));
    assert_eq!(s.session(&[9; 32]).unwrap(), None);
    assert!(s.touch_session(&[1; 32], 2_000).unwrap());
    assert!(s.touch_session(&[1; 32], 1_200).unwrap());
    assert_eq!(
        s.session(&[1; 32]).unwrap().unwrap().last_seen,
        2_000,
        "never back"
    );
    assert!(!s.touch_session(&[9; 32], 2_000).unwrap());
    assert!(s.end_session(&[3; 32]).unwrap());
    assert!(!s.end_session(&[3; 32]).unwrap());
    assert_eq!(s.session(&[3; 32]).unwrap(), None);
    // Idle before 1,600: session 2 (last used at 1,500) ends, session 1 (2,000) stays.
    assert_eq!(s.end_sessions(None, 1_600).unwrap(), 1);
    assert!(s.session(&[2; 32]).unwrap().is_none());
    assert!(s.session(&[1; 32]).unwrap().is_some());
    s.add_session(&row(5, "bob", 5_000)).unwrap();
    assert_eq!(s.end_sessions(Some("ann"), 0).unwrap(), 1);
    assert!(s.session(&[1; 32]).unwrap().is_none());
    assert!(
        s.session(&[5; 32]).unwrap().is_some(),
        "another user's session stays"
    );
}

/// Instantiates every directory conformance test for a backend; `$make` must evaluate to a
/// fresh store.
#[macro_export]
macro_rules! directory_conformance_suite {
    ($make:expr) => {
        mod directory_conformance {
            #[allow(unused_imports)]
            use super::*;
            use $crate::conformance as c;

            #[test]
            fn the_directory_keeps_orgs_users_keys_groups_and_an_append_only_audit_log() {
                c::the_directory_keeps_orgs_users_keys_groups_and_an_append_only_audit_log(
                    &mut $make,
                );
            }
            #[test]
            fn directory_names_are_ordered_by_their_bytes() {
                c::directory_names_are_ordered_by_their_bytes(&mut $make);
            }
            #[test]
            fn sessions_are_kept_touched_and_ended() {
                c::sessions_are_kept_touched_and_ended(&mut $make);
            }
            #[test]
            fn a_case_moves_one_version_at_a_time() {
                c::a_case_moves_one_version_at_a_time(&mut $make);
            }
        }
    };
}

/// Instantiates every conformance test for a backend; `$make` must evaluate to a fresh store.
#[macro_export]
macro_rules! store_conformance_suite {
    ($make:expr) => {
        mod conformance {
            #[allow(unused_imports)]
            use super::*;
            use $crate::conformance as c;

            #[test]
            fn rewriting_the_same_records_changes_nothing() {
                c::rewriting_the_same_records_changes_nothing(&mut $make);
            }
            #[test]
            fn a_changed_record_keeps_its_earlier_version() {
                c::a_changed_record_keeps_its_earlier_version(&mut $make);
            }
            #[test]
            fn a_new_marking_is_a_new_version() {
                c::a_new_marking_is_a_new_version(&mut $make);
            }
            #[test]
            fn continuation_rows_fold_into_this_runs_record() {
                c::continuation_rows_fold_into_this_runs_record(&mut $make);
            }
            #[test]
            fn quarantine_keeps_one_entry_per_row() {
                c::quarantine_keeps_one_entry_per_row(&mut $make);
            }
            #[test]
            fn runs_are_remembered_with_their_counts() {
                c::runs_are_remembered_with_their_counts(&mut $make);
            }
            #[test]
            fn scan_walks_current_versions_in_key_order() {
                c::scan_walks_current_versions_in_key_order(&mut $make);
            }
            #[test]
            fn default_markings_are_per_org_and_feed() {
                c::default_markings_are_per_org_and_feed(&mut $make);
            }
            #[test]
            fn digest_ignores_times_and_run_ids() {
                c::digest_ignores_times_and_run_ids(&mut $make, &mut $make);
            }
            #[test]
            fn payload_scan_gives_what_scan_decodes() {
                c::payload_scan_gives_what_scan_decodes(&mut $make);
            }
            #[test]
            fn derived_outputs_are_replaced_and_kept_out_of_the_digest() {
                c::derived_outputs_are_replaced_and_kept_out_of_the_digest(&mut $make);
            }
            #[test]
            fn derived_parts_follow_their_output() {
                c::derived_parts_follow_their_output(&mut $make);
            }
            #[test]
            fn keys_are_ordered_by_their_bytes() {
                c::keys_are_ordered_by_their_bytes(&mut $make);
            }
            #[test]
            fn the_same_writes_give_the_same_data() {
                c::the_same_writes_give_the_same_data(&mut $make, &mut $make);
            }
            #[test]
            fn a_batch_writes_repeated_keys_row_by_row() {
                c::a_batch_writes_repeated_keys_row_by_row(&mut $make);
            }
            #[test]
            fn a_failed_batch_leaves_nothing() {
                c::a_failed_batch_leaves_nothing(&mut $make);
            }
            #[test]
            fn the_change_sequence_names_what_each_batch_changed() {
                c::the_change_sequence_names_what_each_batch_changed(&mut $make);
            }
        }
    };
}
