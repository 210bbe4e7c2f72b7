use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use interdict_model::{Feed, Marking};
use interdict_store::{SqliteStore, Store};

use crate::{demo, ingest_cmd, report, resolve_cmd};

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
    /// Resolve every party record into actors across partners (trains or loads the model).
    Resolve(ResolveArgs),
    /// Compare two party records field by field under the resolution model.
    Explain(ExplainArgs),
    /// One actor: its records, the organisations that hold them, and every identifier.
    Actor {
        #[arg(long)]
        db: PathBuf,
        /// An actor id (`ACT-...`), as `export actors` or `resolve` name them.
        actor_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Measure accuracy against a ground truth.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Write derived data out.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Print a digest of the store's data (records, versions, markings, quarantine).
    #[command(hide = true)]
    Digest(DbJson),
    /// Time incremental resolution: hold records out, resolve the rest, add them one by one.
    #[command(hide = true)]
    BenchIncremental(BenchIncrementalArgs),
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    #[arg(long)]
    pub db: PathBuf,
    /// Match probability two records need to be one actor.
    #[arg(long, default_value_t = 0.9)]
    pub threshold: f64,
    /// Largest group of records sharing a key that is compared all against all; larger groups
    /// are compared between name neighbours only.
    #[arg(long, default_value_t = 100)]
    pub hub_limit: usize,
    /// A value shared by records of this many different names (none holding half) is a hub.
    #[arg(long, default_value_t = 5)]
    pub hub_names: usize,
    /// Train a new model even when one is saved.
    #[arg(long)]
    pub retrain: bool,
    /// Resolve only records without an actor yet, against the saved actors, model frozen.
    #[arg(long, conflicts_with = "retrain")]
    pub incremental: bool,
    /// Print the saved model's parameters and stop.
    #[arg(long)]
    pub show_model: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[arg(long)]
    pub db: PathBuf,
    /// A party record as ORG/FEED/SOURCE_ID (shipment parties: ORG/shipments/ID#consignee).
    pub record_a: String,
    pub record_b: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Pairwise and B-cubed precision, recall and F1 of the saved resolution.
    Resolve {
        #[arg(long)]
        db: PathBuf,
        /// CSV of org,feed,source_id,true_id.
        #[arg(long)]
        truth: PathBuf,
        /// Score this CSV of org,feed,source_id,actor_id (another tool's output) instead of
        /// the store's resolution.
        #[arg(long)]
        predicted: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// org,feed,source_id,actor_id for every party record.
    Actors(ExportArgs),
    /// The comparison values of every party record, one row each (for other linkage tools).
    Parties(ExportArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long)]
    pub db: PathBuf,
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// Write here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BenchIncrementalArgs {
    #[arg(long)]
    pub db: PathBuf,
    /// Records held out and then added one at a time.
    #[arg(long, default_value_t = 1000)]
    pub holdout: usize,
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

/// Runs `f` on the named file, or on standard output.
fn with_output(
    path: Option<&std::path::Path>,
    f: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
) -> Result<ExitCode> {
    match path {
        Some(p) => {
            let file =
                std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?;
            let mut w = std::io::BufWriter::new(file);
            f(&mut w)?;
            std::io::Write::flush(&mut w).with_context(|| format!("writing {}", p.display()))?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            f(&mut w)?;
            std::io::Write::flush(&mut w)?;
        }
    }
    Ok(ExitCode::SUCCESS)
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
        Command::Resolve(a) => resolve_cmd::run(a),
        Command::Explain(a) => {
            let store = open_store(&a.db)?;
            resolve_cmd::explain(&store, &a.record_a, &a.record_b, a.json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Actor { db, actor_id, json } => {
            let store = open_store(&db)?;
            resolve_cmd::print_actor(&resolve_cmd::actor_profile(&store, &actor_id)?, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(EvalCommand::Resolve {
            db,
            truth,
            predicted,
            json,
        }) => {
            let store = open_store(&db)?;
            let (e, missing) = resolve_cmd::eval_resolution(&store, &truth, predicted.as_deref())?;
            resolve_cmd::print_eval(&e, missing, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export(ExportCommand::Actors(a)) => {
            let ExportFormat::Csv = a.format;
            let store = open_store(&a.db)?;
            with_output(a.out.as_deref(), |w| resolve_cmd::export_actors(&store, w))
        }
        Command::Export(ExportCommand::Parties(a)) => {
            let ExportFormat::Csv = a.format;
            let store = open_store(&a.db)?;
            with_output(a.out.as_deref(), |w| resolve_cmd::export_parties(&store, w))
        }
        Command::BenchIncremental(a) => resolve_cmd::bench_incremental(&a),
        Command::Demo(a) => {
            if a.serve {
                bail!("--serve needs the server, which this build does not have yet");
            }
            demo::run(a)
        }
    }
}
