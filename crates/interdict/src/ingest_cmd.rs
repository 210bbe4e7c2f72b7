//! `interdict ingest`: partner files through mappings into the store.

use std::process::ExitCode;

use anyhow::Result;
use interdict_app::ingest::{
    DryRunSummary, Export, default_reports_dir, dry_run_export, exports_from_manifest,
    ingest_export,
};
use interdict_app::{arrival, open_store};
use interdict_ingest::Summary;
use interdict_normalize::money::RateTable;

use crate::args::IngestArgs;
use crate::progress::{Spinner, with_ingest_bar};

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
            let DryRunSummary {
                summary: s,
                quarantined,
                seconds: secs,
            } = dry_run_export(export, &rates)?;
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
        let label = format!("{}/{}", export.org, export.path.display());
        let s = with_ingest_bar(&label, args.json, |progress| {
            ingest_export(&mut store, export, &rates, Some(&reports), progress)
        })?;
        interdict_app::admin::audit(
            &mut *store,
            &interdict_app::admin::command_user(),
            "upload",
            &format!("{}/{}", s.org, s.feed),
            &format!(
                "{}: run {} read {} landed {} updated {} unchanged {} quarantined {}",
                s.file, s.run, s.read, s.landed, s.updated, s.unchanged, s.quarantined
            ),
        )?;
        if !args.json {
            crate::print::export(&s);
        }
        summaries.push(s);
    }
    let quarantined: u64 = summaries.iter().map(|s| s.quarantined).sum();
    // In a live store what landed is resolved and scored at once, as through the API.
    let mut landed: Vec<_> = summaries
        .iter()
        .filter(|s| s.landed + s.updated > 0)
        .map(|s| s.feed)
        .collect();
    landed.dedup();
    let arrival = if !args.batch && !landed.is_empty() && arrival::is_resolved(&*store)? {
        let a = arrival::arrive_feeds(&mut *store, &landed, &Spinner::new(args.json, false))?;
        if !args.json {
            println!(
                "resolved {} new party records into actors and scored {} shipments and listings as they landed",
                a.resolved, a.scored
            );
        }
        Some(a)
    } else {
        None
    };
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
            if let Some(a) = arrival {
                obj["arrival"] = serde_json::to_value(a)?;
            }
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
