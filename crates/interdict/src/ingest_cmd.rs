//! `interdict ingest`: partner files through mappings into the store.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use interdict_ingest::{Batch, FileJob, Mapping, Progress, Sink, Summary, WriteCounts};
use interdict_model::{Feed, Marking, QuarantinedRow};
use interdict_normalize::money::RateTable;
use interdict_store::{NewRecord, Run, RunCounts, RunInfo, Store};
use serde::Serialize;

use crate::cli::{IngestArgs, open_store};

/// One export to ingest, however it was named.
pub struct Export {
    pub org: String,
    pub feed: Option<Feed>,
    pub path: PathBuf,
    /// What the run and its quarantined rows are kept under, when not the file's path (an
    /// upload through the API is read from a temporary file).
    pub name: Option<String>,
    pub mapping: Option<PathBuf>,
    pub marking: Option<Marking>,
    pub sharing_group: Option<String>,
}

/// What one export's ingest did.
#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    pub org: String,
    pub feed: Feed,
    pub file: String,
    pub marking: Marking,
    pub run: i64,
    pub read: u64,
    pub landed: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub quarantined: u64,
    pub seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quarantine_file: Option<String>,
    /// The rows this run kept out.
    #[serde(skip)]
    pub rejected: Vec<QuarantinedRow>,
}

struct StoreSink<'a> {
    store: &'a mut dyn Store,
    run: &'a Run,
    /// The name quarantined rows are kept under, when not the file's path.
    name: Option<&'a str>,
    quarantined: Vec<QuarantinedRow>,
}

impl Sink for StoreSink<'_> {
    fn write(&mut self, mut batch: Batch) -> Result<WriteCounts, String> {
        if let Some(name) = self.name {
            for q in &mut batch.quarantined {
                q.file = name.to_string();
            }
        }
        self.quarantined.extend(batch.quarantined.iter().cloned());
        let records = batch
            .records
            .into_iter()
            .map(|i| NewRecord {
                source_id: i.source_id,
                payload: i.payload,
                hash: i.hash,
                rows: i.rows,
                line: i.line,
                continuation: i.continuation,
            })
            .collect();
        let c = self
            .store
            .write_batch(self.run, records, batch.quarantined)
            .map_err(|e| e.to_string())?;
        Ok(WriteCounts {
            landed: c.landed,
            updated: c.updated,
            unchanged: c.unchanged,
        })
    }
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Ingests one export into the store, with a progress bar on a terminal.
/// Counts what a store would do with a fresh file, storing nothing.
struct DryRun {
    quarantined: Vec<QuarantinedRow>,
}

impl Sink for DryRun {
    fn write(&mut self, batch: Batch) -> Result<WriteCounts, String> {
        self.quarantined.extend(batch.quarantined);
        Ok(WriteCounts {
            landed: batch.records.iter().map(|r| r.rows).sum(),
            updated: 0,
            unchanged: 0,
        })
    }
}

fn load_mapping(export: &Export) -> Result<Mapping> {
    let mapping = match &export.mapping {
        Some(p) => Mapping::load(p)?,
        None => Mapping::identity(
            export
                .feed
                .context("--feed is needed when no --mapping is given")?,
        ),
    };
    if let Some(feed) = export.feed
        && feed != mapping.feed
    {
        bail!(
            "{}: mapping {} is for the {} feed, but the export is named as {}",
            export.path.display(),
            mapping.origin,
            mapping.feed,
            feed
        );
    }
    Ok(mapping)
}

/// Maps and validates one export without a store; the counts say what would land.
pub fn dry_run_export(
    export: &Export,
    rates: &RateTable,
) -> Result<(Summary, Vec<QuarantinedRow>, f64)> {
    let mapping = load_mapping(export)?;
    let job = FileJob {
        org: &export.org,
        path: &export.path,
        mapping: &mapping,
        rates,
        workers: 0,
        batch_records: 5_000,
    };
    let mut sink = DryRun {
        quarantined: Vec::new(),
    };
    let started = Instant::now();
    let summary = interdict_ingest::ingest_file(&job, &mut sink, &Progress::default())?;
    Ok((summary, sink.quarantined, started.elapsed().as_secs_f64()))
}

pub fn ingest_export(
    store: &mut dyn Store,
    export: &Export,
    rates: &RateTable,
    reports: Option<&Path>,
    quiet: bool,
) -> Result<ExportSummary> {
    let mapping = load_mapping(export)?;
    let feed = mapping.feed;
    let marking = match export.marking {
        Some(m) => m,
        None => match store.default_marking(&export.org, feed)? {
            Some(m) => m,
            None => mapping.marking.unwrap_or_default(),
        },
    };
    let file = export
        .name
        .clone()
        .unwrap_or_else(|| export.path.display().to_string());
    let run = store.begin_run(RunInfo {
        org: export.org.clone(),
        feed,
        file: file.clone(),
        marking,
        sharing_group: export
            .sharing_group
            .clone()
            .or(mapping.sharing_group.clone()),
        started_at: now(),
    })?;
    let job = FileJob {
        org: &export.org,
        path: &export.path,
        mapping: &mapping,
        rates,
        workers: 0,
        batch_records: 5_000,
    };
    let progress = Progress::default();
    let started = Instant::now();
    let show = !quiet && std::io::stderr().is_terminal();
    let mut sink = StoreSink {
        store,
        run: &run,
        name: export.name.as_deref(),
        quarantined: Vec::new(),
    };
    let done = std::sync::atomic::AtomicBool::new(false);
    let summary: Summary = std::thread::scope(|scope| {
        if show {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
                )
                .expect("template is valid")
                .progress_chars("=> "),
            );
            bar.set_message(format!("{}/{}", export.org, feed));
            let (progress_ref, done_ref) = (&progress, &done);
            scope.spawn(move || {
                while !done_ref.load(Ordering::Relaxed) {
                    bar.set_length(progress_ref.total.load(Ordering::Relaxed));
                    bar.set_position(progress_ref.done.load(Ordering::Relaxed));
                    std::thread::sleep(Duration::from_millis(100));
                }
                bar.finish_and_clear();
            });
        }
        let r = interdict_ingest::ingest_file(&job, &mut sink, &progress);
        done.store(true, Ordering::Relaxed);
        r
    })?;
    let quarantined = std::mem::take(&mut sink.quarantined);
    drop(sink);
    store.finish_run(
        &run,
        RunCounts {
            read: summary.read,
            landed: summary.landed,
            updated: summary.updated,
            unchanged: summary.unchanged,
            quarantined: summary.quarantined,
        },
    )?;
    let mut out = ExportSummary {
        org: export.org.clone(),
        feed,
        file,
        marking,
        run: run.id,
        read: summary.read,
        landed: summary.landed,
        updated: summary.updated,
        unchanged: summary.unchanged,
        quarantined: summary.quarantined,
        seconds: started.elapsed().as_secs_f64(),
        quarantine_file: None,
        rejected: Vec::new(),
    };
    if let Some(dir) = reports {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        if !quarantined.is_empty() {
            let qpath = dir.join(format!("run-{}-quarantine.csv", run.id));
            crate::report::write_quarantine_csv(&qpath, &quarantined)?;
            out.quarantine_file = Some(qpath.display().to_string());
        }
        let rpath = dir.join(format!("run-{}.json", run.id));
        std::fs::write(&rpath, serde_json::to_string_pretty(&out)? + "\n")
            .with_context(|| format!("writing {}", rpath.display()))?;
    }
    out.rejected = quarantined;
    Ok(out)
}

pub fn exports_from_manifest(path: &Path) -> Result<Vec<Export>> {
    Ok(interdict_ingest::load_manifest(path)?
        .into_iter()
        .map(|e| Export {
            name: None,
            org: e.org,
            feed: Some(e.feed),
            path: e.path,
            mapping: e.mapping,
            marking: e.marking,
            sharing_group: e.sharing_group,
        })
        .collect())
}

pub fn default_reports_dir(db: &Path) -> PathBuf {
    // A database server has no folder of its own: reports go to the current one.
    if db.to_string_lossy().contains("://") {
        return PathBuf::from("interdict.reports");
    }
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".reports");
    db.with_file_name(name)
}

pub fn run(args: IngestArgs) -> Result<ExitCode> {
    let exports: Vec<Export> = match &args.manifest {
        Some(m) => {
            let mut ex = exports_from_manifest(m)?;
            for e in &mut ex {
                if args.marking.is_some() {
                    e.marking = args.marking;
                }
                if args.sharing_group.is_some() {
                    e.sharing_group = args.sharing_group.clone();
                }
            }
            ex
        }
        None => args
            .files
            .iter()
            .map(|f| Export {
                name: None,
                org: args
                    .org
                    .clone()
                    .expect("clap requires --org without --manifest"),
                feed: args.feed,
                path: f.clone(),
                mapping: args.mapping.clone(),
                marking: args.marking,
                sharing_group: args.sharing_group.clone(),
            })
            .collect(),
    };
    let rates = RateTable::default_table();
    if args.dry_run {
        let mut total = Summary::default();
        for export in &exports {
            let (s, quarantined, secs) = dry_run_export(export, &rates)?;
            println!(
                "{} (dry run): read {} = would land {} + quarantined {}  [{:.1} s, {:.0} rows/s]",
                export.path.display(),
                s.read,
                s.landed,
                s.quarantined,
                secs,
                s.read as f64 / secs.max(1e-9)
            );
            for q in quarantined.iter().take(20) {
                println!(
                    "  line {}: {}: {}",
                    q.line,
                    q.field.as_deref().unwrap_or("row"),
                    q.reason
                );
            }
            total.add(&s);
        }
        if args.strict && total.quarantined > 0 {
            return Ok(ExitCode::from(3));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut store = open_store(&args.db)?;
    let reports = args
        .reports
        .clone()
        .unwrap_or_else(|| default_reports_dir(&args.db));
    let mut summaries = Vec::new();
    for export in &exports {
        let s = ingest_export(&mut store, export, &rates, Some(&reports), args.json)?;
        if !args.json {
            crate::report::print_export(&s);
        }
        summaries.push(s);
    }
    let quarantined: u64 = summaries.iter().map(|s| s.quarantined).sum();
    if args.json {
        if args.manifest.is_some() {
            println!("{}", serde_json::to_string_pretty(&summaries)?);
        } else {
            let mut total = Summary::default();
            for s in &summaries {
                total.add(&Summary {
                    read: s.read,
                    landed: s.landed,
                    updated: s.updated,
                    unchanged: s.unchanged,
                    quarantined: s.quarantined,
                });
            }
            let mut obj = serde_json::to_value(total)?;
            obj["files"] = serde_json::to_value(&summaries)?;
            println!("{}", serde_json::to_string_pretty(&obj)?);
        }
    } else if quarantined > 0 {
        println!(
            "{quarantined} rows quarantined: see `interdict quarantine --db {}` or the files in {}",
            args.db.display(),
            reports.display()
        );
    }
    if args.strict && quarantined > 0 {
        eprintln!("error: {quarantined} rows were quarantined and --strict was given");
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}
