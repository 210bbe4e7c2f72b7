use interdict_store::{SqliteStore, Store};

interdict_store::store_conformance_suite!(interdict_store::SqliteStore::in_memory().unwrap());
interdict_store::directory_conformance_suite!(interdict_store::SqliteStore::in_memory().unwrap());

#[test]
fn a_file_store_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    let digest = {
        let mut s = SqliteStore::open(&path).unwrap();
        interdict_store::conformance::rewriting_the_same_records_changes_nothing(&mut s);
        s.digest().unwrap()
    };
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.digest().unwrap(), digest);
    assert_eq!(s.stats().unwrap()[0].records, 2);
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = SqliteStore::open(&path).err().unwrap().to_string();
    assert!(err.contains("schema version 99 is newer"), "{err}");
}

#[test]
fn two_writers_on_one_file_lose_and_duplicate_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    let mut a = SqliteStore::open(&path).unwrap();
    let mut b = SqliteStore::open(&path).unwrap();
    interdict_store::conformance::two_writers_lose_and_duplicate_nothing(&mut a, &mut b);
}

#[test]
fn two_writers_on_one_file_cannot_take_the_same_audit_sequence_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    let mut a = SqliteStore::open(&path).unwrap();
    let mut b = SqliteStore::open(&path).unwrap();
    interdict_store::conformance::two_writers_cannot_take_the_same_audit_sequence_number(
        &mut a, &mut b,
    );
}

#[test]
fn a_follower_on_one_file_misses_no_batch_of_two_writers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    let mut a = SqliteStore::open(&path).unwrap();
    let mut b = SqliteStore::open(&path).unwrap();
    let mut f = SqliteStore::open(&path).unwrap();
    interdict_store::conformance::a_follower_misses_no_batch_of_two_writers(&mut a, &mut b, &mut f);
}

#[test]
fn a_store_made_before_the_change_sequence_takes_it_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    {
        let mut s = SqliteStore::open(&path).unwrap();
        interdict_store::conformance::rewriting_the_same_records_changes_nothing(&mut s);
    }
    // Back to the schema before the sequence: records without a stamp.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TABLE derived_parts; DROP INDEX derived_stamps; DROP INDEX records_by_seq; ALTER TABLE records DROP COLUMN seq; ALTER TABLE derived DROP COLUMN seq; PRAGMA user_version = 5;",
    )
    .unwrap();
    drop(conn);
    let s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.last_change().unwrap(), 0);
    assert_eq!(s.stats().unwrap()[0].records, 2);
}
