//! Killing an ingest with SIGKILL at any moment and running it again must leave exactly the store
//! of an uninterrupted run.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::{bin, json, run_ok, s};

const MAPPING: &str = r#"
feed = "shipments"
[defaults]
country = "GB"
currency = "USD"
date_format = "%d/%m/%Y"
[fields]
source_id = "awb"
shipped = "date"
origin_country = "orig"
"shipper.name" = "shp"
"shipper.phones" = "shp_tel"
"shipper.address.text" = "shp_addr"
"shipper.address.country" = "orig"
"consignee.name" = "cne"
"consignee.emails" = "cne_mail"
"consignee.address.text" = "cne_addr"
"consignee.address.postcode" = "cne_zip"
"items.description" = "desc"
"items.hs_code" = "hs"
"items.value" = "val"
"#;

/// A deterministic file of about 30,000 rows: multi-line shipments and a few bad rows.
fn write_file(path: &std::path::Path) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(
        f,
        "awb,date,orig,shp,shp_tel,shp_addr,cne,cne_mail,cne_addr,cne_zip,desc,hs,val"
    )
    .unwrap();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for i in 0..15_000u64 {
        let lines = 1 + next() % 3;
        for l in 0..lines {
            let day = 1 + next() % 28;
            let bad = next() % 1000 == 0;
            let date = if bad {
                "99/99/2026".to_string()
            } else {
                format!("{day:02}/03/2026")
            };
            writeln!(
                f,
                "AWB{i:07},{date},CN,Shenzhen Trading {} Co Ltd,+86 138 {:04} {:04},{} Huaqiang Rd Shenzhen,Person {},p{}@example.com,{} High St,SW1A {}AA,item {l},640399,{}.50 USD",
                next() % 500,
                next() % 10_000,
                next() % 10_000,
                next() % 200,
                next() % 20_000,
                next() % 20_000,
                next() % 300,
                next() % 9,
                1 + next() % 90
            )
            .unwrap();
        }
    }
}

#[test]
fn a_killed_ingest_rerun_matches_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let mapping = dir.path().join("m.toml");
    std::fs::write(&mapping, MAPPING).unwrap();
    let file = dir.path().join("ship.csv");
    write_file(&file);
    let ingest = |db: &std::path::Path| -> Vec<String> {
        [
            "ingest",
            "--db",
            s(db),
            "--org",
            "carrier-x",
            "--mapping",
            s(&mapping),
            "--json",
            s(&file),
        ]
        .iter()
        .map(|a| a.to_string())
        .collect()
    };

    let clean = dir.path().join("clean.db");
    let started = Instant::now();
    let a = ingest(&clean);
    let summary = json(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let first_time = started.elapsed();
    // The first run also pays for a cold cache: time a second one and take the faster, and kill
    // within four fifths of it, so the kills land while a run is going on a loaded machine too.
    let again = dir.path().join("again.db");
    let started_again = Instant::now();
    run_ok(
        &ingest(&again)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let clean_time = first_time.min(started_again.elapsed()) * 4 / 5;
    let clean_digest = run_ok(&["digest", "--db", s(&clean)]);
    let clean_stats = json(&["stats", "--db", s(&clean), "--json"]);
    assert!(
        summary["quarantined"].as_u64().unwrap() > 0,
        "the file has bad rows"
    );
    assert_eq!(summary["updated"], 0);

    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut killed_mid_run = 0;
    for point in 0..20 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let delay = Duration::from_micros(x % (clean_time.as_micros() as u64).max(1));
        let db = dir.path().join(format!("kill{point}.db"));
        let args = ingest(&db);
        let mut child = bin()
            .args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
        }
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();

        let rerun = json(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(
            rerun["read"], summary["read"],
            "kill point {point} after {delay:?}"
        );
        assert_eq!(rerun["quarantined"], summary["quarantined"]);
        assert_eq!(
            rerun["updated"], 0,
            "kill point {point}: nothing may count as changed"
        );
        assert_eq!(
            rerun["landed"].as_u64().unwrap() + rerun["unchanged"].as_u64().unwrap(),
            summary["landed"].as_u64().unwrap(),
            "kill point {point}"
        );
        assert_eq!(
            run_ok(&["digest", "--db", s(&db)]),
            clean_digest,
            "kill point {point} after {delay:?}"
        );
        assert_eq!(json(&["stats", "--db", s(&db), "--json"]), clean_stats);
        std::fs::remove_file(&db).ok();
    }
    assert!(
        killed_mid_run >= 10,
        "only {killed_mid_run} of 20 kills landed mid-run"
    );
}
