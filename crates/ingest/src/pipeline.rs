//! The ingest pipeline of one file: a reader thread, mapping workers, and the caller's thread
//! grouping rows into records and handing batches to a sink.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_channel::bounded;
use interdict_model::{Feed, QuarantinedRow, Record};
use interdict_normalize::money::RateTable;
use serde::Serialize;

use crate::build::{self, BuildCtx, FieldError};
use crate::error::IngestError;
use crate::mapping::Mapping;
use crate::source::{Plan, RowReader, SourceRow};

/// A record ready to be stored, with the rows it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    pub source_id: String,
    /// The record's stored form (`Record::encode_payload` of its canonical JSON) and the
    /// content hash of that JSON.
    pub payload: Vec<u8>,
    pub hash: [u8; 16],
    /// Source rows folded into this record.
    pub rows: u64,
    /// Line of its first row.
    pub line: u64,
    /// The record's source id already came earlier in this file; fold this into what this run
    /// stored for it instead of treating it as a new version.
    pub continuation: bool,
}

/// Records and quarantined rows to write together, atomically.
#[derive(Debug, Default)]
pub struct Batch {
    pub records: Vec<Incoming>,
    pub quarantined: Vec<QuarantinedRow>,
}

/// What a sink did with a batch's rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WriteCounts {
    pub landed: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// Where the pipeline's batches go (the store, in the binary).
pub trait Sink {
    /// Writes a batch atomically: after a crash either all of it is stored or none.
    fn write(&mut self, batch: Batch) -> Result<WriteCounts, String>;
}

/// The counts of a run: `read = landed + updated + unchanged + quarantined`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub read: u64,
    pub landed: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub quarantined: u64,
}

impl Summary {
    pub fn add(&mut self, o: &Summary) {
        self.read += o.read;
        self.landed += o.landed;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
        self.quarantined += o.quarantined;
    }

    pub fn balances(&self) -> bool {
        self.read == self.landed + self.updated + self.unchanged + self.quarantined
    }
}

/// One file to ingest.
pub struct FileJob<'a> {
    pub org: &'a str,
    pub path: &'a Path,
    pub mapping: &'a Mapping,
    pub rates: &'a RateTable,
    /// Mapping workers; 0 means one per core.
    pub workers: usize,
    /// Records per atomic batch.
    pub batch_records: usize,
}

/// Progress of a running file: bytes (or Parquet rows) consumed, and their total.
pub struct Progress {
    pub done: AtomicU64,
    pub total: AtomicU64,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
        }
    }
}

const CHUNK_ROWS: usize = 1024;

/// Files up to this size are read and mapped on the caller's thread.
const SMALL_FILE: u64 = 64 * 1024;

/// What a worker makes of a chunk: rows folded into records, and rows that failed. Kept small:
/// every one of them crosses to the caller's thread and is moved there.
enum Mapped {
    Failed {
        line: u64,
        error: FieldError,
        raw: String,
    },
    Record {
        line: u64,
        rows: u64,
        /// Kept only where the record may continue across a chunk boundary (first and last of
        /// a chunk); other records are dropped once serialised. Boxed, as a record is large
        /// and only two of a chunk's are kept.
        record: Option<Box<Record>>,
        source_id: String,
        payload: Vec<u8>,
        hash: [u8; 16],
    },
}

fn serialised(line: u64, rows: u64, record: Record, keep: bool, scratch: &mut Vec<u8>) -> Mapped {
    let (hash, payload) = record.hash_and_payload(scratch);
    Mapped::Record {
        line,
        rows,
        source_id: record.source_id().to_string(),
        record: keep.then(|| Box::new(record)),
        payload,
        hash,
    }
}

/// Maps a chunk of rows and folds adjacent rows of one record together.
fn map_chunk(
    plan: &Plan<'_>,
    ctx: &mut BuildCtx<'_>,
    rows: Vec<SourceRow>,
    delimiter: u8,
    scratch: &mut Vec<u8>,
) -> Vec<Mapped> {
    let mut out = Vec::with_capacity(rows.len());
    let mut open: Option<(u64, u64, Record)> = None;
    let mut first = true;
    for row in rows {
        match plan
            .extract(&row)
            .and_then(|bag| build::build(plan.mapping, ctx, &bag))
        {
            Err(error) => out.push(Mapped::Failed {
                line: row.line,
                error,
                raw: row.raw_text(delimiter),
            }),
            Ok(record) => {
                if let Some((_, rows, current)) = &mut open
                    && current.source_id() == record.source_id()
                {
                    *rows += 1;
                    current.absorb(record);
                    continue;
                }
                if let Some((line, rows, done)) = open.take() {
                    out.push(serialised(line, rows, done, first, scratch));
                    first = false;
                }
                open = Some((row.line, 1, record));
            }
        }
    }
    if let Some((line, rows, done)) = open {
        out.push(serialised(line, rows, done, true, scratch));
    }
    out
}

/// Reads, maps, groups and writes one file.
pub fn ingest_file(
    job: &FileJob<'_>,
    sink: &mut dyn Sink,
    progress: &Progress,
) -> Result<Summary, IngestError> {
    let display = job.path.display().to_string();
    let format = job.mapping.format_for(job.path)?;
    let size = std::fs::metadata(job.path)
        .map_err(|e| IngestError::Io {
            path: display.clone(),
            source: e,
        })?
        .len();
    let mut reader =
        RowReader::open(job.path, format, job.mapping).map_err(|e| with_path(e, &display))?;
    progress.total.store(
        if matches!(reader, RowReader::Parquet(_)) {
            0
        } else {
            size
        },
        Ordering::Relaxed,
    );
    let plan = Plan::new(job.mapping, format, reader.header(), &display)?;
    let workers = if job.workers == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        job.workers
    };
    let delimiter = job.mapping.csv.delimiter;
    if size <= SMALL_FILE && !matches!(reader, RowReader::Parquet(_)) {
        // A handful of rows (an officer's decision, one parcel): read and mapped on the
        // caller's thread. Threads handing them on cost more than the work, and fifty such
        // writers at once would spend the cores waiting on each other.
        let mut grouper = Grouper::new(
            job.org,
            job.mapping.feed,
            display_of(job.path),
            job.batch_records,
        );
        let mut ctx = BuildCtx::new(job.rates);
        let mut scratch = Vec::new();
        let mut rows = Vec::new();
        while let Some(row) = reader.next_row().map_err(|e| with_path(e, &display))? {
            rows.push(row);
        }
        progress.done.store(reader.progress(), Ordering::Relaxed);
        for m in map_chunk(&plan, &mut ctx, rows, delimiter, &mut scratch) {
            grouper.push(m, sink)?;
        }
        return grouper.finish(sink);
    }

    let (row_tx, row_rx) = bounded::<(u64, Vec<SourceRow>)>(workers * 4);
    let (out_tx, out_rx) = bounded::<(u64, Vec<Mapped>)>(workers * 4);

    std::thread::scope(|scope| -> Result<Summary, IngestError> {
        let reader_handle = scope.spawn(move || -> Result<(), IngestError> {
            let mut seq = 0u64;
            let mut chunk = Vec::with_capacity(CHUNK_ROWS);
            while let Some(row) = reader
                .next_row()
                .map_err(|e| with_path(e, &display_of(job.path)))?
            {
                chunk.push(row);
                if chunk.len() == CHUNK_ROWS {
                    progress.done.store(reader.progress(), Ordering::Relaxed);
                    if row_tx.send((seq, std::mem::take(&mut chunk))).is_err() {
                        return Ok(());
                    }
                    seq += 1;
                    chunk.reserve(CHUNK_ROWS);
                }
            }
            progress.done.store(reader.progress(), Ordering::Relaxed);
            if !chunk.is_empty() {
                let _ = row_tx.send((seq, chunk));
            }
            Ok(())
        });
        for _ in 0..workers {
            let row_rx = row_rx.clone();
            let out_tx = out_tx.clone();
            let plan = &plan;
            scope.spawn(move || {
                let mut ctx = BuildCtx::new(job.rates);
                let mut scratch = Vec::new();
                for (seq, rows) in row_rx {
                    let mapped = map_chunk(plan, &mut ctx, rows, delimiter, &mut scratch);
                    if out_tx.send((seq, mapped)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(row_rx);
        drop(out_tx);

        let mut grouper = Grouper::new(
            job.org,
            job.mapping.feed,
            display_of(job.path),
            job.batch_records,
        );
        let mut waiting: BTreeMap<u64, Vec<Mapped>> = BTreeMap::new();
        let mut next = 0u64;
        let mut failure = None;
        for (seq, mapped) in &out_rx {
            waiting.insert(seq, mapped);
            while let Some(mapped) = waiting.remove(&next) {
                next += 1;
                for m in mapped {
                    if let Err(e) = grouper.push(m, sink) {
                        failure = Some(e);
                        break;
                    }
                }
                if failure.is_some() {
                    break;
                }
            }
            if failure.is_some() {
                break;
            }
        }
        drop(out_rx);
        if let Some(e) = failure {
            return Err(e);
        }
        reader_handle.join().expect("reader thread panicked")?;
        grouper.finish(sink)
    })
}

fn display_of(p: &Path) -> String {
    p.display().to_string()
}

fn with_path(e: IngestError, path: &str) -> IngestError {
    match e {
        IngestError::Unreadable { path: p, message } if p.is_empty() => IngestError::Unreadable {
            path: path.to_string(),
            message,
        },
        other => other,
    }
}

/// A record being assembled across chunk boundaries.
struct Pending {
    incoming: Incoming,
    record: Option<Box<Record>>,
    /// Rows were folded in after serialisation: the JSON must be made again.
    stale: bool,
}

/// Folds adjacent records with one source id across chunks and cuts batches at record
/// boundaries.
struct Grouper<'a> {
    org: &'a str,
    feed: Feed,
    file: String,
    batch_records: usize,
    pending: Option<Pending>,
    emitted: HashSet<String>,
    batch: Batch,
    summary: Summary,
    scratch: Vec<u8>,
}

impl<'a> Grouper<'a> {
    fn new(org: &'a str, feed: Feed, file: String, batch_records: usize) -> Self {
        Grouper {
            org,
            feed,
            file,
            batch_records: batch_records.max(1),
            pending: None,
            emitted: HashSet::new(),
            batch: Batch::default(),
            summary: Summary::default(),
            scratch: Vec::new(),
        }
    }

    fn push(&mut self, mapped: Mapped, sink: &mut dyn Sink) -> Result<(), IngestError> {
        match mapped {
            Mapped::Failed { line, error, raw } => {
                self.summary.read += 1;
                self.summary.quarantined += 1;
                self.batch.quarantined.push(QuarantinedRow {
                    org: self.org.to_string(),
                    feed: self.feed,
                    file: self.file.clone(),
                    line,
                    field: error.field,
                    reason: error.reason,
                    raw: Some(raw),
                });
            }
            Mapped::Record {
                line,
                rows,
                record,
                source_id,
                payload,
                hash,
            } => {
                self.summary.read += rows;
                if let Some(p) = &mut self.pending
                    && p.incoming.source_id == source_id
                {
                    let (Some(into), Some(more)) = (p.record.as_mut(), record) else {
                        unreachable!("records at chunk edges are kept");
                    };
                    into.absorb(*more);
                    p.incoming.rows += rows;
                    p.stale = true;
                    return Ok(());
                }
                self.close_pending(sink)?;
                // Noted as given now rather than when it closes: until then, rows with this
                // source id fold into the pending record and never ask.
                let continuation = !self.emitted.insert(source_id.clone());
                self.pending = Some(Pending {
                    incoming: Incoming {
                        source_id,
                        payload,
                        hash,
                        rows,
                        line,
                        continuation,
                    },
                    record,
                    stale: false,
                });
            }
        }
        Ok(())
    }

    fn close_pending(&mut self, sink: &mut dyn Sink) -> Result<(), IngestError> {
        if let Some(mut p) = self.pending.take() {
            if p.stale {
                let record = p.record.as_ref().expect("stale records are kept");
                (p.incoming.hash, p.incoming.payload) = record.hash_and_payload(&mut self.scratch);
            }
            self.batch.records.push(p.incoming);
            if self.batch.records.len() >= self.batch_records {
                self.flush(sink)?;
            }
        }
        Ok(())
    }

    fn flush(&mut self, sink: &mut dyn Sink) -> Result<(), IngestError> {
        if self.batch.records.is_empty() && self.batch.quarantined.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        self.batch.records.reserve(self.batch_records);
        let counts = sink.write(batch).map_err(IngestError::Sink)?;
        self.summary.landed += counts.landed;
        self.summary.updated += counts.updated;
        self.summary.unchanged += counts.unchanged;
        Ok(())
    }

    fn finish(mut self, sink: &mut dyn Sink) -> Result<Summary, IngestError> {
        self.close_pending(sink)?;
        self.flush(sink)?;
        debug_assert!(self.summary.balances(), "{:?}", self.summary);
        Ok(self.summary)
    }
}
