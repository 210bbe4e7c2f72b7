//! Partner files in, canonical records and quarantined rows out.
//!
//! A file is read as a stream of rows (CSV, NDJSON or Parquet), each row is mapped onto a feed's
//! canonical fields by a mapping file and normalised; rows sharing a source id are folded into
//! one record; a row that fails goes to quarantine with its file, line, field and reason while
//! its neighbours land.
//!
//! Architecture invariant: this crate knows no SQL and no HTTP. It hands batches to a [`Sink`].

mod build;
mod error;
mod mapping;
mod pipeline;
pub mod schema;
mod source;

pub use build::{FieldError, Raw};
pub use error::IngestError;
pub use mapping::{
    CsvOptions, Defaults, FieldMap, Format, ManifestEntry, Mapping, OnInvalid, Source,
    load_manifest,
};
pub use pipeline::{Batch, FileJob, Incoming, Progress, Sink, Summary, WriteCounts, ingest_file};
pub use source::check_quoting;

/// One record of `feed` from a JSON object in the feed's canonical field names, mapped,
/// normalised and checked as a row of a file would be; the error names the field at fault.
/// Nested objects hold the parts of a name (`{"shipper": {"name": ...}}` for `shipper.name`)
/// and repeated groups are arrays of objects (`{"items": [{"description": ...}, ...]}`).
pub fn record_from_json(
    feed: interdict_model::Feed,
    json: &[u8],
    rates: &interdict_normalize::money::RateTable,
) -> Result<interdict_model::Record, FieldError> {
    let mut mapping = Mapping::identity(feed);
    for f in &mut mapping.fields {
        if f.target.group().is_some()
            && let Some((group, rest)) = f.name.split_once('.')
        {
            f.source = Source::Column(format!("{group}[].{rest}"));
        }
    }
    let plan = source::Plan::new(&mapping, Format::Ndjson, &[], "request")
        .map_err(|e| FieldError::row(e.to_string()))?;
    let row = source::SourceRow {
        line: 1,
        data: source::RowData::Json(json.to_vec()),
        problem: None,
    };
    let bag = plan.extract(&row)?;
    build::build(&mapping, &mut build::BuildCtx::new(rates), &bag)
}

#[cfg(test)]
mod record_from_json_tests {
    use super::*;
    use interdict_model::{Feed, Record};

    #[test]
    fn a_json_record_is_checked_as_a_file_row_is() {
        let rates = interdict_normalize::money::RateTable::default_table();
        let ok = record_from_json(
            Feed::Listings,
            br#"{"source_id": "L1", "marketplace": "bazaar", "seller_account_id": "S1", "title": "NIKE AIR", "price": "12 USD"}"#,
            &rates,
        )
        .unwrap();
        let Record::Listings(l) = ok else {
            panic!("a listing")
        };
        assert_eq!(
            (l.listing_id.as_str(), l.title.as_str()),
            ("L1", "NIKE AIR")
        );
        let parcel = record_from_json(
            Feed::Shipments,
            br#"{"source_id": "S1", "shipper": {"name": "Acme", "emails": ["a@acme.cn"]},
                "items": [{"description": "shoes", "quantity": 2}, {"description": "bags"}]}"#,
            &rates,
        )
        .unwrap();
        let Record::Shipments(s) = parcel else {
            panic!("a shipment")
        };
        let descriptions: Vec<&str> = s.items.iter().map(|i| i.description.as_str()).collect();
        assert_eq!(descriptions, ["shoes", "bags"]);
        let shipper = s.shipper.as_ref().unwrap();
        assert_eq!(shipper.name.as_deref(), Some("Acme"));
        assert_eq!(shipper.emails, ["a@acme.cn"]);
        let bad = record_from_json(
            Feed::Shipments,
            br#"{"source_id": "S1", "arrival": "31/02/2026"}"#,
            &rates,
        )
        .unwrap_err();
        assert_eq!(bad.field.as_deref(), Some("arrival"), "{bad:?}");
        assert!(record_from_json(Feed::Shipments, b"[1]", &rates).is_err());
    }

    #[test]
    fn an_address_that_gives_only_a_country_keeps_it() {
        let rates = interdict_normalize::money::RateTable::default_table();
        let parcel = record_from_json(
            Feed::Shipments,
            br#"{"source_id": "S1", "shipper": {"name": "Acme", "address": {"country": "China"}},
                "consignee": {"name": "Pat", "country": "GB", "address": {"country": "FR"}}}"#,
            &rates,
        )
        .unwrap();
        let Record::Shipments(s) = parcel else {
            panic!("a shipment")
        };
        let shipper = s.shipper.as_ref().unwrap();
        assert_eq!(shipper.country.as_deref(), Some("CN"));
        assert!(shipper.addresses.is_empty());
        // A country given for the party itself is not overwritten.
        assert_eq!(s.consignee.as_ref().unwrap().country.as_deref(), Some("GB"));
    }
}
