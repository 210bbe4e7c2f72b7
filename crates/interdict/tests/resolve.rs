//! Entity resolution through the command line, on a simulated operation with its truth.

mod common;

use std::collections::{HashMap, HashSet};

use common::*;

struct World {
    _dir: tempfile::TempDir,
    db: String,
    truth: String,
}

fn world(shipments: &str) -> World {
    let dir = tempfile::tempdir().unwrap();
    let (db, w) = simulated_store(dir.path(), shipments, "7");
    World {
        db: s(&db).to_owned(),
        truth: s(&w.join("truth").join("actors.csv")).to_owned(),
        _dir: dir,
    }
}

fn actors(db: &str) -> HashMap<(String, String, String), String> {
    let text = run_ok(&["export", "actors", "--db", db, "--format", "csv"]);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("org,feed,source_id,actor_id"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 4, "{l}");
            ((f[0].into(), f[1].into(), f[2].into()), f[3].into())
        })
        .collect()
}

#[test]
fn resolution_on_a_simulated_operation_is_accurate_stable_and_explained() {
    let w = world("3000");
    let summary = json(&["resolve", "--db", &w.db, "--json"]);
    let s = &summary["summary"];
    assert!(s["model_trained"].as_bool().unwrap());
    let records = s["records"].as_u64().unwrap();
    assert!(records > 20_000, "{s}");
    assert!(s["cross_partner_actors"].as_u64().unwrap() > 100, "{s}");

    // Every party record of every feed has an actor, shipment parties by role.
    let first = actors(&w.db);
    assert_eq!(first.len() as u64, records);
    let feeds: HashSet<&str> = first.keys().map(|k| k.1.as_str()).collect();
    for f in ["sellers", "shipments", "brands", "parties"] {
        assert!(feeds.contains(f), "no {f} party records");
    }
    for role in [
        "#shipper",
        "#consignee",
        "#seller",
        "#purchaser",
        "#final_recipient",
        "#importer",
    ] {
        assert!(
            first
                .keys()
                .any(|k| k.0 == "carrier-swift" && k.2.ends_with(role)),
            "no carrier {role}"
        );
    }

    // Accuracy against the simulator's truth.
    let e = json(&[
        "eval", "resolve", "--db", &w.db, "--truth", &w.truth, "--json",
    ]);
    for k in ["pairwise", "bcubed"] {
        for m in ["precision", "recall", "f1"] {
            let v = e[k][m].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&v), "{k}.{m} = {v}");
        }
    }
    assert!(e["pairwise"]["precision"].as_f64().unwrap() > 0.95, "{e}");
    assert!(e["pairwise"]["f1"].as_f64().unwrap() > 0.85, "{e}");
    assert!(e["bcubed"]["f1"].as_f64().unwrap() > 0.85, "{e}");

    // The same data with the saved (frozen) model gives the same actors and ids.
    let again = json(&["resolve", "--db", &w.db, "--json"]);
    assert!(!again["summary"]["model_trained"].as_bool().unwrap());
    assert_eq!(actors(&w.db), first);

    // An explanation names every field with its contribution and ends in a probability.
    // Keys are sorted so the pair chosen is the same on every run.
    let mut keys: Vec<_> = first.keys().collect();
    keys.sort();
    let mut customs_record_of: HashMap<&String, &(String, String, String)> = HashMap::new();
    for k in keys.iter().filter(|k| k.0 == "customs-uk") {
        customs_record_of.entry(&first[*k]).or_insert(k);
    }
    let (carrier, same_actor) = keys
        .iter()
        .filter(|k| k.0 == "carrier-swift" && k.2.ends_with("#consignee"))
        .find_map(|carrier| {
            customs_record_of
                .get(&first[*carrier])
                .map(|k| (*carrier, (*k).clone()))
        })
        .expect("a carrier consignee resolved with a customs record");
    let a = format!("{}/{}/{}", carrier.0, carrier.1, carrier.2);
    let b = format!("{}/{}/{}", same_actor.0, same_actor.1, same_actor.2);
    let ex = json(&["explain", "--db", &w.db, &a, &b, "--json"]);
    let fields: Vec<&str> = ex["explanation"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "name",
            "email",
            "phone",
            "address",
            "bank_account",
            "tax_id",
            "account_id",
            "country",
            "date",
            "given_name",
            "family_name",
            "date_of_birth",
            "place_of_birth",
            "nationality",
            "gender",
            "id_document"
        ]
    );
    // Both records are dated shipments, so their days are compared.
    let date = &ex["explanation"]["fields"][8];
    assert!(date["level"].is_u64(), "{date}");
    assert!(
        date["label"].as_str().unwrap().contains("days")
            || date["label"].as_str().unwrap().contains("year"),
        "{date}"
    );
    let total: f64 = ex["explanation"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["weight"].as_f64().unwrap())
        .sum::<f64>()
        + ex["explanation"]["prior_weight"].as_f64().unwrap();
    assert!((total - ex["explanation"]["weight"].as_f64().unwrap()).abs() < 1e-9);
    assert_eq!(ex["actor_a"], ex["actor_b"]);
    let text = run_ok(&["explain", "--db", &w.db, &a, &b]);
    assert!(text.contains("match probability"), "{text}");

    // The actor lists its records, organisations and identifiers.
    let profile = json(&["actor", "--db", &w.db, &first[carrier], "--json"]);
    let records: Vec<&str> = profile["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        records.contains(&a.as_str()) && records.contains(&b.as_str()),
        "{profile}"
    );
    assert_eq!(
        records.len(),
        first.values().filter(|x| **x == first[carrier]).count()
    );
    assert!(profile["organisations"]["carrier-swift"].as_u64().unwrap() >= 1);
    assert!(profile["organisations"]["customs-uk"].as_u64().unwrap() >= 1);
    assert!(!profile["names"].as_array().unwrap().is_empty());
    let out = run(&["actor", "--db", &w.db, "ACT-NOSUCHACTOR"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such actor"));

    // Bad record names are named back.
    let out = run(&["explain", "--db", &w.db, "nonsense", &b]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ORG/FEED/SOURCE_ID"));
    let out = run(&[
        "explain",
        "--db",
        &w.db,
        "carrier-swift/shipments/NOPE#consignee",
        &b,
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such party record"));

    // The model can be shown.
    let model = json(&["resolve", "--db", &w.db, "--show-model", "--json"]);
    assert_eq!(model["fields"].as_array().unwrap().len(), 16);
    assert_eq!(model["fields"][8]["field"], "date");
    assert_eq!(model["fields"][8]["levels"].as_array().unwrap().len(), 4);
    assert_eq!(model["fields"][11]["field"], "date_of_birth");
    assert!(model["prior"].as_f64().unwrap() > 0.0);
}

#[test]
fn incremental_resolution_adds_new_records_to_existing_actors() {
    let w = world("1500");
    run_ok(&["resolve", "--db", &w.db, "--json"]);
    let before = actors(&w.db);

    // Two watch-list entries arrive later: one names a known seller account's e-mail, phone
    // and name; the other is a stranger.
    let dir = tempfile::tempdir().unwrap();
    let parties = run_ok(&["export", "parties", "--db", &w.db]);
    let mut rows = parties.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let seller: Vec<&str> = rows
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|f| {
            f[col("org")] == "mkt-bazaar"
                && f[col("feed")] == "sellers"
                && !f[col("email")].is_empty()
                && !f[col("phone")].is_empty()
        })
        .expect("a seller with e-mail and phone");
    let seller_key = (
        "mkt-bazaar".to_string(),
        "sellers".to_string(),
        seller[col("source_id")].to_string(),
    );
    let file = dir.path().join("tips.csv");
    std::fs::write(
        &file,
        format!(
            "source_id,name,emails,phones\nTIP-1,{},{},+{}\nTIP-2,Someone Entirely New Ltd,brand.new.person@example.org,+447700900999\n",
            seller[col("name")],
            seller[col("email")],
            seller[col("phone")]
        ),
    )
    .unwrap();
    // The store was resolved: what `ingest` lands is resolved at once, against the frozen
    // model, and a later incremental run finds nothing left to add.
    let landed = json(&[
        "ingest",
        "--db",
        &w.db,
        "--org",
        "ipcc",
        "--feed",
        "parties",
        "--json",
        s(&file),
    ]);
    assert_eq!(landed["arrival"]["resolved"].as_u64(), Some(2), "{landed}");
    let inc = json(&["resolve", "--db", &w.db, "--incremental", "--json"]);
    assert_eq!(inc["incremental_added"].as_u64(), Some(0), "{inc}");
    let after = actors(&w.db);
    assert_eq!(after.len(), before.len() + 2);
    for (k, a) in &before {
        assert_eq!(&after[k], a, "{k:?} moved");
    }
    let tip =
        |id: &str| after[&("ipcc".to_string(), "parties".to_string(), id.to_string())].clone();
    assert_eq!(
        tip("TIP-1"),
        before[&seller_key],
        "the known seller's tip joins its actor"
    );
    assert!(
        !before.values().any(|a| *a == tip("TIP-2")),
        "a stranger starts a new actor"
    );
}

#[test]
fn commands_that_need_a_resolution_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.db");
    let out = run(&["resolve", "--db", s(&db)]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no party records"));
    let out = run(&["export", "actors", "--db", s(&db), "--format", "csv"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("run `interdict resolve` first"));
    let out = run(&["resolve", "--db", s(&db), "--threshold", "1.5"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--threshold"));
}
