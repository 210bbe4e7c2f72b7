//! The simulator's partner exports, ingested through their own mappings and manifest.

mod common;

use std::collections::BTreeSet;

use common::{json, run_ok, s};

#[test]
fn every_partner_export_ingests_and_only_the_corrupted_rows_are_quarantined() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world");
    let db = dir.path().join("w.db");
    run_ok(&[
        "simulate",
        "--out",
        s(&world),
        "--shipments",
        "3000",
        "--seed",
        "7",
        "--json",
    ]);
    let summaries = json(&[
        "ingest",
        "--db",
        s(&db),
        "--manifest",
        s(&world.join("manifest.toml")),
        "--json",
    ]);
    let summaries = summaries.as_array().unwrap();
    let manifest = std::fs::read_to_string(world.join("manifest.toml")).unwrap();
    assert_eq!(summaries.len(), manifest.matches("[[feed]]").count());
    let mut orgs = BTreeSet::new();
    for e in summaries {
        let (read, landed, q) = (
            e["read"].as_u64().unwrap(),
            e["landed"].as_u64().unwrap(),
            e["quarantined"].as_u64().unwrap(),
        );
        assert_eq!(read, landed + q, "{e}");
        assert!(landed > 0, "nothing landed from {e}");
        orgs.insert(e["org"].as_str().unwrap().to_string());
    }
    assert!(orgs.len() >= 5, "{orgs:?}");

    let mut expected = BTreeSet::new();
    let mut r = csv::Reader::from_path(world.join("truth/corrupted.csv")).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        expected.insert((
            world.join(&rec[0]).display().to_string(),
            rec[1].parse::<u64>().unwrap(),
        ));
    }
    assert!(!expected.is_empty(), "the default world corrupts some rows");
    let quarantined: BTreeSet<(String, u64)> = json(&["quarantine", "--db", s(&db), "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["file"].as_str().unwrap().to_string(),
                q["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(quarantined, expected);

    // Every party record the truth names exists in the store under its record.
    let truth = std::fs::read_to_string(world.join("truth/actors.csv")).unwrap();
    let shipments: u64 = json(&["stats", "--db", s(&db), "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["feed"] == "shipments")
        .map(|s| s["records"].as_u64().unwrap())
        .sum();
    assert!(shipments >= 2 * 3000 - expected.len() as u64, "{shipments}");
    assert!(truth.lines().count() > shipments as usize);
}

#[test]
fn the_demo_runs_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::bin()
        .current_dir(dir.path())
        .args(["demo", "--shipments", "2000"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("== ingesting every partner's exports"),
        "{stdout}"
    );
    assert!(
        stdout.contains("every quarantined row is one the simulator corrupted on purpose"),
        "{stdout}"
    );
    assert!(dir.path().join("interdict-demo/interdict.db").exists());
    assert!(
        dir.path()
            .join("interdict-demo/world/manifest.toml")
            .exists()
    );
}
