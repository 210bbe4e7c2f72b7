//! Reads the simulator's files back with the csv and serde_json crates and checks the world
//! against its own truth and its config.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use interdict_sim::{SimConfig, SimSummary, simulate};

struct Run {
    dir: tempfile::TempDir,
    summary: SimSummary,
    config: SimConfig,
}

impl Run {
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
}

fn run(config: SimConfig) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let summary = simulate(&config, dir.path()).unwrap();
    Run {
        dir,
        summary,
        config,
    }
}

/// The default world, generated once for every test that needs its size.
fn default_world() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| run(SimConfig::default()))
}

fn read_truth(run: &Run, rel: &str) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(run.path(rel)).unwrap();
    r.records().map(|r| r.unwrap()).collect()
}

/// (path, line) → kind of every corrupted row.
fn corrupted(run: &Run) -> BTreeMap<(String, u64), String> {
    read_truth(run, "truth/corrupted.csv")
        .into_iter()
        .map(|r| ((r[0].to_string(), r[1].parse().unwrap()), r[2].to_string()))
        .collect()
}

struct Table {
    header: Vec<String>,
    /// (1-based physical line, record) of every row not listed as corrupted.
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }
}

/// Reads a CSV export strictly (equal field counts, UTF-8), leaving out the corrupted lines.
fn read_csv(run: &Run, rel: &str, delim: u8) -> Table {
    let bad = corrupted(run);
    let bytes = std::fs::read(run.path(rel)).unwrap();
    let text_lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let header_line = std::str::from_utf8(text_lines[0]).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delim)
        .has_headers(false)
        .from_reader(header_line.as_bytes());
    let header: Vec<String> = r
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(String::from)
        .collect();
    let mut rows = Vec::new();
    for (i, line) in text_lines.iter().enumerate().skip(1) {
        let n = i as u64 + 1;
        if line.is_empty() && i == text_lines.len() - 1 {
            continue;
        }
        if bad.contains_key(&(rel.to_string(), n)) {
            continue;
        }
        let text = std::str::from_utf8(line)
            .unwrap_or_else(|_| panic!("{rel}:{n} is not UTF-8 but not listed as corrupted"));
        let mut r = csv::ReaderBuilder::new()
            .delimiter(delim)
            .has_headers(false)
            .from_reader(text.as_bytes());
        let rec = r
            .records()
            .next()
            .unwrap_or_else(|| panic!("{rel}:{n} empty"))
            .unwrap_or_else(|e| panic!("{rel}:{n}: {e}"));
        assert_eq!(rec.len(), header.len(), "{rel}:{n} has a wrong field count");
        assert!(r.records().next().is_none(), "{rel}:{n} holds two records");
        rows.push((n, rec));
    }
    Table { header, rows }
}

/// Reads an NDJSON export, leaving out the corrupted lines; every other line must parse.
fn read_ndjson(run: &Run, rel: &str) -> Vec<(u64, serde_json::Value)> {
    let bad = corrupted(run);
    let bytes = std::fs::read(run.path(rel)).unwrap();
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .filter(|(i, _)| !bad.contains_key(&(rel.to_string(), *i as u64 + 1)))
        .map(|(i, l)| {
            let v = serde_json::from_slice(l).unwrap_or_else(|e| panic!("{rel}:{}: {e}", i + 1));
            (i as u64 + 1, v)
        })
        .collect()
}

fn hash_dir(root: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                let h = blake3::hash(&std::fs::read(&p).unwrap());
                out.insert(rel, h.to_hex().to_string());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn small(seed: u64) -> SimConfig {
    SimConfig {
        seed,
        shipments: 3_000,
        ..SimConfig::default()
    }
}

#[test]
fn same_seed_writes_identical_bytes_and_another_seed_differs() {
    let a = run(small(7));
    let b = run(small(7));
    let c = run(small(8));
    let ha = hash_dir(a.dir.path());
    assert!(
        ha.len() >= 30,
        "expected every export, mapping and truth file: {ha:?}"
    );
    assert_eq!(ha, hash_dir(b.dir.path()));
    assert_eq!(a.summary, b.summary);
    let hc = hash_dir(c.dir.path());
    assert_eq!(ha.keys().collect::<Vec<_>>(), hc.keys().collect::<Vec<_>>());
    for key in [
        "carrier-swift/shipments.csv",
        "truth/actors.csv",
        "mkt-bazaar/sellers.ndjson",
    ] {
        assert_ne!(ha[key], hc[key], "{key} did not change with the seed");
    }
}

#[test]
fn the_config_parses_from_toml_and_rejects_unknown_or_bad_knobs() {
    let c =
        SimConfig::from_toml_str("seed = 9\nshipments = 500\ncounterfeit_share = 0.1\n").unwrap();
    assert_eq!((c.seed, c.shipments, c.counterfeit_share), (9, 500, 0.1));
    assert_eq!(c.weeks, SimConfig::default().weeks);
    assert!(SimConfig::from_toml_str("sheep = 3").is_err());
    assert!(SimConfig::from_toml_str("counterfeit_share = 1.5").is_err());
    assert!(SimConfig::from_toml_str("start_date = \"05/01/2026\"").is_err());
    assert!(SimConfig::from_toml_str("brands = 99").is_err());
}

type Key = (String, String, String);

/// Every party record a reader finds in the exports (clean rows only), keyed as the truth is.
fn party_records(run: &Run) -> (HashSet<Key>, usize) {
    let mut out = HashSet::new();
    let mut corrupted_parties = 0;
    let key = |org: &str, feed: &str, id: String| (org.to_string(), feed.to_string(), id);
    let t = read_csv(run, "carrier-swift/shipments.csv", b',');
    let awb = t.col("AWB");
    for (_, r) in &t.rows {
        for role in [
            "shipper",
            "consignee",
            "seller",
            "purchaser",
            "final_recipient",
            "importer",
        ] {
            out.insert(key(
                "carrier-swift",
                "shipments",
                format!("{}#{role}", &r[awb]),
            ));
        }
    }
    let t = read_csv(run, "customs-uk/entries.csv", b'|');
    let decl = t.col("DECL_REF");
    for (_, r) in &t.rows {
        for role in ["shipper", "consignee", "importer"] {
            out.insert(key(
                "customs-uk",
                "shipments",
                format!("{}#{role}", &r[decl]),
            ));
        }
    }
    for (org, rel, id) in [
        ("mkt-bazaar", "mkt-bazaar/sellers.ndjson", "seller_id"),
        ("mkt-emporium", "mkt-emporium/sellers.ndjson", "accountRef"),
    ] {
        for (_, v) in read_ndjson(run, rel) {
            out.insert(key(org, "sellers", v[id].as_str().unwrap().to_string()));
        }
    }
    for (org, rel, id, list) in [
        (
            "brand-altus",
            "brand-altus/brands.ndjson",
            "brand_ref",
            "authorised_resellers",
        ),
        (
            "brand-corvid",
            "brand-corvid/brands.ndjson",
            "id",
            "partners",
        ),
    ] {
        for (_, v) in read_ndjson(run, rel) {
            let bid = v[id].as_str().unwrap();
            for n in 1..=v[list].as_array().unwrap().len() {
                out.insert(key(org, "brands", format!("{bid}#authorised#{n}")));
            }
        }
    }
    let t = read_csv(run, "ipcc/watchlist.csv", b',');
    for (_, r) in &t.rows {
        out.insert(key("ipcc", "parties", r[0].to_string()));
    }
    for (path, _) in corrupted(run).keys() {
        corrupted_parties += match path.as_str() {
            "carrier-swift/shipments.csv" => 6,
            "customs-uk/entries.csv" => 3,
            "mkt-bazaar/sellers.ndjson" | "mkt-emporium/sellers.ndjson" | "ipcc/watchlist.csv" => 1,
            _ => 0,
        };
    }
    (out, corrupted_parties)
}

#[test]
fn every_party_record_has_a_true_actor_and_every_truth_line_a_record() {
    let run = default_world();
    let truth = read_truth(run, "truth/actors.csv");
    let mut truth_keys: HashSet<Key> = HashSet::new();
    for r in &truth {
        assert!(!r[3].is_empty(), "empty true id in {r:?}");
        assert!(
            truth_keys.insert((r[0].to_string(), r[1].to_string(), r[2].to_string())),
            "duplicate truth line {r:?}"
        );
    }
    assert_eq!(truth.len(), run.summary.party_records);
    let (found, corrupted_parties) = party_records(run);
    let missing: Vec<_> = found.difference(&truth_keys).take(5).collect();
    assert!(
        missing.is_empty(),
        "party records without a true actor: {missing:?}"
    );
    // What the truth has beyond the readable rows is exactly the parties of corrupted rows.
    assert_eq!(truth_keys.len() - found.len(), corrupted_parties);
    let distinct: HashSet<&str> = truth.iter().map(|r| r.get(3).unwrap()).collect();
    assert_eq!(distinct.len(), run.summary.true_actors);
}

#[test]
fn counterfeit_share_and_inspection_rate_follow_the_config() {
    let run = default_world();
    let rows = read_truth(run, "truth/shipments.csv");
    assert_eq!(rows.len(), run.config.shipments);
    let n = rows.len() as f64;
    let counterfeit = rows.iter().filter(|r| &r[2] == "true").count() as f64;
    assert!(
        (counterfeit / n - run.config.counterfeit_share).abs() < 0.005,
        "{}",
        counterfeit / n
    );
    let inspected: Vec<_> = rows.iter().filter(|r| &r[6] == "true").collect();
    let rate = inspected.len() as f64 / n;
    assert!(
        (rate - run.config.inspection_rate).abs() < 0.004,
        "inspection rate {rate}"
    );
    let targeted = inspected.iter().filter(|r| &r[5] == "true").count() as f64;
    let share = targeted / inspected.len() as f64;
    assert!(
        (share - run.config.targeted_share).abs() < 0.15,
        "targeted share {share}"
    );
    // Customs' outcome file has one line per inspection, on the customs ids.
    let t = read_csv(run, "customs-uk/inspections.csv", b';');
    let bad = corrupted(run)
        .keys()
        .filter(|(p, _)| p == "customs-uk/inspections.csv")
        .count();
    assert_eq!(t.rows.len() + bad, inspected.len());
    let inspected_ids: HashSet<&str> = inspected.iter().map(|r| r.get(1).unwrap()).collect();
    for (_, r) in &t.rows {
        assert!(
            inspected_ids.contains(&r[1]),
            "{:?} was not inspected",
            &r[1]
        );
    }
    // The counterfeit flags of both shipment records and the listings are in items.csv.
    let items = read_truth(run, "truth/items.csv");
    assert_eq!(items.len(), 2 * run.config.shipments + run.summary.listings);
}

#[test]
fn at_least_a_third_of_counterfeit_shipments_have_no_textual_tell() {
    let run = default_world();
    let rows = read_truth(run, "truth/shipments.csv");
    let counterfeit: Vec<_> = rows.iter().filter(|r| &r[2] == "true").collect();
    let no_tell: HashSet<&str> = counterfeit
        .iter()
        .filter(|r| r[4].is_empty())
        .map(|r| r.get(0).unwrap())
        .collect();
    let share = no_tell.len() as f64 / counterfeit.len() as f64;
    assert!(share >= 1.0 / 3.0, "no-tell share {share}");
    // And it is so in the carrier's file: no mark or look-alike, no generic description.
    let marks: Vec<String> = read_ndjson(run, "brand-altus/brands.ndjson")
        .into_iter()
        .chain(read_ndjson(run, "brand-corvid/brands.ndjson"))
        .map(|(_, v)| {
            v.get("brand")
                .or(v.get("label"))
                .unwrap()
                .as_str()
                .unwrap()
                .to_lowercase()
        })
        .collect();
    let t = read_csv(run, "carrier-swift/shipments.csv", b',');
    let (awb, desc) = (t.col("AWB"), t.col("DESC"));
    let mut checked = 0;
    for (_, r) in &t.rows {
        if no_tell.contains(&r[awb]) {
            let d = r[desc].to_lowercase();
            assert!(marks.iter().all(|m| !d.contains(m.as_str())), "{d}");
            assert!(d.is_ascii(), "look-alike in {d}");
            assert!(
                !["gift", "sample", "goods", "clothes"].contains(&d.as_str()),
                "{d}"
            );
            checked += 1;
        }
    }
    assert!(checked >= no_tell.len());
    // Some counterfeit parcels do carry look-alike spellings.
    assert!(counterfeit.iter().any(|r| r[4].contains("lookalike")));
}

#[test]
fn networks_share_identifiers_written_in_several_ways() {
    let run = default_world();
    let networks = read_truth(run, "truth/networks.csv");
    let members: HashSet<String> = networks
        .iter()
        .filter(|r| &r[2] == "member")
        .map(|r| r[1].to_string())
        .collect();
    let truth: HashMap<(String, String), String> = read_truth(run, "truth/actors.csv")
        .into_iter()
        .filter(|r| members.contains(&r[3]))
        .map(|r| ((r[0].to_string(), r[2].to_string()), r[3].to_string()))
        .collect();
    let mut phones: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut names: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut addresses: HashMap<String, BTreeSet<String>> = HashMap::new();
    let t = read_csv(run, "carrier-swift/shipments.csv", b',');
    let awb = t.col("AWB");
    for (_, r) in &t.rows {
        for (role, p) in [("shipper", "SHP"), ("seller", "SEL")] {
            let Some(actor) =
                truth.get(&("carrier-swift".to_string(), format!("{}#{role}", &r[awb])))
            else {
                continue;
            };
            phones
                .entry(actor.clone())
                .or_default()
                .insert(r[t.col(&format!("{p}_TEL"))].to_string());
            names
                .entry(actor.clone())
                .or_default()
                .insert(r[t.col(&format!("{p}_NAME"))].to_string());
            addresses
                .entry(actor.clone())
                .or_default()
                .insert(r[t.col(&format!("{p}_ADDR1"))].to_string());
        }
    }
    let varied =
        |m: &HashMap<String, BTreeSet<String>>| m.values().filter(|s| s.len() >= 2).count();
    assert!(varied(&phones) >= members.len() / 2, "phones: {phones:?}");
    assert!(varied(&names) >= members.len() / 2, "names: {names:?}");
    assert!(
        varied(&addresses) >= members.len() / 2,
        "addresses: {addresses:?}"
    );
    // One network bank account behind accounts of different people on both marketplaces.
    let seller_truth: HashMap<String, String> = read_truth(run, "truth/actors.csv")
        .into_iter()
        .filter(|r| &r[1] == "sellers")
        .map(|r| (r[2].to_string(), r[3].to_string()))
        .collect();
    /// Per canonical bank account: its holders, its raw spellings, the marketplaces.
    type Seen<'a> = (BTreeSet<String>, BTreeSet<String>, BTreeSet<&'a str>);
    let mut by_bank: HashMap<String, Seen> = HashMap::new();
    for (org, rel, id, bank) in [
        (
            "mkt-bazaar",
            "mkt-bazaar/sellers.ndjson",
            "seller_id",
            "/payout/bank_account",
        ),
        (
            "mkt-emporium",
            "mkt-emporium/sellers.ndjson",
            "accountRef",
            "/payoutAccount/iban",
        ),
    ] {
        for (_, v) in read_ndjson(run, rel) {
            let Some(raw) = v.pointer(bank).and_then(|b| b.as_str()) else {
                continue;
            };
            let canon: String = raw.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
            let actor = &seller_truth[v[id].as_str().unwrap()];
            let e = by_bank.entry(canon).or_default();
            e.0.insert(actor.clone());
            e.1.insert(raw.to_string());
            e.2.insert(org);
        }
    }
    let shared = by_bank
        .values()
        .filter(|(actors, raws, orgs)| {
            actors.len() >= 2
                && actors.iter().all(|a| members.contains(a))
                && raws.len() >= 2
                && orgs.len() == 2
        })
        .count();
    assert!(
        shared >= 1,
        "no network bank account shared across people, spellings and marketplaces"
    );
}

#[test]
fn hubs_are_shared_by_a_thousand_records_at_the_default_size() {
    let run = default_world();
    let count_postcode = |run: &Run| {
        let mut by_address: HashMap<String, usize> = HashMap::new();
        let t = read_csv(run, "carrier-swift/shipments.csv", b',');
        let awb = t.col("AWB");
        let mut seen = HashSet::new();
        for (_, r) in &t.rows {
            if !seen.insert(r[awb].to_string()) {
                continue;
            }
            for p in ["SHP", "CNE", "SEL", "PUR", "FRC", "IMP"] {
                let a = format!(
                    "{}|{}",
                    &r[t.col(&format!("{p}_ZIP"))],
                    &r[t.col(&format!("{p}_CTRY"))]
                );
                *by_address.entry(a).or_default() += 1;
            }
        }
        let mut phones: HashMap<String, usize> = HashMap::new();
        seen.clear();
        for (_, r) in &t.rows {
            if seen.insert(r[awb].to_string()) {
                let digits: String = r[t.col("SHP_TEL")]
                    .chars()
                    .filter(|c| c.is_ascii_digit())
                    .collect();
                let tail = digits[digits.len().saturating_sub(8)..].to_string();
                *phones.entry(tail).or_default() += 1;
            }
        }
        (
            by_address.values().copied().max().unwrap(),
            phones.values().copied().max().unwrap(),
        )
    };
    let (address, phone) = count_postcode(run);
    assert!(
        address >= 1000,
        "largest shared address: {address} carrier records"
    );
    assert!(
        phone >= 1000,
        "largest shared shipper phone: {phone} records"
    );
    // The hub size is a knob: a small world with a big collection point has one too.
    let small = run_small_hub();
    let (address, _) = count_postcode(&small);
    let expected = small.config.shipments as f64 * small.config.collection_point_share;
    assert!(
        address as f64 >= 0.8 * expected,
        "{address} < 0.8 * {expected}"
    );
}

fn run_small_hub() -> Run {
    run(SimConfig {
        shipments: 2_000,
        collection_point_share: 0.5,
        ..SimConfig::default()
    })
}

#[test]
fn corrupted_rows_are_where_the_truth_says_and_nowhere_else() {
    let run = default_world();
    let bad = corrupted(run);
    assert!(bad.len() >= 10, "only {} corrupted rows", bad.len());
    let kinds: BTreeSet<&str> = bad.values().map(String::as_str).collect();
    for k in [
        "invalid_utf8",
        "empty_id",
        "bad_date",
        "bad_amount",
        "wrong_column_count",
        "stray_quote",
        "truncated_json",
    ] {
        assert!(
            kinds.contains(k),
            "no {k} corruption at the default size: {kinds:?}"
        );
    }
    let mut files: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
    for ((path, line), kind) in &bad {
        let lines = files.entry(path.clone()).or_insert_with(|| {
            std::fs::read(run.path(path))
                .unwrap()
                .split(|&b| b == b'\n')
                .map(<[u8]>::to_vec)
                .collect()
        });
        let raw = &lines[*line as usize - 1];
        let header = &lines[0];
        let delim = if path.ends_with("entries.csv") {
            b'|'
        } else if path.ends_with("inspections.csv") {
            b';'
        } else {
            b','
        };
        let json = path.ends_with(".ndjson");
        let fields = |raw: &[u8]| -> Vec<Vec<u8>> {
            let mut r = csv::ReaderBuilder::new()
                .delimiter(delim)
                .has_headers(false)
                .flexible(true)
                .from_reader(raw);
            r.byte_records()
                .next()
                .unwrap()
                .unwrap()
                .iter()
                .map(<[u8]>::to_vec)
                .collect()
        };
        let width = if json { 0 } else { fields(header).len() };
        match kind.as_str() {
            "invalid_utf8" => assert!(std::str::from_utf8(raw).is_err(), "{path}:{line}"),
            "truncated_json" => assert!(
                serde_json::from_slice::<serde_json::Value>(raw).is_err(),
                "{path}:{line}"
            ),
            "empty_id" if json => {
                let v: serde_json::Value = serde_json::from_slice(raw).unwrap();
                let key = match path.as_str() {
                    "mkt-bazaar/sellers.ndjson" => "seller_id",
                    "mkt-emporium/sellers.ndjson" => "accountRef",
                    "mkt-bazaar/listings.ndjson" => "item_id",
                    "mkt-emporium/listings.ndjson" => "listingRef",
                    "mkt-emporium/enforcement.ndjson" => "caseNo",
                    other => panic!("unexpected ndjson {other}"),
                };
                let id = &v[key];
                assert_eq!(id, "", "{path}:{line}");
            }
            "empty_id" => assert!(fields(raw)[0].is_empty(), "{path}:{line}"),
            "bad_date" => assert!(
                String::from_utf8_lossy(raw).contains("0000"),
                "{path}:{line}: {}",
                String::from_utf8_lossy(raw)
            ),
            "bad_amount" => assert!(
                String::from_utf8_lossy(raw).contains(",5.x"),
                "{path}:{line}"
            ),
            "wrong_column_count" => assert_eq!(fields(raw).len(), width + 1, "{path}:{line}"),
            "stray_quote" => {
                let f = fields(raw);
                assert_eq!(f.len(), width, "{path}:{line}");
                assert!(f.iter().any(|v| v.contains(&b'"')), "{path}:{line}");
            }
            other => panic!("unknown corruption kind {other}"),
        }
    }
    // Only single-line shipments are corrupted: no other row shares a corrupted row's id.
    let t = read_csv(run, "carrier-swift/shipments.csv", b',');
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (_, r) in &t.rows {
        *ids.entry(r[0].to_string()).or_default() += 1;
    }
    let raw = &files.get("carrier-swift/shipments.csv").unwrap();
    for ((path, line), kind) in &bad {
        if path == "carrier-swift/shipments.csv" && kind != "empty_id" && kind != "invalid_utf8" {
            let text = String::from_utf8_lossy(&raw[*line as usize - 1]).into_owned();
            let id = text.split(',').next().unwrap();
            assert!(
                !ids.contains_key(id),
                "{id} has clean rows beside a corrupted one"
            );
        }
    }
}

#[test]
fn multi_item_shipments_repeat_their_header_on_adjacent_rows() {
    let run = default_world();
    let t = read_csv(run, "carrier-swift/shipments.csv", b',');
    let line_no = t.col("LINE_NO");
    let mut multi = 0;
    let mut i = 0;
    let mut seen = HashSet::new();
    while i < t.rows.len() {
        let id = t.rows[i].1[0].to_string();
        assert!(seen.insert(id.clone()), "rows of {id} are not adjacent");
        let mut j = i + 1;
        while j < t.rows.len() && t.rows[j].1[0] == id {
            for c in 0..line_no {
                // Every row of one shipment carries the same header values.
                assert_eq!(
                    t.rows[j].1[c], t.rows[i].1[c],
                    "{id} column {}",
                    t.header[c]
                );
            }
            assert_eq!(t.rows[j].1[line_no], (j - i + 1).to_string());
            j += 1;
        }
        if j - i > 1 {
            multi += 1;
        }
        i = j;
    }
    let share = multi as f64 / run.config.shipments as f64;
    assert!(
        (share - run.config.multi_item_share).abs() < 0.03,
        "multi-item share {share}"
    );
    // Every party block is filled.
    for (n, r) in &t.rows {
        for p in ["SHP", "CNE", "SEL", "PUR", "FRC", "IMP"] {
            for c in ["NAME", "ADDR1", "CITY", "CTRY", "TEL", "EMAIL"] {
                assert!(
                    !r[t.col(&format!("{p}_{c}"))].is_empty(),
                    "line {n}: {p}_{c} empty"
                );
            }
        }
        chrono::NaiveDateTime::parse_from_str(&r[1], "%d/%m/%Y %H:%M").unwrap();
    }
}

#[test]
fn a_fifth_of_party_appearances_carry_typos_or_transliterations() {
    let run = default_world();
    let share = run.summary.varied_party_appearances as f64 / run.summary.party_records as f64;
    assert!(share >= 0.2, "varied share {share}");
    let carrier =
        String::from_utf8_lossy(&std::fs::read(run.path("carrier-swift/shipments.csv")).unwrap())
            .into_owned();
    let customs =
        String::from_utf8_lossy(&std::fs::read(run.path("customs-uk/entries.csv")).unwrap())
            .into_owned();
    let han = |s: &str| {
        s.chars()
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .count()
    };
    assert!(
        han(&carrier) + han(&customs) > 100,
        "no transliterated (Chinese script) parties"
    );
}

#[test]
fn phones_parse_and_are_valid_in_the_partners_default_region() {
    let run = default_world();
    let t = read_csv(run, "carrier-swift/shipments.csv", b',');
    let mut checked = 0;
    for (n, r) in t.rows.iter().take(3_000) {
        for p in ["SHP", "CNE", "SEL", "PUR", "FRC", "IMP"] {
            let raw = &r[t.col(&format!("{p}_TEL"))];
            if ["0000", "000000", "n/a"].contains(&raw) {
                continue;
            }
            let num = phonenumber::parse(Some(phonenumber::country::Id::GB), raw)
                .unwrap_or_else(|e| panic!("line {n} {p}_TEL {raw:?}: {e}"));
            assert!(
                phonenumber::is_valid(&num),
                "line {n} {p}_TEL {raw:?} is not a valid number"
            );
            checked += 1;
        }
    }
    for (n, v) in read_ndjson(run, "mkt-bazaar/sellers.ndjson") {
        for raw in v["owner"]["phones"].as_array().unwrap() {
            let raw = raw.as_str().unwrap();
            let num = phonenumber::parse(Some(phonenumber::country::Id::CN), raw)
                .unwrap_or_else(|e| panic!("bazaar line {n} {raw:?}: {e}"));
            assert!(phonenumber::is_valid(&num), "bazaar line {n} {raw:?}");
            checked += 1;
        }
    }
    assert!(checked > 10_000);
}

fn toml_file(run: &Run, rel: &str) -> toml::Table {
    toml::from_str(&std::fs::read_to_string(run.path(rel)).unwrap()).unwrap()
}

fn json_path_exists(v: &serde_json::Value, path: &str) -> bool {
    let mut cur = vec![v];
    for part in path.split('.') {
        let (key, walk) = match part.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (part, false),
        };
        let mut next = Vec::new();
        for c in cur {
            if let Some(x) = c.get(key) {
                if walk {
                    next.extend(x.as_array().into_iter().flatten());
                } else {
                    next.push(x);
                }
            }
        }
        cur = next;
    }
    !cur.is_empty()
}

#[test]
fn manifest_and_mappings_name_real_files_columns_and_canonical_fields() {
    let run = default_world();
    let manifest = toml_file(run, "manifest.toml");
    let feeds = manifest["feed"].as_array().unwrap();
    assert_eq!(feeds.len(), 14);
    let mut markings = BTreeSet::new();
    let mut exported: BTreeSet<String> = BTreeSet::new();
    for f in feeds {
        let org = f["org"].as_str().unwrap();
        let feed = f["feed"].as_str().unwrap();
        let path = f["path"].as_str().unwrap();
        let marking = f["marking"].as_str().unwrap();
        markings.insert(marking.parse::<interdict_model::Marking>().unwrap());
        feed.parse::<interdict_model::Feed>().unwrap();
        assert!(run.path(path).is_file(), "{path}");
        assert!(
            path.starts_with(&format!("{org}/")),
            "{path} is not under {org}/"
        );
        exported.insert(path.to_string());
        let mapping = toml_file(run, f["mapping"].as_str().unwrap());
        assert_eq!(mapping["feed"].as_str().unwrap(), feed);
        assert_eq!(mapping["marking"].as_str().unwrap(), marking);
        // The ingester's own parser checks every field name against the feed's schema.
        interdict_ingest::Mapping::load(&run.path(f["mapping"].as_str().unwrap()))
            .unwrap_or_else(|e| panic!("{e}"));
        let format = mapping["format"].as_str().unwrap();
        let delim = mapping
            .get("csv")
            .and_then(|c| c.get("delimiter"))
            .and_then(|d| d.as_str())
            .map(|d| d.as_bytes()[0])
            .unwrap_or(b',');
        let (header, rows) = if format == "csv" {
            (read_csv(run, path, delim).header, Vec::new())
        } else {
            (Vec::new(), read_ndjson(run, path))
        };
        for (name, spec) in mapping["fields"].as_table().unwrap() {
            let columns: Vec<&str> = match spec {
                toml::Value::String(c) => vec![c.as_str()],
                toml::Value::Table(t) => {
                    if let Some(c) = t.get("column") {
                        vec![c.as_str().unwrap()]
                    } else if let Some(cs) = t.get("columns") {
                        cs.as_array()
                            .unwrap()
                            .iter()
                            .map(|c| c.as_str().unwrap())
                            .collect()
                    } else {
                        assert!(t.contains_key("value"), "{path}: {name} names no column");
                        vec![]
                    }
                }
                other => panic!("{path}: {name} = {other:?}"),
            };
            for c in columns {
                if format == "csv" {
                    assert!(
                        header.iter().any(|h| h == c),
                        "{path}: no column {c} for {name}"
                    );
                } else {
                    assert!(
                        rows.iter().any(|(_, v)| json_path_exists(v, c)),
                        "{path}: no row has {c} for {name}"
                    );
                }
            }
        }
    }
    assert!(markings.len() >= 4, "markings {markings:?}");
    // A sharing group is one the world declares, and opens only what a marking keeps closed.
    let declared: BTreeSet<&str> = interdict_sim::GROUPS.iter().map(|g| g.0).collect();
    let grouped: Vec<&toml::Value> = feeds
        .iter()
        .filter(|f| f.get("sharing_group").is_some())
        .collect();
    assert!(!grouped.is_empty(), "no export is shared with a group");
    for f in grouped {
        assert!(
            declared.contains(f["sharing_group"].as_str().unwrap()),
            "{f:?}"
        );
        assert!(
            ["AMBER", "RED"].contains(&f["marking"].as_str().unwrap()),
            "{f:?}"
        );
    }
    // Every partner file under the output is in the manifest.
    for key in hash_dir(run.dir.path()).keys() {
        let partner =
            !key.starts_with("truth/") && !key.starts_with("mappings/") && key != "manifest.toml";
        if partner {
            assert!(
                exported.contains(key),
                "{key} is written but not in the manifest"
            );
        }
    }
    for (path, rows) in &run.summary.files {
        assert!(exported.contains(path), "{path}");
        assert!(*rows > 0, "{path} is empty");
    }
}

#[test]
fn marketplace_actions_and_test_buys_agree_with_the_truth() {
    let run = default_world();
    let items: HashMap<String, bool> = read_truth(run, "truth/items.csv")
        .into_iter()
        .filter(|r| &r[1] == "listings")
        .map(|r| (r[2].to_string(), &r[3] == "true"))
        .collect();
    let mut fakes = 0;
    let mut genuine = 0;
    let t = read_csv(run, "brand-altus/test_buys.csv", b',');
    for (_, r) in &t.rows {
        let counterfeit = items[&r[2]];
        assert_eq!(&r[5] == "FAKE", counterfeit, "{r:?}");
        if counterfeit {
            fakes += 1
        } else {
            genuine += 1
        }
    }
    let t = read_csv(run, "brand-corvid/test_purchases.csv", b',');
    for (_, r) in &t.rows {
        let counterfeit = items[&r[2]];
        assert_eq!(&r[5] == "counterfeit", counterfeit, "{r:?}");
        if counterfeit {
            fakes += 1
        } else {
            genuine += 1
        }
    }
    assert!(
        fakes > 0 && genuine > 0,
        "{fakes} fakes, {genuine} genuine test buys"
    );
    // Suspended accounts come back under new registrations: networks hold more accounts than
    // they started with, and suspensions are outcomes.
    let t = read_csv(run, "mkt-bazaar/actions.csv", b',');
    assert!(t.rows.iter().any(|(_, r)| &r[1] == "SUSPEND_ACCOUNT"));
    let suspended = read_ndjson(run, "mkt-bazaar/sellers.ndjson")
        .into_iter()
        .filter(|(_, v)| v["shop"]["status"] == "SUSPENDED")
        .count();
    assert!(suspended > 0);
}
