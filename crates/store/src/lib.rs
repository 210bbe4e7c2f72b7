//! Where records live: the [`Store`] trait and its embedded SQLite backend.
//!
//! A record is identified by (organisation, feed, source id). Writing the same content again
//! changes nothing; writing changed content keeps the earlier version. Every write of a batch is
//! one transaction, so a crash leaves each batch either whole or absent.
//!
//! Architecture invariant: the store knows records, versions, markings and quarantined rows; it
//! knows nothing of how they were parsed, resolved or scored.

mod boxed;
pub mod conformance;
pub mod directory;
mod postgres;
mod postgres_directory;
mod sqlite;
mod sqlite_directory;

use interdict_model::{Feed, Marking, QuarantinedRow, Record, RecordKey};
use serde::Serialize;

pub use directory::{AuditRow, CaseRow, Directory, KeyRow, OrgRow, SessionRow, UserRow};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Sqlite {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    /// A PostgreSQL failure: `url` is the database without its password, `doing` what was being
    /// done (naming the record when there is one), `message` the server's or driver's own words,
    /// which the driver's `Display` leaves out ("db error").
    #[error("database {url}: {doing}: {message}")]
    Postgres {
        url: String,
        doing: String,
        message: String,
        #[source]
        source: ::postgres::Error,
    },
    /// A value the database cannot hold (PostgreSQL text cannot hold a NUL character).
    #[error("database {url}: {key} cannot be stored: {message}")]
    Unstorable {
        url: String,
        key: String,
        message: String,
    },
    #[error("database {path}: stored record {key} cannot be read: {message}")]
    Corrupt {
        path: String,
        key: String,
        message: String,
    },
    /// A part appended to a derived output that was never kept.
    #[error("database {path}: no derived output {name:?} to append to")]
    NoDerived { path: String, name: String },
    #[error(
        "database {path}: schema version {found} is newer than this interdict understands ({known})"
    )]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
}

/// A record to write, with what the store keeps beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecord {
    pub source_id: String,
    /// `Record::encode_payload` of the record's canonical JSON, and the JSON's
    /// `Record::content_hash`.
    pub payload: Vec<u8>,
    pub hash: [u8; 16],
    /// Source rows it came from, for the run's counts.
    pub rows: u64,
    pub line: u64,
    /// Fold into the version this run already wrote for the same key.
    pub continuation: bool,
}

/// What one ingest run is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunInfo {
    pub org: String,
    pub feed: Feed,
    pub file: String,
    pub marking: Marking,
    pub sharing_group: Option<String>,
    /// ISO 8601 UTC.
    pub started_at: String,
}

/// A run in progress: what every record written under it is stamped with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub id: i64,
    pub info: RunInfo,
}

/// Rows of a batch by what happened to their records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RowCounts {
    pub landed: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// The counts a finished run reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RunCounts {
    pub read: u64,
    pub landed: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub quarantined: u64,
}

/// A record's current version as stored, undecoded: its key, marking and sharing group (what
/// access rules need) and its payload (`Record::encode_payload`).
#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    pub key: RecordKey,
    pub marking: Marking,
    pub sharing_group: Option<String>,
    pub data: Vec<u8>,
}

/// A stored version of a record, with its provenance and marking.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    pub key: RecordKey,
    pub version: i64,
    pub marking: Marking,
    pub sharing_group: Option<String>,
    pub source_file: String,
    pub source_line: u64,
    pub ingested_at: String,
    pub run_id: i64,
    pub record: Record,
    /// The record as stored: its canonical JSON, LZ4-compressed
    /// ([`Record::encode_payload`](interdict_model::Record::encode_payload)), for readers
    /// that keep it in that form without encoding it again.
    pub payload: Vec<u8>,
}

/// Record and quarantine counts of one organisation's feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedStats {
    pub org: String,
    pub feed: Feed,
    pub records: u64,
    /// Records that have earlier versions.
    pub versioned: u64,
    pub quarantined: u64,
}

/// A finished or interrupted run, as the store remembers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunRecord {
    pub id: i64,
    pub org: String,
    pub feed: Feed,
    pub file: String,
    pub marking: Marking,
    pub started_at: String,
    pub finished: bool,
    pub counts: RunCounts,
}

/// The system of record behind every interdict command.
pub trait Store {
    /// Starts an ingest run.
    fn begin_run(&mut self, info: RunInfo) -> Result<Run, StoreError>;
    /// Writes records and quarantined rows in one transaction and says what happened to each
    /// record's rows. Re-quarantining a row already in quarantine (same org, feed, file and
    /// line) keeps one entry.
    fn write_batch(
        &mut self,
        run: &Run,
        records: Vec<NewRecord>,
        quarantined: Vec<QuarantinedRow>,
    ) -> Result<RowCounts, StoreError>;
    /// Marks a run finished with its counts.
    fn finish_run(&mut self, run: &Run, counts: RunCounts) -> Result<(), StoreError>;
    /// The current version of a record.
    fn get(&self, key: &RecordKey) -> Result<Option<StoredRecord>, StoreError>;
    /// Every version of a record, oldest first.
    fn versions(&self, key: &RecordKey) -> Result<Vec<StoredRecord>, StoreError>;
    /// Calls `f` with the current version of every record of `feed` (all feeds when `None`),
    /// in key order.
    fn scan(
        &self,
        feed: Option<Feed>,
        f: &mut dyn FnMut(StoredRecord) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
    /// Calls `f` with the key, label and stored payload (`Record::encode_payload`) of the
    /// current version of every record of `feed`, in the order they were stored (the cheapest to read,
    /// and the same on every read of the same store), without decoding it: for readers that
    /// decode on several threads.
    fn scan_payloads(
        &self,
        feed: Feed,
        f: &mut dyn FnMut(Payload) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
    /// Record and quarantine counts per organisation and feed, ordered by both.
    fn stats(&self) -> Result<Vec<FeedStats>, StoreError>;
    /// Quarantined rows, by organisation, feed, file and line.
    fn quarantined(&self) -> Result<Vec<QuarantinedRow>, StoreError>;
    /// Runs, oldest first.
    fn runs(&self) -> Result<Vec<RunRecord>, StoreError>;
    /// The default marking of an organisation's feed, when one was set.
    fn default_marking(&self, org: &str, feed: Feed) -> Result<Option<Marking>, StoreError>;
    fn set_default_marking(
        &mut self,
        org: &str,
        feed: Feed,
        marking: Marking,
    ) -> Result<(), StoreError>;
    /// A digest of everything stored that is data (records, versions, markings, quarantine),
    /// leaving out what differs between equivalent runs (times, run ids).
    fn digest(&self) -> Result<String, StoreError>;
    /// Keeps an output derived from the records (a resolution, a trained model) under a name,
    /// replacing what was there, parts appended to it included; recomputable, so not part of
    /// the digest.
    fn put_derived(&mut self, name: &str, data: &[u8], updated_at: &str) -> Result<(), StoreError>;
    /// The derived output kept under a name, as `put_derived` kept it (without the parts
    /// appended since: see [`Store::derived_pieces`]).
    fn get_derived(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Appends a part to a derived output (the actors and scores of records that just arrived),
    /// without rewriting what was kept before; gives the part's stamp, above every earlier
    /// stamp of a derived output. The output must exist.
    fn append_derived(
        &mut self,
        name: &str,
        data: &[u8],
        updated_at: &str,
    ) -> Result<i64, StoreError>;
    /// What of a derived output was kept after stamp `after`, in stamp order, read at one
    /// moment: its whole data (`base` true) when it was replaced after `after`, then every part
    /// appended after both. With `after` 0, the whole output and all its parts; with the stamp
    /// of the last piece a reader holds, just what is new to it.
    fn derived_pieces(&self, name: &str, after: i64) -> Result<Vec<DerivedPiece>, StoreError>;
    /// Where the change sequence stands: every batch that lands or changes records stamps them
    /// with one number above every earlier stamp, and batches commit in stamp order, so a
    /// reader that has seen everything up to a stamp misses nothing by asking for what came
    /// after it. 0 when nothing was stamped yet (records stored before the sequence began
    /// carry 0).
    fn last_change(&self) -> Result<i64, StoreError>;
    /// Calls `f` with the stamp and current version of every record stamped after `after`,
    /// lowest stamp first.
    fn changes_since(
        &self,
        after: i64,
        f: &mut dyn FnMut(i64, StoredRecord) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
    /// Every derived output's name with its stamp, which is new after every `put_derived` of
    /// it (not after an `append_derived`): what a reader compares to learn which outputs were
    /// replaced.
    fn derived_stamps(&self) -> Result<Vec<(String, i64)>, StoreError>;
}

/// A piece of a derived output read by [`Store::derived_pieces`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedPiece {
    pub stamp: i64,
    /// Whether this is the output as `put_derived` kept it, rather than a part appended to it.
    pub base: bool,
    pub data: Vec<u8>,
}

/// The quarantine's part of [`Store::digest`], the same on every backend.
pub(crate) fn hash_quarantine(h: &mut blake3::Hasher, rows: Vec<QuarantinedRow>) {
    h.update(b"quarantine");
    for q in rows {
        let text = format!(
            "{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1e",
            q.org,
            q.feed,
            q.file,
            q.line,
            q.field.unwrap_or_default(),
            q.reason
        );
        h.update(text.as_bytes());
    }
}
