//! The behaviour every [`Store`] backend must show. Each backend instantiates the suite with
//! [`store_conformance_suite!`](crate::store_conformance_suite), giving an expression that makes
//! a fresh, empty store.

use interdict_model::{Feed, Item, Marking, QuarantinedRow, Record, RecordKey, Shipment};

use crate::{NewRecord, RowCounts, RunCounts, RunInfo, Store};

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
    let run = s.begin_run(info(Marking::Amber)).unwrap();
    s.write_batch(
        &run,
        vec![new(shipment("B", &["b"]), 2), new(shipment("A", &["a"]), 3)],
        vec![],
    )
    .unwrap();
    let mut decoded = Vec::new();
    s.scan(Some(Feed::Shipments), &mut |r| {
        decoded.push((r.key, r.record));
        Ok(())
    })
    .unwrap();
    let mut raw = Vec::new();
    s.scan_payloads(Feed::Shipments, &mut |k, p| {
        raw.push((k, Record::decode_payload(&p).unwrap()));
        Ok(())
    })
    .unwrap();
    assert_eq!(raw.len(), 2);
    raw.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(raw, decoded);
    let mut none = 0;
    s.scan_payloads(Feed::Sellers, &mut |_, _| {
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
        }
    };
}
