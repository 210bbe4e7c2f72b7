//! Human and JSON output of the inspection commands.

use std::path::Path;

use anyhow::{Context, Result};
use interdict_model::QuarantinedRow;
use interdict_store::{FeedStats, RunRecord};

use crate::ingest_cmd::ExportSummary;

pub fn print_export(s: &ExportSummary) {
    let rate = if s.seconds > 0.0 {
        s.read as f64 / s.seconds
    } else {
        0.0
    };
    println!(
        "{}/{} {} (TLP:{}): read {} = landed {} + updated {} + unchanged {} + quarantined {}  [{:.1} s, {:.0} rows/s]",
        s.org,
        s.feed,
        s.file,
        s.marking,
        s.read,
        s.landed,
        s.updated,
        s.unchanged,
        s.quarantined,
        s.seconds,
        rate
    );
}

pub fn stats(stats: &[FeedStats], json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(stats)?);
        return Ok(());
    }
    if stats.is_empty() {
        println!("the store holds no records yet");
        return Ok(());
    }
    println!(
        "{:<20} {:<10} {:>10} {:>10} {:>12}",
        "organisation", "feed", "records", "versioned", "quarantined"
    );
    let (mut r, mut v, mut q) = (0, 0, 0);
    for s in stats {
        println!(
            "{:<20} {:<10} {:>10} {:>10} {:>12}",
            s.org,
            s.feed.as_str(),
            s.records,
            s.versioned,
            s.quarantined
        );
        r += s.records;
        v += s.versioned;
        q += s.quarantined;
    }
    println!("{:<20} {:<10} {:>10} {:>10} {:>12}", "total", "", r, v, q);
    Ok(())
}

pub fn quarantine(rows: &[QuarantinedRow], json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(rows)?);
        return Ok(());
    }
    if rows.is_empty() {
        println!("no quarantined rows");
        return Ok(());
    }
    for q in rows {
        println!(
            "{}:{}  {}/{}  {}: {}",
            q.file,
            q.line,
            q.org,
            q.feed,
            q.field.as_deref().unwrap_or("row"),
            q.reason
        );
    }
    println!("{} quarantined rows", rows.len());
    Ok(())
}

pub fn runs(runs: &[RunRecord], json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(runs)?);
        return Ok(());
    }
    for r in runs {
        let c = &r.counts;
        println!(
            "run {:>4} {} {}/{} {} TLP:{} {}: read {} landed {} updated {} unchanged {} quarantined {}",
            r.id,
            r.started_at,
            r.org,
            r.feed,
            r.file,
            r.marking,
            if r.finished {
                "finished"
            } else {
                "interrupted"
            },
            c.read,
            c.landed,
            c.updated,
            c.unchanged,
            c.quarantined
        );
    }
    Ok(())
}

pub fn write_quarantine_csv(path: &Path, rows: &[QuarantinedRow]) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
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
}
