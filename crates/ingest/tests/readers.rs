//! The readers through the whole pipeline: Parquet and NDJSON files, and arbitrary bytes.

use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray};
use interdict_ingest::{Batch, FileJob, Mapping, Progress, Sink, WriteCounts, ingest_file};
use interdict_model::{Feed, QuarantinedRow, Record};
use interdict_normalize::money::RateTable;
use proptest::prelude::*;

#[derive(Default)]
struct Collect {
    records: Vec<Record>,
    quarantined: Vec<QuarantinedRow>,
}

impl Sink for Collect {
    fn write(&mut self, batch: Batch) -> Result<WriteCounts, String> {
        let mut landed = 0;
        for r in batch.records {
            landed += r.rows;
            self.records.push(Record::decode_payload(&r.payload)?);
        }
        self.quarantined.extend(batch.quarantined);
        Ok(WriteCounts {
            landed,
            updated: 0,
            unchanged: 0,
        })
    }
}

fn run(mapping: &str, file: &std::path::Path) -> (interdict_ingest::Summary, Collect) {
    let mapping = Mapping::parse(mapping, "test.toml").unwrap();
    let rates = RateTable::default_table();
    let job = FileJob {
        org: "mkt",
        path: file,
        mapping: &mapping,
        rates: &rates,
        workers: 2,
        batch_records: 3,
    };
    let mut sink = Collect::default();
    let summary = ingest_file(&job, &mut sink, &Progress::default()).unwrap();
    (summary, sink)
}

const LISTINGS: &str = r#"
feed = "listings"
[defaults]
currency = "EUR"
[fields]
source_id = "id"
marketplace = { value = "bazaar" }
seller_account_id = "seller"
title = "title"
"price.amount" = "price"
"#;

#[test]
fn parquet_rows_land_and_nulls_are_missing_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("listings.parquet");
    let cols: Vec<(&str, ArrayRef)> = vec![
        (
            "id",
            Arc::new(StringArray::from(vec![Some("L1"), Some("L2"), Some("L3")])),
        ),
        (
            "seller",
            Arc::new(StringArray::from(vec![Some("S1"), None, Some("S3")])),
        ),
        (
            "title",
            Arc::new(StringArray::from(vec![
                Some("Air shoes"),
                Some("Bag"),
                Some("Cap"),
            ])),
        ),
        (
            "price",
            Arc::new(Float64Array::from(vec![Some(49.9), Some(10.0), None])),
        ),
    ];
    let batch = RecordBatch::try_from_iter(cols).unwrap();
    let file = std::fs::File::create(&path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();

    let (summary, got) = run(LISTINGS, &path);
    assert_eq!(
        (summary.read, summary.landed, summary.quarantined),
        (3, 2, 1)
    );
    let q = &got.quarantined[0];
    assert_eq!((q.line, q.field.as_deref()), (2, Some("seller_account_id")));
    assert_eq!(q.reason, "missing required field (column seller)");
    let Record::Listings(first) = &got.records[0] else {
        panic!()
    };
    assert_eq!(first.listing_id, "L1");
    let price = first.price.as_ref().unwrap();
    assert_eq!(
        (price.amount.to_string().as_str(), price.currency.as_str()),
        ("49.9", "EUR")
    );
    assert!(price.usd.is_some());
    let Record::Listings(third) = &got.records[1] else {
        panic!()
    };
    assert_eq!(third.price, None);
}

#[test]
fn ndjson_arrays_become_item_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.ndjson");
    std::fs::write(
        &path,
        concat!(
            "{\"awb\":\"A1\",\"lines\":[{\"d\":\"shoes\",\"hs\":\"6403.99\",\"v\":\"12 USD\"},{\"d\":\"bag\",\"hs\":\"420221\",\"v\":\"3 USD\"}]}\n",
            "\n",
            "{\"awb\":\"A2\",\"lines\":[{\"d\":\"cap\",\"hs\":\"123\"}]}\n",
            "[1,2]\n",
        ),
    )
    .unwrap();
    let mapping = r#"
feed = "shipments"
[fields]
source_id = "awb"
"items.description" = "lines[].d"
"items.hs_code" = "lines[].hs"
"items.value" = "lines[].v"
"#;
    let (summary, got) = run(mapping, &path);
    assert_eq!(
        (summary.read, summary.landed, summary.quarantined),
        (3, 1, 2)
    );
    let Record::Shipments(s) = &got.records[0] else {
        panic!()
    };
    let items: Vec<(&str, Option<&str>)> = s
        .items
        .iter()
        .map(|i| (i.description.as_str(), i.hs_code.as_deref()))
        .collect();
    assert_eq!(
        items,
        vec![("shoes", Some("640399")), ("bag", Some("420221"))]
    );
    let faults: Vec<(u64, Option<&str>, &str)> = got
        .quarantined
        .iter()
        .map(|q| (q.line, q.field.as_deref(), q.reason.as_str()))
        .collect();
    assert_eq!(
        faults,
        vec![
            (
                3,
                Some("items.hs_code"),
                "not an hs code: \"123\" (column lines[].hs)"
            ),
            (4, None, "not a JSON object"),
        ]
    );
}

#[test]
fn a_small_file_read_on_the_callers_thread_gives_what_the_threaded_pipeline_does() {
    // Rows of one record on adjacent lines (a shipment's items), a bad row among them, and a
    // record cut across the pipeline's chunks of rows: the large file goes through the
    // reader and mapping threads, its first lines alone through the caller's thread.
    let mut text = String::from("awb,desc,value\n");
    for i in 0..6_000 {
        let value = if i % 997 == 5 {
            "lots".to_string()
        } else {
            format!("{} USD", i % 50 + 1)
        };
        text.push_str(&format!("S{},item {i},{value}\n", i / 3));
    }
    let dir = tempfile::tempdir().unwrap();
    let (large, small) = (dir.path().join("large.csv"), dir.path().join("small.csv"));
    std::fs::write(&large, &text).unwrap();
    assert!(
        text.len() > 64 * 1024,
        "the large file goes through the threads"
    );
    let head: String = text.lines().take(1_201).map(|l| format!("{l}\n")).collect();
    assert!(head.len() < 64 * 1024, "the small one does not");
    std::fs::write(&small, &head).unwrap();
    let mapping = r#"
feed = "shipments"
[fields]
source_id = "awb"
"items.description" = "desc"
"items.value" = "value"
"#;
    let (big, all) = run(mapping, &large);
    let (few, some) = run(mapping, &small);
    assert_eq!((big.read, few.read), (6_000, 1_200));
    assert_eq!(some.records.len(), 400);
    assert_eq!(some.records[..], all.records[..400]);
    let lines = |c: &Collect| -> Vec<u64> { c.quarantined.iter().map(|q| q.line).collect() };
    assert_eq!(lines(&some), vec![7, 1_004]);
    assert_eq!(lines(&all)[..2], lines(&some)[..]);
}

#[test]
fn every_canonical_field_is_documented() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/feeds.md"))
        .unwrap();
    for feed in Feed::ALL {
        for name in interdict_ingest::schema::field_names(feed) {
            // Party fields under a role prefix (`consignee.phones`) are documented once, in the
            // parties table (`phones`).
            let unprefixed = [
                "shipper.",
                "consignee.",
                "seller.",
                "purchaser.",
                "final_recipient.",
                "importer.",
                "authorised.",
            ]
            .iter()
            .find_map(|p| name.strip_prefix(p))
            .unwrap_or(&name);
            assert!(
                doc.contains(&format!("`{name}`")) || doc.contains(&format!("`{unprefixed}`")),
                "docs/feeds.md does not document {feed}.{name}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_bytes_either_land_or_are_quarantined(body in proptest::collection::vec(any::<u8>(), 0..600)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        let mut bytes = b"id,seller,title,price\n".to_vec();
        bytes.extend_from_slice(&body);
        std::fs::write(&path, &bytes).unwrap();
        let (summary, got) = run(LISTINGS, &path);
        prop_assert!(summary.balances());
        prop_assert_eq!(summary.quarantined as usize, got.quarantined.len());
        prop_assert_eq!(summary.landed as usize, got.records.len());
    }
}
