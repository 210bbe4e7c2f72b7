//! Partner files through mappings into the store: one export at a time, with its run, its
//! quarantine and its report files.

use std::path::{Path, PathBuf};
use std::time::Instant;

use interdict_ingest::{Batch, FileJob, Mapping, Progress, Sink, Summary, WriteCounts};
use interdict_model::{Feed, Marking, QuarantinedRow};
use interdict_normalize::money::RateTable;
use interdict_store::{NewRecord, Run, RunCounts, RunInfo, Store};
use serde::Serialize;

use crate::error::{Context, Error, Result, invalid};
use crate::now;

/// One export to ingest, however it was named.
#[derive(Debug, Clone)]
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
        None => match export.feed {
            Some(feed) => Mapping::identity(feed),
            None => invalid!("--feed is needed when no --mapping is given"),
        },
    };
    if let Some(feed) = export.feed
        && feed != mapping.feed
    {
        invalid!(
            "{}: mapping {} is for the {} feed, but the export is named as {}",
            export.path.display(),
            mapping.origin,
            mapping.feed,
            feed
        );
    }
    Ok(mapping)
}

fn job<'a>(export: &'a Export, mapping: &'a Mapping, rates: &'a RateTable) -> FileJob<'a> {
    FileJob {
        org: &export.org,
        path: &export.path,
        mapping,
        rates,
        workers: 0,
        batch_records: 5_000,
    }
}

/// What a dry run found: the counts, the rows it would keep out, and its seconds.
pub struct DryRunSummary {
    pub summary: Summary,
    pub quarantined: Vec<QuarantinedRow>,
    pub seconds: f64,
}

/// Maps and validates one export without a store; the counts say what would land.
pub fn dry_run_export(export: &Export, rates: &RateTable) -> Result<DryRunSummary> {
    let mapping = load_mapping(export)?;
    let mut sink = DryRun {
        quarantined: Vec::new(),
    };
    let started = Instant::now();
    let summary = interdict_ingest::ingest_file(
        &job(export, &mapping, rates),
        &mut sink,
        &Progress::default(),
    )?;
    Ok(DryRunSummary {
        summary,
        quarantined: sink.quarantined,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Ingests one export into the store as one run. `progress` counts the bytes read, for a
/// progress bar; `reports` is where the run's report and quarantined rows are written as files.
pub fn ingest_export(
    store: &mut dyn Store,
    export: &Export,
    rates: &RateTable,
    reports: Option<&Path>,
    progress: &Progress,
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
    let started = Instant::now();
    let mut sink = StoreSink {
        store,
        run: &run,
        name: export.name.as_deref(),
        quarantined: Vec::new(),
    };
    let summary =
        interdict_ingest::ingest_file(&job(export, &mapping, rates), &mut sink, progress)?;
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
        std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, e))?;
        if !quarantined.is_empty() {
            let qpath = dir.join(format!("run-{}-quarantine.csv", run.id));
            write_quarantine_csv(&qpath, &quarantined)?;
            out.quarantine_file = Some(qpath.display().to_string());
        }
        let rpath = dir.join(format!("run-{}.json", run.id));
        std::fs::write(&rpath, serde_json::to_string_pretty(&out)? + "\n")
            .map_err(|e| Error::file(&rpath, e))?;
    }
    out.rejected = quarantined;
    Ok(out)
}

/// Every export a manifest lists.
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

/// Where run reports go by default: `<db>.reports` beside a file store; the current folder's
/// `interdict.reports` for a database server, which has no folder of its own.
pub fn default_reports_dir(db: &Path) -> PathBuf {
    if crate::open::is_url(db) {
        return PathBuf::from("interdict.reports");
    }
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".reports");
    db.with_file_name(name)
}

/// Quarantined rows as CSV: org, feed, file, line, field, reason, raw.
pub fn write_quarantine_csv(path: &Path, rows: &[QuarantinedRow]) -> Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(|e| Error::csv(path, e))?;
    let mut write = || -> Result<(), csv::Error> {
        w.write_record(["org", "feed", "file", "line", "field", "reason", "raw"])?;
        for q in rows {
            w.write_record([
                q.org.as_str(),
                q.feed.as_str(),
                q.file.as_str(),
                &q.line.to_string(),
                q.field.as_deref().unwrap_or(""),
                q.reason.as_str(),
                q.raw.as_deref().unwrap_or(""),
            ])?;
        }
        w.flush()?;
        Ok(())
    };
    write()
        .map_err(|e| Error::csv(path, e))
        .context("writing quarantined rows")
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_store::SqliteStore;

    const SELLERS: &str = "source_id,marketplace,display_name,emails,created\n\
        S1,bazaar,Ann's Bags,ann@example.com,2026-01-02\n\
        S2,bazaar,Nameless,x@example.com,the day before\n\
        S3,bazaar,Bob Ltd,bob@example.com,2026-01-04\n";

    fn export(dir: &Path, name: Option<&str>) -> Export {
        let path = dir.join("sellers.csv");
        std::fs::write(&path, SELLERS).unwrap();
        Export {
            org: "mkt-bazaar".into(),
            feed: Some(Feed::Sellers),
            path,
            name: name.map(str::to_owned),
            mapping: None,
            marking: Some(Marking::Amber),
            sharing_group: None,
        }
    }

    #[test]
    fn a_bad_row_is_quarantined_named_and_reported_while_the_rest_land() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let reports = dir.path().join("reports");
        let e = export(dir.path(), Some("api:ann/sellers.csv"));
        let s = ingest_export(
            &mut store,
            &e,
            &RateTable::default_table(),
            Some(&reports),
            &Progress::default(),
        )
        .unwrap();
        assert_eq!((s.read, s.landed, s.quarantined), (3, 2, 1));
        assert_eq!(s.marking, Marking::Amber);
        assert_eq!(s.rejected.len(), 1);
        assert_eq!(s.rejected[0].line, 3);
        assert_eq!(s.rejected[0].field.as_deref(), Some("created"));
        assert_eq!(s.rejected[0].file, "api:ann/sellers.csv");
        let q = std::fs::read_to_string(s.quarantine_file.as_ref().unwrap()).unwrap();
        assert!(
            q.starts_with("org,feed,file,line,field,reason,raw\n"),
            "{q}"
        );
        assert!(q.contains("api:ann/sellers.csv,3,created"), "{q}");
        assert!(reports.join(format!("run-{}.json", s.run)).exists());
        // The same file again changes nothing.
        let again = ingest_export(
            &mut store,
            &e,
            &RateTable::default_table(),
            None,
            &Progress::default(),
        )
        .unwrap();
        assert_eq!(
            (again.landed, again.unchanged, again.quarantined),
            (0, 2, 1)
        );
        assert_eq!(store.stats().unwrap()[0].records, 2);
    }

    #[test]
    fn a_dry_run_counts_without_storing_and_a_wrong_feed_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let e = export(dir.path(), None);
        let d = dry_run_export(&e, &RateTable::default_table()).unwrap();
        assert_eq!(
            (d.summary.read, d.summary.landed, d.quarantined.len()),
            (3, 2, 1)
        );
        let no_feed = Export {
            feed: None,
            ..e.clone()
        };
        let err = dry_run_export(&no_feed, &RateTable::default_table())
            .err()
            .unwrap();
        assert!(err.is_invalid());
        assert!(err.to_string().contains("--feed"), "{err}");
    }

    #[test]
    fn reports_go_beside_a_file_store_and_to_the_current_folder_for_a_server() {
        assert_eq!(
            default_reports_dir(Path::new("/data/ops.db")),
            PathBuf::from("/data/ops.db.reports")
        );
        assert_eq!(
            default_reports_dir(Path::new("postgres://u@h/db")),
            PathBuf::from("interdict.reports")
        );
    }
}
