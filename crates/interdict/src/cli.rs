use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use interdict_app::audit_trail::{VerifyError, verify_log};
use interdict_app::{PlatformStore, admin, open_store, resolution, saved, scoring};
use interdict_model::{Feed, Marking};

use crate::progress::Spinner;
use crate::{demo, ingest_cmd, print, serve_cmd};

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
    /// Then serve the web application and the API on the result, until interrupted.
    #[arg(long)]
    pub serve: bool,
    /// Where `--serve` listens.
    #[arg(long, default_value = "127.0.0.1:8080", requires = "serve")]
    pub listen: String,
    /// The demo users' password for `--serve` (default: a new random one, printed).
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
    /// Revoke an API key by its id.
    Revoke {
        #[arg(long)]
        db: PathBuf,
        id: String,
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

/// Who makes an administrative change from the command line, as the audit chain names them.
fn cli_user() -> String {
    match std::env::var("USER") {
        Ok(u) if !u.is_empty() => format!("cli:{u}"),
        _ => "cli".into(),
    }
}

/// An export from the command line goes into the audit chain like one through the API.
fn audit_export(
    store: &mut dyn PlatformStore,
    what: &str,
    out: Option<&std::path::Path>,
) -> Result<()> {
    let to = out.map_or("standard output".to_string(), |p| p.display().to_string());
    admin::audit(store, &cli_user(), &format!("export.{what}"), &to, "")?;
    Ok(())
}

fn verify_audit(
    db: &std::path::Path,
    anchor: Option<&std::path::Path>,
    json: bool,
) -> Result<ExitCode> {
    let store = open_store(db)?;
    let text = anchor
        .map(|p| {
            std::fs::read_to_string(p).with_context(|| format!("reading anchor {}", p.display()))
        })
        .transpose()?;
    let name = anchor.map(|p| p.display().to_string()).unwrap_or_default();
    match verify_log(&store, text.as_deref().map(|t| (name.as_str(), t))) {
        Ok(v) => {
            if json {
                println!("{}", serde_json::to_string(&v)?);
            } else {
                println!(
                    "audit log sound: {} entries, head {}, {} anchored checkpoints matched",
                    v.entries, v.head, v.anchors_checked
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ VerifyError::Tampered(_)) => {
            eprintln!("{}: {e}", db.display());
            Ok(ExitCode::from(3))
        }
        Err(e) => Err(anyhow::Error::new(e).context(format!("verifying {}", db.display()))),
    }
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
            print::stats(&store.stats()?, a.json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Quarantine(a) => {
            let store = open_store(&a.db)?;
            print::quarantine(&store.quarantined()?, a.json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Runs(a) => {
            let store = open_store(&a.db)?;
            print::runs(&store.runs()?, a.json)?;
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
        Command::Resolve(a) => {
            let mut store = open_store(&a.db)?;
            if a.show_model {
                let model = saved::require_resolution_model(&store)?;
                print::resolution_model(&model, a.json)?;
                return Ok(ExitCode::SUCCESS);
            }
            let opts = resolution::Options::new(
                a.threshold,
                a.hub_limit,
                a.hub_names,
                a.retrain,
                a.incremental,
            )?;
            let out = resolution::resolve_store(&mut store, &opts, &Spinner::new(a.json, true))?;
            print::resolution(&out, a.json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(a) => {
            let tls = match (a.tls_cert, a.tls_key) {
                (Some(cert), Some(key)) => Some(interdict_server::Tls { cert, key }),
                _ => None,
            };
            serve_cmd::serve(&a.db, &a.listen, a.anchor, a.rate, tls)
        }
        Command::Admin(c) => {
            let by = cli_user();
            match c {
                AdminCommand::Org { db, name, kind } => {
                    admin::add_org(&mut open_store(&db)?, &by, &name, &kind)?;
                    println!("organisation {name} ({kind}) added");
                }
                AdminCommand::User {
                    db,
                    name,
                    org,
                    role,
                } => {
                    admin::add_user(&mut open_store(&db)?, &by, &name, &org, &role)?;
                    println!("user {name} added to {org} as {role}");
                }
                AdminCommand::Key { db, user, days } => {
                    let (id, token) = admin::create_key(&mut open_store(&db)?, &by, &user, days)?;
                    eprintln!("key {id} for {user}, valid {days} days; it is shown only now:");
                    println!("{token}");
                }
                AdminCommand::Password { db, user } => {
                    let mut line = String::new();
                    std::io::stdin()
                        .read_line(&mut line)
                        .context("reading the password from standard input")?;
                    admin::set_password(
                        &mut open_store(&db)?,
                        &by,
                        &user,
                        line.trim_end_matches(['\n', '\r']),
                    )?;
                    println!("password of {user} set");
                }
                AdminCommand::Revoke { db, id } => {
                    admin::revoke_key(&mut open_store(&db)?, &by, &id)?;
                    println!("key {id} revoked");
                }
                AdminCommand::Group { db, name, members } => {
                    let members = admin::set_group(&mut open_store(&db)?, &by, &name, &members)?;
                    println!("sharing group {name}: {}", members.join(", "));
                }
                AdminCommand::List(a) => {
                    print::directory(&admin::list(&open_store(&a.db)?)?, a.json)?
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Verify { db, anchor, json }) => {
            verify_audit(&db, anchor.as_deref(), json)
        }
        Command::Explain(a) => {
            let store = open_store(&a.db)?;
            print::explanation(
                &resolution::explain(&store, &a.record_a, &a.record_b)?,
                a.json,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Actor { db, actor_id, json } => {
            let store = open_store(&db)?;
            print::actor(&resolution::actor_profile(&store, &actor_id)?, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(EvalCommand::Resolve {
            db,
            truth,
            predicted,
            json,
        }) => {
            let store = open_store(&db)?;
            let (e, missing) = resolution::eval_resolution(&store, &truth, predicted.as_deref())?;
            print::resolution_eval(&e, missing, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export(ExportCommand::Actors(a)) => {
            let ExportFormat::Csv = a.format;
            let mut store = open_store(&a.db)?;
            let code = with_output(a.out.as_deref(), |w| {
                Ok(resolution::export_actors(&store, w)?)
            })?;
            audit_export(&mut store, "actors", a.out.as_deref())?;
            Ok(code)
        }
        Command::Export(ExportCommand::Parties(a)) => {
            let ExportFormat::Csv = a.format;
            let mut store = open_store(&a.db)?;
            let code = with_output(a.out.as_deref(), |w| {
                Ok(resolution::export_parties(&store, w)?)
            })?;
            audit_export(&mut store, "parties", a.out.as_deref())?;
            Ok(code)
        }
        Command::Export(ExportCommand::Scores(a)) => {
            let ExportFormat::Csv = a.format;
            let mut store = open_store(&a.db)?;
            let code = with_output(a.out.as_deref(), |w| Ok(scoring::export_scores(&store, w)?))?;
            audit_export(&mut store, "scores", a.out.as_deref())?;
            Ok(code)
        }
        Command::Score { db, all, json } => {
            let mut store = open_store(&db)?;
            let s = scoring::score_store(&mut store, all, &Spinner::new(json, false))?;
            print::scored(&s, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Train(a) => {
            let mut store = open_store(&a.db)?;
            print::score_models(&scoring::train_store(&mut store)?, a.json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Queue(a) => {
            let store = open_store(&a.db)?;
            let capacity = interdict_score::queue::Capacity::parse(&a.capacity)
                .map_err(|e| anyhow::anyhow!("--{e}"))?;
            let q = scoring::queue_of(
                &store,
                &scoring::QueueOptions {
                    capacity,
                    day: a.day.as_deref(),
                    org: a.org.as_deref(),
                    exploration: a.exploration,
                    seed: a.seed,
                },
            )?;
            with_output(None, |w| print::queue(&q, a.json, w))
        }
        Command::Rules(RulesCommand::Show { db }) => {
            let store = open_store(&db)?;
            let pack = saved::rules(&store)?;
            println!("# active rule pack {}", pack.version_tag());
            print!("{}", pack.to_toml());
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules(RulesCommand::Test { db, file, json }) => {
            let store = open_store(&db)?;
            let text = match &file {
                Some(f) => std::fs::read_to_string(f)
                    .with_context(|| format!("reading {}", f.display()))?,
                None => saved::rules(&store)?.to_toml(),
            };
            let (version, tests) = scoring::test_rules(&store, &text).with_context(|| {
                file.as_ref()
                    .map_or("the active pack".to_owned(), |f| f.display().to_string())
            })?;
            print::rule_tests(&version, &tests, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules(RulesCommand::Set { db, file }) => {
            let mut store = open_store(&db)?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let v = scoring::set_rules(&mut store, &text)
                .with_context(|| file.display().to_string())?;
            println!("rule pack {v} is now active; run `interdict score --all` to rescore with it");
            Ok(ExitCode::SUCCESS)
        }
        Command::Labels(LabelsCommand::List(a)) => {
            let store = open_store(&a.db)?;
            print::labels(&scoring::list_labels(&store)?, a.json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Labels(LabelsCommand::Withdraw {
            db,
            key,
            org,
            reason,
        }) => {
            let mut store = open_store(&db)?;
            let k = resolution::parse_key(&key)?;
            scoring::withdraw_label(&mut store, &k, &org, &reason)?;
            println!(
                "{k} withdrawn; run `interdict train` and `interdict score --all` to take it out of scores"
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval(EvalCommand::Targeting {
            db,
            truth,
            split,
            json,
        }) => {
            let store = open_store(&db)?;
            let e = scoring::eval_targeting(&store, &truth, split.as_deref())?;
            print::targeting(&e, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchIncremental(a) => {
            let store = open_store(&a.db)?;
            print::incremental_bench(&resolution::bench_incremental(&store, a.holdout)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchScoreOne(a) => {
            let store = open_store(&a.db)?;
            print::score_one_bench(&scoring::bench_score_one(&store, a.holdout)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(a) => demo::run(a),
    }
}
