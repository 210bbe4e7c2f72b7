use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use interdict_model::{Feed, Marking};
use interdict_store::{SqliteStore, Store};

use crate::{demo, ingest_cmd, report};

/// interdict: counterfeit-intelligence fusion and interdiction.
#[derive(Debug, Parser)]
#[command(name = "interdict", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Ingest partner files through a mapping, or every export a manifest lists.
    Ingest(IngestArgs),
    /// Record counts per organisation and feed.
    Stats(DbJson),
    /// Rows that could not land, with file, line, field and reason.
    Quarantine(DbJson),
    /// Ingest runs and their counts.
    Runs(DbJson),
    /// Set the default TLP marking of an organisation's feed.
    Marking(MarkingArgs),
    /// Generate a simulated joint operation: every partner's exports, mappings, manifest and truth.
    Simulate(SimulateArgs),
    /// Simulate an operation and run every stage on it: the quickest way to see interdict work.
    Demo(DemoArgs),
    /// Print a digest of the store's data (records, versions, markings, quarantine).
    #[command(hide = true)]
    Digest(DbJson),
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The store: a SQLite file, created if missing.
    #[arg(long)]
    pub db: PathBuf,
    /// Organisation that sent the files.
    #[arg(long, required_unless_present = "manifest")]
    pub org: Option<String>,
    /// Feed of the files: sellers, listings, shipments, outcomes, brands or parties.
    #[arg(long, required_unless_present_any = ["manifest", "mapping"])]
    pub feed: Option<Feed>,
    /// Mapping file (TOML); without one, columns must carry the canonical field names.
    #[arg(long, conflicts_with = "manifest")]
    pub mapping: Option<PathBuf>,
    /// TLP marking for this run's records, overriding every default.
    #[arg(long)]
    pub marking: Option<Marking>,
    /// Sharing group for this run's records.
    #[arg(long)]
    pub sharing_group: Option<String>,
    /// Ingest every export a manifest lists.
    #[arg(long, conflicts_with_all = ["org", "feed", "files"])]
    pub manifest: Option<PathBuf>,
    /// Exit with an error when any row was quarantined.
    #[arg(long)]
    pub strict: bool,
    /// Read, map and validate the files without storing anything: try a new mapping out.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Folder for run reports and quarantine files (default: `<db>.reports` beside the store).
    #[arg(long)]
    pub reports: Option<PathBuf>,
    /// Files to ingest.
    #[arg(required_unless_present = "manifest")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
struct DbJson {
    #[arg(long)]
    db: PathBuf,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct MarkingArgs {
    #[arg(long)]
    db: PathBuf,
    #[arg(long)]
    org: String,
    #[arg(long)]
    feed: Feed,
    #[arg(long)]
    marking: Marking,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Folder to write the world into.
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long)]
    pub seed: Option<u64>,
    #[arg(long)]
    pub shipments: Option<usize>,
    /// A TOML file of simulator knobs (see docs/simulator.md).
    #[arg(long)]
    pub config: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[arg(long)]
    pub shipments: Option<usize>,
    #[arg(long)]
    pub seed: Option<u64>,
    /// The store to fill (default: a fresh file in a temporary folder).
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Keep the simulated partner files in this folder.
    #[arg(long)]
    pub world: Option<PathBuf>,
    /// Start the server on the result (arrives with the shared platform).
    #[arg(long)]
    pub serve: bool,
}

pub fn open_store(path: &std::path::Path) -> Result<SqliteStore> {
    SqliteStore::open(path).with_context(|| format!("opening store {}", path.display()))
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Ingest(args) => ingest_cmd::run(args),
        Command::Stats(a) => {
            let store = open_store(&a.db)?;
            report::stats(&store.stats()?, a.json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Quarantine(a) => {
            let store = open_store(&a.db)?;
            report::quarantine(&store.quarantined()?, a.json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Runs(a) => {
            let store = open_store(&a.db)?;
            report::runs(&store.runs()?, a.json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Marking(a) => {
            let mut store = open_store(&a.db)?;
            store.set_default_marking(&a.org, a.feed, a.marking)?;
            println!(
                "{}/{} records are now marked TLP:{} by default",
                a.org, a.feed, a.marking
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Digest(a) => {
            let store = open_store(&a.db)?;
            let d = store.digest()?;
            if a.json {
                println!("{}", serde_json::json!({ "digest": d }));
            } else {
                println!("{d}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Simulate(a) => {
            let config = demo::sim_config(a.config.as_deref(), a.seed, a.shipments)?;
            let summary = interdict_sim::simulate(&config, &a.out)
                .with_context(|| format!("simulating into {}", a.out.display()))?;
            if a.json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            } else {
                println!("{}", serde_json::to_string_pretty(&summary)?);
                println!("world written to {}; ingest it with:", a.out.display());
                println!(
                    "  interdict ingest --db interdict.db --manifest {}",
                    a.out.join("manifest.toml").display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(a) => {
            if a.serve {
                bail!("--serve needs the server, which this build does not have yet");
            }
            demo::run(a)
        }
    }
}
