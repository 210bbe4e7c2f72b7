//! Risk scoring through the command line, on a simulated operation with its truth: scores,
//! the queue, exports, the targeting evaluation, rule packs and withdrawn labels.

mod common;

use std::collections::HashMap;

use common::*;

struct World {
    dir: tempfile::TempDir,
    db: String,
    truth: String,
}

fn world(shipments: &str, seed: &str) -> World {
    let dir = tempfile::tempdir().unwrap();
    let (db, w) = simulated_store(dir.path(), shipments, seed);
    World {
        db: s(&db).to_owned(),
        truth: s(&w.join("truth")).to_owned(),
        dir,
    }
}

fn scores(db: &str) -> HashMap<(String, String, String), f64> {
    let text = run_ok(&["export", "scores", "--db", db, "--format", "csv"]);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    let first: Vec<&str> = h.iter().take(4).collect();
    assert_eq!(first, ["org", "feed", "source_id", "score"]);
    assert_eq!(h.get(7), Some("scored_for"));
    // The shared scores: an organisation's own ones are the rows that name it.
    r.records()
        .filter(|rec| rec.as_ref().is_ok_and(|r| r[7].is_empty()))
        .map(|rec| {
            let rec = rec.unwrap();
            let score: f64 = rec[3].parse().unwrap();
            assert!((0.0..=1.0).contains(&score), "{rec:?}");
            ((rec[0].into(), rec[1].into(), rec[2].into()), score)
        })
        .collect()
}

#[test]
fn scoring_needs_a_resolution_first() {
    let w = world("300", "3");
    let out = run(&["score", "--db", &w.db]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("interdict resolve"), "{err}");
}

#[test]
fn scores_queue_export_and_evaluation_on_a_simulated_operation() {
    let w = world("6000", "11");
    run_ok(&["resolve", "--db", &w.db, "--json"]);
    let summary = json(&["score", "--db", &w.db, "--json"]);
    let ships = summary["shipments"].as_u64().unwrap();
    let lists = summary["listings"].as_u64().unwrap();
    assert!(ships > 11_000, "{summary}");
    assert!(lists > 100, "{summary}");
    assert_eq!(summary["trained"], true);
    let model = summary["model"].as_str().unwrap().to_owned();
    assert!(model.starts_with("lr-"), "{model}");
    assert!(
        summary["rules"].as_str().unwrap().starts_with("default@2#"),
        "{summary}"
    );

    // Every shipment and listing has a score; a second run scores nothing new.
    let all = scores(&w.db);
    assert_eq!(all.len() as u64, ships + lists);
    let again = json(&["score", "--db", &w.db, "--json"]);
    assert_eq!(again["shipments"], 0);
    assert_eq!(again["already_scored"].as_u64().unwrap(), ships + lists);
    assert_eq!(scores(&w.db), all);

    // The queue: capacity as a share and as a count, exploration picks, reasons on every
    // ranked row, every row stamped with the model and rules.
    let q = json(&[
        "queue",
        "--db",
        &w.db,
        "--capacity",
        "10%",
        "--org",
        "customs-uk",
        "--day",
        "2026-03-02",
        "--json",
    ]);
    assert_eq!(q["day"], "2026-03-02");
    let arrivals = q["arrivals"].as_u64().unwrap();
    let rows = q["rows"].as_array().unwrap();
    assert!(arrivals > 10, "{q}");
    assert_eq!(rows.len() as u64, arrivals.div_ceil(10));
    let explored = rows.iter().filter(|r| r["pick"] == "exploration").count();
    assert_eq!(explored, (rows.len() / 10).max(1));
    let ranked: Vec<f64> = rows
        .iter()
        .filter(|r| r["pick"] == "score")
        .map(|r| r["score"].as_f64().unwrap())
        .collect();
    assert!(ranked.windows(2).all(|p| p[0] >= p[1]), "{ranked:?}");
    for r in rows {
        assert_eq!(r["org"], "customs-uk");
        assert_eq!(r["model"], model.as_str());
        assert!(!r["reasons"].as_array().unwrap().is_empty(), "{r}");
    }
    let q5 = json(&["queue", "--db", &w.db, "--capacity", "5", "--json"]);
    assert_eq!(q5["rows"].as_array().unwrap().len(), 5);
    let bad = run(&["queue", "--db", &w.db, "--capacity", "lots"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("lots"));

    // Targeting evaluation against the truth: the documented keys, interdict far above
    // random at 1% and capturing more value than declared value alone at every rate.
    let e = json(&[
        "eval",
        "targeting",
        "--db",
        &w.db,
        "--truth",
        &w.truth,
        "--json",
    ]);
    for method in ["interdict", "random", "declared_value"] {
        for rate in ["1%", "5%", "10%"] {
            let r = &e[method][rate];
            for k in ["precision", "value_captured"] {
                let v = r[k]
                    .as_f64()
                    .unwrap_or_else(|| panic!("{method} {rate} {k}: {e}"));
                assert!((0.0..=1.0).contains(&v), "{method} {rate} {k}: {v}");
            }
        }
    }
    let p1 = e["interdict"]["1%"]["precision"].as_f64().unwrap();
    let random = e["random"]["1%"]["precision"].as_f64().unwrap();
    assert!(p1 >= (20.0 * random).min(0.9), "{e}");
    for rate in ["1%", "5%", "10%"] {
        assert!(
            e["interdict"][rate]["value_captured"].as_f64().unwrap()
                > e["declared_value"][rate]["value_captured"]
                    .as_f64()
                    .unwrap(),
            "{rate}: {e}"
        );
    }
    // An explicit split trains on less.
    let early = json(&[
        "eval",
        "targeting",
        "--db",
        &w.db,
        "--truth",
        &w.truth,
        "--split",
        "2026-02-01",
        "--json",
    ]);
    assert_eq!(early["split"], "2026-02-01");
    assert!(early["training_labels"].as_u64() < e["training_labels"].as_u64());
}

#[test]
fn rule_packs_are_checked_back_tested_and_stamped_on_scores() {
    let w = world("3000", "5");
    run_ok(&["resolve", "--db", &w.db, "--json"]);

    // A pack reading a variable that does not exist is refused, naming the rule.
    let bad = w.dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "name = \"x\"\nversion = 1\n[[rule]]\nname = \"typo\"\nwhen = \"brand_lookalkie\"\nweight = 1.0\nreason = \"r\"\n",
    )
    .unwrap();
    for cmd in ["test", "set"] {
        let out = run(&["rules", cmd, "--db", &w.db, "--file", s(&bad)]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("typo") && err.contains("brand_lookalkie"),
            "{err}"
        );
    }

    // A new pack, back-tested before it is switched on: the rule that is off is tested too.
    let pack = w.dir.path().join("pack.toml");
    std::fs::write(
        &pack,
        r#"name = "uk-customs"
version = 2

[[rule]]
name = "lookalike"
when = "brand_lookalike"
weight = 2.0
reason = "look-alike of {brands}"

[[rule]]
name = "everything-from-cn"
when = 'export_country == "CN"'
weight = 0.5
reason = "from CN"
enabled = false
applies_to = "shipment"
"#,
    )
    .unwrap();
    let t = json(&["rules", "test", "--db", &w.db, "--file", s(&pack), "--json"]);
    let tag = t["pack"].as_str().unwrap().to_owned();
    assert!(tag.starts_with("uk-customs@2#"), "{tag}");
    let rules = t["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2);
    let look = &rules[0];
    let cn = &rules[1];
    assert!(look["fires"].as_u64().unwrap() > 0, "{t}");
    assert!(
        cn["fires"].as_u64().unwrap() > look["fires"].as_u64().unwrap(),
        "{t}"
    );
    assert_eq!(cn["enabled"], false);
    // A look-alike spelling is a strong tell: its labelled hits are mostly counterfeit.
    if look["labelled"].as_u64().unwrap() >= 5 {
        assert!(look["precision"].as_f64().unwrap() > cn["precision"].as_f64().unwrap_or(0.0));
    }

    run_ok(&["rules", "set", "--db", &w.db, "--file", s(&pack)]);
    let shown = run_ok(&["rules", "show", "--db", &w.db]);
    assert!(shown.contains(&tag) && shown.contains("everything-from-cn"));
    let summary = json(&["score", "--db", &w.db, "--json"]);
    assert_eq!(summary["rules"], tag.as_str());
    let text = run_ok(&["export", "scores", "--db", &w.db, "--format", "csv"]);
    assert!(text.lines().skip(1).all(|l| l.contains(&tag)));
}

#[test]
fn withdrawn_labels_leave_training_and_only_their_organisation_can_withdraw() {
    let w = world("3000", "9");
    run_ok(&["resolve", "--db", &w.db, "--json"]);
    let before = json(&["train", "--db", &w.db, "--json"]);
    let labels = json(&["labels", "list", "--db", &w.db, "--json"]);
    let seizure = labels
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["result"] == "seized_counterfeit")
        .expect("a seizure in the simulated world");
    let key = seizure["key"].as_str().unwrap();
    let org = seizure["org"].as_str().unwrap();

    let out = run(&[
        "labels",
        "withdraw",
        "--db",
        &w.db,
        key,
        "--org",
        "mkt-bazaar",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("only that organisation"));
    let out = run(&[
        "labels",
        "withdraw",
        "--db",
        &w.db,
        "customs-uk/outcomes/NOPE",
        "--org",
        "customs-uk",
    ]);
    assert!(!out.status.success());

    run_ok(&[
        "labels",
        "withdraw",
        "--db",
        &w.db,
        key,
        "--org",
        org,
        "--reason",
        "entered twice",
    ]);
    let after = json(&["train", "--db", &w.db, "--json"]);
    assert_eq!(
        after["shipments"]["labels"].as_u64().unwrap() + 1,
        before["shipments"]["labels"].as_u64().unwrap()
    );
    assert_eq!(
        after["shipments"]["positives"].as_u64().unwrap() + 1,
        before["shipments"]["positives"].as_u64().unwrap()
    );
    assert_ne!(after["version"], before["version"]);
    let listed = json(&["labels", "list", "--db", &w.db, "--json"]);
    let gone = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["key"] == key)
        .unwrap();
    assert_eq!(gone["withdrawn"]["reason"], "entered twice");
}

/// In a store resolved and scored before, a shipment `ingest` lands is resolved and scored at
/// once, as an upload through the API is; `--batch` leaves it to the next `score`.
#[test]
fn ingest_into_a_live_store_scores_what_lands() {
    let w = world("300", "5");
    run_ok(&["resolve", "--db", &w.db, "--json"]);
    run_ok(&["score", "--db", &w.db, "--json"]);
    let header = "source_id,carrier,arrival,origin_country,export_country,port_of_arrival,shipper.name,shipper.address.country,consignee.name,consignee.address.country,items.description,items.quantity,items.value";
    let ingest_row = |name: &str, row: &str, extra: &[&str]| {
        let file = w.dir.path().join(name);
        std::fs::write(&file, format!("{header}\n{row}\n")).unwrap();
        let mut args = vec![
            "ingest",
            "--db",
            &w.db,
            "--org",
            "carrier-late",
            "--feed",
            "shipments",
            "--json",
        ];
        args.extend(extra);
        args.push(s(&file));
        json(&args)
    };
    let landed = ingest_row(
        "late.csv",
        "LATE-1,swift,2026-06-02,CN,CN,LHR,Late Trading Ltd,CN,Pat Late,GB,NIKE shoes,2,9 USD",
        &[],
    );
    assert_eq!(landed["arrival"]["scored"].as_u64(), Some(1), "{landed}");
    assert_eq!(landed["arrival"]["resolved"].as_u64(), Some(2), "{landed}");
    let key = |id: &str| {
        (
            "carrier-late".to_string(),
            "shipments".to_string(),
            id.to_string(),
        )
    };
    assert!(scores(&w.db).contains_key(&key("LATE-1")));
    let landed = ingest_row(
        "batch.csv",
        "LATE-2,swift,2026-06-03,CN,CN,LHR,Other Trading Ltd,CN,Sam Other,GB,tea,1,20 USD",
        &["--batch"],
    );
    assert!(landed.get("arrival").is_none(), "{landed}");
    assert!(!scores(&w.db).contains_key(&key("LATE-2")));
}
