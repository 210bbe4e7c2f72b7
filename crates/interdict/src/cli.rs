//! Runs the command the command line names and prints what it found.

use std::process::ExitCode;

use anyhow::{Context, Result};
use interdict_app::audit_trail::{VerifyError, verify_log};
use interdict_app::{PlatformStore, admin, open_store, resolution, saved, scoring};

use crate::args::*;
use crate::progress::Spinner;
use crate::{demo, ingest_cmd, print, serve_cmd};

/// Who makes a change from the command line, as the audit chain names them.
fn cli_user() -> String {
    admin::command_user()
}

/// A write from the command line goes into the audit chain like one through the API.
fn audit_cli(
    store: &mut dyn PlatformStore,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<()> {
    admin::audit(store, &cli_user(), action, target, detail)?;
    Ok(())
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
        Err(e @ (VerifyError::Tampered(_) | VerifyError::Unreadable(_))) => {
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
            audit_cli(
                &mut store,
                "marking.set",
                &format!("{}/{}", a.org, a.feed),
                a.marking.as_str(),
            )?;
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
        Command::Simulate(a) if a.people.is_some() => {
            let records = a.people.unwrap_or_default();
            let summary = interdict_sim::simulate_people(records, a.seed.unwrap_or(42), &a.out)
                .with_context(|| format!("simulating people into {}", a.out.display()))?;
            println!("{}", serde_json::to_string_pretty(&summary)?);
            if !a.json {
                println!(
                    "person world written to {}; ingest and resolve it with:",
                    a.out.display()
                );
                println!(
                    "  interdict ingest --db people.db --manifest {}",
                    a.out.join("manifest.toml").display()
                );
                println!(
                    "  interdict resolve --db people.db --truth {}",
                    a.out.join("truth").join("actors.csv").display()
                );
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
            let mut opts = resolution::Options::new(
                a.threshold,
                a.hub_limit,
                a.hub_names,
                a.retrain,
                a.incremental,
            )?;
            opts.truth = a.truth;
            let out = resolution::resolve_store(&mut store, &opts, &Spinner::new(a.json, true))?;
            audit_cli(
                &mut store,
                "resolve",
                "actors",
                &format!("{} party records", out.keys.len()),
            )?;
            print::resolution(&out, a.json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(a) => {
            let tls = match (a.tls_cert, a.tls_key) {
                (Some(cert), Some(key)) => Some(interdict_server::Tls { cert, key }),
                _ => None,
            };
            let view_cache = match a.view_cache {
                Some(p) if p.as_os_str() == "off" => None,
                Some(p) => Some(p),
                None => interdict_app::view_cache::default_path(&a.db),
            };
            serve_cmd::serve(&a.db, &a.listen, a.anchor, a.rate, tls, view_cache)
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
                AdminCommand::Disable { db, user } => {
                    admin::set_disabled(&mut open_store(&db)?, &by, &user, true)?;
                    println!("user {user} disabled; their keys and sessions no longer work");
                }
                AdminCommand::Enable { db, user } => {
                    admin::set_disabled(&mut open_store(&db)?, &by, &user, false)?;
                    println!("user {user} enabled");
                }
                AdminCommand::Revoke { db, id } => {
                    admin::revoke_key(&mut open_store(&db)?, &by, &id)?;
                    println!("key {id} revoked");
                }
                AdminCommand::Brand {
                    db,
                    name,
                    org,
                    remove,
                } => {
                    admin::approve_brand(&mut open_store(&db)?, &by, &name, &org, !remove)?;
                    if remove {
                        println!("{org} is no longer an approved owner of {name}");
                    } else {
                        println!("{org} is an approved owner of {name}");
                    }
                }
                AdminCommand::SharedRisk {
                    db,
                    org,
                    feed,
                    setting,
                } => {
                    admin::shared_risk_setting(&mut open_store(&db)?, &by, &org, feed, &setting)?;
                    println!(
                        "{org}'s {feed} records inform other organisations' scores: {setting}"
                    );
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
            audit_cli(
                &mut store,
                "score",
                if all { "all" } else { "new" },
                &format!(
                    "{} shipments {} listings with {} and {}",
                    s.shipments, s.listings, s.model, s.rules
                ),
            )?;
            print::scored(&s, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Train(a) => {
            let mut store = open_store(&a.db)?;
            let models = scoring::train_store(&mut store)?;
            audit_cli(&mut store, "train", "models", &models.version())?;
            print::score_models(&models, a.json)?;
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
            let (version, tests) =
                scoring::test_rules(&*store, &text, None).with_context(|| {
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
            let v = interdict_app::rule_governance::set_directly(&mut *store, &cli_user(), &text)
                .with_context(|| file.display().to_string())?;
            audit_cli(&mut store, "rules.set", &v, &file.display().to_string())?;
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
            audit_cli(&mut store, "withdraw", &k.to_string(), &reason)?;
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
