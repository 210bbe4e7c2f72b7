use interdict_store::{SqliteStore, Store};

interdict_store::store_conformance_suite!(interdict_store::SqliteStore::in_memory().unwrap());

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
fn the_directory_keeps_orgs_users_keys_groups_and_an_append_only_audit_log() {
    use interdict_store::{AuditRow, Directory, KeyRow, OrgRow, UserRow};
    let mut s = interdict_store::SqliteStore::in_memory().unwrap();
    let org = |n: &str| OrgRow {
        name: n.into(),
        kind: "customs".into(),
        created_at: "2026-01-01T00:00:00Z".into(),
    };
    assert!(s.add_org(&org("uk")).unwrap());
    assert!(!s.add_org(&org("uk")).unwrap(), "a taken name is refused");
    let user = UserRow {
        name: "ann".into(),
        org: "uk".into(),
        role: "officer".into(),
        password_hash: None,
        created_at: "2026-01-01T00:00:00Z".into(),
        disabled: false,
    };
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
    assert!(s.set_disabled("ann", true).unwrap());
    assert!(s.users().unwrap()[0].disabled);
    let key = KeyRow {
        id: "abc".into(),
        user: "ann".into(),
        secret_hash: vec![1; 32],
        created_at: "2026-01-01T00:00:00Z".into(),
        expires_at: "2026-04-01T00:00:00Z".into(),
        revoked_at: None,
    };
    s.add_key(&key).unwrap();
    assert!(s.revoke_key("abc", "2026-02-01T00:00:00Z").unwrap());
    assert!(
        !s.revoke_key("abc", "2026-02-02T00:00:00Z").unwrap(),
        "revoked once"
    );
    assert_eq!(
        s.keys().unwrap()[0].revoked_at.as_deref(),
        Some("2026-02-01T00:00:00Z")
    );
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
    let row = |seq: u64| AuditRow {
        seq,
        event: format!("{{\"n\":{seq}}}"),
        prev: [seq as u8; 32],
        hash: [seq as u8 + 1; 32],
    };
    assert_eq!(s.last_audit().unwrap(), None);
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
    assert_eq!(s.audit(1, 10).unwrap(), vec![row(2), row(3)]);
    assert_eq!(s.audit(0, 1).unwrap(), vec![row(1)]);
}
