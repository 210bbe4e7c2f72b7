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
