//! The command line's grammar: every command, argument and option.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use interdict_model::{Feed, Marking};

/// interdict: counterfeit-intelligence fusion and interdiction.
#[derive(Debug, Parser)]
#[command(name = "interdict", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
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
    /// Score every shipment and listing not scored yet for counterfeit risk, with reasons.
    Score {
        #[arg(long)]
        db: PathBuf,
        /// Score everything again with the current model and rules.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
    /// Retrain the scoring model on every outcome (labels withdrawn by their organisation excluded).
    Train(DbJson),
    /// The inspection queue of one day's arrivals within a capacity, with reasons.
    Queue(QueueArgs),
    /// Analysts' rule packs: show the active one, back-test one, switch one on.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Outcomes as labels: list them, or withdraw one your organisation gave.
    #[command(subcommand)]
    Labels(LabelsCommand),
    /// Measure accuracy against a ground truth.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Write derived data out.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Serve the shared platform over HTTP: the JSON API for every organisation's users and keys.
    Serve(ServeArgs),
    /// Organisations, users, API keys and sharing groups.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Print a digest of the store's data (records, versions, markings, quarantine).
    #[command(hide = true)]
    Digest(DbJson),
    /// Time incremental resolution: hold records out, resolve the rest, add them one by one.
    #[command(hide = true)]
    BenchIncremental(BenchIncrementalArgs),
    /// Time scoring shipments one at a time as they arrive, with party resolution.
    #[command(hide = true)]
    BenchScoreOne(BenchIncrementalArgs),
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
    /// CSV of org,feed,source_id,true_id: also report blocking recall, the share of true
    /// pairs blocking compares.
    #[arg(long, conflicts_with = "incremental")]
    pub truth: Option<PathBuf>,
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

#[derive(Debug, Args)]
pub struct QueueArgs {
    #[arg(long)]
    pub db: PathBuf,
    /// What can be opened: a share of the day's arrivals ("1%") or a count ("40").
    #[arg(long, default_value = "1%")]
    pub capacity: String,
    /// The arrival day (default: the latest day with arrivals).
    #[arg(long)]
    pub day: Option<String>,
    /// Only this organisation's shipments.
    #[arg(long)]
    pub org: Option<String>,
    /// Share of the capacity given to random picks, so the model learns where it is blind.
    #[arg(long, default_value_t = 0.1)]
    pub exploration: f64,
    /// Seed of the random picks (mixed with the day, so each day differs).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print the active rule pack.
    Show {
        #[arg(long)]
        db: PathBuf,
    },
    /// Back-test a rule pack over history, rule by rule, before switching it on.
    Test {
        #[arg(long)]
        db: PathBuf,
        /// The pack (TOML); default: the active one.
        #[arg(long)]
        file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Check a rule pack and make it the active one (scores from now on are stamped with it).
    Set {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum LabelsCommand {
    /// Every outcome with the organisation that gave it.
    List(DbJson),
    /// Withdraw an outcome: training and actor histories stop using it.
    Withdraw {
        #[arg(long)]
        db: PathBuf,
        /// The outcome as ORG/outcomes/SOURCE_ID.
        key: String,
        /// The organisation withdrawing it (must be the one that gave it).
        #[arg(long)]
        org: String,
        #[arg(long, default_value = "withdrawn by its organisation")]
        reason: String,
    },
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
    /// Retrain on outcomes before a split date and rank the shipments after it: precision
    /// and counterfeit value captured at 1%, 5% and 10% inspection rates, against random
    /// selection and a declared-value-only baseline.
    Targeting {
        #[arg(long)]
        db: PathBuf,
        /// A folder holding items.csv (org,feed,source_id,counterfeit,retail_value), or that file.
        #[arg(long)]
        truth: PathBuf,
        /// Train on outcomes before this date (default: two thirds into the shipments' period).
        #[arg(long)]
        split: Option<String>,
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
    /// org,feed,source_id,score (and the model, rules and reasons) for every scored record.
    Scores(ExportArgs),
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
    /// Only store the records. By default, in a store resolved before, what lands is resolved
    /// and scored at once (new party records join the actors, new shipments and listings get
    /// scores); a bulk reload may leave that to one `interdict resolve` and `interdict score`.
    #[arg(long)]
    pub batch: bool,
    /// Files to ingest.
    #[arg(required_unless_present = "manifest")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DbJson {
    #[arg(long)]
    pub db: PathBuf,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MarkingArgs {
    #[arg(long)]
    pub db: PathBuf,
    #[arg(long)]
    pub org: String,
    #[arg(long)]
    pub feed: Feed,
    #[arg(long)]
    pub marking: Marking,
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
    /// Write a world of person records instead (about this many party records): identity
    /// checks, importers of record and a watch list, with typos, nicknames, partial dates of
    /// birth and namesakes at one address.
    #[arg(long, conflicts_with_all = ["shipments", "config"])]
    pub people: Option<usize>,
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
    /// Then serve the web application and the API on the result, until interrupted.
    #[arg(long)]
    pub serve: bool,
    /// Where `--serve` listens.
    #[arg(long, default_value = "127.0.0.1:8080", requires = "serve")]
    pub listen: String,
    /// One password for every demo user of `--serve` (default: a new random one for each, printed).
    #[arg(
        long,
        env = "INTERDICT_DEMO_PASSWORD",
        hide_env_values = true,
        requires = "serve"
    )]
    pub password: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[arg(long)]
    pub db: PathBuf,
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// A file the audit chain's head is checkpointed to, outside the database.
    #[arg(long)]
    pub anchor: Option<PathBuf>,
    /// Requests a second allowed per user.
    #[arg(long, default_value_t = 2000.0)]
    pub rate: f64,
    /// Where the read model is kept between runs, so a restart answers in seconds: written
    /// when the server stops, read back (and brought up to the store) when it starts. By
    /// default `<db>.view` beside a SQLite file, or the user's cache directory for
    /// PostgreSQL; `off` keeps none.
    #[arg(long, value_name = "PATH|off")]
    pub view_cache: Option<PathBuf>,
    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Add an organisation.
    Org {
        #[arg(long)]
        db: PathBuf,
        name: String,
        /// marketplace, carrier, customs, brand or coordinator.
        #[arg(long)]
        kind: String,
    },
    /// Add a user to an organisation.
    User {
        #[arg(long)]
        db: PathBuf,
        name: String,
        #[arg(long)]
        org: String,
        /// admin, analyst, officer, brand_rep or auditor.
        #[arg(long)]
        role: String,
    },
    /// Make an API key for a user; the key is printed once and never stored.
    Key {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        user: String,
        /// Days until the key expires.
        #[arg(long, default_value_t = 90)]
        days: u32,
    },
    /// Set a user's password for signing in to the web application (read from standard input).
    Password {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        user: String,
    },
    /// Disable a user: their keys and sessions stop working at once and signing in is refused.
    Disable {
        #[arg(long)]
        db: PathBuf,
        user: String,
    },
    /// Enable a disabled user again.
    Enable {
        #[arg(long)]
        db: PathBuf,
        user: String,
    },
    /// Revoke an API key by its id; the sessions of its user end too.
    Revoke {
        #[arg(long)]
        db: PathBuf,
        id: String,
    },
    /// Approve a brand organisation as an owner of a brand (its brand representatives may then
    /// confirm or deny fakes of it), or withdraw the approval with `--remove`.
    Brand {
        #[arg(long)]
        db: PathBuf,
        /// The brand's name, as its brand records name it.
        name: String,
        #[arg(long)]
        org: String,
        #[arg(long)]
        remove: bool,
    },
    /// Set whether records of an organisation's feed inform other organisations' risk scores
    /// without disclosure: `default` (every record but RED ones), `all` (RED ones too) or
    /// `none`. The scores it changes are made again.
    SharedRisk {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        org: String,
        #[arg(long)]
        feed: Feed,
        /// default, all or none.
        setting: String,
    },
    /// Set the members of a sharing group: organisations, or `user:NAME` for one user.
    Group {
        #[arg(long)]
        db: PathBuf,
        name: String,
        #[arg(long, value_delimiter = ',')]
        members: Vec<String>,
    },
    /// Organisations, users, keys (ids only) and groups.
    List(DbJson),
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every link and hash of the audit log, and the anchored checkpoints.
    Verify {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        anchor: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}
