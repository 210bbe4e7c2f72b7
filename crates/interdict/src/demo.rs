//! `interdict demo`: a simulated joint operation, end to end.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use interdict_normalize::money::RateTable;
use interdict_sim::SimConfig;
use interdict_store::Store;

use crate::cli::{DemoArgs, open_store};
use crate::ingest_cmd::{self, ExportSummary};
use crate::{resolve_cmd, score_cmd};
use interdict_score::queue::Capacity;

pub fn sim_config(
    file: Option<&Path>,
    seed: Option<u64>,
    shipments: Option<usize>,
) -> Result<SimConfig> {
    let mut config = match file {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            SimConfig::from_toml_str(&text)
                .with_context(|| format!("simulator config {}", p.display()))?
        }
        None => SimConfig::default(),
    };
    if let Some(s) = seed {
        config.seed = s;
    }
    if let Some(n) = shipments {
        config.shipments = n;
    }
    Ok(config)
}

/// Reads the simulator's list of rows it corrupted on purpose: (path relative to the world, line).
fn corrupted_rows(world: &Path) -> Result<Vec<(String, u64)>> {
    let path = world.join("truth").join("corrupted.csv");
    let mut out = Vec::new();
    if !path.exists() {
        return Ok(out);
    }
    let mut r =
        csv::Reader::from_path(&path).with_context(|| format!("reading {}", path.display()))?;
    for rec in r.records() {
        let rec = rec?;
        out.push((rec[0].to_string(), rec[1].parse()?));
    }
    out.sort();
    Ok(out)
}

pub fn run(args: DemoArgs) -> Result<ExitCode> {
    let base = PathBuf::from("interdict-demo");
    let world = args.world.clone().unwrap_or_else(|| base.join("world"));
    let db = args.db.clone().unwrap_or_else(|| base.join("interdict.db"));
    let config = sim_config(None, args.seed, args.shipments)?;

    println!(
        "== simulating a joint operation: {} shipments, seed {}",
        config.shipments, config.seed
    );
    let started = Instant::now();
    if world.exists() {
        std::fs::remove_dir_all(&world).with_context(|| format!("clearing {}", world.display()))?;
    }
    let summary = interdict_sim::simulate(&config, &world)
        .with_context(|| format!("simulating into {}", world.display()))?;
    println!(
        "   partner exports written to {} in {:.1} s",
        world.display(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "   {} shipments ({} counterfeit, {} inspected, {} seized as counterfeit), {} seller accounts, {} listings",
        summary.shipments,
        summary.counterfeit_shipments,
        summary.inspections,
        summary.seized_counterfeit,
        summary.sellers,
        summary.listings
    );
    println!(
        "   {} party records from {} real people and companies, {} counterfeit networks among them; {} rows corrupted on purpose",
        summary.party_records, summary.true_actors, summary.networks, summary.corrupted_rows
    );

    if let Some(dir) = db.parent() {
        std::fs::create_dir_all(dir)?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    let reports = ingest_cmd::default_reports_dir(&db);
    let _ = std::fs::remove_dir_all(&reports);

    println!(
        "\n== ingesting every partner's exports through their mappings into {}",
        db.display()
    );
    let mut store = open_store(&db)?;
    let rates = RateTable::default_table();
    let exports = ingest_cmd::exports_from_manifest(&world.join("manifest.toml"))?;
    let mut summaries: Vec<ExportSummary> = Vec::new();
    for e in &exports {
        let s = ingest_cmd::ingest_export(&mut store, e, &rates, Some(&reports), true)?;
        crate::report::print_export(&s);
        summaries.push(s);
    }

    println!("\n== what the store holds");
    crate::report::stats(&store.stats()?, false)?;

    let quarantined = store.quarantined()?;
    let expected = corrupted_rows(&world)?;
    let world_prefix = world.display().to_string();
    let mut got: Vec<(String, u64)> = quarantined
        .iter()
        .map(|q| {
            let rel = Path::new(&q.file)
                .strip_prefix(&world_prefix)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| q.file.clone());
            (rel, q.line)
        })
        .collect();
    got.sort();
    println!(
        "\n== quarantine: {} rows kept out, each with its reason",
        quarantined.len()
    );
    for q in quarantined.iter().take(5) {
        println!(
            "   {}:{} {}: {}",
            q.file,
            q.line,
            q.field.as_deref().unwrap_or("row"),
            q.reason
        );
    }
    if quarantined.len() > 5 {
        println!(
            "   ... `interdict quarantine --db {}` lists them all",
            db.display()
        );
    }
    if got == expected {
        println!(
            "   every quarantined row is one the simulator corrupted on purpose ({} of {})",
            got.len(),
            expected.len()
        );
    } else {
        let unexpected = got.iter().filter(|g| !expected.contains(g)).count();
        let missed = expected.iter().filter(|e| !got.contains(e)).count();
        println!(
            "   warning: {unexpected} quarantined rows were not corrupted on purpose, {missed} corrupted rows landed"
        );
    }
    let users = register_directory(&mut store, &exports)?;
    println!(
        "\n== {} organisations and {} users registered for the shared platform",
        users
            .iter()
            .map(|u| &u.org)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        users.len()
    );

    println!("\n== resolving every party record into actors across partners");
    let out = resolve_cmd::resolve_store(
        &mut store,
        &resolve_cmd::Options {
            config: interdict_resolve::Config::default(),
            retrain: true,
            incremental: false,
            quiet: true,
        },
    )?;
    resolve_cmd::print_summary(&out, false)?;
    let truth = world.join("truth").join("actors.csv");
    if truth.exists() {
        let (e, _) = resolve_cmd::eval_resolution(&store, &truth, None)?;
        println!(
            "   against the simulator's truth: pairwise F1 {:.3} (precision {:.3}, recall {:.3}), B-cubed F1 {:.3}",
            e.pairwise.f1, e.pairwise.precision, e.pairwise.recall, e.bcubed.f1
        );
    }
    let networks = resolve_cmd::networks(&out);
    println!(
        "\n== networks: {} actors have records at more than one partner; the widest:",
        networks.len()
    );
    for n in networks.iter().take(12) {
        println!(
            "   {}  {:<40} {:>6} records at {}",
            n.actor_id,
            resolve_cmd::display_name(&store, &n.example),
            n.records,
            n.orgs.join(", ")
        );
    }

    println!("\n== scoring every shipment and listing for counterfeit risk");
    let scored = score_cmd::score_store(&mut store, true, true)?;
    score_cmd::print_score_summary(&scored, false)?;
    let queue_day = busiest_recent_day(&store, "customs-uk")?;
    let q = score_cmd::queue_of(
        &store,
        &score_cmd::QueueOptions {
            capacity: Capacity::Share(0.05),
            day: queue_day.as_deref(),
            org: Some("customs-uk"),
            exploration: 0.1,
            seed: 0,
        },
    )?;
    println!("\n== the top of customs-uk's inspection queue (capacity 5%)");
    let mut top = q;
    top.rows.truncate(8);
    score_cmd::print_queue(&top, false, &mut std::io::stdout().lock())?;
    let items = world.join("truth");
    if items.join("items.csv").exists() {
        println!("\n== targeting accuracy: trained on outcomes before the split, ranked after it");
        let e = score_cmd::eval_targeting(&store, &items, None)?;
        score_cmd::print_targeting(&e, false)?;
    }
    println!(
        "\nexplore further: interdict stats --db {0}   interdict quarantine --db {0}   interdict export actors --db {0} --format csv",
        db.display()
    );
    println!(
        "                 interdict actor --db {0} {1}   interdict explain --db {0} ORG/FEED/ID ORG/FEED/ID   interdict resolve --db {0} --show-model",
        db.display(),
        networks.first().map_or("ACT-...", |n| n.actor_id.as_str())
    );
    println!(
        "                 interdict queue --db {0} --capacity 1%   interdict rules test --db {0}   interdict train --db {0}   interdict export scores --db {0} --format csv",
        db.display()
    );
    if !args.serve {
        println!(
            "                 interdict demo --serve   (the same, then the web application at http://{})",
            args.listen
        );
        return Ok(ExitCode::SUCCESS);
    }
    let password = match args.password {
        Some(p) => p,
        None => random_password(),
    };
    if password.chars().count() < 12 {
        anyhow::bail!("the demo password needs at least 12 characters");
    }
    let hash = interdict_server::auth::hash_password(&password).map_err(anyhow::Error::msg)?;
    for u in &users {
        store.set_password(&u.name, &hash)?;
    }
    drop(store);
    println!("\n== the web application: sign in as any of these users, password {password}");
    for u in &users {
        println!("   {:<18} {:<10} of {} ({})", u.name, u.role, u.org, u.kind);
    }
    println!(
        "   (Ctrl-C stops the server; `interdict serve --db {}` serves it again)",
        db.display()
    );
    crate::serve_cmd::serve(&db, &args.listen, None, 2_000.0, None)
}

/// A demo user of the simulated operation.
pub struct DemoUser {
    pub name: String,
    pub org: String,
    pub kind: &'static str,
    pub role: &'static str,
}

/// The kind of a simulated partner, from its name.
fn org_kind(org: &str) -> &'static str {
    match org.split('-').next().unwrap_or("") {
        "customs" => "customs",
        "carrier" => "carrier",
        "mkt" => "marketplace",
        "brand" => "brand",
        _ => "coordinator",
    }
}

/// The users of an organisation of a kind: who would use the platform there.
fn roles_of(kind: &str) -> &'static [(&'static str, &'static str)] {
    match kind {
        "customs" => &[("officer", "officer"), ("analyst", "analyst")],
        "brand" => &[("rep", "brand_rep")],
        "coordinator" => &[
            ("analyst", "analyst"),
            ("auditor", "auditor"),
            ("admin", "admin"),
        ],
        _ => &[("analyst", "analyst")],
    }
}

/// Registers every organisation of the simulated operation and its users (without passwords),
/// so the API and the web application can be tried on it.
pub fn register_directory(
    store: &mut Box<dyn crate::cli::PlatformStore>,
    exports: &[ingest_cmd::Export],
) -> Result<Vec<DemoUser>> {
    let orgs: std::collections::BTreeSet<&str> = exports.iter().map(|e| e.org.as_str()).collect();
    let at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut users = Vec::new();
    for org in orgs {
        let kind = org_kind(org);
        store.add_org(&interdict_store::OrgRow {
            name: org.to_string(),
            kind: kind.to_string(),
            created_at: at.clone(),
        })?;
        let short = org.split_once('-').map_or(org, |x| x.1);
        for (prefix, role) in roles_of(kind) {
            let name = format!("{prefix}.{short}");
            store.add_user(&interdict_store::UserRow {
                name: name.clone(),
                org: org.to_string(),
                role: role.to_string(),
                password_hash: None,
                created_at: at.clone(),
                disabled: false,
            })?;
            users.push(DemoUser {
                name,
                org: org.to_string(),
                kind,
                role,
            });
        }
    }
    Ok(users)
}

fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    (0..16)
        .map(|i| {
            let c = ALPHABET[rand::random_range(0..ALPHABET.len())] as char;
            if i > 0 && i % 4 == 0 {
                format!("-{c}")
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Of the last week of an organisation's scored arrivals, the day with the most.
fn busiest_recent_day(store: &dyn Store, org: &str) -> Result<Option<String>> {
    let mut per_day = std::collections::BTreeMap::<String, usize>::new();
    for s in score_cmd::load_scores(store)? {
        if s.org == org
            && s.feed == interdict_model::Feed::Shipments
            && let Some(d) = s.day
        {
            *per_day.entry(d).or_default() += 1;
        }
    }
    Ok(per_day
        .iter()
        .rev()
        .take(7)
        .max_by_key(|(d, n)| (**n, (*d).clone()))
        .map(|(d, _)| d.clone()))
}
