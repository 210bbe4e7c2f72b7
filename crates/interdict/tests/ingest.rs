//! `interdict ingest` driven as a user would: real files, the real binary, a real store.

mod common;

use common::{json, run, run_ok, s};
use serde_json::json as j;

const MAPPING: &str = r#"
feed = "shipments"
[defaults]
country = "GB"
currency = "GBP"
[fields]
source_id = "id"
shipped = "shipped"
"items.quantity" = "qty"
"items.description" = "desc"
"consignee.name" = "name"
"consignee.phones" = "phone"
"#;

fn bad_rows_file() -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(b"\xEF\xBB\xBFid,shipped,qty,desc,name,phone\n");
    f.extend_from_slice(b"S1,2026-03-01,2,shoes,Alice,07700 900123\n");
    f.extend_from_slice(b",2026-03-01,1,bags,Bob,\n");
    f.extend_from_slice(b"S3,2026-13-45,1,bags,Carl,\n");
    f.extend_from_slice(b"S4,2026-03-02,lots,bags,Dan,\n");
    f.extend_from_slice(b"S5,2026-03-02,1,\xff\xfebags,Eve,\n");
    f.extend_from_slice(b"S6,2026-03-02,1,ba\"gs,Fay,\n");
    f.extend_from_slice(b"S7,2026-03-02,1,bags\n");
    f.extend_from_slice(b"S8,2026-03-02,1,\"quoted, fine\",Gus,\n");
    f.extend_from_slice(b"S9,2026-03-02,1,socks,Hal,12\r\n");
    f.extend_from_slice(b"S10,2026-03-02,1,socks,Ida,+44 20 7946 0018");
    f
}

#[test]
fn every_kind_of_bad_row_is_quarantined_with_its_reason_and_neighbours_land() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let mapping = dir.path().join("m.toml");
    std::fs::write(&mapping, MAPPING).unwrap();
    let file = dir.path().join("ship.csv");
    std::fs::write(&file, bad_rows_file()).unwrap();
    let summary = json(&[
        "ingest",
        "--db",
        s(&db),
        "--org",
        "carrier-x",
        "--feed",
        "shipments",
        "--mapping",
        s(&mapping),
        "--json",
        s(&file),
    ]);
    assert_eq!(summary["read"], 10);
    assert_eq!(summary["landed"], 3);
    assert_eq!(summary["updated"], 0);
    assert_eq!(summary["unchanged"], 0);
    assert_eq!(summary["quarantined"], 7);

    let q = json(&["quarantine", "--db", s(&db), "--json"]);
    let got: Vec<(u64, String, String)> = q
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["field"].as_str().unwrap_or("-").to_string(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(u64, &str, &str)> = vec![
        (3, "source_id", "missing required field (column id)"),
        (4, "shipped", "not a date: \"2026-13-45\" (column shipped)"),
        (5, "items.quantity", "not an amount: \"lots\" (column qty)"),
        (
            6,
            "items.description",
            "invalid UTF-8 at byte 0 (column desc)",
        ),
        (7, "-", "broken quoting: a quote inside unquoted field 4"),
        (8, "-", "wrong column count: expected 6, found 4"),
        (
            10,
            "consignee.phones",
            "not a phone number: \"12\" (column phone)",
        ),
    ];
    let want: Vec<(u64, String, String)> = want
        .into_iter()
        .map(|(l, f, r)| (l, f.to_string(), r.to_string()))
        .collect();
    assert_eq!(got, want);
    for r in q.as_array().unwrap() {
        assert_eq!(r["file"], s(&file));
        assert_eq!(r["org"], "carrier-x");
        assert!(
            r["raw"].as_str().unwrap().starts_with('S') || r["line"] == 3,
            "{r}"
        );
    }

    let stats = json(&["stats", "--db", s(&db), "--json"]);
    assert_eq!(
        stats,
        j!([{"org": "carrier-x", "feed": "shipments", "records": 3, "versioned": 0, "quarantined": 7}])
    );

    // The quarantine is also written beside the run report.
    let reports = dir.path().join("t.db.reports");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(reports.join("run-1.json")).unwrap())
            .unwrap();
    assert_eq!(report["quarantined"], 7);
    let qcsv = std::fs::read_to_string(reports.join("run-1-quarantine.csv")).unwrap();
    assert_eq!(qcsv.lines().count(), 8);
    assert!(
        qcsv.lines().nth(2).unwrap().contains(",4,shipped,"),
        "{qcsv}"
    );
}

#[test]
fn reingesting_changes_nothing_and_a_changed_record_keeps_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let mapping = dir.path().join("m.toml");
    std::fs::write(&mapping, MAPPING).unwrap();
    let file = dir.path().join("ship.csv");
    std::fs::write(&file, bad_rows_file()).unwrap();
    let args = |f: &std::path::Path| {
        vec![
            "ingest".to_string(),
            "--db".into(),
            s(&db).into(),
            "--org".into(),
            "carrier-x".into(),
            "--mapping".into(),
            s(&mapping).into(),
            "--json".into(),
            s(f).into(),
        ]
    };
    let a: Vec<String> = args(&file);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    json(&a);
    let digest = run_ok(&["digest", "--db", s(&db)]);
    let again = json(&a);
    assert_eq!(
        (
            again["read"].as_u64(),
            again["landed"].as_u64(),
            again["unchanged"].as_u64(),
            again["quarantined"].as_u64()
        ),
        (Some(10), Some(0), Some(3), Some(7))
    );
    assert_eq!(run_ok(&["digest", "--db", s(&db)]), digest);

    let changed = dir.path().join("ship2.csv");
    std::fs::write(&changed, "id,shipped,qty,desc,name,phone\nS1,2026-03-01,5,shoes,Alice,07700 900123\nS11,2026-03-03,1,hat,Jo,\n").unwrap();
    let b = args(&changed);
    let b: Vec<&str> = b.iter().map(String::as_str).collect();
    let third = json(&b);
    assert_eq!(
        (third["landed"].as_u64(), third["updated"].as_u64()),
        (Some(1), Some(1))
    );
    let stats = json(&["stats", "--db", s(&db), "--json"]);
    assert_eq!(stats[0]["records"], 4);
    assert_eq!(stats[0]["versioned"], 1);
}

#[test]
fn strict_turns_quarantine_into_an_error_exit_but_keeps_the_good_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let mapping = dir.path().join("m.toml");
    std::fs::write(&mapping, MAPPING).unwrap();
    let file = dir.path().join("ship.csv");
    std::fs::write(&file, bad_rows_file()).unwrap();
    let out = run(&[
        "ingest",
        "--db",
        s(&db),
        "--org",
        "carrier-x",
        "--mapping",
        s(&mapping),
        "--strict",
        s(&file),
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("7 rows were quarantined and --strict was given")
    );
    assert_eq!(json(&["stats", "--db", s(&db), "--json"])[0]["records"], 3);
}

#[test]
fn the_example_manifest_onboards_two_partners() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let manifest = common::repo_root().join("examples/manifest.toml");
    let out = json(&[
        "ingest",
        "--db",
        s(&db),
        "--manifest",
        s(&manifest),
        "--json",
    ]);
    let rows: Vec<(String, String, u64, u64, u64, String)> = out
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["org"].as_str().unwrap().to_string(),
                e["feed"].as_str().unwrap().to_string(),
                e["read"].as_u64().unwrap(),
                e["landed"].as_u64().unwrap(),
                e["quarantined"].as_u64().unwrap(),
                e["marking"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "carrier-swift".into(),
                "shipments".into(),
                5,
                3,
                2,
                "AMBER".into()
            ),
            (
                "mkt-bazaar".into(),
                "sellers".into(),
                4,
                2,
                2,
                "AMBER+STRICT".into()
            ),
        ]
    );
    let q = json(&["quarantine", "--db", s(&db), "--json"]);
    let reasons: Vec<(String, u64, String)> = q
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["feed"].as_str().unwrap().into(),
                r["line"].as_u64().unwrap(),
                r["field"].as_str().unwrap_or("-").into(),
            )
        })
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("shipments".into(), 5, "shipped".into()),
            ("shipments".into(), 6, "items.value".into()),
            ("sellers".into(), 3, "created".into()),
            ("sellers".into(), 4, "-".into()),
        ]
    );
}

#[test]
fn a_missing_column_names_the_file_and_the_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let mapping = dir.path().join("m.toml");
    std::fs::write(&mapping, MAPPING).unwrap();
    let file = dir.path().join("ship.csv");
    std::fs::write(&file, "id,shipped,qty,desc,name\nS1,2026-03-01,1,x,y\n").unwrap();
    let out = run(&[
        "ingest",
        "--db",
        s(&db),
        "--org",
        "c",
        "--mapping",
        s(&mapping),
        s(&file),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "{}: column \"phone\" named by mapping {} is not in the file's header",
            s(&file),
            s(&mapping)
        )),
        "{err}"
    );
}
