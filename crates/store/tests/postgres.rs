//! The PostgreSQL backend against the conformance suite and against the SQLite backend, each
//! test in a scratch schema of the database at `INTERDICT_TEST_POSTGRES` (by default
//! `postgres://postgres@127.0.0.1:5432/test`), dropped when the test's store is.
//!
//! A database that cannot be reached fails the tests; none passes without running: CI starts one,
//! and a backend whose tests quietly did not run is a backend nobody tested.

use std::time::Instant;

use interdict_model::{Feed, Item, Marking, Record, Shipment};
use interdict_store::{NewRecord, PostgresStore, RunInfo, SqliteStore, Store, StoreError};

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

fn url() -> String {
    std::env::var("INTERDICT_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_URL.to_string())
}

/// A fresh, empty store of its own.
fn scratch() -> PostgresStore {
    let url = url();
    PostgresStore::scratch(&url).unwrap_or_else(|e| {
        panic!(
            "the PostgreSQL tests need a database: {e}\n\
             (start PostgreSQL at {DEFAULT_URL} or set INTERDICT_TEST_POSTGRES to a reachable URL)"
        )
    })
}

/// A second connection to the store `of` lives in.
fn same_store(of: &PostgresStore) -> PostgresStore {
    PostgresStore::open_in_schema(&url(), of.schema().unwrap()).unwrap()
}

interdict_store::store_conformance_suite!(scratch());
interdict_store::directory_conformance_suite!(scratch());

fn shipment(id: &str, what: &str) -> NewRecord {
    let record = Record::Shipments(Shipment {
        shipment_id: id.into(),
        items: vec![Item {
            description: what.into(),
            ..Item::default()
        }],
        ..Shipment::default()
    });
    let json = record.canonical_json();
    NewRecord {
        source_id: id.into(),
        hash: Record::content_hash(&json),
        payload: Record::encode_payload(&json),
        rows: 1,
        line: 2,
        continuation: false,
    }
}

fn run_info() -> RunInfo {
    RunInfo {
        org: "carrier-x".into(),
        feed: Feed::Shipments,
        file: "ship.csv".into(),
        marking: Marking::Amber,
        sharing_group: None,
        started_at: "2026-12-01T10:00:00Z".into(),
    }
}

#[test]
fn the_same_data_gives_the_same_digest_as_in_sqlite() {
    let mut sqlite = SqliteStore::in_memory().unwrap();
    let mut pg = scratch();
    interdict_store::conformance::the_same_writes_give_the_same_data(&mut sqlite, &mut pg);
}

#[test]
fn two_writers_at_once_lose_and_duplicate_nothing() {
    let mut a = scratch();
    let mut b = same_store(&a);
    interdict_store::conformance::two_writers_lose_and_duplicate_nothing(&mut a, &mut b);
    // The second connection goes before the scratch store drops the schema.
    drop(b);
}

#[test]
fn a_follower_misses_no_batch_of_two_writers() {
    let mut a = scratch();
    let mut b = same_store(&a);
    let mut f = same_store(&a);
    interdict_store::conformance::a_follower_misses_no_batch_of_two_writers(&mut a, &mut b, &mut f);
    drop((b, f));
}

#[test]
fn two_writers_at_once_cannot_take_the_same_audit_sequence_number() {
    let mut a = scratch();
    let mut b = same_store(&a);
    interdict_store::conformance::two_writers_cannot_take_the_same_audit_sequence_number(
        &mut a, &mut b,
    );
    drop(b);
}

#[test]
fn a_reopened_store_keeps_its_data() {
    let mut s = scratch();
    interdict_store::conformance::rewriting_the_same_records_changes_nothing(&mut s);
    let again = same_store(&s);
    assert_eq!(again.digest().unwrap(), s.digest().unwrap());
    assert_eq!(again.stats().unwrap()[0].records, 2);
    assert_eq!(again.runs().unwrap().len(), 2);
}

#[test]
fn a_newer_schema_is_refused() {
    let s = scratch();
    let schema = s.schema().unwrap().to_string();
    let mut client = postgres::Client::connect(&url(), postgres::NoTls).unwrap();
    client
        .batch_execute(&format!(
            "INSERT INTO \"{schema}\".schema_migrations (version) VALUES (99)"
        ))
        .unwrap();
    let err = PostgresStore::open_in_schema(&url(), &schema)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("schema version 99 is newer"), "{err}");
    assert!(err.contains(&schema), "{err}");
}

#[test]
fn errors_name_the_database_without_its_password() {
    let err = PostgresStore::open("postgres://postgres:s3cret@127.0.0.1:1/nowhere")
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.starts_with("database postgres://postgres@127.0.0.1:1/nowhere: connecting: "),
        "{err}"
    );
    assert!(!err.contains("s3cret"), "{err}");
}

#[test]
fn text_postgresql_cannot_hold_is_refused_naming_the_record() {
    let mut s = scratch();
    let run = s.begin_run(run_info()).unwrap();
    let err = s
        .write_batch(&run, vec![shipment("A", "a"), shipment("B\0", "b")], vec![])
        .unwrap_err();
    assert!(matches!(err, StoreError::Unstorable { .. }), "{err}");
    assert!(err.to_string().contains("carrier-x/shipments/B\0"), "{err}");
    assert!(s.stats().unwrap().is_empty());
}

/// Ingest writes batches of thousands: one batch is one transaction of a few statements, not
/// a round trip per record. The time is printed, not asserted: machines differ.
#[test]
fn a_batch_of_5000_records_is_written_whole() {
    let mut s = scratch();
    let run = s.begin_run(run_info()).unwrap();
    let batch = |what: &str| -> Vec<NewRecord> {
        (0..5000)
            .map(|i| shipment(&format!("S{i:06}"), &format!("{what} {}", i % 7)))
            .collect()
    };
    let started = Instant::now();
    let c = s.write_batch(&run, batch("shoes"), vec![]).unwrap();
    let first = started.elapsed();
    assert_eq!(c.landed, 5000);
    let run2 = s.begin_run(run_info()).unwrap();
    let mut second = batch("shoes");
    for r in second.iter_mut().step_by(2) {
        *r = shipment(&r.source_id.clone(), "boots");
    }
    let started = Instant::now();
    let c = s.write_batch(&run2, second, vec![]).unwrap();
    let again = started.elapsed();
    assert_eq!((c.updated, c.unchanged), (2500, 2500));
    let stats = s.stats().unwrap();
    assert_eq!((stats[0].records, stats[0].versioned), (5000, 2500));
    eprintln!("5000 new records: {first:?}; 5000 again, half changed: {again:?}");
}

/// Every text column orders by bytes whatever the database's own collation: the test database
/// may well be `C` already, where a column that lost its `COLLATE "C"` would go unnoticed.
#[test]
fn every_text_column_is_collated_by_bytes() {
    let s = scratch();
    let mut client = postgres::Client::connect(&url(), postgres::NoTls).unwrap();
    let loose: Vec<String> = client
        .query(
            "SELECT table_name || '.' || column_name FROM information_schema.columns
             WHERE table_schema = $1 AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C'",
            &[&s.schema().unwrap()],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(
        loose.is_empty(),
        "text columns not COLLATE \"C\": {loose:?}"
    );
}
